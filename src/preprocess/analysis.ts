// Measurements shared by the steps, made on a reduced, binarised copy of the page so they cost
// a few tens of milliseconds, and cached per image (a step that changes the image gets fresh
// ones). Everything here reports sizes in pixels of the FULL image it was asked about.
import type { RawImage } from '../types.ts';
import { backgroundGrid, backgroundStats, flattenWith, type BackgroundGrid, type BackgroundStats } from './background.ts';
import { sharpOf, toGreyRaw } from './raw.ts';

export interface BinaryImage {
  /** 1 = ink, 0 = paper. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Full-image pixels per reduced pixel. */
  factor: number;
  /** Otsu threshold used on the background-flattened copy (grey levels <= threshold are ink). */
  threshold: number;
  /** The paper background the copy was flattened by (levels of the reduced grey copy). */
  background: BackgroundStats;
  grid: BackgroundGrid;
  /** The flattened grey copy the mask was thresholded from (paper ~255). */
  flat: Uint8Array;
}

/** Background block edge on the analysis copy: ~1/60 of the short side (about two text lines at 300 dpi). */
export function analysisBlock(width: number, height: number): number {
  return Math.max(8, Math.round(Math.min(width, height) / 60));
}

export interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

export interface TextScale {
  /** Dominant glyph height in full-image px (x-height for mixed case, cap height for all-caps text); null when no text-like shapes. */
  glyphHeight: number | null;
  /**
   * x-height, or its equivalent for all-caps text (0.75 cap height): what the text size and the
   * resolution are judged by. null when no text-like shapes.
   */
  xHeight: number | null;
  /** Share of letters 1.2-1.7x the dominant height (ascenders, capitals): ~0.2-0.45 in mixed case, ~0 in all caps. */
  tallShare: number;
  /** True when the dominant height is the cap height (no taller letters to speak of). */
  capsOnly: boolean;
  /** Text-like components the estimate rests on. */
  glyphs: number;
  components: number;
}

/** Typewriter faces: x-height / cap height (Courier Prime measures 0.78, pica typewriters ~0.7-0.75). */
export const X_TO_CAP_HEIGHT = 0.75;
/** Below this share of taller letters the text is taken as all caps (corpus pages: 0.18-0.45; all-caps pages: 0.00). */
const CAPS_ONLY_BELOW = 0.08;

export interface SkewEstimate {
  /** Skew of the text lines in degrees: positive when lines descend to the right. */
  angle: number;
  /** Best projection score over the median score of the coarse search (1 = no evidence). */
  strength: number;
  inkPoints: number;
}

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
      if (a > threshold && b > threshold) {
        sum += a > b ? a - b : b - a;
        n += 1;
      }
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

/** Reduction so that the short side of the analysis copy is ~1250 px or less (x-height stays >= ~9 px at 300 dpi). */
export function analysisFactor(image: RawImage): number {
  // A whole factor on purpose: a fractional one (1.36 for a 1700 px wide page) was ~1.9x less
  // analysis work on such pages, but it moves every measurement a little (skew by 0.01 degree,
  // x-height by 0.1 px), and Tesseract's reading of heavily degraded pages moved with it: the
  // field benchmark's heavy scans lost 2-6 points per field on measurement changes alone.
  return Math.max(1, Math.round(Math.min(image.width, image.height) / 1250));
}

