// Arrays reused from page to page (issue 20, branch fast20): the temporary full-size masks
// (scratchBytes) and the connected components' work arrays. A reused array holds what its last
// user left; these tests read a page, then other pages of other sizes and contents, then the first
// page again, and hold every result to the first reading and to arrays made fresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { connectedComponents, histogram } from '../../src/preprocess/analysis.ts';
import { scratchBytes } from '../../src/preprocess/analysis/levels.ts';
import { measurePageInk } from '../../src/preprocess/ink.ts';
import { Measure } from '../../src/preprocess/measure.ts';
import { preprocessPage, resolveRecipe } from '../../src/preprocess/index.ts';
import { removeLightInk } from '../../src/preprocess/steps/stamps.ts';
import { silentLogger } from '../../src/logger.ts';
import type { RawImage } from '../../src/types.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../samples');

async function grey(file: string, width?: number): Promise<RawImage> {
  let pipeline = sharp(path.join(SAMPLES, file)).greyscale();
  if (width) pipeline = pipeline.resize(width);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

/** The page's ink measure and preprocessing (image hash aside: the image itself, and the step reports without times). */
async function readPage(image: RawImage) {
  const measure = new Measure();
  const { ink } = await measurePageInk(image, measure);
  const pre = await preprocessPage(image, resolveRecipe('auto'), { logger: silentLogger(), density: 300, measure, ink });
  return { ink, image: Buffer.from(pre.image.data), size: [pre.image.width, pre.image.height], steps: pre.steps.map(({ ms: _ms, ...step }) => step) };
}

test('scratchBytes: the length asked for, one array per slot reused, slots apart, an oversized request its own array', () => {
  const a = scratchBytes(1000, 0);
  assert.equal(a.length, 1000);
  a.fill(7);
  const again = scratchBytes(900, 0);
  assert.equal(again.length, 900);
  assert.equal(again.buffer, a.buffer, 'the same slot reuses its array');
  const other = scratchBytes(1000, 1);
  assert.notEqual(other.buffer, a.buffer, 'another slot has its own');
  const huge = scratchBytes((32 << 20) + 1, 0);
  assert.equal(huge.length, (32 << 20) + 1);
  assert.notEqual(huge.buffer, a.buffer, 'too large to keep: a fresh array');
  assert.equal(scratchBytes(1000, 0).buffer, a.buffer, 'and the kept one is still there');
});

test('connectedComponents: the same components and runs after larger and denser masks grew and filled its work arrays', () => {
  const width = 301;
  const height = 97;
  const sparse = new Uint8Array(width * height);
  for (let y = 10; y < 20; y += 1) for (let x = 5; x < 40; x += 1) sparse[y * width + x] = 1;
  for (let y = 50; y < 60; y += 1) sparse[y * width + 200] = 1;
  const first = connectedComponents({ data: sparse, width, height });
  // A checkerboard-ish mask: hundreds of thousands of runs and labels, far past the arrays' first size.
  const bigWidth = 2003;
  const bigHeight = 1001;
  const dense = Uint8Array.from({ length: bigWidth * bigHeight }, (_, i) => (((i % bigWidth) + Math.floor(i / bigWidth)) % 3 === 0 ? 1 : 0));
  const big = connectedComponents({ data: dense, width: bigWidth, height: bigHeight });
  assert.ok(big.runs.length / 4 > 500_000, `${big.runs.length / 4} runs`);
  const after = connectedComponents({ data: sparse, width, height });
  assert.deepEqual(after, first);
  assert.deepEqual(first.components, [
    { x0: 5, y0: 10, x1: 40, y1: 20, pixels: 350 },
    { x0: 200, y0: 50, x1: 201, y1: 60, pixels: 10 },
  ]);
  assert.equal(first.runs.length, 4 * 20);
  // The returned runs are the caller's: another call does not change them.
  const kept = Int32Array.from(first.runs);
  connectedComponents({ data: dense, width: bigWidth, height: bigHeight });
  assert.deepEqual(first.runs, kept);
});

test('the stamps measure, the ink measure and the recipe read a page the same before and after other pages used the scratch arrays', async () => {
  const page = await grey('cipher-04-skew-noise.jpg');
  const before = await readPage(page);
  // Other pages, smaller and larger, clean and noisy, between the two readings.
  await readPage(await grey('cipher-06-paper-faint.jpg', 1800));
  await readPage(await grey('cipher-01-clean.png'));
  const after = await readPage(page);
  assert.deepEqual(after.ink, before.ink);
  assert.deepEqual(after.steps, before.steps);
  assert.deepEqual(after.size, before.size);
  assert.ok(after.image.equals(before.image), 'the preprocessed image, to the byte');
});

test('removeLightInk: the same figures and output whatever the scratch arrays held before', async () => {
  const page = await grey('cipher-06-paper-faint.jpg');
  const hist = histogram(page);
  const run = () => removeLightInk(page.data, page.width, page.height, hist, 0.55, 2, 0, 20);
  // Slots left all ink / all dark means, then all paper, by earlier users.
  scratchBytes(page.data.length, 0).fill(0);
  scratchBytes(page.data.length, 1).fill(1);
  const first = run();
  scratchBytes(page.data.length, 0).fill(255);
  scratchBytes(page.data.length, 1).fill(0);
  const second = run();
  assert.deepEqual({ ...second, data: null }, { ...first, data: null });
  assert.ok(Buffer.from(second.data).equals(Buffer.from(first.data)));
  assert.ok(first.threshold > 0 && first.threshold < 255);
  assert.ok(first.core <= first.seedLevel && first.seedLevel <= first.threshold);
});
