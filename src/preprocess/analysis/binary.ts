// The analysis copy: the page reduced (short side ~1250 px), flattened by its paper background
// and thresholded to ink and paper; its connected components, and which of them are letters
// standing in lines. Sizes are in pixels of the copy; `factor` maps them to the full image.
import type { RawImage } from '../../types.ts';
import { backgroundGrid, backgroundStats, flattenWith, type BackgroundGrid, type BackgroundStats } from '../background.ts';
import { sharpOf, toGreyRaw } from '../raw.ts';
import { inkThreshold, maskAtMost } from './levels.ts';

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
  /** Grey-level histogram of `flat` (every pixel), counted while flattening: the ink measure's too. */
  flatHistogram: Uint32Array;
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
  const flat: RawImage = {
    data: flattenWith(reduced.data, reduced.width, reduced.height, grid, 1, flatHist),
    width: reduced.width,
    height: reduced.height,
    channels: 1,
  };
  const threshold = inkThreshold(flatHist);
  const data = maskAtMost(flat.data, threshold);
  return {
    data,
    width: reduced.width,
    height: reduced.height,
    factor: image.width / reduced.width,
    threshold,
    background: backgroundStats(grid),
    grid,
    flat: flat.data,
    flatHistogram: flatHist,
  };
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

/** Entries of a work array kept between calls at most (4 bytes each): a larger one is dropped after its call. */
const MAX_KEPT_ENTRIES = 4 << 20;
let workParents = new Int32Array(4096);
let workRuns = new Int32Array(16384);

/** Keeps the (possibly grown) work arrays for the next call, unless they grew past MAX_KEPT_ENTRIES. */
function keepWorkArrays(parents: Int32Array<ArrayBuffer>, runs: Int32Array<ArrayBuffer>): void {
  if (parents.length <= MAX_KEPT_ENTRIES) workParents = parents;
  if (runs.length <= MAX_KEPT_ENTRIES) workRuns = runs;
}

/**
 * 8-connected components of ink, by run-based union-find (one pass over the rows). Typed arrays
 * throughout: a page has hundreds of thousands of runs, and as JS arrays of numbers they were
 * most of the preprocessing's garbage-collection time.
 */
export function connectedComponents(bin: Pick<BinaryImage, 'data' | 'width' | 'height'>): Components {
  const { data, width, height } = bin;
  // The labels' parents and the runs are worked in arrays kept from the last call (this function
  // is synchronous; what it returns is copied out of them): grown by doubling from a few
  // thousand entries on every call, they were ~60 MB of short-lived arrays on the bench's 26
  // pages, each growth a copy.
  let parent: Int32Array<ArrayBuffer> = workParents;
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
  let runs: Int32Array<ArrayBuffer> = workRuns; // y, x0, x1, label
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
  keepWorkArrays(parent, runs);
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
  const order = components
    .map((_, i) => i)
    .filter((i) => glyph[i])
    .sort((a, b) => components[a]!.x0 - components[b]!.x0);
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
