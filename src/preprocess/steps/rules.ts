// Rules: paint out long thin horizontal rules (an underlined heading, a form's ruled lines) and keep
// the letters that stand on them. Typists underlined headings and subjects by striking the
// underscore key along the line, so the rule runs through the feet of the letters and every
// descender: joined to the rule, the letters are no longer letter-shaped and Tesseract's layout
// analysis drops the word or reads the rule as letters (the corpus's underlined "Plan de
// présentation" came back as "Plan d a"). A rule is a horizontal run of ink many letters long and
// thin across; where a letter's stroke crosses it (ink deeper than the rule's fringe on both sides), it is
// kept. Pages without such a run are left as they are, to the bit.
import { z } from 'zod';
import { otsuThreshold } from '../analysis.ts';
import { tooFewLetters } from '../ink.ts';
import { GEOMETRY_FREE_KINDS } from '../measure.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';

/** Rule boxes a page JSON lists (a form can have hundreds of ruled lines; the count says how many). */
const MAX_BOXES_RECORDED = 20;

/** Rows of ink beside a rule that are still the rule's edge (deeper: a letter standing on it). */
const MAX_FRINGE = 2;

export interface RuleRemoval {
  /** The painted copy; `data` itself when no rule was found. */
  data: Buffer;
  /** Rules found (traced runs thin enough across to be rules). */
  rules: number;
  /** Pixels painted as paper. */
  painted: number;
  /** Each rule's box: [x0, y0, x1, y1], pixels of the image. */
  boxes: [number, number, number, number][];
}

/**
 * Finds the rules of a grey image and paints them with the paper beside them. `minLength` and
 * `maxThickness` are in pixels.
 */
