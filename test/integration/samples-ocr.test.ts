// Slow check (Tesseract, ~10 s): the committed clean samples are legible to
// Tesseract in both typewriter fonts, so a field error on them is the reader's
// fault, not the sample's. Uses the npm traineddata, no network.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createWorker, OEM, PSM } from 'tesseract.js';
import { distance } from 'fastest-levenshtein';

const require = createRequire(import.meta.url);
const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const LANG_PATH = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');

/** Lines trimmed, runs of spaces collapsed, blank lines dropped: layout whitespace is not a reading error. */
const normalise = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .join('\n');

test('Tesseract reads the clean samples in both fonts at under 2% CER', { timeout: 180_000 }, async () => {
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: LANG_PATH,
    gzip: true,
    cacheMethod: 'none',
    errorHandler: (err: unknown) => {
      throw err;
    },
  });
  try {
    await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
    for (const [name, font] of [
      ['seed-21340', 'courier-prime'],
      ['cipher-01-clean', 'special-elite'],
    ] as const) {
      const expected = JSON.parse(readFileSync(path.join(SAMPLES, `${name}.expected.json`), 'utf8'));
      assert.equal(expected.generator.font, font);
      const truth = normalise(readFileSync(path.join(SAMPLES, `${name}.gt.txt`), 'utf8'));
      const { data } = await worker.recognize(path.join(SAMPLES, `${name}.png`));
      const cer = distance(normalise(data.text), truth) / truth.length;
      assert.ok(cer < 0.02, `${name} (${font}): CER ${(cer * 100).toFixed(2)}%`);
    }
  } finally {
    await worker.terminate();
  }
});
