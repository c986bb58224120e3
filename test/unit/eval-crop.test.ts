// The scored region: gt_coverage_bbox + 2% of the page width on every side, clipped to the
// page; the crop written as PNG keeps greyscale and the resolution tag.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { CablescanError } from '../../src/errors.ts';
import { cropRegion, readCoverage, writeCrop } from '../../src/eval/crop.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-crop-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the box grows by 2% of the page width on every side (height too)', () => {
  // 1000 px wide page: margin 20 px.
  assert.deepEqual(cropRegion([100, 200, 600, 700], 1000, 1500), { left: 80, top: 180, width: 540, height: 540 });
});

test('the grown box is clipped to the page', () => {
  // Margin 0.02 * 500 = 10: left/top would be -5/-2, right/bottom 505/410.
  assert.deepEqual(cropRegion([5, 8, 495, 400], 500, 405), { left: 0, top: 0, width: 500, height: 405 });
});

test('fractional boxes and margins round outwards', () => {
  // Margin 0.02 * 1564 = 31.28.
  assert.deepEqual(cropRegion([200, 260, 1453, 1785], 1564, 2000), { left: 168, top: 228, width: 1485 - 168, height: 1817 - 228 });
  assert.deepEqual(cropRegion([10.5, 10.5, 20.2, 20.2], 100, 100, 0), { left: 10, top: 10, width: 11, height: 11 });
});

test('a box outside the page is refused', () => {
  assert.throws(() => cropRegion([2000, 2000, 2100, 2100], 1000, 1000), CablescanError);
});

test('readCoverage takes gt_coverage_bbox and scales it when the JSON describes another page size', async () => {
  const file = path.join(dir, 'page.lines.json');
  writeFileSync(file, JSON.stringify({ width: 1000, height: 2000, gt_coverage_bbox: [100, 200, 500, 1000], lines: [] }));
  assert.deepEqual((await readCoverage(file, 1000, 2000)).bbox, [100, 200, 500, 1000]);
  // The image is twice as large as the JSON says.
  assert.deepEqual((await readCoverage(file, 2000, 4000)).bbox, [200, 400, 1000, 2000]);
});

test('readCoverage names the file when the box is missing or malformed', async () => {
  const file = path.join(dir, 'bad.lines.json');
  writeFileSync(file, JSON.stringify({ width: 10, height: 10, gt_coverage_bbox: [5, 5, 1, 1] }));
  await assert.rejects(readCoverage(file, 10, 10), (err: CablescanError) => err.message.includes('bad.lines.json') && /gt_coverage_bbox/.test(err.message));
  writeFileSync(file, '{ not json');
  await assert.rejects(readCoverage(file, 10, 10), /bad\.lines\.json: cannot be read as JSON/);
});

test('writeCrop cuts the region out of a greyscale JPEG, keeps one channel and its 300 dpi tag', async () => {
  // A grey page with a black square at (40..60, 30..50).
  const width = 120;
  const height = 100;
  const pixels = Buffer.alloc(width * height, 200);
  for (let y = 30; y < 50; y++) for (let x = 40; x < 60; x++) pixels[y * width + x] = 0;
  const src = path.join(dir, 'page.jpg');
  await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .withDensity(300)
    .jpeg({ quality: 100 })
    .toFile(src);
  assert.equal((await sharp(src).metadata()).channels, 1, 'the fixture is a one-channel JPEG');
  const out = path.join(dir, 'crop.png');
  const region = { left: 40, top: 30, width: 20, height: 20 };
  const written = await writeCrop(src, region, out);
  assert.equal(written.density, 300);
  assert.deepEqual([written.pageWidth, written.pageHeight], [width, height]);
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 20, 20, 1]);
  assert.equal(meta.density, 300);
  assert.equal(meta.resolutionUnit, 'inch');
  const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
  // The crop is the black square (JPEG ringing aside).
  assert.ok(
    data.every((v) => v < 40),
    'every pixel of the crop comes from the square',
  );
});

test('writeCrop with no region keeps the whole page; a file without a resolution unit gets none', async () => {
  const src = path.join(dir, 'rgb.png');
  await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 250, g: 10, b: 10 } } })
    .png()
    .toFile(src);
  const out = path.join(dir, 'rgb-crop.png');
  const written = await writeCrop(src, null, out);
  assert.deepEqual(written.region, { left: 0, top: 0, width: 30, height: 20 });
  assert.equal(written.density, null);
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.width, meta.height, meta.channels], [30, 20, 3]);
});
