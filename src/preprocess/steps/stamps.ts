// Stamps: paint out ink much lighter than the page's typescript (rubber stamps, a received stamp
// set sideways, a distribution box's printing), keeping every pixel near the typed letters.
// Stamps are struck over the header of despatches and letters, where the number, the place and
// date line and the subject are, and Tesseract reads a stamp crossing a line as letters of it
// (`September 13, 1937` under `VISA DIVISION` came back with the stamp's words inside it) or
// drops the line. Archive scans are grey (the corpus's EHRI despatches, every generated page), so
// colour cannot tell the inks apart; their darkness can: a typed letter has a dark core, stamp
// ink struck with a rubber pad, faded or violet, scans lighter. Each stroke's core is the darkest
// of its ink (3x3 mean); a typed letter (dark core, letter size) is kept whole, and ink within a
// stroke's width of a typed core is kept as it is, so letters keep their soft edges and a stamp
// crossing a letter loses only what lies off the letter.
// Pages without a population of light ink (most telegrams) are left as they are, to the bit, and
// so are bilevel scans (1-bit, every ink as black as the next), without measuring them.
import { z } from 'zod';
import { otsuThreshold } from '../analysis.ts';
import { type Component, connectedComponents } from '../analysis/binary.ts';
import { isBilevel, maskAtMost, scratchBytes } from '../analysis/levels.ts';
import { tooFewLetters } from '../ink.ts';
import { GEOMETRY_FREE_KINDS } from '../measure.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';

/** Components smaller than this many pixels are specks: their darkness says nothing of an ink. */
const MIN_COMPONENT_PIXELS = 20;

export interface LightInkRemoval {
  data: Buffer;
  /** Otsu's ink threshold of the page. */
  threshold: number;
  /** The paper's level (median of the levels above the threshold): what removed ink is painted with. */
  paper: number;
  /** The typescript's core level: the pixel-weighted median of the components' darkest 3x3 means. */
  core: number;
  /** Cores darker than or equal to this are typed letters' (seeds); lighter ones are light ink. */
  seedLevel: number;
  /** Share of the components' ink in components whose core is lighter than `seedLevel`. */
  lightShare: number;
  /** Pixels painted as paper. */
  painted: number;
}

/**
 * Rounded quotients s / n (Math.round, as the mean was always rounded) for every sum of up to n
 * levels, for each neighbourhood size n a 3x3 window can have (1-3 columns times 1-3 rows): a
 * lookup in place of a division per pixel.
 */
const ROUNDED_MEANS: readonly Uint8Array[] = Array.from({ length: 10 }, (_, n) =>
  n === 0 ? new Uint8Array(0) : Uint8Array.from({ length: 255 * n + 1 }, (_, s) => Math.round(s / n)),
);

/** Sums of each pixel's row neighbours (itself and the pixels left and right of it that exist) of row `r`, into `sums`. */
function rowSums(data: Uint8Array, r: number, width: number, sums: Uint16Array): void {
  if (width === 1) {
    sums[0] = data[r]!;
    return;
  }
  let a = data[r]!;
  let b = data[r + 1]!;
  sums[0] = a + b;
  for (let x = 1; x + 1 < width; x += 1) {
    const c = data[r + x + 1]!;
    sums[x] = a + b + c;
    a = b;
    b = c;
  }
  sums[width - 1] = a + b;
}

/**
 * Mean of each pixel's 3x3 neighbourhood (edges: the pixels that exist). It runs on every page at
 * full resolution, so the row sums are kept for three rows at a time, the inner columns are
 * divided by lookup, and only the edges take their smaller neighbourhoods.
 * With `below`, only rows within a row of a level at most `below` are averaged; the others are
 * 255: every pixel of their neighbourhoods is above `below`, so is their mean, and a mask of the
 * means at most `below` (and the means under it) come out as from every row.
 */
export function boxMean3(data: Uint8Array, width: number, height: number, below?: number, out: Uint8Array = new Uint8Array(data.length)): Uint8Array {
  if (width === 0 || height === 0) return out;
  const wanted = below === undefined ? null : rowsNear(data, width, height, below);
  // Row sums of three consecutive rows, each in the slot of its row index modulo 3.
  const sums = [new Uint16Array(width), new Uint16Array(width), new Uint16Array(width)];
  const summed = [-1, -1, -1];
  const sumsOf = (y: number): Uint16Array => {
    const slot = y % 3;
    if (summed[slot] !== y) {
      rowSums(data, y * width, width, sums[slot]!);
      summed[slot] = y;
    }
    return sums[slot]!;
  };
  const zeroes = new Uint16Array(width);
  const edgeColumns = width > 1 ? 2 : 1;
  for (let y = 0; y < height; y += 1) {
    const r = y * width;
    if (wanted !== null && wanted[y] === 0) {
      out.fill(255, r, r + width);
      continue;
    }
    const hasUp = y > 0;
    const hasDown = y + 1 < height;
    const ny = (hasUp ? 1 : 0) + 1 + (hasDown ? 1 : 0);
    const inner = ROUNDED_MEANS[3 * ny]!;
    const edge = ROUNDED_MEANS[edgeColumns * ny]!;
    // A missing row adds nothing.
    const up = hasUp ? sumsOf(y - 1) : zeroes;
    const middle = sumsOf(y);
    const down = hasDown ? sumsOf(y + 1) : zeroes;
    for (let x = 1; x + 1 < width; x += 1) out[r + x] = inner[up[x]! + middle[x]! + down[x]!]!;
    out[r] = edge[up[0]! + middle[0]! + down[0]!]!;
    if (width > 1) out[r + width - 1] = edge[up[width - 1]! + middle[width - 1]! + down[width - 1]!]!;
  }
  return out;
}

