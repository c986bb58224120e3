// Session 12 of issue 16: a despatch's number whose `No.` the OCR misread (a seal's ring touching it,
// dust), read where the layout puts the number (beside or under the place-and-date line) and held for
// review. The lines are the OCR of generated pages (native Tesseract, best_int: session 11's fitting
// seeds and number16-fit-a): the corpus's despatches read their `No.` clean.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESPATCH_BODY as BODY, despatchLines, fieldValue as value, readDocument as read, scoredFields as scored } from '../fixtures/segment-documents.ts';

const despatch = (header: string[]) => despatchLines(header);

test('a number under its place-and-date line after a misread `No.` (`fo. 2443.`, `Nos 1822`, `(lo. 1880`, `0: 935.`, `Qu 223.`) is read, and reviewed for its label', () => {
  for (const [line, number] of [
    ['fo. 2443.', '2443'],
    ['Nos 1822', '1822'],
    ['ENo, 1947.', '1947'],
    ['(lo. 1880', '1880'],
    ['0: 935.', '935'],
    ['Qu 223.', '223'],
  ] as const) {
    const t = read(despatch(['London, February 10, 1947.', line]));
    assert.equal(t.profile, 'us-despatch', line);
    assert.equal(value(t, 'number'), number, line);
    const field = scored(t).number!;
    assert.equal(field.status, 'needs_review', line);
    assert.ok(field.reasons.includes('fuzzy_label'), `${line}: ${field.reasons.join()}`);
    // The record's text shows the label as read.
    assert.equal(t.fields.number!.text, line.replace(/[.,]$/, ''), line);
    // The place-and-date line is read as before.
    assert.equal(value(t, 'place'), 'London', line);
    assert.equal(value(t, 'date'), '1947-02-10', line);
  }
});

test('a number before the place on the place-and-date line after a misread `No.` (`Qu 223.    Cairo, March 9, 1945.`) is read, the known place and the date on its line vouching for the label; place and date too', () => {
  const t = read(despatch(['Qu 223.      Cairo, March 9, 1945.']));
  assert.equal(value(t, 'number'), '223');
  // Session 15: the line is the place-and-date line, so the trace is its label; the digits' confidence decides.
  assert.equal(scored(t).number!.status, 'accepted');
  assert.equal(value(t, 'place'), 'Cairo');
  assert.equal(value(t, 'date'), '1945-03-09');
  const fo = read(despatch(['fo. 2443. London, February 10, 1947.']));
  assert.equal(value(fo, 'number'), '2443');
  assert.equal(value(fo, 'place'), 'London');
});

test('the place-and-date line after a misread `No.`, as the OCR read it (`To. 2412. ‘Naples,`, `o« 2097. Ankara,`, `“No. 1145. Bucharest,`): the number, reviewed', () => {
  // number16-fit-b 0011 and 0014 (mild), number16-held-20261207 0029 (mild).
  for (const [line, number, place] of [
    ['To. 2412. ‘Naples, October 24, 1939.', '2412', 'Naples'],
    ['o« 2097. Ankara, February 18, 1945.', '2097', 'Ankara'],
    ['“No. 1145. Bucharest, August 20, 1941,', '1145', 'Bucharest'],
  ] as const) {
    const t = read(despatch([line]));
    assert.equal(value(t, 'number'), number, line);
    assert.equal(value(t, 'place'), place, line);
    assert.ok(scored(t).number!.reasons.includes('fuzzy_label'), line);
    assert.equal(scored(t).number!.status, 'needs_review', line);
  }
});

test('the whole `No.` read as one mark before the number on the place-and-date line (`« 1325 Stockholm,`): the number, reviewed', () => {
  // s13-held-20261207 0001 (clean): the seal's ring over the label, read `«`.
  const t = read(despatch(['« 1325 Stockholm, May 11, 1938.']));
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'number'), '1325');
  assert.equal(value(t, 'place'), 'Stockholm');
  assert.equal(value(t, 'date'), '1938-05-11');
  assert.equal(scored(t).number!.status, 'needs_review');
  // A mark and a number with no place after them is no number line.
  assert.equal(value(read(despatch(['Stockholm, May 11, 1938.', '« 1325'])), 'number'), undefined);
});

test('a clean `No.` is still read by its label and accepted', () => {
  const t = read(despatch(['London, February 10, 1947.', 'No. 2443.']));
  assert.equal(value(t, 'number'), '2443');
  assert.equal(scored(t).number!.status, 'accepted');
});

test('no number from what is not the number line: a stamp, a file number, a date, a month, a line far from the place-and-date line, or no place-and-date line at all', () => {
  for (const line of [
    '1940 AUG 12 PM 3 46',
    'DEC 12 1940',
    'Nov. 1943.',
    'PM 12',
    '840.48 Refugees/123',
    '811.4016/123',
    'Copy 2.',
    'Rome 1943.',
    'London, 1947',
  ]) {
    const t = read(despatch(['London, February 10, 1947.', line]));
    assert.equal(value(t, 'number'), undefined, line);
  }
  // The trace must be beside or under the place-and-date line, not anywhere in the header.
  const far = read(despatch(['London, February 10, 1947.', 'RESTRICTED', 'CONFIDENTIAL', 'FILE', 'Qu 223.']));
  assert.equal(value(far, 'number'), undefined);
  const noDate = read(despatch(['Se te Srorzeamah 8 rar', 'Qu 223.']));
  assert.equal(value(noDate, 'number'), undefined);
});

test('specks standing alone between the number and the place (`o. 317. . Cairo,`, `. 396 ° Rome,`) do not hide the number: read, and reviewed', () => {
  // number16-fit-a 0021 (heavy) and 0003 (heavy, whose despatch was read by the generic profile without its number).
  const t = read(despatch(['o. 317. . Cairo, May 12, 1942.']));
  assert.equal(value(t, 'number'), '317');
  assert.equal(value(t, 'place'), 'Cairo');
  assert.equal(scored(t).number!.status, 'needs_review');
  const rome = read([
    'RECEIVED',
    'EMBASSY OF THE UNITED STATES OF AMERICA',
    '. 396 ° Rome, May. .6, 1945.',
    'z SUBJECT: Italian Anti-Semitic Legislation.',
    'E oy 5 _| Rating Distribution Instructions a g- i',
    'Thés Honorable',
    '~The Secretary of State,',
    'Washington, D. C.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(rome.profile, 'us-despatch');
  assert.equal(value(rome, 'number'), '396');
  assert.equal(value(rome, 'place'), 'Rome');
  assert.ok(scored(rome).number!.reasons.includes('ocr_corrected'));
  // A word between them is no speck: `396 of Rome,` is not a number line.
  assert.equal(value(read(despatch(['396 of Rome, May 6, 1945.'])), 'number'), undefined);
});