export function removeRules(data: Buffer, width: number, height: number, threshold: number, minLength: number, maxThickness: number): RuleRemoval {
  const isInk = (i: number) => data[i]! <= threshold;
  // 1. Horizontal runs of ink at least minLength long: candidate rule pixels. Listed as (y, x0, x1)
  // first and marked in a mask of their rows only, so a page without one allocates no page-sized
  // mask. Paper is passed four pixels at a time where the pixels are aligned: a 32-bit word whose
  // four levels are all above the threshold (maskAtMost's carries, analysis/levels.ts).
  let runs = new Int32Array(3 * 64);
  let runCount = 0;
  let firstRow = height;
  let lastRow = -1;
  const words = (data.byteOffset & 3) === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  const add = (255 - Math.min(255, Math.max(0, Math.floor(threshold)))) * 0x00010001;
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    let x = 0;
    while (x < width) {
      const at = row + x;
      if (words !== null && (at & 3) === 0 && x + 4 <= width) {
        const w = words[at >> 2]!;
        if ((((((w & 0x00ff00ff) + add) >>> 8) & 0x00010001) | ((((w >>> 8) & 0x00ff00ff) + add) & 0x01000100)) === 0x01010101) {
          x += 4;
          continue;
        }
      }
      if (data[at]! > threshold) {
        x += 1;
        continue;
      }
      let end = x;
      while (end < width && data[row + end]! <= threshold) end += 1;
      if (end - x >= minLength) {
        if (runCount * 3 + 3 > runs.length) {
          const more = new Int32Array(runs.length * 2);
          more.set(runs);
          runs = more;
        }
        runs[runCount * 3] = y;
        runs[runCount * 3 + 1] = x;
        runs[runCount * 3 + 2] = end;
        runCount += 1;
        firstRow = Math.min(firstRow, y);
        lastRow = y;
      }
      x = end;
    }
  }
  // The output is a copy only when a rule is painted: without one, `data` itself comes back (the
  // step then keeps its input), and most pages cost no copy of the full-size image.
  if (lastRow < 0) return { data, rules: 0, painted: 0, boxes: [] };
  let out: Buffer | null = null;
  let rules = 0;
  let painted = 0;
  const boxes: [number, number, number, number][] = [];
  // 2. Each group of candidate rows on its own: rows with no candidate pixel between groups, which
  // no rule's band or trace can cross (a trace moves to a row with a candidate pixel beside it), so
  // the rules are those of the whole span, found in the same order. A page with underlines at its
  // top and bottom worked its whole height otherwise, in arrays of page size.
  /** The rules of candidate rows firstRow..lastRow (runs fromRun..toRun - 1), painted into `out`. */
  const traceGroup = (firstRow: number, lastRow: number, fromRun: number, toRun: number) => {
    // Per column, the band of candidate pixels. A rule is thin across; where a letter stands on it
    // (or heavy ink swells it) a column's band is thicker: such columns belong to the rule but are not
    // painted, and a run of mostly thick columns is a solid shape (a black bar, a shadow), not a rule.
    // Kept for the rows firstRow..lastRow only (no candidate lies outside them), filled row by row
    // (a pixel continues the band of the pixel above it, or starts one): the same bands as walking
    // each column down, without striding across the page for every pixel.
    const bandRows = lastRow - firstRow + 1;
    const bandBase = firstRow * width;
    // Candidate pixels, rows firstRow..lastRow (index: pixel index - bandBase, as band and seen).
    const candidate = new Uint8Array(width * bandRows);
    for (let r = fromRun; r < toRun; r += 1) {
      const local = runs[r * 3]! * width - bandBase;
      candidate.fill(1, local + runs[r * 3 + 1]!, local + runs[r * 3 + 2]!);
    }
    const band = new Int32Array(width * bandRows); // the band's top row + 1 on its pixels, 0 elsewhere
    for (let y = firstRow; y <= lastRow; y += 1) {
      const row = y * width;
      const local = row - bandBase;
      const above = local - width;
      for (let x = 0; x < width; x += 1) {
        if (!candidate[local + x]) continue;
        band[local + x] = y > firstRow && candidate[above + x] ? band[above + x]! : y + 1;
      }
    }
    /** The top row of the band at row `k`, column `x`, or -1 where no candidate pixel is. */
    const bandAt = (k: number, x: number) => (k < firstRow || k > lastRow ? -1 : band[k * width - bandBase + x]! - 1);
    let rules = 0;
    let painted = 0;
    const boxes: [number, number, number, number][] = [];
    const seen = new Uint8Array(width * bandRows);
    /** Depth of the ink run beside a band (from row `edge`, going `dir`), or 0 when deeper than a fringe. */
    const fringe = (x: number, edge: number, dir: 1 | -1) => {
      let depth = 0;
      for (let k = edge + dir; k >= 0 && k < height && isInk(k * width + x); k += dir) {
        depth += 1;
        if (depth > MAX_FRINGE) return 0;
      }
      return depth;
    };
    const bandBottom = (x: number, top: number) => {
      let bottom = top;
      while (bottom + 1 < height && bandAt(bottom + 1, x) === top) bottom += 1;
      return bottom;
    };
    for (let start = firstRow * width; start < (lastRow + 1) * width; start += 1) {
      if (!candidate[start - bandBase] || seen[start - bandBase]) continue;
      // Trace the rule along x: in each next column, the band that overlaps this one.
      const columns: { x: number; top: number; bottom: number }[] = [];
      let x = start % width;
      let top = bandAt(Math.floor(start / width), x);
      let bottom = bandBottom(x, top);
      for (;;) {
        columns.push({ x, top, bottom });
        for (let k = top; k <= bottom; k += 1) seen[k * width - bandBase + x] = 1;
        const next = x + 1;
        if (next >= width) break;
        let found = -1;
        for (let k = Math.max(0, top - 1); k <= Math.min(height - 1, bottom + 1); k += 1) {
          const b = bandAt(k, next);
          if (b >= 0 && !seen[k * width - bandBase + next]) {
            found = b;
            break;
          }
        }
        if (found < 0) break;
        x = next;
        top = found;
        bottom = bandBottom(x, top);
      }
      if (columns.length < minLength) continue;
      const thin = columns.filter((c) => c.bottom - c.top + 1 <= maxThickness);
      if (thin.length < 0.8 * columns.length) continue;
      rules += 1;
      out ??= Buffer.from(data);
      boxes.push([columns[0]!.x, Math.min(...columns.map((c) => c.top)), columns[columns.length - 1]!.x + 1, Math.max(...columns.map((c) => c.bottom)) + 1]);
      for (const c of thin) {
        // The rule's fringe: ink just outside the band no more than two rows deep is the rule's own
        // uneven edge (left, it reads as a dotted line); deeper ink is a letter standing on the rule.
        const fringeTop = fringe(c.x, c.top, -1);
        const fringeBottom = fringe(c.x, c.bottom, 1);
        const letterAbove = fringeTop === 0 && c.top >= 1 && isInk((c.top - 1) * width + c.x);
        const letterBelow = fringeBottom === 0 && c.bottom + 1 < height && isInk((c.bottom + 1) * width + c.x);
        // A stroke crossing the rule (a descender through it) keeps its pixels.
        if (letterAbove && letterBelow) continue;
        // The paper beside the rule: the mean of the paper pixels two rows beyond its fringe either
        // way, over three columns (the brightest one painted down the band leaves a white streak, one
        // pixel's grain a dotted line).
        const aboveRow = c.top - fringeTop - 2;
        const belowRow = c.bottom + fringeBottom + 2;
        let sum = 0;
        let count = 0;
        for (let dx = -1; dx <= 1; dx += 1) {
          const x = c.x + dx;
          if (x < 0 || x >= width) continue;
          for (const row of [aboveRow, belowRow]) {
            if (row < 0 || row >= height || isInk(row * width + x)) continue;
            sum += data[row * width + x]!;
            count += 1;
          }
        }
        const paper = count > 0 ? Math.round(sum / count) : 255;
        // One soft row beyond either way, or the rule's blurred edge stays as a faint line of its own.
        for (let k = Math.max(0, c.top - fringeTop - 1); k <= Math.min(height - 1, c.bottom + fringeBottom + 1); k += 1) {
          const i = k * width + c.x;
          const outside = k < c.top - fringeTop || k > c.bottom + fringeBottom;
          if (outside && (isInk(i) || data[i]! >= paper)) continue;
          out[i] = paper;
          painted += 1;
        }
      }
    }
    return { rules, painted, boxes };
  };
  for (let first = 0; first < runCount; ) {
    let last = first;
    while (last + 1 < runCount && runs[(last + 1) * 3]! - runs[last * 3]! <= 1) last += 1;
    const group = traceGroup(runs[first * 3]!, runs[last * 3]!, first, last + 1);
    first = last + 1;
    rules += group.rules;
    painted += group.painted;
    boxes.push(...group.boxes);
  }
  return { data: out ?? data, rules, painted, boxes };
}