/** 1 for each row that is, or lies next to, a row holding a level at most `level`. */
function rowsNear(data: Uint8Array, width: number, height: number, level: number): Uint8Array {
  const near = new Uint8Array(height);
  for (let y = 0; y < height; y += 1) {
    const r = y * width;
    for (let x = 0; x < width; x += 1) {
      if (data[r + x]! <= level) {
        near[y] = 1;
        if (y > 0) near[y - 1] = 1;
        if (y + 1 < height) near[y + 1] = 1;
        break;
      }
    }
  }
  return near;
}

/** The mask grown by `radius` pixels along rows and columns (a square), in place of a slow window scan. */
function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y += 1) {
    const r = y * width;
    let last = -Infinity;
    for (let x = 0; x < width; x += 1) {
      if (mask[r + x]) last = x;
      if (x - last <= radius) rows[r + x] = 1;
    }
    last = Infinity;
    for (let x = width - 1; x >= 0; x -= 1) {
      if (mask[r + x]) last = x;
      if (last - x <= radius) rows[r + x] = 1;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x += 1) {
    let last = -Infinity;
    for (let y = 0; y < height; y += 1) {
      if (rows[y * width + x]) last = y;
      if (y - last <= radius) out[y * width + x] = 1;
    }
    last = Infinity;
    for (let y = height - 1; y >= 0; y -= 1) {
      if (rows[y * width + x]) last = y;
      if (last - y <= radius) out[y * width + x] = 1;
    }
  }
  return out;
}

/**
 * Per component, 1 when it is a typed letter (or a few letters run together): its core is dark
 * and it is no larger than `maxHeight` x `maxWidth` pixels. Such a component is kept whole: a
 * letter struck unevenly is light in part (the `2` of `No. 2748` and the `p` of `April` on a heavy
 * generated scan lost their faint halves when only ink near dark cores was kept). A typed
 * component larger than that is letters a stamp's strokes run into: there, only ink near the
 * dark cores is kept.
 */
function typedLetters(components: readonly Component[], cores: Uint8Array, seedLevel: number, maxHeight: number, maxWidth: number): Uint8Array {
  const out = new Uint8Array(components.length);
  components.forEach((c, i) => {
    if (cores[i]! <= seedLevel && c.y1 - c.y0 <= maxHeight && c.x1 - c.x0 <= maxWidth) out[i] = 1;
  });
  return out;
}

/**
 * Finds the light ink of a grey page and paints it as paper. `seedShare`: where between the
 * typescript's core level and the ink threshold a core stops being a typed letter's; `radius`:
 * how far (pixels) ink is kept around typed cores; `letterHeight`: the text's letter height, for
 * typed letters kept whole (0: none); `minLightShare`: below this share of light ink
 * nothing is painted (the input is returned).
 */