export async function binarise(image: RawImage, factor = analysisFactor(image)): Promise<BinaryImage> {
  const reduced =
    factor === 1 && image.channels === 1
      ? image
      : await toGreyRaw(
          sharpOf(image).resize(Math.max(1, Math.round(image.width / factor)), Math.max(1, Math.round(image.height / factor)), { kernel: 'linear' }),
        );
  // Otsu on the background-flattened copy: a global threshold on the raw page splits blotchy or
  // stained paper into thousands of "letters" (samples/cipher-06-paper-faint.jpg measured a
  // 4.6 px glyph height instead of ~20 and was enlarged x4) and takes a dark scanner border for ink.
  const grid = backgroundGrid(reduced.data, reduced.width, reduced.height, analysisBlock(reduced.width, reduced.height));
  const flatHist = new Uint32Array(256);
  const flat: RawImage = { data: flattenWith(reduced.data, reduced.width, reduced.height, grid, 1, flatHist), width: reduced.width, height: reduced.height, channels: 1 };
  const threshold = inkThreshold(flatHist);
  const data = new Uint8Array(reduced.width * reduced.height);
  const src = flat.data;
  for (let i = 0; i < data.length; i += 1) data[i] = src[i]! <= threshold ? 1 : 0;
  return { data, width: reduced.width, height: reduced.height, factor: image.width / reduced.width, threshold, background: backgroundStats(grid), grid, flat: flat.data };
}

export interface Components {
  components: Component[];
  /** Ink runs as consecutive (y, x0, x1, component index) quadruples; x1 exclusive. */
  runs: Int32Array;
}

/** Int32Array twice as long, the first `used` entries kept (growable buffers without JS arrays). */
function grown(buffer: Int32Array, used: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(buffer.length * 2);
  next.set(buffer.subarray(0, used));
  return next;
}

/**
 * 8-connected components of ink, by run-based union-find (one pass over the rows). Typed arrays
 * throughout: a page has hundreds of thousands of runs, and as JS arrays of numbers they were
 * most of the preprocessing's garbage-collection time.
 */
export function connectedComponents(bin: Pick<BinaryImage, 'data' | 'width' | 'height'>): Components {
  const { data, width, height } = bin;
  let parent: Int32Array<ArrayBuffer> = new Int32Array(4096);
  let labels = 0;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  // Runs of the previous and the current row as (start, end, label) triples: at most one run
  // per two pixels of a row.
  const rowCapacity = 3 * (Math.ceil(width / 2) + 1);
  let prev: Int32Array = new Int32Array(rowCapacity);
  let cur: Int32Array = new Int32Array(rowCapacity);
  let prevLength = 0;
  let runs: Int32Array<ArrayBuffer> = new Int32Array(16384); // y, x0, x1, label
  let runsLength = 0;
  // Most of a page is paper: blank stretches are skipped four pixels at a time through a 32-bit
  // view (where the mask is aligned, as masks made here are): a quarter off this function.
  const words = (data.byteOffset & 3) === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  for (let y = 0; y < height; y += 1) {
    let curLength = 0;
    const row = y * width;
    let x = 0;
    let p = 0;
    while (x < width) {
      if (data[row + x] === 0) {
        const at = row + x;
        x += words !== null && (at & 3) === 0 && x + 4 <= width && words[at >> 2] === 0 ? 4 : 1;
        continue;
      }
      const start = x;
      while (x < width && data[row + x] === 1) x += 1;
      if (labels === parent.length) parent = grown(parent, labels);
      const label = labels;
      parent[label] = label;
      labels += 1;
      // Previous-row runs touching [start-1, x] (8-connectivity).
      while (p < prevLength && prev[p + 1]! < start) p += 3;
      for (let q = p; q < prevLength && prev[q]! <= x; q += 3) union(label, prev[q + 2]!);
      cur[curLength] = start;
      cur[curLength + 1] = x;
      cur[curLength + 2] = label;
      curLength += 3;
      if (runsLength + 4 > runs.length) runs = grown(runs, runsLength);
      runs[runsLength] = y;
      runs[runsLength + 1] = start;
      runs[runsLength + 2] = x;
      runs[runsLength + 3] = label;
      runsLength += 4;
    }
    const previous = prev;
    prev = cur;
    cur = previous;
    prevLength = curLength;
  }
  // Component index per root label, in order of first appearance (-1: not seen yet).
  const index = new Int32Array(labels).fill(-1);
  const components: Component[] = [];
  for (let r = 0; r < runsLength; r += 4) {
    const y = runs[r]!;
    const x0 = runs[r + 1]!;
    const x1 = runs[r + 2]!;
    const root = find(runs[r + 3]!);
    let k = index[root]!;
    if (k === -1) {
      k = components.length;
      index[root] = k;
      components.push({ x0, y0: y, x1, y1: y + 1, pixels: x1 - x0 });
    } else {
      const c = components[k]!;
      if (x0 < c.x0) c.x0 = x0;
      if (x1 > c.x1) c.x1 = x1;
      if (y + 1 > c.y1) c.y1 = y + 1;
      c.pixels += x1 - x0;
    }
    runs[r + 3] = k;
  }
  return { components, runs: runs.slice(0, runsLength) };
}

