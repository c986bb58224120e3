// Background flattening (illumination correction): divide each pixel by the paper level under
// it (../background.ts), so stains, yellowed or grey paper, uneven lighting and dark scanner
// borders become white while ink keeps its contrast against the paper next to it. The paper
// map is measured on the reduced analysis copy and interpolated to full resolution.
// Applied when the paper is measurably uneven or dark: on an even white page it would change
// nothing but cost a pass over the pixels.
import { z } from 'zod';
import { flattenWith } from '../background.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';
import { ALL_KINDS } from '../measure.ts';

export const flatten = defineStep({
  name: 'flatten',
  summary: 'divide by the estimated paper background (stains, uneven light, grey paper, dark borders)',
  needsGrey: true,
  params: z
    .object({
      /** Apply when the paper level varies by at least this (95th - 5th percentile of blocks, grey levels); 0 = always. */
      minUnevenness: z.number().min(0).max(255).default(20),
      /** ...or when the median paper level is at or below this (grey or yellowed paper). */
      maxPaper: z.number().min(0).max(255).default(215),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'flatten');
    const bin = await ctx.measure.binary(image);
    const measured: Record<string, unknown> = { ...bin.background };
    const { unevenness, paper } = bin.background;
    if (unevenness < params.minUnevenness && paper > params.maxPaper) return { image, applied: false, measured };
    const data = flattenWith(image.data, image.width, image.height, bin.grid, bin.factor);
    // The analysis copy was made by dividing by this same background: it still describes the output.
    return { image: { ...image, data }, applied: true, measured, keeps: ALL_KINDS };
  },
});
