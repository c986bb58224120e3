// The page's ink measure: is there text on this page, and where? Decided on the reduced, background-
// flattened analysis copy (analysis.ts) before any expensive step, from evidence that paper grain,
// dust and show-through cannot fake:
// - contrast: a letter holds pixels clearly darker than the paper around it, by a margin that grows
//   with the paper's own noise (hysteresis: letters are traced on a weak mask and kept when they
//   reach a strong level, so a faint stroke keeps its shape and grain never starts a letter);
// - shape: letter-sized, letter-proportioned components (not specks, rules, borders or shadows);
// - alignment: letters sit on a line beside letters of comparable height. A lone letter-shaped
//   component (a page number "2") counts only when shaped like a typed character.
// Pixel statistics (variance, Otsu's threshold) cannot tell grain from ink on a page with no ink:
// Otsu then splits the grain itself, which is how a blank page used to be read as 40 000 "letters".
import type { BBox, RawImage } from '../types.ts';
import { connectedComponents, glyphMaxHeight, isGlyph, maskAtMost, type BinaryImage, type Component } from './analysis.ts';
import { scratchBytes } from './analysis/levels.ts';
import type { Measure } from './measure.ts';
import { sharpOf, toGreyRaw } from './raw.ts';
import { upperMedian as median } from '../stats.ts';

export type InkVerdict = 'blank' | 'nearly_blank' | 'text';

export interface InkLine {
  /** Box of the line's letters, in full-image pixels. */
  bbox: BBox;
  letters: number;
  /** Median letter height, full-image pixels. */
  letterHeight: number;
  /** Slope of the letters' bottoms, degrees (positive: descending to the right); 0 for one letter. */
  angle: number;
}

export interface InkMeasure {
  verdict: InkVerdict;
  /** Letters on the page's text lines (contrasting, letter-shaped, aligned; see above). */
  letterComponents: number;
  textLines: number;
  /** Share of the page clearly darker than the paper (letters, rules, specks, shadows), 0..1. */
  inkShare: number;
  /** Paper level of the flattened analysis copy (grey levels). */
  paper: number;
  /** Paper noise of the flattened analysis copy: its 84th minus 50th percentile (~1 sigma), grey levels. */
  paperNoise: number;
  /** How much darker than the paper a letter must get (grey levels). */
  contrast: number;
  /** Median letter height over the lines, full-image pixels; null without letters. */
  letterHeight: number | null;
  /** True when the lines run down the page (a page scanned sideways): the orientation step turns it. */
  vertical: boolean;
  /** Text lines, top to bottom. */
  lines: InkLine[];
}

export interface InkOptions {
  /** A letter must get at least this much darker than the paper (grey levels of 255)... */
  minContrast: number;
  /** ...and at least this many times the paper noise. */
  noiseContrast: number;
  /** Letters are traced down to max(this, traceNoise x noise) below the paper. */
  minTrace: number;
  traceNoise: number;
  /** Smallest letter height on the analysis copy, pixels. */
  minLetterPx: number;
  /** A page with only lines of one or two letters has at most this many (a page number); more are dust. */
  maxShortLines: number;
  /** Lines of one or two letters count only in this share of the page at its top or bottom (where page numbers are). */
  pageNumberBand: number;
  /** A page with more lines (of three letters or more) or more letters than these is a text page. */
  nearlyBlankMaxLines: number;
  nearlyBlankMaxLetters: number;
}

export const DEFAULT_INK_OPTIONS: Readonly<InkOptions> = Object.freeze({
  minContrast: 64,
  noiseContrast: 6,
  minTrace: 24,
  traceNoise: 3,
  minLetterPx: 4,
  maxShortLines: 2,
  pageNumberBand: 0.15,
  nearlyBlankMaxLines: 3,
  nearlyBlankMaxLetters: 60,
});

/** Grey level below which `fraction` of the counted pixels fall. */
function levelAt(hist: Uint32Array, total: number, fraction: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v += 1) {
    seen += hist[v]!;
    if (seen > fraction * total) return v;
  }
  return 255;
}

interface Letter {
  c: Component;
  h: number;
  /** Its strokes' width: twice its pixels over its edge pixels. */
  stroke: number;
}

/** Union-find over indices. */
function disjointSets(n: number): { find(a: number): number; union(a: number, b: number): void } {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  return { find, union: (a, b) => void (parent[Math.max(find(a), find(b))] = Math.min(find(a), find(b))) };
}