/**
 * Letter-sized components: not specks, not rules, borders, stamps or photos. Both the text
 * scale and the skew are measured on these only, so a dark scanner border or a ruled line
 * cannot pose as text (on the corpus they produced +-9.4 degree "skews" before this filter).
 */
export function isGlyph(c: Component, maxHeight: number): boolean {
  const h = c.y1 - c.y0;
  const w = c.x1 - c.x0;
  if (h < 3 || h > maxHeight || w > 3 * h || w * 8 < h) return false;
  const fill = c.pixels / (w * h);
  return fill >= 0.1 && fill <= 0.9;
}

export function glyphMaxHeight(bin: BinaryImage): number {
  return Math.max(8, Math.round(bin.height / 20));
}

/**
 * Letter-sized components that sit in a line of text: each has a neighbour of comparable height
 * (at most 2.2x apart: an x-height letter beside a capital or an ascender) beside it, at most 1.5
 * heights away and overlapping it vertically. Specks, noise blobs and stray marks are alone: on a
 * heavily degraded generated page (noise, 1500 specks, faint ink) three-pixel specks outnumbered
 * the letters and the text size came out as 4 px instead of 12, the page was enlarged x4 and the
 * skew read as 0; with this filter both are measured on the letters.
 * Falls back to all letter-sized components when fewer than `minimum` are in lines (sparse pages).
 */
export function lineGlyphFlags(components: readonly Component[], maxHeight: number, minimum = 20): Uint8Array {
  // Text size and skew both ask for the same page's letters: found once per set of components.
  const cached = LINE_GLYPHS.get(components);
  if (cached && cached.maxHeight === maxHeight && cached.minimum === minimum) return cached.flags;
  const flags = findLineGlyphs(components, maxHeight, minimum);
  LINE_GLYPHS.set(components, { maxHeight, minimum, flags });
  return flags;
}

const LINE_GLYPHS = new WeakMap<readonly Component[], { maxHeight: number; minimum: number; flags: Uint8Array }>();

function findLineGlyphs(components: readonly Component[], maxHeight: number, minimum: number): Uint8Array {
  const glyph = components.map((c) => isGlyph(c, maxHeight));
  const order = components.map((_, i) => i).filter((i) => glyph[i]).sort((a, b) => components[a]!.x0 - components[b]!.x0);
  const inLine = new Uint8Array(components.length);
  for (let k = 0; k < order.length; k += 1) {
    const a = components[order[k]!]!;
    const ah = a.y1 - a.y0;
    for (let m = k + 1; m < order.length; m += 1) {
      const b = components[order[m]!]!;
      if (b.x0 - a.x1 > 1.5 * ah) break;
      const bh = b.y1 - b.y0;
      if (b.x0 - a.x1 > 1.5 * bh || Math.max(ah, bh) > 2.2 * Math.min(ah, bh)) continue;
      if (Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) < 0.4 * Math.min(ah, bh)) continue;
      inLine[order[k]!] = 1;
      inLine[order[m]!] = 1;
    }
  }
  let count = 0;
  for (const v of inLine) count += v;
  if (count >= minimum) return inLine;
  return Uint8Array.from(glyph, (g) => (g ? 1 : 0));
}

/**
 * Dominant glyph height: the mode of the heights of letter-sized components, refined to the
 * mean of the heights near the mode.
 */