export function removeLightInk(
  data: Buffer,
  width: number,
  height: number,
  hist: Uint32Array,
  seedShare: number,
  radius: number,
  minLightShare = 0,
  letterHeight = 0,
): LightInkRemoval {
  const threshold = otsuThreshold(hist);
  let above = 0;
  for (let v = threshold + 1; v < 256; v += 1) above += hist[v]!;
  let paper = 255;
  for (let v = threshold + 1, seen = 0; v < 256; v += 1) {
    seen += hist[v]!;
    if (seen * 2 >= above) {
      paper = v;
      break;
    }
  }
  // The figures need the means of ink only (at most the threshold): the rows of paper are skipped.
  // Both arrays are scratch (src/preprocess/analysis/levels.ts): this function is synchronous,
  // and neither is read once the figures are taken (painting takes every row's means anew).
  let mean = boxMean3(data, width, height, threshold, scratchBytes(data.length, 0));
  const ink = maskAtMost(mean, threshold, scratchBytes(data.length, 1));
  const { components, runs } = connectedComponents({ data: ink, width, height });
  const cores = new Uint8Array(components.length).fill(255);
  for (let k = 0; k < runs.length; k += 4) {
    const row = runs[k]! * width;
    const c = runs[k + 3]!;
    let core = cores[c]!;
    for (let x = runs[k + 1]!; x < runs[k + 2]!; x += 1) if (mean[row + x]! < core) core = mean[row + x]!;
    cores[c] = core;
  }
  const coreHist = new Float64Array(256);
  let total = 0;
  components.forEach((c, i) => {
    if (c.pixels < MIN_COMPONENT_PIXELS) return;
    coreHist[cores[i]!]! += c.pixels;
    total += c.pixels;
  });
  let core = threshold;
  for (let v = 0, seen = 0; v < 256; v += 1) {
    seen += coreHist[v]!;
    if (seen * 2 >= total) {
      core = v;
      break;
    }
  }
  const seedLevel = Math.round(core + seedShare * (threshold - core));
  let light = 0;
  for (let v = seedLevel + 1; v < 256; v += 1) light += coreHist[v]!;
  const lightShare = total > 0 ? light / total : 0;
  const figures = { threshold, paper, core, seedLevel, lightShare: Math.round(lightShare * 1000) / 1000 };
  // Too little light ink to be a stamp: nothing to paint (and no need to find it).
  if (lightShare < minLightShare || light === 0) return { data, ...figures, painted: 0 };
  // Painting also looks at the soft edges above the threshold: every row's means.
  mean = boxMean3(data, width, height);
  const seeds = maskAtMost(mean, seedLevel);
  const whole = letterHeight > 0 ? typedLetters(components, cores, seedLevel, 1.8 * letterHeight, 4 * letterHeight) : new Uint8Array(0);
  if (whole.length > 0) {
    for (let k = 0; k < runs.length; k += 4) {
      if (whole[runs[k + 3]!] !== 1) continue;
      const row = runs[k]! * width;
      seeds.fill(1, row + runs[k + 1]!, row + runs[k + 2]!);
    }
  }
  const near = dilate(seeds, width, height, radius);
  const out = Buffer.from(data);
  // The stroke's soft edge goes with it: a pixel whose neighbourhood is half ink.
  const edge = Math.round((threshold + paper) / 2);
  let painted = 0;
  for (let i = 0; i < out.length; i += 1) {
    if (near[i] || out[i]! >= paper) continue;
    if (out[i]! <= threshold || mean[i]! <= edge) {
      out[i] = paper;
      painted += 1;
    }
  }
  return { data: out, ...figures, painted };
}

export const stamps = defineStep({
  name: 'stamps',
  summary: 'paint out ink much lighter than the typescript (stamps over the header), keeping ink near typed letters',
  needsGrey: true,
  params: z
    .object({
      /** Where a stroke's core stops being typescript, between the typescript's core level (0) and the ink threshold (1). */
      seedShare: z.number().min(0.05).max(0.95).default(0.55),
      /** Ink kept around typed cores, as a share of the text height (a stroke's width). */
      keep: z.number().min(0.01).max(0.5).default(0.08),
      /** Act only when at least this share of the page's ink (components) is light: a stamp, not a few faint letters. */
      minLightShare: z.number().min(0).max(1).default(0.02),
      /** Letter height (pixels) below which the step leaves the page alone: strokes too thin for a core. */
      minTextHeight: z.number().min(0).max(200).default(12),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'stamps');
    const few = tooFewLetters(ctx.ink);
    if (few) return { image, applied: false, measured: { skipped: few } };
    const hist = await ctx.measure.sampledHistogram(image);
    // A bilevel scan's ink is all one level: nothing tells a stamp's from a letter's (the 3x3 means
    // of its ink are all black, every core the typescript's), and measuring that costs as much as
    // on a grey page.
    if (isBilevel(hist)) return { image, applied: false, measured: { skipped: 'bilevel scan: one ink level' } };
    const scale = await ctx.measure.textScale(image);
    const textHeight = scale.glyphHeight;
    if (textHeight === null) return { image, applied: false, measured: { skipped: 'no text height' } };
    // At a few pixels a letter, a stroke is one or two pixels wide and its 3x3 mean never reaches
    // the ink's real darkness: every typed letter would look light (docs/preprocessing.md).
    if (textHeight < params.minTextHeight)
      return { image, applied: false, measured: { skipped: 'text too small to tell inks apart', textHeight: Math.round(textHeight * 10) / 10 } };
    const radius = Math.max(1, Math.round(params.keep * textHeight));
    const found = removeLightInk(image.data, image.width, image.height, hist, params.seedShare, radius, params.minLightShare, textHeight);
    const { data, ...figures } = found;
    const measured = { ...figures, textHeight: Math.round(textHeight * 10) / 10, radius };
    if (found.painted === 0) return { image, applied: false, measured };
    // Only light ink away from the letters changed: text size, skew and orientation still hold.
    return { image: { ...image, data }, applied: true, measured, keeps: GEOMETRY_FREE_KINDS };
  },
});
