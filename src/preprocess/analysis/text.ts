// What the letters of the analysis copy say about the text: its size (x-height, all caps or
// not) and its skew (Postl's projection profile over the letters' ink). Sizes are reported in
// pixels of the full image.
import type { BinaryImage, Components } from './binary.ts';
import { connectedComponents, glyphMaxHeight, lineGlyphFlags } from './binary.ts';

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
  const heights = cc.components
    .filter((_, i) => glyph[i])
    .map((c) => c.y1 - c.y0)
    .sort((a, b) => a - b);
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

/** Elements 0, 4, 8... (a strided copy: `filter` with a callback cost as much as a coarse profile). */
function everyFourth(values: Float64Array): Float64Array {
  const out = new Float64Array(Math.ceil(values.length / 4));
  for (let i = 0, k = 0; i < values.length; i += 4, k += 1) out[k] = values[i]!;
  return out;
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
  const coarseXs = everyFourth(xs);
  const coarseYs = everyFourth(ys);

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
  return {
    angle: Math.round(angle * 100) / 100,
    strength: median > 0 ? bestScore / (median * (score(bestCoarse) / bestCoarseScore)) : 1,
    inkPoints: xs.length,
  };
}
