import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withChecker } from '../../src/create-engine.ts';
import { checkDigits, correctedDigits, correctedDigitsOf, dateAt, KNOWN_CONFUSIONS, splitTimeAt, unitsToCheck } from '../../src/ocr/digit-check.ts';
import type { OcrEngine, OcrRequest } from '../../src/ocr/engine.ts';
import type { OcrResult, RawImage } from '../../src/types.ts';

type Word = OcrResult['lines'][number]['words'][number];
const word = (text: string, confidence: number, x = 0): Word => ({ text, confidence, bbox: [x, 10, x + 40, 30] }) as Word;

function page(words: Word[][], model: OcrResult['model'] = 'fast'): OcrResult {
  const lines = words.map((ws, i) => ({
    text: ws.map((w) => w.text).join(' '),
    confidence: ws.reduce((a, w) => a + w.confidence, 0) / ws.length,
    bbox: [0, 10, 200, 30],
    words: ws,
    paragraph: i,
  })) as unknown as OcrResult['lines'];
  return { text: '', lines, meanConfidence: 90, wordCount: words.flat().length, engine: 'fake', engineVersion: '', model } as OcrResult;
}

/** A checker that reads each crop as the next of `readings` (one word each; '' reads nothing). */
function checker(readings: string[], model: OcrResult['model'] = 'best'): OcrEngine & { calls: number; requests: OcrRequest[] } {
  let k = 0;
  const self = {
    name: 'fake-best',
    calls: 0,
    requests: [] as OcrRequest[],
    async recognize(): Promise<OcrResult> {
      throw new Error('the check reads in one batch');
    },
    async recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]> {
      self.calls += 1;
      self.requests.push(...requests);
      return requests.map(() => {
        const text = readings[k++] ?? '';
        return page(text ? [[word(text, 80)]] : [], model);
      });
    },
    async close() {},
  };
  return self;
}

const image: RawImage = { width: 300, height: 60, channels: 1, data: Buffer.alloc(300 * 60, 255) };
const options = { lang: 'eng', minConfidence: 85, maxWords: 60 };

test('digit check: only confident words with three digits or more, the most confident first, at most maxWords', () => {
  const lines = page([
    [word('No.', 95), word('2815', 91), word('22', 97), word('3.', 96)],
    [word('07:50,', 96), word('1952', 70), word('x83456', 93)],
  ]).lines;
  assert.deepEqual(
    unitsToCheck(lines, { minConfidence: 85, maxWords: 60 }).map((u) => u.parts.map((p) => p.word.text).join(' ')),
    ['07:50,', 'x83456', '2815'],
  );
  assert.equal(unitsToCheck(lines, { minConfidence: 85, maxWords: 2 }).length, 2);
});

test('digit check: the checker digits are taken only where the two differ by the fast model known confusion (its 5, best_int 3)', () => {
  const one = (text: string) => page([[word(text, 80)]], 'best');
  const fast = KNOWN_CONFUSIONS.fast!;
  // The fitting set's cases (calib-fit-2026-12-07): the fast model's 3 read as 5.
  assert.equal(correctedDigits('2815.', one('2813'), fast), '2813.');
  assert.equal(correctedDigits('07:50,', one('07:30'), fast), '07:30,');
  assert.equal(correctedDigits('5500', one('3300'), fast), '3300');
  // best_int's own misreads of a word read alone go the other way, or elsewhere: the page's reading stays.
  assert.equal(correctedDigits('10:30,', one('10:50,'), fast), null);
  assert.equal(correctedDigits('6700', one('8700'), fast), null);
  assert.equal(correctedDigits('3152', one('2162'), fast), null); // a 5/6 beside a 3/2
  assert.equal(correctedDigits('2815', one('2815'), fast), null); // the same digits
  assert.equal(correctedDigits('17:55,', one('17555'), fast), null); // a colon read as a digit: another count
  assert.equal(correctedDigits('1955', page([[word('19', 80), word('33', 80)]], 'best'), fast), null); // two words
  assert.equal(correctedDigits('1955', page([], 'best'), fast), null); // nothing read
  assert.equal(correctedDigits('2815', one('2813'), []), null); // a model without known confusions
});

