// Session 15 (branch degraded17) of issue 16: despatch and letter lines as the OCR read them on mild,
// heavy and clean generated pages (native Tesseract, best_int; seeds degraded17-fit-a and -fit-b), whose
// key field the parsers lost or kept a speck in. Each value read through dust is reviewed; the clean
// reading of the same line is checked beside it. The corpus's despatches and letter read these lines
// clean (its crops cut the headers off): these are generated pages' lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDate, findPlaceDateTime } from '../../src/segment/datetime.ts';
import {
  DESPATCH_BODY as BODY,
  despatchLines,
  fieldValue as value,
  letterLines,
  readDocument as read,
  scoredFields as scored,
} from '../fixtures/segment-documents.ts';

const despatch = (header: string[], subject = 'Subject: Political Situation in Egypt.') => despatchLines(header, { subject });

const letter = ({ to = 'Central Committee for Emigrant Aid,', closing = 'Yours faithfully,', names = ['F. D. Hartmann'] } = {}) =>
  letterLines({ to: [to], closing, names });

test('a speck between `No.` and the number (`No." 859.`, `No. £595.`): the number, reviewed', () => {
  // degraded17-fit-b 0002 (mild) and 0019 (clean): the number was missing.
  for (const [line, number, place] of [
    ['No." 859. : Baghdad, November 14, 1939.', '859', 'Baghdad'],
    ['No. £595. Baghdad, February 15, 1941.', '595', 'Baghdad'],
  ] as const) {
    const t = read(despatch([line]));
    assert.equal(value(t, 'number'), number, line);
    assert.equal(value(t, 'place'), place, line);
    assert.equal(scored(t).number!.status, 'needs_review', line);
  }
  // Read clean, the number is accepted as before.
  const clean = read(despatch(['No. 859. Baghdad, November 14, 1939.']));
  assert.equal(value(clean, 'number'), '859');
  assert.equal(scored(clean).number!.status, 'accepted');
});

test('a stop alone between `Subject:` and its first word (`Subject:. Restrictions`, `SUBJECT: . Registration`): a speck after the label, left out as read', () => {
  // degraded17-fit-b 0012 (heavy): `. Restrictions on the ...` was accepted, wrong; 0021 (heavy) in review, wrong.
  for (const subject of ['Subject:. Restrictions on the Practice of the Professions.', 'SUBJECT: . Restrictions on the Practice of the Professions.']) {
    const t = read(despatch(['No. 1910. Bern, July 5, 1942.'], subject));
    assert.equal(value(t, 'subject'), 'Restrictions on the Practice of the Professions.', subject);
    // The words are as read: the subject is judged on them, as with a mark glued after the label.
    assert.equal(scored(t).subject!.status, 'accepted', subject);
  }
  // A stop before a small letter is no speck after the label: the subject is left as read.
  const small = read(despatch(['No. 1910. Bern, July 5, 1942.'], 'Subject: . restrictions on the Practice of the Professions.'));
  assert.equal(value(small, 'subject'), '. restrictions on the Practice of the Professions.');
});

test("a quote mark glued to a word inside a subject (`The Situation' of Jews`): a speck; a plural's possessive stays", () => {
  // degraded17-fit-a 0030 (heavy).
  const t = read(despatch(['No. 1910. Bern, July 5, 1942.'], 'Subject: The Situation’ of Jews in Rumania.'));
  assert.equal(value(t, 'subject'), 'The Situation of Jews in Rumania.');
  assert.equal(scored(t).subject!.status, 'needs_review');
  const possessive = read(despatch(['No. 1910. Bern, July 5, 1942.'], 'Subject: The Refugees’ Committee in Rumania.'));
  assert.equal(value(possessive, 'subject'), 'The Refugees’ Committee in Rumania.');
});

