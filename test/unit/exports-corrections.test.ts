import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyCorrections,
  correctedPrintedText,
  correctionsFromRecord,
  correctionsFromStoredFields,
  type CorrectedField,
  type ExportWord,
} from '../../src/exports/index.ts';
import { SEED_ROWS, typedPage, wordsBox } from '../fixtures/pages.ts';
import { corrected, seedRecord } from '../fixtures/records.ts';

const page = typedPage('seed', SEED_ROWS);
const record = seedRecord(page);

function correction(name: string, value: string | number): CorrectedField {
  const [c] = correctionsFromRecord(corrected(record, name, value), record);
  assert.ok(c, `no correction for ${name}`);
  return c;
}

const lineWords = (words: readonly ExportWord[]) => words.map((w) => w.text).join(' ');

test('the printed form keeps what surrounds the value: "No. 21340" corrected to 21341 reads "No. 21341"', () => {
  assert.equal(
    correctedPrintedText({ field: 'number', page: 'p', bbox: [0, 0, 1, 1], value: '21341', originalText: 'No. 21340', originalValue: '21340' }),
    'No. 21341',
  );
  // Case differs between value and print (classification is stored upper case).
  assert.equal(
    correctedPrintedText({ field: 'classification', page: 'p', bbox: [0, 0, 1, 1], value: 'SECRET', originalText: 'top secret', originalValue: 'TOP SECRET' }),
    'SECRET',
  );
  // A normal form that is not in the print (dates): the new value stands alone.
  assert.equal(
    correctedPrintedText({ field: 'date', page: 'p', bbox: [0, 0, 1, 1], value: '1951-06-20', originalText: '30 June 1951', originalValue: '1951-06-30' }),
    '1951-06-20',
  );
  // Without the machine's value, the new value stands alone.
  assert.equal(correctedPrintedText({ field: 'to', page: 'p', bbox: [0, 0, 1, 1], value: 'Cde. Stalyn', originalText: 'Cde. Stalin' }), 'Cde. Stalyn');
});

test('correcting the number changes that word only, keeps its box and the OCR reading', () => {
  const { page: out, unplaced } = applyCorrections(page, [correction('number', '21341')]);
  assert.deepEqual(unplaced, []);
  const words = out.lines[0]!.words;
  assert.equal(lineWords(words), 'CIPHERED TELEGRAM No. 21341');
  assert.equal(words[2]!.original, undefined, '"No." was not changed');
  assert.deepEqual(words[3]!.original, { text: '21340', confidence: page.lines[0]!.words[3]!.confidence, field: 'number' });
  assert.deepEqual(words[3]!.bbox, page.lines[0]!.words[3]!.bbox);
  assert.equal(words[3]!.confidence, 100, 'a word a person set is certain');
  assert.equal(out.lines[0]!.text, 'CIPHERED TELEGRAM No. 21341');
  // The input page is not modified.
  assert.equal(page.lines[0]!.words[3]!.text, '21340');
});

test('punctuation glued to a field stays: place "Peking," corrected to Beijing reads "Beijing,"', () => {
  const { page: out } = applyCorrections(page, [correction('place', 'Beijing')]);
  assert.equal(lineWords(out.lines[2]!.words), 'From: Beijing, 15:00, 30 June 1951.');
});

test('one word corrected in a two-line body changes that word and leaves the lines as they were', () => {
  const body = record.fields.body!;
  const fixed = String(body.value).replace('statement', 'declaration');
  const { page: out } = applyCorrections(page, [correction('body', fixed)]);
  assert.equal(lineWords(out.lines[3]!.words), 'The commander of the troops of the enemy,');
  assert.equal(lineWords(out.lines[4]!.words), 'Ridgway, today made a declaration with');
  const changed = out.lines.flatMap((l) => l.words).filter((w) => w.original);
  assert.deepEqual(
    changed.map((w) => [w.text, w.original!.text]),
    [['declaration', 'statement']],
  );
});

test("an added word splits its neighbour's box by character count; a removed word disappears", () => {
  const { page: added } = applyCorrections(page, [correction('to', 'Cde. Iosif Stalin')]);
  const words = added.lines[1]!.words;
  assert.equal(lineWords(words), 'To Cde. Iosif Stalin (2 copies)');
  const [cde, iosif, stalin] = [words[1]!, words[2]!, words[3]!];
  const oldBox = wordsBox(page, 1, 1, 2);
  for (const w of [cde, iosif, stalin]) assert.ok(w.bbox[0] >= oldBox[0] && w.bbox[2] <= oldBox[2], `${w.text} inside the field`);
  assert.ok(cde.bbox[2] <= iosif.bbox[0] && iosif.bbox[2] <= stalin.bbox[0], 'boxes in order, not overlapping');

  const { page: removed } = applyCorrections(page, [correction('to', 'Stalin')]);
  assert.equal(lineWords(removed.lines[1]!.words), 'To Stalin (2 copies)');
});

test('corrections for other pages are ignored; one whose box holds no word is reported as unplaced', () => {
  const elsewhere: CorrectedField = { field: 'to', page: 'other', bbox: wordsBox(page, 1, 1, 2), value: 'X', originalText: 'Cde. Stalin' };
  const empty: CorrectedField = { field: 'archiveRef', page: 'seed', bbox: [5, 5, 50, 20], value: '[NAA: A1838]', originalText: '' };
  const { page: out, unplaced } = applyCorrections(page, [elsewhere, empty]);
  assert.equal(out.text, page.text);
  assert.deepEqual(unplaced, [empty]);
});

test('corrections come from corrected fields only, with the machine value from the emitted record or the store', () => {
  const final = corrected(corrected(record, 'to', 'Cde. Stalyn'), 'date', '1951-06-20');
  final.fields.number = { ...final.fields.number!, status: 'confirmed' };
  const list = correctionsFromRecord(final, record);
  assert.deepEqual(
    list.map((c) => [c.field, c.value, c.originalText, c.originalValue]),
    [
      ['to', 'Cde. Stalyn', 'Cde. Stalin', 'Cde. Stalin'],
      ['date', '1951-06-20', '30 June 1951', '1951-06-30'],
    ],
  );
  const stored = correctionsFromStoredFields([
    { name: 'number', value: '21341', status: 'corrected', machineValue: '21340', text: 'No. 21340', page: 'seed', bbox: wordsBox(page, 0, 2, 3) },
    { name: 'copies', value: null, status: 'absent', machineValue: 2, text: '(2 copies)', page: 'seed', bbox: wordsBox(page, 1, 3, 4) },
  ]);
  assert.equal(stored.length, 1);
  assert.equal(correctedPrintedText(stored[0]!), 'No. 21341');
});