/** Two letters of one word: side by side, comparable heights, overlapping vertically (as lineGlyphFlags). */
function neighbours(a: Component, b: Component): boolean {
  const ah = a.y1 - a.y0;
  const bh = b.y1 - b.y0;
  const gap = b.x0 >= a.x1 ? b.x0 - a.x1 : a.x0 >= b.x1 ? a.x0 - b.x1 : 0;
  if (gap > 1.5 * Math.min(ah, bh) || Math.max(ah, bh) > 2.2 * Math.min(ah, bh)) return false;
  return Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) >= 0.4 * Math.min(ah, bh);
}

/**
 * Whether a letter may stand in a line of one or two (a page number "2", "12"): big enough, clear
 * of the page's edge (a shadow's ragged rim breaks into letter-sized pieces there), proportioned
 * like a typed character, and with strokes as thick as a typed character's for its height: on the
 * generated sets, typed digits measure 0.16-0.37 of their height, scratches and hairs as tall as a
 * letter 0.10-0.16, dust blots (small and solid) up to 0.57.
 */
function typedCharacter(l: Letter, minLetterPx: number, width: number, height: number): boolean {
  const { c, h, stroke } = l;
  const w = c.x1 - c.x0;
  const fill = c.pixels / (w * h);
  if (c.x0 === 0 || c.y0 === 0 || c.x1 === width || c.y1 === height) return false;
  return h >= 2.5 * minLetterPx && w * 4 >= h && w <= 1.5 * h && fill >= 0.15 && fill <= 0.7 && stroke >= 0.14 * h && stroke <= 0.4 * h;
}

/** Least-squares slope of the letters' bottom edges, degrees. */
function baselineAngle(letters: readonly Letter[], typical: number): number {
  const on = letters.filter((l) => l.h >= 0.75 * typical && l.h <= 1.3 * typical);
  if (on.length < 3) return 0;
  const xs = on.map((l) => (l.c.x0 + l.c.x1) / 2);
  const ys = on.map((l) => l.c.y1);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i += 1) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? Math.round(((Math.atan(sxy / sxx) * 180) / Math.PI) * 100) / 100 : 0;
}

/** Measures the ink of a page from its analysis copy (`Measure.binary`). */
export function measureInk(bin: BinaryImage, options: InkOptions = DEFAULT_INK_OPTIONS): InkMeasure {
  const { flat, width, height, factor } = bin;
  // The histogram binarising counted while it flattened the copy: the same counts, not a pass again.
  const hist = bin.flatHistogram;
  // Paper from the bright half: ink is dark and a minority of any page.
  const paper = levelAt(hist, flat.length, 0.5);
  const noise = Math.max(1, levelAt(hist, flat.length, 0.84) - paper);
  const contrast = Math.max(options.minContrast, options.noiseContrast * noise);
  const strong = paper - contrast;
  const trace = paper - Math.max(options.minTrace, options.traceNoise * noise);

  // A scratch mask (levels.ts): only the components below read it, before anything awaits.
  const mask = maskAtMost(flat, trace, scratchBytes(flat.length));
  let inkPixels = 0;
  for (let v = 0; v <= strong; v += 1) inkPixels += hist[v]!;
  const { components, runs } = connectedComponents({ data: mask, width, height });
  // Darkest level of each component (a letter must reach the strong level somewhere), and its
  // edge pixels (ink beside paper: twice the pixels over the edge is the stroke's width).
  const darkest = new Uint8Array(components.length).fill(255);
  const edges = new Uint32Array(components.length);
  for (let r = 0; r < runs.length; r += 4) {
    const y = runs[r]!;
    const row = y * width;
    const k = runs[r + 3]!;
    const x0 = runs[r + 1]!;
    const x1 = runs[r + 2]!;
    let min = darkest[k]!;
    let edge = 0;
    for (let x = x0; x < x1; x += 1) {
      if (flat[row + x]! < min) min = flat[row + x]!;
      if (x === x0 || x === x1 - 1 || y === 0 || y === height - 1 || mask[row - width + x] === 0 || mask[row + width + x] === 0) edge += 1;
    }
    darkest[k] = min;
    edges[k]! += edge;
  }
  const maxHeight = glyphMaxHeight(bin);
  const letters: Letter[] = [];
  components.forEach((c, k) => {
    if (darkest[k]! > strong || c.y1 - c.y0 < options.minLetterPx || !isGlyph(c, maxHeight)) return;
    letters.push({ c, h: c.y1 - c.y0, stroke: (2 * c.pixels) / Math.max(1, edges[k]!) });
  });

  // Sideways pages (the orientation step turns them later) have their lines running down the page.
  const across = findLines(letters, width, height, options);
  // Clearly more letters down than across: a few stray pairs must not turn a page number sideways.
  // Lines down the page hold at most every letter, so where that many could not be clearly more,
  // the page is upright without searching down it (most pages: the search was a tenth of the measure).
  const enough = 2 * count(across) + 3;
  const down = letters.length >= enough ? findLines(letters.map(transposed), height, width, options) : [];
  const vertical = count(down) >= enough;
  let lines = (vertical ? down.map((line) => ({ ...line, box: [line.box[1], line.box[0], line.box[3], line.box[2]] as BBox })) : across)
    .map((line) => ({
      bbox: [Math.floor(line.box[0] * factor), Math.floor(line.box[1] * factor), Math.ceil(line.box[2] * factor), Math.ceil(line.box[3] * factor)] as BBox,
      letters: line.letters,
      letterHeight: Math.round(line.h * factor * 10) / 10,
      angle: line.angle,
    }))
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);

  // One or two short lines on an otherwise empty page are a page number; many are dust.
  const wordLines = lines.filter((l) => l.letters >= 3).length;
  if (wordLines === 0 && lines.length > options.maxShortLines) lines = [];
  const letterComponents = lines.reduce((n, l) => n + l.letters, 0);
  const verdict: InkVerdict =
    lines.length === 0 ? 'blank' : wordLines <= options.nearlyBlankMaxLines && letterComponents <= options.nearlyBlankMaxLetters ? 'nearly_blank' : 'text';
  return {
    verdict,
    letterComponents,
    textLines: lines.length,
    inkShare: Math.round((inkPixels / flat.length) * 1e5) / 1e5,
    paper,
    paperNoise: noise,
    contrast,
    letterHeight: lines.length ? median(lines.flatMap((l) => Array(l.letters).fill(l.letterHeight) as number[])) : null,
    vertical,
    lines,
  };
}

