// Page orientation (0/90/180/270) from the letter-sized components of the reduced binary copy,
// without OCR: Tesseract's OSD needs the legacy engine, which the LSTM-only tesseract.js core
// does not have, and a trial OCR at two orientations would cost more than the whole
// preprocessing budget. Two measurements, each on component boxes only (no pixels rotated):
//
// 1. Axis. The nearest neighbour of a letter is the next letter on its line: letters of a line
//    are closer (pitch ~0.6 em on a typewriter) than lines are (>= 1 em). So on an upright or
//    upside-down page most nearest-neighbour pairs are side by side, on a sideways page most are
//    one above the other.
// 2. Which way up, once the axis is known, from two asymmetries of Latin text:
//    - baseline: neighbouring letters share their bottom edge (the baseline; only g j p q y
//      descend) far more often than their top edge (x-height vs ascenders and capitals);
//    - left margin: lines start at the same x (the margin) and end ragged.
//    Turned by 180 degrees both flip. All-caps text weakens the first (capitals share both
//    edges), justified or centred text the second; the votes are added (the margin at half
//    weight), and a page without a clear vote is left as it is.
//    Both are measured after taking out the page's skew (the median slope between neighbours),
//    so a page both turned and skewed by up to ~10 degrees is still read right.
import type { BinaryImage, Component, Components } from './analysis.ts';

export type Quadrant = 0 | 90 | 180 | 270;

