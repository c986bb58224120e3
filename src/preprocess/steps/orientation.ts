// Orientation: turn a sideways or upside-down page upright (multiples of 90 degrees are exact
// pixel moves, no resampling). How the way up is measured: ../orientation.ts. Measured on the
// 22 corpus pages (cropped and whole) each turned 0/90/180/270: all right; on generated
// mixed-case and all-caps pages turned and skewed by -9..+8 degrees: all right.
import { z } from 'zod';
import { invert, rotationAbout } from '../affine.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep } from '../step.ts';

export const orientation = defineStep({
  name: 'orientation',
  summary: 'detect 0/90/180/270 from letter neighbours, baselines and margins, and turn the page upright',
  needsGrey: true,
  params: z
    .object({
      /** Letter-shaped components needed to decide at all. */
      minLetters: z.number().int().min(1).default(40),
      /** Smallest |baseline vote + margin vote / 2| (each in -1..1) that turns a page by 180 degrees. */
      minVote: z.number().min(0).max(2).default(0.15),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'orientation');
    const few = tooFewLetters(ctx.ink, params.minLetters);
    if (few) return { image, applied: false, measured: { rotate: 0, skipped: few } };
    const estimate = await ctx.measure.orientation(image, params.minLetters, params.minVote);
    const measured: Record<string, unknown> = { ...estimate };
    if (estimate.rotate === 0) return { image, applied: false, measured };
    const out = await toGreyRaw(sharpOf(image).rotate(estimate.rotate));
    const forward = rotationAbout(estimate.rotate, image.width / 2, image.height / 2, out.width / 2, out.height / 2);
    return { image: out, applied: true, measured, toInput: invert(forward) };
  },
});