test('digit check: a fast word best_int reads with a 3 for its 5 takes the 3; the page text follows', async () => {
  const read = page([
    [word('Telegram', 96), word('2815.', 90.3)],
    [word('London,', 95), word('1952', 96)],
  ]);
  const fake = checker(['1932', '2813.']); // the most confident first: 1952, then 2815.
  const { result, report } = await checkDigits(image, read, fake, options);
  assert.equal(fake.calls, 1, 'all crops in one call');
  assert.equal(fake.requests[0]!.psm, 8);
  assert.equal(report.model, 'best');
  assert.equal(report.wordsChecked, 2);
  assert.deepEqual(report.corrected, [
    { line: 1, word: 1, was: '1952', text: '1932' },
    { line: 0, word: 1, was: '2815.', text: '2813.' },
  ]);
  assert.equal(result.lines[0]!.words[1]!.text, '2813.');
  assert.equal(result.lines[0]!.words[1]!.confidence, 90.3, "the confidence is the page reading's");
  assert.equal(result.lines[0]!.text, 'Telegram 2813.');
  assert.match(result.text, /Telegram 2813\./);
  assert.equal(read.lines[0]!.words[1]!.text, '2815.', 'the input is not changed');
});

test('digit check: another disagreement changes nothing', async () => {
  const read = page([[word('10:30,', 96)]]);
  const { result, report } = await checkDigits(image, read, checker(['10:50,']), options);
  assert.equal(result, read);
  assert.deepEqual(report.corrected, []);
});

test('digit check: a checker reading with the page own model (no best_int for the language) changes nothing', async () => {
  const read = page([[word('2815', 95)]]);
  const { result, report } = await checkDigits(image, read, checker(['2813'], 'fast'), options);
  assert.equal(result, read);
  assert.equal(report.wordsChecked, 0);
});

test('digit check: a page without a digit word makes no call', async () => {
  const fake = checker([]);
  const { report } = await checkDigits(image, page([[word('Moscow', 95)]]), fake, options);
  assert.equal(fake.calls, 0);
  assert.equal(report.wordsChecked, 0);
});

test('withChecker: the checker is created once, on first use, and closed with the engine', async () => {
  let created = 0;
  let closed = 0;
  const base = { name: 'tesseract', recognize: async () => page([]), selections: () => [], close: async () => void closed++ };
  const engine = withChecker(base, () => {
    created += 1;
    return { name: 'best', recognize: async () => page([]), close: async () => void closed++ };
  });
  assert.equal(engine.name, 'tesseract');
  assert.equal(created, 0);
  assert.equal(engine.checker!(), engine.checker!());
  assert.equal(created, 1);
  await engine.close();
  assert.equal(closed, 2);
});

test('digit check: a time the page read as two or three words is one unit (`1965-2:` `50`, `02` `:30`, `02` `:` `30`)', () => {
  const texts = (ws: string[]) => ws.map((text) => ({ text }));
  // fast-heldout-20261207b, native fast: `Washington, February 3, 1965—2:30 a. m.` read `... 1965-2:` `50` `a.` `m.`
  assert.equal(splitTimeAt(texts(['3,', '1965-2:', '50', 'a.', 'm.']), 1), 2);
  assert.equal(splitTimeAt(texts(['Moscow,', '02', ':30,']), 1), 2);
  assert.equal(splitTimeAt(texts(['Moscow,', '02', ':', '30,', '27']), 1), 3);
  assert.equal(splitTimeAt(texts(['From:', 'Kabul,', '06:10,']), 2), 1, 'a time read as one word is a word');
  assert.equal(splitTimeAt(texts(['0230']), 0), 1);
  assert.equal(splitTimeAt(texts(['February', '3,', '1965']), 1), 1, 'a day and a year are no time');
  assert.equal(splitTimeAt(texts(['Copy', 'No.', '12']), 1), 1);
  assert.equal(splitTimeAt(texts(['1965-2:', '503']), 0), 1, 'minutes have two digits');

  const lines = page([
    [word('Washington,', 96), word('February', 95), word('3,', 96), word('1965-2:', 80), word('50', 93), word('a.', 90), word('m.', 91)],
    [word('302.', 92), word('The', 96)],
    [word('Kabul,', 95), word('6', 60), word(':40,', 70)],
  ]).lines;
  const units = unitsToCheck(lines, { minConfidence: 85, maxWords: 60 });
  assert.deepEqual(
    units.map((u) => u.parts.map((p) => `${p.li}.${p.wi}:${p.word.text}`)),
    [['0.1:February', '0.2:3,', '0.3:1965-2:', '0.4:50'], ['1.0:302.']],
    'the date and the time glued to its year are one unit, checked when one of its words is confident; the doubted time (6 :40, at 60-70) is not',
  );
});

