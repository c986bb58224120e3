// Contrast normalisation by percentile stretch: the grey level at `low` % of the pixels goes
// to 0 and the one at `high` % to 255. Only applied when the measured spread is narrow (faded
// ink, grey paper): on the real corpus a stretch of pages that already had contrast made OCR
// slightly worse (NOTES.md), so a page with enough contrast is left alone.
import { z } from 'zod';
import { histogram, percentile } from '../analysis.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';
import { ALL_KINDS } from '../measure.ts';

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
  async run(image, params) {
    assertGrey(image, 'normalize');
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