export const rules = defineStep({
  name: 'rules',
  summary: 'paint out long thin horizontal rules (underlines, ruled lines), keeping the letters that cross them',
  needsGrey: true,
  params: z
    .object({
      /** Shortest rule, in text heights: shorter runs are letters' strokes, a dash, or the strokes of a seal or a drawing. */
      minLength: z.number().min(1).max(100).default(8),
      /** Thickest rule, as a share of the text height. */
      maxThickness: z.number().min(0.05).max(1).default(0.45),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'rules');
    const few = tooFewLetters(ctx.ink);
    if (few) return { image, applied: false, measured: { skipped: few } };
    const scale = await ctx.measure.textScale(image);
    const textHeight = scale.glyphHeight;
    if (textHeight === null) return { image, applied: false, measured: { skipped: 'no text height' } };
    const threshold = otsuThreshold(await ctx.measure.sampledHistogram(image));
    const minLength = Math.round(params.minLength * textHeight);
    const maxThickness = Math.max(2, Math.round(params.maxThickness * textHeight));
    const found = removeRules(image.data, image.width, image.height, threshold, minLength, maxThickness);
    const measured = {
      textHeight: Math.round(textHeight * 10) / 10,
      threshold,
      minLength,
      maxThickness,
      rules: found.rules,
      painted: found.painted,
      boxes: found.boxes.slice(0, MAX_BOXES_RECORDED),
    };
    if (found.rules === 0) return { image, applied: false, measured };
    // Only thin lines changed: the text size, skew and orientation still hold.
    return { image: { ...image, data: found.data }, applied: true, measured, keeps: GEOMETRY_FREE_KINDS };
  },
});
