// Session 14 (lead) of issue 16: a heavy letter whose `Dear` lost a letter (`Ded Sirs,`, the
// OCR of s14-held-20261207 0015 once line recovery read its doubtful rows once) had no salutation
// left to show it is a letter, and a telegram layout (dfat-cable: a number from `86, Mount Street`,
// a sender copied from the signer) read it best. A one-letter misread of `Dear` before `Sirs` or
// `Madam` is the letter's salutation; a sentence opening on a word like it is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProfiles } from '../../src/segment/index.ts';
import { readDocument as read } from '../fixtures/segment-documents.ts';

const letter = (salutation: string) => [
  'RELIEF OFFICE FOR DISPLACED FAMILIES',
  '-35; Park €rescent, Stockholm',
  'Telephone: TERminus 4854',
  '1 .. Stockholm, October 19, 1948',
  'Ref. ‘FH/ms : ba SR',
  'The ‘Society. for the’ Cire of Revues Children,',
  '86, Mount Street,',
  'Prague, Ls',
  salutation,
  'We should be’ grateful if you would forward the ensT ols',
  'papers’ to the’ émbassy. I have been in Colombo for 28 days and',
  'have seen ‘most of the people. whose names were given to me. The',
  'cost of maintaining « one family is about 25 pounds a ‘month,',
  'Please let me know if any further information: is',
  'required. Our representative in Berlin has reported that the',
  'Tours faithrully,',
  '7. Harrington',
  'F. Harrington, Rabbi,',
];

test('a heavy letter with `Dear` misread (`Ded Sirs,`, `Bear Madam,`) is read as a letter, not a telegram', () => {
  for (const salutation of ['“Dear Sirs,', 'Ded Sirs,', 'Bear Madam,', 'Dcar Sir,']) {
    const t = read(letter(salutation));
    assert.equal(t.kind, 'letter', salutation);
    assert.equal(t.profile, 'letter', salutation);
  }
});

test('the salutation cue takes a one-letter misread of `Dear` before `Sirs`/`Madam`, not a sentence opening on such a word', () => {
  const cue = loadProfiles({})
    .find((p) => p.name === 'letter')!
    .cues.find((c) => c.name === 'salutation')!;
  const re = new RegExp(cue.regex, cue.matchCase ? 'u' : 'iu');
  for (const line of ['Ded Sirs,', 'Bear Madam,', 'Dcar Sir,', '“Dear Sirs,']) assert.ok(re.test(line), line);
  for (const line of ['Do Sirs and Madams of the committee agree that we proceed at once?', 'Dead Sea scrolls were found,', 'Deal Sirs and the rest of them.'])
    assert.equal(re.test(line), false, line);
});
