// The digit check on a real scan (the seed telegram, samples/seed-21340.png), read by npm's best_int
// with tesseract.js: a day beside its month and a time split over two words are cut out together and
// read as a line, which puts back the fast model's 3 read as 5 (`50 June` for `30 June`, as
// `50 August` on fast-heldout-20261207b); alone, their two digits would not be checked at all.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { silentLogger } from '../../src/logger.ts';
import { checkDigits, unitsToCheck } from '../../src/ocr/digit-check.ts';
import { createTesseractJsEngine } from '../../src/ocr/tesseract-js.ts';
import { toGreyRaw } from '../../src/preprocess/raw.ts';
import type { OcrResult } from '../../src/types.ts';

const engine = createTesseractJsEngine({ concurrency: 1, recycleAfter: 50, logger: silentLogger() });
after(() => engine.close());
const options = { lang: 'eng', minConfidence: 85, maxWords: 60, dpi: 300 };

/** The page as best_int reads it, then labelled as the fast model's reading with `change` applied to its words. */
async function fastReading(sample: string, change: (words: OcrResult['lines'][number]['words']) => OcrResult['lines'][number]['words']) {
  const image = await toGreyRaw(sharp(path.resolve(import.meta.dirname, '../../samples', sample)));
  const read = await engine.recognize({ image, lang: 'eng', psm: 3, dpi: 300 });
  assert.equal(read.model, 'best');
  const lines = read.lines.map((line) => {
    const words = change(line.words);
    return { ...line, words, text: words.map((w) => w.text).join(' ') };
  });
  return { image, page: { ...read, lines, model: 'fast' } as OcrResult };
}

test('a day beside its month is read again with its month and year, and the fast model 5 for its 3 is put back', async () => {
  // `From: Peking, 15:00, 30 June 1951.`: its day made `50` as the fast model reads it.
  const { image, page } = await fastReading('seed-21340.png', (words) =>
    words.map((w, i) => (w.text === '30' && words[i + 2]?.text === '1951.' ? { ...w, text: '50' } : w)),
  );
  assert.ok(
    page.lines.some((l) => l.text.endsWith('50 June 1951.')),
    'the seed page reads its date line with the words `30` `June` `1951.`',
  );
  const unit = unitsToCheck(page.lines, options).find((u) => u.parts.some((p) => p.word.text === '50' && u.parts.length === 3));
  assert.deepEqual(
    unit?.parts.map((p) => p.word.text),
    ['50', 'June', '1951.'],
  );
  const { result, report } = await checkDigits(image, page, engine, options);
  assert.equal(report.model, 'best');
  assert.ok(report.corrected.some((c) => c.was === '50' && c.text === '30'));
  assert.ok(result.text.includes('30 June 1951.'));
});

/** The page's `time` word split in two at its colon, as the fast model split `1965-2:30` into `1965-2:` `50` (fast-heldout-20261207b), and given `texts`. */
const splitWord =
  (time: string, texts: [string, string], at: number) =>
  (words: OcrResult['lines'][number]['words']): OcrResult['lines'][number]['words'] =>
    words.flatMap((w) => {
      if (w.text !== time) return [w];
      const [x0, y0, x1, y1] = w.bbox;
      const mid = Math.round(x0 + (x1 - x0) * at);
      return [
        { ...w, text: texts[0], bbox: [x0, y0, mid, y1] as typeof w.bbox },
        { ...w, text: texts[1], bbox: [mid + 1, y0, x1, y1] as typeof w.bbox },
      ];
    });

test('a time read as two words (`03:` `15,` made `05:` `15,`) is read again as one crop, and its 3 put back', async () => {
  // `From: Paris, 03:15, 24 January 1941.` on the blurred JPEG sample; best_int reads `03:15,` as one word.
  const { image, page } = await fastReading('cipher-05-jpeg-blur.jpg', splitWord('03:15,', ['05:', '15,'], 0.45));
  const unit = unitsToCheck(page.lines, options).find((u) => u.parts.some((p) => p.word.text === '05:'));
  assert.deepEqual(
    unit?.parts.map((p) => p.word.text),
    ['05:', '15,'],
  );
  const { result, report } = await checkDigits(image, page, engine, options);
  assert.ok(report.corrected.some((c) => c.was === '05:' && c.text === '03:'));
  assert.ok(result.text.includes('03: 15,'));
});

test('a split time whose colon best_int reads as a digit (`10:` `35,` read `10235` as a line) changes nothing', async () => {
  // `From: Pyongyang, 10:35, 2 November 1945.` on the skewed, noisy sample, made `10:` `55,`: read as a line (PSM 7), best_int
  // reads the crop `10235` (alone, as a word, `10:35,`): another count of digits, so the page reading stays, wrong as it is.
  const { image, page } = await fastReading('cipher-04-skew-noise.jpg', splitWord('10:35,', ['10:', '55,'], 0.45));
  const unit = unitsToCheck(page.lines, options).find((u) => u.parts.some((p) => p.word.text === '55,'));
  assert.deepEqual(
    unit?.parts.map((p) => p.word.text),
    ['10:', '55,'],
  );
  const { result, report } = await checkDigits(image, page, engine, options);
  assert.deepEqual(report.corrected, []);
  assert.equal(result, page);
});
