// Adaptive binarisation (Sauvola): threshold T = m * (1 + k * (s / R - 1)) from the local mean m
// and standard deviation s of a window around each pixel. Faint ink on stained paper is kept
// where a global threshold would lose it in one region and fill another with stains.
// The local statistics come from a grid of blocks (~1.5 glyph heights) smoothed over 3x3 blocks
// and interpolated per pixel: a window of ~4.5 glyph heights for the cost of one pass.
// Not in `auto`: Tesseract's LSTM reads the grey image, and on the corpus binarising lost more
// (thin strokes, serifs) than it gained; a recipe can ask for it (see docs/preprocessing.md).
import { z } from 'zod';
import { interpolateRows } from '../background.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';

export interface LocalStats {
  mean: Float32Array;
  std: Float32Array;
  cols: number;
  rows: number;
  block: number;
}

export function localStats(data: Uint8Array, width: number, height: number, block: number): LocalStats {
  const cols = Math.max(1, Math.ceil(width / block));
  const rows = Math.max(1, Math.ceil(height / block));
  const sum = new Float64Array(cols * rows);
  const sq = new Float64Array(cols * rows);
  const n = new Float64Array(cols * rows);
  for (let y = 0; y < height; y += 1) {
    const by = Math.floor(y / block) * cols;
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      const v = data[row + x]!;
      const k = by + Math.floor(x / block);
      sum[k]! += v;
      sq[k]! += v * v;
      n[k]! += 1;
    }
  }
  const mean = new Float32Array(cols * rows);
  const std = new Float32Array(cols * rows);
  for (let by = 0; by < rows; by += 1) {
    for (let bx = 0; bx < cols; bx += 1) {
      let s = 0;
      let q = 0;
      let c = 0;
      for (let oy = -1; oy <= 1; oy += 1) {
        for (let ox = -1; ox <= 1; ox += 1) {
          const x = bx + ox;
          const y = by + oy;
          if (x < 0 || y < 0 || x >= cols || y >= rows) continue;
          const k = y * cols + x;
          s += sum[k]!;
          q += sq[k]!;
          c += n[k]!;
        }
      }
      const m = s / c;
      mean[by * cols + bx] = m;
      std[by * cols + bx] = Math.sqrt(Math.max(0, q / c - m * m));
    }
  }
  return { mean, std, cols, rows, block };
}

export function sauvola(data: Uint8Array, width: number, height: number, block: number, k: number, r = 128): Buffer {
  const stats = localStats(data, width, height, block);
  // Threshold per block centre, interpolated per pixel (T is smooth where m and s are).
  const thresholds = new Float32Array(stats.mean.length);
  for (let i = 0; i < thresholds.length; i += 1) thresholds[i] = stats.mean[i]! * (1 + k * (stats.std[i]! / r - 1));
  const out = Buffer.allocUnsafe(width * height);
  interpolateRows(thresholds, stats.cols, stats.rows, block, width, height, (y, t) => {
    const row = y * width;
    for (let x = 0; x < width; x += 1) out[row + x] = data[row + x]! <= t[x]! ? 0 : 255;
  });
  return out;
}

export const binarize = defineStep({
  name: 'binarize',
  summary: 'Sauvola adaptive binarisation with a window sized from the measured glyph height',
  needsGrey: true,
  params: z
    .object({
      /** Sauvola's k: higher keeps less faint ink. */
      k: z.number().min(0).max(1).default(0.2),
      /** Block edge in glyph heights (the window is 3 blocks). */
      blockGlyphs: z.number().min(0.5).max(20).default(1.5),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'binarize');
    const scale = await ctx.measure.textScale(image);
    // Without a text scale, a window of ~1/40 of the short side (a few lines at 300 dpi).
    const glyph = scale.glyphHeight ?? Math.min(image.width, image.height) / 120;
    const block = Math.max(4, Math.round(glyph * params.blockGlyphs));
    const data = sauvola(image.data, image.width, image.height, block, params.k);
    return { image: { ...image, data }, applied: true, measured: { block, glyphHeight: scale.glyphHeight } };
  },
});
