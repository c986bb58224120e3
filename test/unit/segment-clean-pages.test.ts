// What failed on clean and mild generated despatches and letters (session 13, clean16): the despatch
// number's `R`, a subject's leading speck, a recipient office cut before misread words, a signer's
// initial the typed line lost, and one-letter misreads no list checks (the language's dictionary).
// The lines are what native Tesseract read on the pages named; the corpus despatches' are real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTelegram } from '../../src/confidence/index.ts';
import { knownWord } from '../../src/confidence/dictionary.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import type { PageResult } from '../../src/types.ts';
import { CHAR_W, pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const { thresholds, period } = loadConfig({ env: {} });

const segment = (page: PageResult): SegmentedTelegram => {
  const docs = segmentDocument([page], { profiles });
  assert.equal(docs.length, 1, 'one document');
  return docs[0]!;
};
const read = (lines: string[], confidence?: (word: string, line: number) => number) => segment(pageFromText(lines, { confidence }));

const despatch = (numberLine: string, subject = 'Subject: Registration of Aliens in Finland.') => [
  'LEGATION OF THE',
  'UNITED STATES OF AMERICA',
  'Helsinki, February 10, 1937.',
  numberLine,
  subject,
  'The Honorable',
  'The Secretary of State,',
  'Washington.',
  'Sir:',
  'I have the honor to report that the Government has issued a decree.',
  'Respectfully yours,',
  'Howard Ward Tregear',
];

test('despatch number: a capital before the digits is a misread digit, not a series prefix; the pitch of `No.` tells which', () => {
  // clean16-fit-a 0010 (clean): `No. 245.` read `No. R245.`, the word as wide as four glyphs, not five: the R is none.
  const page = pageFromText(despatch('No. R245.'));
  const word = page.lines[3]!.words[1]!;
  assert.equal(word.text, 'R245.');
  word.bbox = [word.bbox[0], word.bbox[1], word.bbox[0] + 4 * CHAR_W, word.bbox[3]];
  const phantom = segment(page);
  assert.equal(phantom.fields.number!.value, '245');
  assert.ok(phantom.fields.number!.notes.includes('ocr_corrected'));
  // number16-held 0021 (heavy): `No. R807.` for 2807, the word five glyphs wide: the R is the 2.
  const misread = read(despatch('No. R807.'));
  assert.equal(misread.fields.number!.value, '2807');
  assert.ok(misread.fields.number!.notes.includes('ocr_corrected'));
  // Another capital is no look-alike: its digits, reviewed.
  const other = read(despatch('No. K807.'));
  assert.equal(other.fields.number!.value, '807');
  assert.ok(other.fields.number!.notes.includes('ocr_corrected'));
});

test('despatch number: the corpus despatches (EHRI-DR-19390125-US, EHRI-DR-19400712-US) read as before, nothing repaired', () => {
  const n720 = read(despatch('No. 720. Bucharest, January 25, 1939. LA?').filter((l) => !l.startsWith('Helsinki')));
  assert.equal(n720.fields.number!.value, '720');
  assert.deepEqual(n720.fields.number!.notes, []);
  const n1496 = read(despatch('No. 1496,'));
  assert.equal(n1496.fields.number!.value, '1496');
  assert.deepEqual(n1496.fields.number!.notes, []);
});

test("telegram numbers keep their series letters apart (`UN757`): the option is the despatch profile's alone", () => {
  const t = read(['CIPHERED TELEGRAM No. UN757', 'From: USSR Embassy, Washington', 'To: USSR MFA', 'Moscow, 12 March 1962.', 'Text of the telegram.']);
  if (t.fields.number?.found) {
    assert.equal(t.fields.number.value, '757');
    assert.ok(!t.fields.number.notes.includes('ocr_corrected'));
  }
});

test('subject: a speck read as a dash before the first word is not the subject (0012 heavy, accepted so at 0.92)', () => {
  const t = read(despatch('No. 712.', 'Subject: -The Situation of Jews in Germany. -'));
  assert.equal(t.fields.subject!.value, 'The Situation of Jews in Germany.');
  assert.ok(t.fields.subject!.notes.includes('ocr_corrected'));
  // A subject read without a speck is read as before, nothing repaired.
  assert.deepEqual(read(despatch('No. 712.', 'Subject: The Situation of Jews in Germany.')).fields.subject!.notes, []);
});

test('recipient office cut before words the OCR misread (`The Secretary oF hea oF`, accepted as `The Secretary` at 0.96) is held', () => {
  const lines = despatch('No. 1008.');
  lines[6] = 'The Secretary oF hea oF';
  const t = read(lines);
  assert.equal(t.fields.to!.value, 'The Secretary');
  assert.ok(t.fields.to!.notes.includes('incomplete_value'));
  const scored = scoreTelegram(t, { thresholds, period });
  assert.equal(scored.fields.to!.status, 'needs_review');
  // Read whole, it is accepted as before.
  assert.equal(scoreTelegram(read(despatch('No. 1008.')), { thresholds, period }).fields.to!.status, 'accepted');
});

const letter = (scrawl: string, typed: string) => [
  'London, 23 December 1957.',
  'The Secretary,',
  'The Council for Refugee Relief,',
  '12 Bloomsbury Square,',
  'London, W.C.1.',
  'Dear Sir,',
  'I have pleasure in sending you the report of the work of the committee.',
  'Yours faithfully,',
  scrawl,
  typed,
];

// The typed lines below start where the lost initial's characters end (`I. ` is three characters of the grid), as
// on the page: the name is typed at the closing's tab stop, and what the OCR lost leaves its gap (session 14).
test('signer: the typed line lost an initial the scrawl line reads (`I K KOWALCZYK` over `K. KOWALCZYK`): put back when a capital, held', () => {
  const t = read(letter('I K KOWALCZYK', '   K. KOWALCZYK'), (w, line) => (line === 8 ? 75 : 92));
  assert.equal(t.kind, 'letter');
  // The scrawl's extra word is a single capital: the initial the typed line lost, put back; held all the same.
  assert.equal(t.fields.signature!.value, 'I. K. KOWALCZYK');
  assert.ok(t.fields.signature!.notes.includes('multiple_candidates'));
  // clean16-held 0031 (clean): `N. TONESCU` over `IONESCU` (at 96): the initial put back, the surname the typed line's.
  const ionescu = read(letter('N. TONESCU', '   IONESCU'), (w, line) => (line === 8 ? 58 : 96));
  assert.equal(ionescu.fields.signature!.value, 'N. IONESCU');
  assert.ok(ionescu.fields.signature!.notes.includes('multiple_candidates'));
  // clean16-held 0004 (clean): `8. B. Hoxhaj` over `. B. Hoxhaj`: a figure is no initial, the typed line alone, held.
  const hoxhaj = read(letter('8. B. Hoxhaj', ' . B. Hoxhaj'), (w, line) => (line === 8 ? 91 : 85));
  assert.equal(hoxhaj.fields.signature!.value, 'B. Hoxhaj');
  // fit-b 0005: `LV. NOVOTNY` over `V. NOVOTNY` (two initials squeezed).
  const squeezed = read(letter('LV. NOVOTNY', '   V. NOVOTNY'), (w, line) => (line === 8 ? 59 : 92));
  assert.ok(squeezed.fields.signature!.notes.includes('multiple_candidates'));
  // The same initials on both lines: the typed line, nothing to decide.
  const same = read(letter('P. F. Whitlock', 'P. F. Whitlock,'), (w, line) => (line === 8 ? 40 : 96));
  assert.ok(!same.fields.signature!.notes.includes('multiple_candidates'));
});

test("the language's dictionary: Tesseract's own word list, names included", () => {
  for (const w of ['Proceeding.', 'Lindqvist', 'Iraqi', 'Refugees,', 'Secretary']) assert.equal(knownWord(w, 'eng'), true, w);
  for (const w of ['roceeding', 'Lindgvist', 'Iragi']) assert.equal(knownWord(w, 'eng'), false, w);
  assert.equal(knownWord('of', 'eng'), null);
  assert.equal(knownWord('Lindgvist', 'fra'), null);
});

test('a subject or name word the dictionary does not know, read at 91-92, is held (`roceeding`, `Lindgvist`); known words are not', () => {
  const subject = 'Subject: Transit Visas for Refugees roceeding through Poland.';
  const conf = (w: string) => (w === 'roceeding' || w === 'Proceeding' ? 91 : 97);
  const t = read(despatch('No. 1054.', subject), conf);
  const held = scoreTelegram(t, { thresholds, period, lang: 'eng' });
  assert.equal(held.fields.subject!.status, 'needs_review');
  assert.ok(held.fields.subject!.reasons.includes('unknown_word'));
  // Without a language (no dictionary for it) the rule says nothing.
  assert.ok(!scoreTelegram(t, { thresholds, period }).fields.subject!.reasons.includes('unknown_word'));
  const right = read(despatch('No. 1054.', subject.replace('roceeding', 'Proceeding')), conf);
  const scored = scoreTelegram(right, { thresholds, period, lang: 'eng' });
  assert.ok(!scored.fields.subject!.reasons.includes('unknown_word'));
  assert.equal(scored.fields.subject!.status, 'accepted');
  // An unknown word read at 97 is the OCR's to vouch for.
  const sure = read(despatch('No. 1054.', subject), () => 97);
  assert.ok(!scoreTelegram(sure, { thresholds, period, lang: 'eng' }).fields.subject!.reasons.includes('unknown_word'));
});

test("a signer's surname the dictionary does not know is not held for it: names are the evidence of the signature's own lines", () => {
  const t = read(letter('Herschel B. Tregear', 'Herschel B. Tregear'), (w) => (w === 'Tregear' ? 90 : 97));
  assert.equal(knownWord('Tregear', 'eng'), false);
  const scored = scoreTelegram(t, { thresholds, period, lang: 'eng' });
  assert.equal(scored.fields.signature!.value, 'Herschel B. Tregear');
  assert.ok(!scored.fields.signature!.reasons.includes('unknown_word'), scored.fields.signature!.reasons.join(','));
});
