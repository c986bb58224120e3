// Grey-level measurements of a page: its histogram (sampled rows where a decision needs no
// more), percentiles, Otsu's threshold and the ink threshold that corrects it on grainy paper,
// and the paper's noise.
import type { RawImage } from '../../types.ts';

/**
 * Rows sampled for decisions that need no more than a third of the page. Three, not four: JPEG
 * works in 8x8 blocks, and every 4th row of a heavily compressed scan is always a block's first
 * or middle row, whose levels differ from the rest (one page's Otsu threshold came out 141
 * instead of 201, and its paper grain was left for Tesseract to read as text).
 */
export const SAMPLE_ROW_STEP = 3;

/** Grey-level histogram (first channel); `rowStep` > 1 samples every n-th row (a decision needs no more). */
export function histogram(image: RawImage, rowStep = 1): Uint32Array {
  const { data, channels, width, height } = image;
  // Four tables counted in turn, summed at the end: neighbouring pixels are mostly the same level,
  // and with one table each increment waits for the one before it to the same counter.
  const tables = new Uint32Array(4 * 256);
  const count = (start: number, end: number) => {
    if (channels !== 1) {
      for (let i = start; i < end; i += channels) tables[data[i]!]! += 1;
      return;
    }
    let i = start;
    for (; i + 3 < end; i += 4) {
      tables[data[i]!]! += 1;
      tables[256 + data[i + 1]!]! += 1;
      tables[512 + data[i + 2]!]! += 1;
      tables[768 + data[i + 3]!]! += 1;
    }
    for (; i < end; i += 1) tables[data[i]!]! += 1;
  };
  if (rowStep <= 1) count(0, data.length);
  else {
    const rowLength = width * channels;
    for (let y = 0; y < height; y += rowStep) count(y * rowLength, (y + 1) * rowLength);
  }
  const hist = new Uint32Array(256);
  for (let v = 0; v < 256; v += 1) hist[v] = tables[v]! + tables[256 + v]! + tables[512 + v]! + tables[768 + v]!;
  return hist;
}

/**
 * The ink mask of grey levels: 1 where a level is at most `threshold`, else 0 (into `out`, a new
 * array by default). Four levels at a time through 32-bit views where both arrays are aligned (as
 * the analysis copies are): each byte plus (255 - threshold) carries into bit 8 exactly when the
 * level is above the threshold, and even and odd bytes are added in separate 16-bit lanes so no
 * carry reaches a neighbour. The same mask as comparing level by level (tested against it on every
 * level and threshold), in a quarter of the time on a page: three masks are made per page.
 */
export function maskAtMost(levels: Uint8Array, threshold: number, out: Uint8Array = new Uint8Array(levels.length)): Uint8Array {
  const n = levels.length;
  threshold = Math.floor(threshold);
  if (threshold >= 255) return out.fill(1, 0, n);
  if (threshold < 0) return out.fill(0, 0, n);
  let i = 0;
  if ((levels.byteOffset & 3) === 0 && (out.byteOffset & 3) === 0) {
    const words = n >> 2;
    const input = new Uint32Array(levels.buffer, levels.byteOffset, words);
    const output = new Uint32Array(out.buffer, out.byteOffset, words);
    const add = (255 - threshold) * 0x00010001;
    for (let k = 0; k < words; k += 1) {
      const w = input[k]!;
      const above = ((((w & 0x00ff00ff) + add) >>> 8) & 0x00010001) | ((((w >>> 8) & 0x00ff00ff) + add) & 0x01000100);
      output[k] = above ^ 0x01010101;
    }
    i = words << 2;
  }
  for (; i < n; i += 1) out[i] = levels[i]! <= threshold ? 1 : 0;
  return out;
}

/** Largest scratch array kept between pages (bytes): a larger page's scratch is allocated and dropped. */
const MAX_SCRATCH_BYTES = 32 << 20;
const scratches: Uint8Array[] = [];

/**
 * A byte array of `length` to fill and drop within one synchronous stretch of code (no await
 * between filling it and the last read): the temporary full-size masks of a page (the ink
 * measure's, the crop's faint one, the stamps step's means and ink). They were new arrays of
 * several megabytes each, page after page, and V8 starts an old-space collection for each ~64 MB
 * of such memory (`--trace-gc`: about two a page, "external memory pressure"); reused, they cost
 * neither the allocation nor the collections. Its content is whatever the last user left: the
 * caller writes every byte it reads. `slot` tells apart arrays needed at the same time.
 */