interface FoundLine {
  /** Analysis-copy pixels, in the frame the lines were found in. */
  box: BBox;
  letters: number;
  h: number;
  angle: number;
}

function count(lines: readonly FoundLine[]): number {
  return lines.reduce((n, l) => n + l.letters, 0);
}

function transposed(l: Letter): Letter {
  const { x0, y0, x1, y1, pixels } = l.c;
  return { c: { x0: y0, y0: x0, x1: y1, y1: x1, pixels }, h: x1 - x0, stroke: l.stroke };
}

/**
 * Words: letters with a neighbour, chained. Lines: words and lone typed characters that overlap
 * vertically, at most a few letter heights apart. A line of one or two letters is a line only
 * when each is shaped like a typed character: specks side by side make pairs, rarely threes.
 */
function findLines(input: readonly Letter[], width: number, height: number, options: InkOptions): FoundLine[] {
  const letters = [...input].sort((a, b) => a.c.x0 - b.c.x0);
  const words = disjointSets(letters.length);
  const paired = new Uint8Array(letters.length);
  for (let i = 0; i < letters.length; i += 1) {
    const a = letters[i]!;
    for (let j = i + 1; j < letters.length && letters[j]!.c.x0 - a.c.x1 <= 1.5 * a.h; j += 1) {
      if (!neighbours(a.c, letters[j]!.c)) continue;
      words.union(i, j);
      paired[i] = 1;
      paired[j] = 1;
    }
  }
  const groups = new Map<number, Letter[]>();
  letters.forEach((l, i) => {
    if (!paired[i] && !typedCharacter(l, options.minLetterPx, width, height)) return;
    const root = words.find(i);
    const group = groups.get(root);
    if (group) group.push(l);
    else groups.set(root, [l]);
  });
  // Words join a line by their facing letters (the last of one, the first of the next), not their
  // boxes: on a slanted stamp a long word's box reaches into the next line.
  const pieces = [...groups.values()].map((ls) => {
    const last = ls.reduce((a, b) => (b.c.x1 > a.c.x1 ? b : a));
    const first = ls.reduce((a, b) => (b.c.x0 < a.c.x0 ? b : a));
    return { box: boxOf(ls), letters: ls, h: median(ls.map((l) => l.h)), first: first.c, last: last.c };
  });
  pieces.sort((a, b) => a.box[0] - b.box[0]);
  const lineSets = disjointSets(pieces.length);
  for (let i = 0; i < pieces.length; i += 1) {
    const a = pieces[i]!;
    for (let j = i + 1; j < pieces.length && pieces[j]!.box[0] - a.box[2] <= 4 * a.h; j += 1) {
      const b = pieces[j]!;
      if (b.first.x0 < a.last.x1) continue;
      const overlap = Math.min(a.last.y1, b.first.y1) - Math.max(a.last.y0, b.first.y0);
      if (overlap >= 0.5 * Math.min(a.h, b.h) && Math.max(a.h, b.h) <= 2.2 * Math.min(a.h, b.h)) lineSets.union(i, j);
    }
  }
  const byLine = new Map<number, Letter[]>();
  pieces.forEach((p, i) => {
    const root = lineSets.find(i);
    const line = byLine.get(root);
    if (line) line.push(...p.letters);
    else byLine.set(root, [...p.letters]);
  });
  const lines: FoundLine[] = [];
  for (const ls of byLine.values()) {
    if (ls.length < 3) {
      if (!ls.every((l) => typedCharacter(l, options.minLetterPx, width, height))) continue;
      // A page number sits in the top or bottom margin; a lone "character" mid-page is dust.
      const middle = (Math.min(...ls.map((l) => l.c.y0)) + Math.max(...ls.map((l) => l.c.y1))) / 2;
      if (middle > options.pageNumberBand * height && middle < (1 - options.pageNumberBand) * height) continue;
    }
    const h = median(ls.map((l) => l.h));
    // Three specks in a row are letters of the smallest size: a line of text has bigger ones.
    if (h < 1.5 * options.minLetterPx) continue;
    lines.push({ box: boxOf(ls), letters: ls.length, h, angle: baselineAngle(ls, h) });
  }
  return lines;
}

