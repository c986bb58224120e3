// Contrast normalisation by percentile stretch: the grey level at `low` % of the pixels goes
// to 0 and the one at `high` % to 255. Only applied when the measured spread is narrow (faded
// ink, grey paper): on the real corpus a stretch of pages that already had contrast made OCR
// slightly worse (NOTES.md), so a page with enough contrast is left alone.
import { z } from 'zod';
import { histogram, percentile, SAMPLE_ROW_STEP } from '../analysis.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';
import { ALL_KINDS } from '../measure.ts';

/**
 * How far above the threshold the spread of every 3rd row must be for the full count to be skipped
 * (on the 24 bench images the two differ by 0-1 grey levels).
 */
const SAMPLED_SPREAD_MARGIN = 16;

export const normalize = defineStep({
  name: 'normalize',
  summary: 'stretch contrast between two percentiles when the spread is narrow',
  needsGrey: true,
  params: z
    .object({
      low: z.number().min(0).max(50).default(0.5),
      high: z.number().min(50).max(100).default(99),
      /** Apply when (grey at high) - (grey at low) is below this; 256 = always. */
      applyBelowSpread: z.number().int().min(0).max(256).default(160),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'normalize');
    // The stretch takes the level at `low` % for black: on a page with less ink than that, the
    // level is the paper's grain, and the stretch turned grain into ink.
    if (ctx.ink && ctx.ink.inkShare < params.low / 100) {
      return {
        image,
        applied: false,
        measured: { inkShare: ctx.ink.inkShare, skipped: `too little ink to stretch from (${ctx.ink.inkShare} of the page, low percentile ${params.low}%)` },
      };
    }
    // Every 3rd row tells a page with plenty of contrast (most pages) from one that may need a
    // stretch; the levels of a stretch, and any page near the threshold, come from every pixel.
    const sampled = await ctx.measure.sampledHistogram(image);
    const sampledLo = percentile(sampled, params.low / 100);
    const sampledHi = percentile(sampled, params.high / 100);
    if (sampledHi - sampledLo >= params.applyBelowSpread + SAMPLED_SPREAD_MARGIN) {
      return { image, applied: false, measured: { lowLevel: sampledLo, highLevel: sampledHi, spread: sampledHi - sampledLo, sampledRows: SAMPLE_ROW_STEP } };
    }
    const hist = histogram(image);
    const lo = percentile(hist, params.low / 100);
    const hi = percentile(hist, params.high / 100);
    const measured = { lowLevel: lo, highLevel: hi, spread: hi - lo };
    if (hi - lo >= params.applyBelowSpread || hi - lo < 8) return { image, applied: false, measured };
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v += 1) lut[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo))));
    const out = Buffer.allocUnsafe(image.data.length);
    const src = image.data;
    for (let i = 0; i < out.length; i += 1) out[i] = lut[src[i]!]!;
    // A monotone level map moves no pixel and the analysis copy is flattened and
    // Otsu-thresholded anyway: every measurement of the input still holds.
    return { image: { ...image, data: out }, applied: true, measured, keeps: ALL_KINDS };
  },
});