export function scratchBytes(length: number, slot = 0): Uint8Array {
  if (length > MAX_SCRATCH_BYTES) return new Uint8Array(length);
  let buffer = scratches[slot];
  if (!buffer || buffer.length < length) {
    // Grown with room to spare, so pages of slightly different sizes share one array.
    buffer = new Uint8Array(Math.min(MAX_SCRATCH_BYTES, Math.ceil(length * 1.25)));
    scratches[slot] = buffer;
  }
  return buffer.subarray(0, length);
}

/** Levels counted as grey (neither ink black nor paper white) by `isBilevel`. */
const GREY_LEVELS: readonly [number, number] = [32, 223];
/**
 * Share of grey pixels below which a page is bilevel. A grey scan's letters have soft edges: the
 * cleanest generated page has 0.8% of its pixels in GREY_LEVELS, the corpus's grey scans 8-100%;
 * its bilevel despatches (1-bit scans saved as JPEG) have none.
 */
const MAX_BILEVEL_GREY_SHARE = 0.001;

/**
 * True for a bilevel page (a 1-bit scan, whatever file it came in): its pixels are black or white,
 * nearly none grey. Such a scan has thrown away how dark each ink was.
 */
export function isBilevel(hist: Uint32Array): boolean {
  let total = 0;
  let grey = 0;
  for (let v = 0; v < 256; v += 1) {
    total += hist[v]!;
    if (v >= GREY_LEVELS[0] && v <= GREY_LEVELS[1]) grey += hist[v]!;
  }
  return total > 0 && grey < MAX_BILEVEL_GREY_SHARE * total;
}

/** Grey level below which `fraction` (0..1) of the pixels fall. */
export function percentile(hist: Uint32Array, fraction: number): number {
  let total = 0;
  for (const n of hist) total += n;
  const target = fraction * total;
  let seen = 0;
  for (let v = 0; v < 256; v += 1) {
    seen += hist[v]!;
    if (seen > target) return v;
  }
  return 255;
}

export function otsuThreshold(hist: Uint32Array): number {
  let total = 0;
  let sum = 0;
  for (let v = 0; v < 256; v += 1) {
    total += hist[v]!;
    sum += v * hist[v]!;
  }
  let sumB = 0;
  let weightB = 0;
  let best = 0;
  let threshold = 127;
  for (let v = 0; v < 256; v += 1) {
    weightB += hist[v]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += v * hist[v]!;
    const meanB = sumB / weightB;
    const meanF = (sum - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  return threshold;
}

/**
 * Paper noise: mean absolute difference between horizontal neighbours where both are paper
 * (brighter than the page's Otsu threshold), over every 3rd row. Grey levels; a clean scan
 * measures under 1, a grainy photocopy or a noisy JPEG 4-10.
 */
export function paperNoise(image: RawImage, sampled: Uint32Array = histogram(image, SAMPLE_ROW_STEP)): number {
  const { data, width, height } = image;
  const threshold = otsuThreshold(sampled);
  let sum = 0;
  let n = 0;
  for (let y = 0; y < height; y += SAMPLE_ROW_STEP) {
    const row = y * width;
    for (let x = 0; x + 1 < width; x += 1) {
      const a = data[row + x]!;
      const b = data[row + x + 1]!;
      // Without branches: on grainy paper which of two neighbours is lighter is a coin toss, and
      // the branches mispredicted half the time. `both` is -1 when both are paper, else 0.
      const both = ((threshold - a) >> 31) & ((threshold - b) >> 31);
      const d = a - b;
      const sign = d >> 31;
      sum += ((d ^ sign) - sign) & both;
      n -= both;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Typed pages are mostly paper: ink covers a few per cent of a page, 20% only for very dense or bold text. */
const MAX_INK_SHARE = 0.2;

/**
 * Otsu's threshold, taken again on the dark side while it would make more than MAX_INK_SHARE of
 * the page ink. Otsu assumes two classes; on rough paper with sparse text the two it finds are
 * the light and the dark half of the paper grain (a generated heavy scan: threshold 240 of 255,
 * 20000 "components", the text size read as 5 px). Splitting the dark class again separates ink
 * from grain. A page whose first threshold already leaves less ink is unchanged.
 */
export function inkThreshold(hist: Uint32Array): number {
  let total = 0;
  for (const v of hist) total += v;
  let threshold = otsuThreshold(hist);
  for (let round = 0; round < 3; round += 1) {
    let ink = 0;
    for (let v = 0; v <= threshold; v += 1) ink += hist[v]!;
    if (ink <= MAX_INK_SHARE * total) break;
    const dark = new Uint32Array(256);
    dark.set(hist.subarray(0, threshold + 1));
    const next = otsuThreshold(dark);
    if (next >= threshold) break;
    threshold = next;
  }
  return threshold;
}