export interface OrientationEstimate {
  /** Clockwise rotation (degrees) that makes the page upright. */
  rotate: Quadrant;
  /** Share of nearest-neighbour pairs that lie side by side (1 = all horizontal) in the original. */
  horizontalShare: number;
  /** Upright-vs-upside-down votes in [-1, 1] for the chosen axis (positive: rotate as stated is right). */
  baselineVote: number;
  marginVote: number;
  /** Slope of the text lines (dy/dx) taken out before the way-up votes. */
  slope: number;
  /** Components the estimate rests on. */
  letters: number;
  /** Why the page was left as it is, when it was. */
  undecided?: string;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Components shaped like letters in any of the four orientations (the filter is symmetric in x and y). */
function letterBoxes(bin: BinaryImage, cc: Components): { boxes: Box[]; size: number } {
  const maxSize = Math.max(8, Math.round(Math.max(bin.width, bin.height) / 20));
  const candidates: Component[] = [];
  for (const c of cc.components) {
    const w = c.x1 - c.x0;
    const h = c.y1 - c.y0;
    const big = Math.max(w, h);
    const small = Math.min(w, h);
    if (big < 4 || big > maxSize || big > 6 * small) continue;
    const fill = c.pixels / (w * h);
    if (fill < 0.1 || fill > 0.9) continue;
    candidates.push(c);
  }
  if (candidates.length === 0) return { boxes: [], size: 0 };
  const sizes = candidates.map((c) => Math.max(c.x1 - c.x0, c.y1 - c.y0)).sort((a, b) => a - b);
  const size = sizes[Math.floor(sizes.length / 2)]!;
  // Dots, commas and accents (half a letter or less) would pair vertically with their letters.
  const boxes = candidates.filter((c) => {
    const big = Math.max(c.x1 - c.x0, c.y1 - c.y0);
    return big >= 0.55 * size && big <= 2.2 * size;
  });
  return { boxes, size };
}

/** Box of a component after turning the page clockwise by `rotate` (page of width w, height h). */
function turn(b: Box, rotate: Quadrant, w: number, h: number): Box {
  switch (rotate) {
    case 0:
      return b;
    case 90:
      return { x0: h - b.y1, y0: b.x0, x1: h - b.y0, y1: b.x1 };
    case 180:
      return { x0: w - b.x1, y0: h - b.y1, x1: w - b.x0, y1: h - b.y0 };
    case 270:
      return { x0: b.y0, y0: w - b.x1, x1: b.y1, y1: w - b.x0 };
  }
}

/** Share of nearest-neighbour pairs (within 3 letter sizes) that are more side by side than stacked. */
function horizontalShare(boxes: Box[], size: number): { share: number; pairs: number } {
  const cell = Math.max(1, 3 * size);
  const grid = new Map<number, number[]>();
  const cx = boxes.map((b) => (b.x0 + b.x1) / 2);
  const cy = boxes.map((b) => (b.y0 + b.y1) / 2);
  const key = (gx: number, gy: number) => gx * 100_003 + gy;
  boxes.forEach((_, i) => {
    const k = key(Math.floor(cx[i]! / cell), Math.floor(cy[i]! / cell));
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  });
  let horizontal = 0;
  let pairs = 0;
  for (let i = 0; i < boxes.length; i += 1) {
    const gx = Math.floor(cx[i]! / cell);
    const gy = Math.floor(cy[i]! / cell);
    let best = cell * cell;
    let bdx = 0;
    let bdy = 0;
    for (let ox = -1; ox <= 1; ox += 1) {
      for (let oy = -1; oy <= 1; oy += 1) {
        for (const j of grid.get(key(gx + ox, gy + oy)) ?? []) {
          if (j === i) continue;
          const dx = cx[j]! - cx[i]!;
          const dy = cy[j]! - cy[i]!;
          const d = dx * dx + dy * dy;
          if (d < best) {
            best = d;
            bdx = dx;
            bdy = dy;
          }
        }
      }
    }
    if (bdx === 0 && bdy === 0) continue;
    pairs += 1;
    if (Math.abs(bdx) > Math.abs(bdy)) horizontal += 1;
  }
  return { share: pairs ? horizontal / pairs : 0.5, pairs };
}

/**
 * Votes for "these boxes are upright" against "upside down", in [-1, 1] each: shared bottoms vs
 * shared tops of side-by-side neighbours, and aligned line starts vs aligned line ends.
 */
function uprightVotes(boxes: Box[], size: number): { baseline: number; margin: number; slope: number } {
  // A skewed page: at 8 degrees neighbouring letters' bottoms differ by ~1/7 of the pitch and
  // line starts drift by 1/7 of the line pitch per line, which is more than the tolerances below.
  // The skew is taken out first, with the median slope between side-by-side neighbours.
  const slope = neighbourSlope(boxes, size);
  const straight = boxes.map((b) => {
    const cx = (b.x0 + b.x1) / 2;
    const cy = (b.y0 + b.y1) / 2;
    const dy = -slope * cx;
    const dx = slope * cy;
    return { x0: b.x0 + dx, x1: b.x1 + dx, y0: b.y0 + dy, y1: b.y1 + dy };
  });
  return { ...votesOnStraightBoxes(straight, size), slope };
}

/** Median of dy/dx from each box to its nearest right-hand neighbour on roughly the same line. */
function neighbourSlope(boxes: Box[], size: number): number {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const slopes: number[] = [];
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i]!;
    const acy = (a.y0 + a.y1) / 2;
    let best: Box | null = null;
    for (let j = i + 1; j < sorted.length && sorted[j]!.x0 - a.x1 <= 1.5 * size; j += 1) {
      const b = sorted[j]!;
      if (b.x0 < a.x1 - 0.2 * size) continue;
      // Within ~15 degrees of horizontal (the deskew range and more).
      if (Math.abs((b.y0 + b.y1) / 2 - acy) > (0.27 * (b.x0 + b.x1 - a.x0 - a.x1)) / 2 + 0.25 * size) continue;
      if (!best || b.x0 < best.x0) best = b;
    }
    if (!best) continue;
    const dx = (best.x0 + best.x1 - a.x0 - a.x1) / 2;
    // Bottoms, not centres: most letters sit on the baseline, and tops would do as well upside down.
    if (dx > 0) slopes.push(((best.y1 + best.y0) / 2 - acy) / dx);
  }
  if (slopes.length < 10) return 0;
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)]!;
}

