// Session 14 (lead) of issue 16: a despatch's `Sir:` misread `Sar:` or `Sars` (s14-held 0002 and 0020,
// mild), or read on the recipient's last line (`Washington. Sir:`, the OCR joining the two lines): no
// salutation was found, the text started at the city, and was held as a guess (`body_start_uncertain`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESPATCH_BODY, fieldValue as value, readDocument as read, scoredFields as scored } from '../fixtures/segment-documents.ts';

const despatch = (...recipientEnd: string[]) => [
  'LEGATION OF THE',
  'UNITED STATES OF AMERICA',
  'No. 720. Bucharest, January 25, 1939.',
  'Subject: The Situation of Jews in Rumania.',
  'The Honorable',
  'The Secretary of State,',
  ...recipientEnd,
  ...DESPATCH_BODY,
];

test('`Sir:` misread (`Sar:`, `Sars`) or read on the city line (`Washington. Sar:`, `Washington, D. C. Sir:`) opens the text under it', () => {
  for (const lines of [['Washington.', 'Sar:'], ['Washington.', 'Sars'], ['Washington. Sar:'], ['Washington, D. C. Sir:']]) {
    const line = lines.join(' / ');
    const t = read(despatch(...lines));
    assert.equal(t.profile, 'us-despatch', line);
    assert.equal(value(t, 'to'), 'The Secretary of State', line);
    assert.ok(String(value(t, 'body')).startsWith('The Minister of the Interior'), `${line}: ${value(t, 'body')}`);
    assert.ok(!scored(t).body!.reasons.includes('body_start_uncertain'), line);
  }
});

test('a city line with no salutation after it leaves the text start a guess, as before', () => {
  const t = read(despatch('Washington.'));
  assert.ok(scored(t).body!.reasons.includes('body_start_uncertain'));
});