test('digit check: a day beside its month is checked with it (`30 August` read `50 August`), with its year when it follows', () => {
  const texts = (ws: string[]) => ws.map((text) => ({ text }));
  assert.equal(dateAt(texts(['Washington,', 'February', '3,', '1965.']), 1), 3);
  assert.equal(dateAt(texts(['Cablegram', '925', 'RANGOON,', '50', 'August', '1964,', '7.50']), 3), 3);
  assert.equal(dateAt(texts(['on', 'the', '5', 'Sept.']), 2), 2);
  assert.equal(dateAt(texts(['February', '3,']), 0), 2);
  assert.equal(dateAt(texts(['Copy', 'No.', '3']), 1), 1);
  assert.equal(dateAt(texts(['May', 'we']), 0), 1);
  const units = unitsToCheck(
    page([
      [word('Cablegram', 96), word('925', 95), word('RANGOON,', 94), word('50', 92), word('August', 95), word('1964,', 93), word('7.50', 90), word('a.m.', 88)],
      [word('in', 96), word('3', 95), word('copies', 95)],
    ]).lines,
    { minConfidence: 85, maxWords: 60 },
  );
  assert.deepEqual(
    units.map((u) => u.parts.map((p) => p.word.text).join(' ')),
    ['925', '50 August 1964,', '7.50'],
    'a short number without a month beside it is still not checked',
  );
});

test('digit check: a split time takes best_int digits over its words, in order, where they differ by the known confusion', () => {
  const fast = KNOWN_CONFUSIONS.fast!;
  const read = (...ws: string[]) => page([ws.map((t) => word(t, 80))], 'best');
  assert.deepEqual(correctedDigitsOf(['1965-2:', '50'], read('1965-2:30'), fast), ['1965-2:', '30']);
  assert.deepEqual(correctedDigitsOf(['1965-2:', '50'], read('1965-2:', '30'), fast), ['1965-2:', '30'], 'read as two words too');
  assert.deepEqual(correctedDigitsOf(['02', ':', '50,'], read('02:30,'), fast), ['02', ':', '30,']);
  assert.equal(correctedDigitsOf(['1965-2:', '30'], read('1965-2:50'), fast), null, "best_int's 5 for a 3: the page stays");
  assert.equal(correctedDigitsOf(['1965-2:', '50'], read('1965-2:50'), fast), null, 'the same digits');
  assert.equal(correctedDigitsOf(['1965-2:', '50'], read('1965-2:5'), fast), null, 'another count of digits');
  assert.equal(correctedDigitsOf(['2815'], read('28', '13'), fast), null, 'a single word read as two words says nothing');
});

test('digit check: split times are read as a line (PSM 7) in their own call, words as words (PSM 8); the page text follows', async () => {
  const read = page([
    [word('Washington,', 96, 0), word('1965-2:', 80, 50), word('50', 93, 95), word('a.', 90, 140), word('m.', 91, 185)],
    [word('2815.', 95, 0), word('The', 96, 50)],
  ]);
  const fake = checker(['2813.', '1965-2:30']);
  const { result, report } = await checkDigits(image, read, fake, options);
  assert.equal(fake.calls, 2, 'one call for the words, one for the split times');
  assert.deepEqual(
    fake.requests.map((r) => r.psm),
    [8, 7],
  );
  assert.ok(fake.requests[1]!.image.width > fake.requests[0]!.image.width, "the time's crop holds both words");
  assert.equal(report.wordsChecked, 3);
  assert.deepEqual(report.corrected, [
    { line: 1, word: 0, was: '2815.', text: '2813.' },
    { line: 0, word: 2, was: '50', text: '30' },
  ]);
  assert.equal(result.lines[0]!.text, 'Washington, 1965-2: 30 a. m.');
  assert.equal(result.lines[0]!.words[2]!.confidence, 93);
});