export function textScale(bin: BinaryImage, cc: Components = connectedComponents(bin)): TextScale {
  const { components } = cc;
  const maxHeight = glyphMaxHeight(bin);
  const counts = new Float64Array(maxHeight + 2);
  const glyphs: number[] = [];
  const letter = lineGlyphFlags(components, maxHeight);
  for (const [i, c] of components.entries()) {
    if (!letter[i]) continue;
    // Binarised glyph edges land mid-pixel and the row they half cover counts as ink, so a
    // glyph measures about one row taller than it is (measured: +0.6..1.6 px at 6..28 px).
    const h = c.y1 - c.y0;
    glyphs.push(h);
    counts[h]! += 1;
  }
  if (glyphs.length < 20) return { glyphHeight: null, xHeight: null, tallShare: 0, capsOnly: false, glyphs: glyphs.length, components: components.length };
  // Smooth over neighbours so a mode split between h and h+1 is found.
  let mode = 3;
  let best = -1;
  for (let h = 3; h <= maxHeight; h += 1) {
    const s = counts[h - 1]! * 0.5 + counts[h]! + counts[h + 1]! * 0.5;
    if (s > best) {
      best = s;
      mode = h;
    }
  }
  let sum = 0;
  let n = 0;
  for (const h of glyphs) {
    if (Math.abs(h - mode) <= Math.max(1, mode * 0.15)) {
      sum += h;
      n += 1;
    }
  }
  let tall = 0;
  for (const h of glyphs) if (h >= 1.2 * mode && h <= 1.7 * mode) tall += 1;
  const tallShare = tall / glyphs.length;
  const capsOnly = tallShare < CAPS_ONLY_BELOW;
  const glyphHeight = (sum / n - 1) * bin.factor;
  return {
    glyphHeight,
    xHeight: capsOnly ? glyphHeight * X_TO_CAP_HEIGHT : glyphHeight,
    tallShare: Math.round(tallShare * 1000) / 1000,
    capsOnly,
    glyphs: glyphs.length,
    components: components.length,
  };
}

const MAX_POINTS = 150_000;

/**
 * Ink pixels of glyphs, centred horizontally, in units of about 1/8 glyph height. Profiles at
 * finer bins are dominated by the lattice that monospaced typewriter text forms: at full 300 dpi
 * resolution, a diagonal of that lattice (one line down, a dozen characters along, ~9 degrees)
 * outscored the real text lines on straight pages.
 */
export function glyphInkPoints(bin: BinaryImage, cc: Components): { xs: Float64Array; ys: Float64Array; unit: number } {
  const glyph = lineGlyphFlags(cc.components, glyphMaxHeight(bin));
  const heights = cc.components.filter((_, i) => glyph[i]).map((c) => c.y1 - c.y0).sort((a, b) => a - b);
  const unit = heights.length ? Math.max(1, heights[Math.floor(heights.length / 2)]! / 8) : 1;
  const { runs } = cc;
  let count = 0;
  for (let r = 0; r < runs.length; r += 4) if (glyph[runs[r + 3]!]) count += runs[r + 2]! - runs[r + 1]!;
  // Keep each point with probability MAX_POINTS / count: random rather than every n-th point,
  // so the sample adds no regular pattern of its own that could line up at some shear angle.
  const keep = Math.min(1, MAX_POINTS / Math.max(1, count));
  const xs = new Float64Array(Math.min(count, Math.ceil(MAX_POINTS * 1.1)) + 16);
  const ys = new Float64Array(xs.length);
  const cx = bin.width / 2;
  let k = 0;
  let seed = 0x9e3779b9;
  for (let r = 0; r < runs.length; r += 4) {
    if (!glyph[runs[r + 3]!]) continue;
    const y = runs[r]!;
    for (let x = runs[r + 1]!; x < runs[r + 2]!; x += 1) {
      if (keep < 1) {
        // xorshift32: deterministic, so the same page always gives the same angle.
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        if ((seed >>> 0) / 4294967296 >= keep) continue;
      }
      if (k >= xs.length) break;
      // Each point somewhere inside its pixel row, not on the row's edge: with a bin of 1.6 rows,
      // whole rows fall into bins in a 1-2-1-2 pattern that only a slope of exactly 0 keeps, and
      // that alias outscored a real 1.75 degree skew (generated heavy scans read as straight).
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      xs[k] = (x - cx) / unit;
      ys[k] = (y + (seed >>> 0) / 4294967296) / unit;
      k += 1;
    }
  }
  return { xs: xs.subarray(0, k), ys: ys.subarray(0, k), unit };
}