function boxOf(letters: readonly Letter[]): BBox {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const { c } of letters) {
    x0 = Math.min(x0, c.x0);
    y0 = Math.min(y0, c.y0);
    x1 = Math.max(x1, c.x1);
    y1 = Math.max(y1, c.y1);
  }
  return [x0, y0, x1, y1];
}

export interface InkRegion {
  /** Box of the region's letters, full-image pixels. */
  bbox: BBox;
  lines: InkLine[];
  letters: number;
  letterHeight: number;
  /** Median slope of its lines of three letters or more, degrees; 0 when it has none. */
  angle: number;
}

/**
 * The page's text lines grouped into regions: lines within two letter heights of each other
 * (a stamp's two lines, a signature above a title) are one region: they share a slope, and a
 * paragraph in the reading.
 */
export function inkRegions(lines: readonly InkLine[]): InkRegion[] {
  const near = (a: BBox, b: BBox, h: number) => a[0] - 3 * h < b[2] && b[0] - 3 * h < a[2] && a[1] - 2 * h < b[3] && b[1] - 2 * h < a[3];
  const sets = disjointSets(lines.length);
  for (let i = 0; i < lines.length; i += 1) {
    for (let j = i + 1; j < lines.length; j += 1) {
      if (near(lines[i]!.bbox, lines[j]!.bbox, Math.max(lines[i]!.letterHeight, lines[j]!.letterHeight))) sets.union(i, j);
    }
  }
  const groups = new Map<number, InkLine[]>();
  lines.forEach((line, i) => {
    const root = sets.find(i);
    const group = groups.get(root);
    if (group) group.push(line);
    else groups.set(root, [line]);
  });
  return [...groups.values()]
    .map((group) => {
      const angles = group.filter((l) => l.letters >= 3).map((l) => l.angle);
      return {
        bbox: [
          Math.min(...group.map((l) => l.bbox[0])),
          Math.min(...group.map((l) => l.bbox[1])),
          Math.max(...group.map((l) => l.bbox[2])),
          Math.max(...group.map((l) => l.bbox[3])),
        ] as BBox,
        lines: group,
        letters: group.reduce((n, l) => n + l.letters, 0),
        letterHeight: median(group.map((l) => l.letterHeight)),
        angle: angles.length ? median(angles) : 0,
      };
    })
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
}

/**
 * Letters a page needs before its text size, skew, orientation or content box are measured from
 * letters at all: below this, what the analysis copy calls letters is mostly grain and dust (the
 * text scale's own minimum, analysis.ts).
 */
export const MIN_TEXT_LETTERS = 20;

/** Why a step that decides from letters leaves a page alone, or null when the page has the letters. */
export function tooFewLetters(ink: InkMeasure | null, needed = MIN_TEXT_LETTERS): string | null {
  return ink && ink.letterComponents < needed ? `too few letters (${ink.letterComponents} of ${needed})` : null;
}

/**
 * The ink measure of a decoded page, on the analysis copy that `measure` keeps for the recipe's
 * steps (a grey page's copy is made once for both), and the grey page it was measured on.
 */
export async function measurePageInk(
  image: RawImage,
  measure: Measure,
  options: InkOptions = DEFAULT_INK_OPTIONS,
): Promise<{ ink: InkMeasure; grey: RawImage }> {
  const grey = image.channels === 1 ? image : await toGreyRaw(sharpOf(image));
  return { ink: measureInk(await measure.binary(grey), options), grey };
}
