// The background division, the histogram and the connected components are written for speed
// (issue 8): runs of columns, interleaved counting tables, blank pixels skipped four at a time.
// These tests hold them to the plain definitions they replaced, to the bit, on a real sample
// page, on a grid that does not divide the image evenly and on a mask that is not word-aligned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { analysisBlock, binarise, connectedComponents, histogram } from '../../src/preprocess/analysis.ts';
import { backgroundGrid, flattenWith, interpolateRows, type BackgroundGrid } from '../../src/preprocess/background.ts';
import { boxMean3 } from '../../src/preprocess/steps/stamps.ts';
import type { RawImage } from '../../src/types.ts';

const SAMPLE = path.resolve(import.meta.dirname, '../../samples/cipher-06-paper-faint.jpg');

/** The definition: every pixel divided by the bilinear background from interpolateRows, as Float32. */
function flattenReference(data: Uint8Array, width: number, height: number, grid: BackgroundGrid, scale: number): Uint8Array {
  const out = new Uint8Array(width * height);
  interpolateRows(grid.levels, grid.cols, grid.rows, grid.block * scale, width, height, (y, bg) => {
    for (let x = 0; x < width; x += 1) {
      const v = (data[y * width + x]! * 255) / Math.max(1, bg[x]!);
      out[y * width + x] = v >= 255 ? 255 : v;
    }
  });
  return out;
}

function plainHistogram(data: Uint8Array, channels = 1, rowStep = 1, width = data.length / channels): Uint32Array {
  const hist = new Uint32Array(256);
  const rowLength = width * channels;
  for (let y = 0; y * rowLength < data.length; y += rowStep) for (let i = y * rowLength; i < (y + 1) * rowLength; i += channels) hist[data[i]!]! += 1;
  return hist;
}

async function greySample(width: number): Promise<RawImage> {
  const { data, info } = await sharp(SAMPLE).greyscale().resize({ width }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

test('flattenWith divides by the same background as interpolateRows, to the bit, and counts its output', async () => {
  for (const [width, scale] of [
    [1240, 1],
    [2480, 2],
    [977, 1],
  ] as const) {
    const image = await greySample(width);
    // The grid is measured on an image `scale` times smaller, as the flatten step does.
    const small = scale === 1 ? image : await greySample(Math.round(width / scale));
    const grid = backgroundGrid(small.data, small.width, small.height, analysisBlock(small.width, small.height));
    const hist = new Uint32Array(256);
    const flat = flattenWith(image.data, image.width, image.height, grid, small.width === image.width ? 1 : image.width / small.width, hist);
    const expected = flattenReference(image.data, image.width, image.height, grid, small.width === image.width ? 1 : image.width / small.width);
    assert.ok(Buffer.compare(flat, expected) === 0, `flattened ${image.width}x${image.height} differs from the reference`);
    assert.deepEqual(hist, plainHistogram(expected));
    // Paper, ink and everything between: a wrong division could not hide in an all-white page.
    const levels = hist.filter((n) => n > 0).length;
    assert.ok(levels > 100 && hist[255]! > 0.1 * flat.length, `${levels} grey levels, white share ${hist[255]! / flat.length}`);
  }
});

test('histogram counts every pixel (or every n-th row) of the first channel, whatever the length', async () => {
  const grey = await greySample(1001);
  for (const step of [1, 3]) assert.deepEqual(histogram(grey, step), plainHistogram(grey.data, 1, step, grey.width));
  const odd: RawImage = { data: grey.data.subarray(0, 7 * 143), width: 143, height: 7, channels: 1 };
  assert.deepEqual(histogram(odd), plainHistogram(odd.data));
  const rgb = await sharp(SAMPLE).resize({ width: 301 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colour: RawImage = { data: rgb.data, width: rgb.info.width, height: rgb.info.height, channels: 3 };
  assert.deepEqual(histogram(colour, 2), plainHistogram(rgb.data, 3, 2, rgb.info.width));
});

/** 8-connected components by flood fill: the definition the run-based union-find must match. */
function floodComponents(data: Uint8Array, width: number, height: number): Array<[number, number, number, number, number]> {
  const seen = new Uint8Array(data.length);
  const out: Array<[number, number, number, number, number]> = [];
  for (let start = 0; start < data.length; start += 1) {
    if (data[start] !== 1 || seen[start]) continue;
    let [x0, y0, x1, y1, pixels] = [width, height, 0, 0, 0];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      [x0, y0, x1, y1, pixels] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1), pixels + 1];
      for (let dy = -1; dy <= 1; dy += 1)
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          const ny = y + dy;
          const j = ny * width + nx;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && data[j] === 1 && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
    }
    out.push([x0, y0, x1, y1, pixels]);
  }
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[4] - b[4]);
}

test('connected components of a real page match a flood fill, whether or not the mask is word-aligned', async () => {
  const image = await greySample(700);
  const bin = await binarise(image);
  const expected = floodComponents(bin.data, bin.width, bin.height);
  assert.ok(expected.length > 500, `${expected.length} components`);
  // The same mask one byte into a buffer: the aligned fast path cannot be taken.
  const shifted = new Uint8Array(bin.data.length + 1).subarray(1);
  shifted.set(bin.data);
  for (const data of [bin.data, shifted]) {
    const got = connectedComponents({ data, width: bin.width, height: bin.height }).components.map(
      (c) => [c.x0, c.y0, c.x1, c.y1, c.pixels] as [number, number, number, number, number],
    );
    assert.deepEqual(
      got.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[4] - b[4]),
      expected,
    );
  }
});

/** The definition: each pixel's 3x3 neighbourhood (the pixels that exist) summed and divided, rounded. */
function plainBoxMean3(data: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      let n = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy += 1) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx += 1) {
          sum += data[yy * width + xx]!;
          n += 1;
        }
      }
      out[y * width + x] = Math.round(sum / n);
    }
  }
  return out;
}

test('the stamps step’s 3x3 mean matches the plain definition, edges and one-pixel images included', async () => {
  const page = await greySample(977);
  assert.deepEqual(boxMean3(page.data, page.width, page.height), plainBoxMean3(page.data, page.width, page.height));
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  for (const [width, height] of [
    [1, 1],
    [1, 5],
    [5, 1],
    [2, 2],
    [3, 4],
    [17, 9],
  ] as const) {
    const data = Uint8Array.from({ length: width * height }, random);
    assert.deepEqual(boxMean3(data, width, height), plainBoxMean3(data, width, height), `${width}x${height}`);
  }
  // Averaged only near ink: every mean at most the level is there, with the same value; the rest is above it.
  const plain = plainBoxMean3(page.data, page.width, page.height);
  const sorted = Uint8Array.from(plain).sort();
  // None, the darkest 0.5% and the darkest 5% (the faint sample's ink is light).
  for (const below of [0, sorted[Math.floor(0.005 * sorted.length)]!, sorted[Math.floor(0.05 * sorted.length)]!]) {
    const near = boxMean3(page.data, page.width, page.height, below);
    let inked = 0;
    for (let i = 0; i < plain.length; i += 1) {
      if (plain[i]! <= below) {
        inked += 1;
        assert.equal(near[i], plain[i], `pixel ${i}, level ${below}`);
      } else assert.ok(near[i]! > below, `pixel ${i}, level ${below}`);
    }
    if (below > sorted[0]!) assert.ok(inked > 1000, `${inked} pixels at most ${below}`);
  }
});