/** Postl's criterion: sum of squared differences between neighbouring rows of the sheared profile. */
export function profileScore(xs: Float64Array, ys: Float64Array, height: number, width: number, degrees: number, bins: Float64Array): number {
  const slope = Math.tan((degrees * Math.PI) / 180);
  const offset = Math.ceil(Math.abs(slope) * width) + 1;
  bins.fill(0);
  const base = offset + 0.5;
  for (let i = 0; i < xs.length; i += 1) bins[(ys[i]! - xs[i]! * slope + base) | 0]! += 1;
  let score = 0;
  const top = height + 2 * offset;
  for (let b = 1; b < top; b += 1) {
    const d = bins[b]! - bins[b - 1]!;
    score += d * d;
  }
  return score;
}

/**
 * Skew of the text lines by projection profiles: a coarse search over +-maxAngle, then finer
 * steps around the best angle, then a parabola through the best three for sub-step precision.
 */
export function estimateSkew(bin: BinaryImage, options: { maxAngle: number; step: number }, cc: Components = connectedComponents(bin)): SkewEstimate {
  const { xs, ys, unit } = glyphInkPoints(bin, cc);
  if (xs.length < 100) return { angle: 0, strength: 1, inkPoints: xs.length };
  const width = bin.width / unit;
  const height = Math.ceil(bin.height / unit);
  const maxOffset = Math.ceil(Math.tan((options.maxAngle * Math.PI) / 180) * width) + 2;
  const bins = new Float64Array(height + 2 * maxOffset + 4);
  const score = (deg: number) => profileScore(xs, ys, height, width, deg, bins);
  // The coarse search only has to find the right half-degree: a quarter of the points will do.
  const coarseXs = xs.filter((_, i) => i % 4 === 0);
  const coarseYs = ys.filter((_, i) => i % 4 === 0);

  // Quarter degrees: the peak of a page of long lines is ~0.5 degree wide at its base.
  const coarseStep = Math.max(options.step, 0.25);
  const coarse: Array<[number, number]> = [];
  for (let a = -options.maxAngle; a <= options.maxAngle + 1e-9; a += coarseStep) {
    coarse.push([a, profileScore(coarseXs, coarseYs, height, width, a, bins)]);
  }
  coarse.sort((p, q) => q[1] - p[1]);
  const [bestCoarse, bestCoarseScore] = coarse[0]!;
  const sortedScores = coarse.map((c) => c[1]).sort((p, q) => p - q);
  const median = sortedScores[Math.floor(sortedScores.length / 2)]!;

  let bestAngle = bestCoarse;
  let bestScore = -1;
  for (let a = bestCoarse - coarseStep; a <= bestCoarse + coarseStep + 1e-9; a += options.step) {
    const angle = Math.round(a * 1000) / 1000;
    const s = score(angle);
    if (s > bestScore) {
      bestScore = s;
      bestAngle = angle;
    }
  }
  // Parabolic refinement between the neighbours of the best fine angle.
  const left = score(bestAngle - options.step);
  const right = score(bestAngle + options.step);
  const denom = left - 2 * bestScore + right;
  const shift = denom < 0 ? (0.5 * (left - right)) / denom : 0;
  const angle = bestAngle + Math.max(-0.5, Math.min(0.5, shift)) * options.step;
  return { angle: Math.round(angle * 100) / 100, strength: median > 0 ? bestScore / (median * (score(bestCoarse) / bestCoarseScore)) : 1, inkPoints: xs.length };
}
