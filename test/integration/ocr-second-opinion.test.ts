// The second reading of doubtful lines, on a clean committed sample whose first
// reading misreads a bracketed name (`[Ustinovichl]`).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { discoverInputs } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTesseractJsEngine } from '../../src/ocr/tesseract-js.ts';
import { AUTO_RECIPE, type Recipe } from '../../src/preprocess/index.ts';
import { readPageFromScan } from '../../src/pipeline/index.ts';

// At its scanned size (auto shrinks this clean page, and the smaller page happens to read the
// name right the first time): the misread this test needs stays in the first reading.
const AT_SCAN_SIZE: Recipe = {
  name: 'auto-at-scan-size',
  steps: AUTO_RECIPE.steps.map((s) => (s.step === 'rescale' ? { step: 'rescale', params: { shrinkAboveGlyphHeight: 0 } } : s)),
};
const engine = createTesseractJsEngine({ concurrency: 1, recycleAfter: 50, logger: silentLogger() });
after(() => engine.close());

async function read(secondOpinion: false | undefined) {
  const config = loadConfig({ env: {}, flags: { concurrency: 1, secondOpinion } });
  const file = path.resolve(import.meta.dirname, '../../samples/cipher-01-clean.png');
  const { pages } = await discoverInputs([file], { cwd: process.cwd(), maxPixels: config.maxPixels });
  return readPageFromScan(pages[0], { config, logger: silentLogger(), engine, recipe: AT_SCAN_SIZE });
}

test('a doubtful word read again alone, enlarged, keeps its more confident, right reading', async () => {
  const first = await read(false);
  const second = await read(undefined);
  const salutation = (page: Awaited<ReturnType<typeof read>>) => page.lines.find((l) => l.text.startsWith('Cde. Pavlov'))!;
  assert.equal(salutation(first).text, 'Cde. Pavlov [Ustinovichl]', 'the first reading has the misread this test is about');
  assert.equal(salutation(second).text, 'Cde. Pavlov [Ustinovich]');
  const before = salutation(first).words[2];
  const afterWord = salutation(second).words[2];
  assert.ok(afterWord.confidence > before.confidence);
  assert.deepEqual(afterWord.bbox, before.bbox, 'boxes stay those of the first reading');
  assert.ok(second.ocr.secondOpinion && second.ocr.secondOpinion.wordsReplaced >= 1);
  assert.equal(first.ocr.secondOpinion, undefined);
  assert.equal(second.lines.length, first.lines.length);
  assert.ok(second.text.includes('[Ustinovich]') && !second.text.includes('Ustinovichl'));
});