function votesOnStraightBoxes(boxes: Box[], size: number): { baseline: number; margin: number } {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const tol = Math.max(1, Math.round(size * 0.08));
  let sameBottom = 0;
  let sameTop = 0;
  let pairs = 0;
  // Lines as chains of right-hand neighbours (union-find over "next letter on the same line").
  const parent = sorted.map((_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const maxGap = 2.5 * size;
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i]!;
    const ah = a.y1 - a.y0;
    // The nearest box to the right that overlaps `a` vertically by half the smaller height.
    let next = -1;
    for (let j = i + 1; j < sorted.length && sorted[j]!.x0 - a.x1 <= maxGap; j += 1) {
      const b = sorted[j]!;
      if (b.x0 < a.x1 - 0.2 * size) continue;
      const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (overlap < 0.5 * Math.min(ah, b.y1 - b.y0)) continue;
      if (next === -1 || b.x0 < sorted[next]!.x0) next = j;
    }
    if (next === -1) continue;
    pairs += 1;
    const b = sorted[next]!;
    parent[find(next)] = find(i);
    const bottom = Math.abs(a.y1 - b.y1) <= tol;
    const top = Math.abs(a.y0 - b.y0) <= tol;
    if (bottom && !top) sameBottom += 1;
    if (top && !bottom) sameTop += 1;
  }
  // Damped by a tenth of all pairs: on all-caps text both counts are small and their
  // difference says nothing (4 against 0 would otherwise be a full vote).
  const baseline = pairs > 0 ? (sameBottom - sameTop) / (sameBottom + sameTop + 0.1 * pairs) : 0;

  const lines = new Map<number, { x0: number; x1: number; n: number }>();
  sorted.forEach((b, i) => {
    const r = find(i);
    const line = lines.get(r);
    if (line) {
      line.x0 = Math.min(line.x0, b.x0);
      line.x1 = Math.max(line.x1, b.x1);
      line.n += 1;
    } else lines.set(r, { x0: b.x0, x1: b.x1, n: 1 });
  });
  const long = [...lines.values()].filter((l) => l.n >= 6);
  if (long.length < 4) return { baseline, margin: 0 };
  // How many lines start (end) within one letter of the most common start (end).
  const aligned = (xs: number[]) => {
    let best = 0;
    for (const x of xs) {
      let n = 0;
      for (const y of xs) if (Math.abs(x - y) <= size) n += 1;
      best = Math.max(best, n);
    }
    return best;
  };
  const starts = aligned(long.map((l) => l.x0));
  const ends = aligned(long.map((l) => l.x1));
  return { baseline, margin: starts + ends > 0 ? (starts - ends) / (starts + ends) : 0 };
}

export function estimateOrientation(bin: BinaryImage, cc: Components, options: { minLetters?: number; minVote?: number } = {}): OrientationEstimate {
  const minLetters = options.minLetters ?? 40;
  const minVote = options.minVote ?? 0.15;
  const { boxes, size } = letterBoxes(bin, cc);
  if (boxes.length < minLetters) {
    return { rotate: 0, horizontalShare: 0.5, baselineVote: 0, marginVote: 0, slope: 0, letters: boxes.length, undecided: 'too few letters' };
  }
  const { share } = horizontalShare(boxes, size);
  // Text lines run across unless clearly more neighbours are stacked.
  const candidates: [Quadrant, Quadrant] = share >= 0.45 ? [0, 180] : [90, 270];
  const votes = uprightVotes(
    boxes.map((b) => turn(b, candidates[0], bin.width, bin.height)),
    size,
  );
  // The margin counts half: centred title pages and right-aligned dates and signatures make
  // line ends line up too (a corpus title page votes -0.33 on margins, +0.47 on baselines).
  const vote = votes.baseline + 0.5 * votes.margin;
  const base = {
    horizontalShare: round(share),
    baselineVote: round(votes.baseline),
    marginVote: round(votes.margin),
    slope: round(votes.slope),
    letters: boxes.length,
  };
  if (Math.abs(vote) < minVote) {
    // No clear way up: a sideways page is still turned (either way reads better than sideways).
    return { rotate: candidates[0], ...base, undecided: 'no clear way up' };
  }
  return { rotate: vote > 0 ? candidates[0] : candidates[1], ...base };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