test('a speck read as a tilde between the month and the day (`September~3, 1945.`): the date, reviewed', () => {
  // degraded17-fit-a 0003 (heavy): the date was missing.
  const d = findDate('No. 1562 : Bern, September~3, 1945.', { allowInvalid: true });
  assert.equal(d?.iso, '1945-09-03');
  assert.ok(d?.notes.includes('ocr_corrected'));
  const t = read(despatch(['No. 1562 : Bern, September~3, 1945.']));
  assert.equal(value(t, 'date'), '1945-09-03');
  assert.equal(value(t, 'place'), 'Bern');
  assert.equal(scored(t).date!.status, 'needs_review');
  // Read clean, the date is not marked.
  assert.deepEqual(findDate('Bern, September 3, 1945.')?.notes, []);
});

test("the post's country misread after its city (`Barcelona, Spaifl, August 22, 1945.`): the city is the place", () => {
  // degraded17-fit-b 0020 (mild, a stamp struck over the line): place `Spaifl`, in review.
  assert.equal(findPlaceDateTime('No. 1046. Barcelona, Spaifl, August 22, 1945.').place?.text, 'Barcelona');
  assert.equal(findPlaceDateTime('No. 1046. Barcelona, Spain, August 22, 1945.').place?.text, 'Barcelona');
  // A word far from every country is the place as read (a city of its own).
  assert.equal(findPlaceDateTime('Geneva, Lausanne, August 22, 1945.').place?.text, 'Lausanne');
  const t = read(despatch(['No. 1046. Barcelona, Spaifl, August 22, 1945.']));
  assert.equal(value(t, 'place'), 'Barcelona');
});

test('the recipient block with a stop and a comma glued around `of` (`The Secretary. of, State,`): the office whole', () => {
  // degraded17-fit-a 0003 (heavy): `to` was `The Secretary`, in review.
  const t = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'No. 1562. Bern, September 3, 1945.',
    'Subject: The Situation of Jews in Switzerland.',
    'The -Honorable - 5',
    'The Secretary. of, State,',
    'Washington, D. C.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(t, 'to'), 'The Secretary of State');
  assert.equal(t.fields.to!.text, 'The Secretary. of, State');
  // A comma after the office, before the city, still ends it.
  const city = read(despatch(['No. 1562. Bern, September 3, 1945.']));
  assert.equal(value(city, 'to'), 'The Secretary of State');
});

test("a letter's addressee after `To:` read `Tos` on its line, or with a speck after its comma (`Mrs. M. Moreau, ?`): the addressee, reviewed", () => {
  // degraded17-fit-a 0006 and 0024 (heavy letters), degraded17-fit-b 0015 (heavy letter).
  for (const [to, expected] of [
    ['Tos Central Committee for Emigrant Aid,', 'Central Committee for Emigrant Aid'],
    ['Mrs. M. Moreau, ?', 'Mrs. M. Moreau'],
    ['Professor D. G. Ashcroft, $', 'Professor D. G. Ashcroft'],
  ] as const) {
    const t = read(letter({ to }));
    assert.equal(t.profile, 'letter', to);
    assert.equal(value(t, 'to'), expected, to);
    assert.equal(scored(t).to!.status, 'needs_review', to);
  }
  // `Tosca Opera House` is a name, not the label.
  assert.equal(value(read(letter({ to: 'Tosca Opera House,' })), 'to'), 'Tosca Opera House');
});

test("a letter's closing read with a split word, a speck or one letter left of `Yours` (`Yours faithful ly,`, `Yours very ‘truly,`, `a sincerely,`): the signer under it", () => {
  // degraded17-fit-b 0005 (mild), 0024 and 0006 (heavy letters): the signer was absent.
  for (const closing of ['Yours faithful ly,', 'Yours very ‘truly,', 'a sincerely,']) {
    const t = read(letter({ closing }));
    assert.equal(value(t, 'signature'), 'F. D. Hartmann', closing);
  }
  // A line of text ending on `truly,` is still no closing.
  assert.equal(value(read(letter({ closing: 'We are most truly,' })), 'signature'), undefined);
});

test('a third fitting seed: the `8` read `B` before the number (`No. B61."`), a colon glued before `State`, a dash glued to `for` in an addressee', () => {
  // degraded17-fit-c 0012 and 0003 (heavy despatches), 0024 (heavy letter).
  const eight = read(despatch(['London, June 25, 1941.', 'No. B61."']));
  assert.equal(value(eight, 'number'), '861');
  assert.equal(scored(eight).number!.status, 'needs_review');
  const colon = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'Tehran, June 9, 1942.',
    'No. 2017',
    'Subject: Political Situation in Iran.',
    '_ The Honorable',
    'The Secretary of :State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(colon, 'to'), 'The Secretary of State');
  const board = read(letter({ to: 'Board of Relief for- Stateless Persons' }));
  assert.equal(value(board, 'to'), 'Board of Relief for Stateless Persons');
  assert.equal(scored(board).to!.status, 'needs_review');
  // A hyphenated name keeps its hyphen.
  assert.equal(value(read(letter({ to: 'Anglo-Jewish Association,' })), 'to'), 'Anglo-Jewish Association');
});

test('two initials run together in a signer (`AG. Kowalczyk`): the initials apart, reviewed; a title is no pair of initials', () => {
  // degraded17-fit-a 0024 (heavy letter): the scrawl read `AG. Kowalczyk`, the typed name under it `: 0 G. Kowalczyk`.
  const t = read(letter({ names: ['AG. Kowalczyk'] }));
  assert.equal(value(t, 'signature'), 'A. G. Kowalczyk');
  assert.equal(scored(t).signature!.status, 'needs_review');
  assert.equal(value(read(letter({ names: ['DR. Kowalczyk'] })), 'signature'), 'DR. Kowalczyk');
});

test("a fourth seed, fitted after it was read once: `No.` read as a figure and a stop (`2. 1729 Madrid,`), a quote before the year (`27,'1947`), a quote glued to `Secretary`, an initial's stop read twice", () => {
  // degraded17-check-d 0029 (mild) and 0021, 0003, 0030 (heavy despatches), 0015 (heavy letter).
  const madrid = read(despatch(['2. 1729 Madrid, January 11, 1937.']));
  assert.equal(value(madrid, 'number'), '1729');
  assert.equal(value(madrid, 'place'), 'Madrid');
  assert.equal(scored(madrid).number!.status, 'needs_review');
  // A figure before a sentence's number is no trace of `No.`: the sentence's number is not the despatch's.
  assert.notEqual(value(read(despatch(['Madrid, January 11, 1937.', '2. 1729 persons were registered, Madrid'])), 'number'), '1729');
  const d = findDate("1. 9370 Paris, -August 27,'1947.", { allowInvalid: true });
  assert.equal(d?.iso, '1947-08-27');
  assert.ok(d?.notes.includes('ocr_corrected'));
  for (const office of ['The ‘Secretary of State,', 'The "Secretary of state,']) {
    const t = read([
      'EMBASSY OF THE UNITED STATES OF AMERICA',
      'No. 1743. Ankara, May 25, 1941.',
      'Subject: Economic Conditions in Turkey during the Past Quarter.',
      'The Honorable',
      office,
      'Washington.',
      'Sir:',
      ...BODY,
    ]);
    assert.equal(value(t, 'to'), 'The Secretary of State', office);
  }
  const miss = read(letter({ to: 'Miss M.. M. Ashcroft,' }));
  assert.equal(value(miss, 'to'), 'Miss M. M. Ashcroft');
  assert.equal(scored(miss).to!.status, 'needs_review');
});

test('a quote mark glued before a small word inside a subject (`during ‘the Past Quarter`): a speck, reviewed; a quotation closed in the subject stays', () => {
  // degraded17-check-d 0021 (heavy despatch).
  const t = read(despatch(['No. 937. Paris, August 27, 1947.'], 'Subject: Economic Conditions in France during ‘the Past Quarter.'));
  assert.equal(value(t, 'subject'), 'Economic Conditions in France during the Past Quarter.');
  assert.equal(scored(t).subject!.status, 'needs_review');
  const quoted = read(despatch(['No. 937. Paris, August 27, 1947.'], 'Subject: The so-called ‘voluntary’ Emigration of Jews.'));
  assert.equal(value(quoted, 'subject'), 'The so-called ‘voluntary’ Emigration of Jews.');
});
