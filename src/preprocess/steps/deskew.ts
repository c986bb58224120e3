// Deskew: measure the skew of the text lines by projection profiles on the reduced binary copy
// (coarse-to-fine over +-maxAngle), then rotate the page back with sharp (bilinear, canvas
// grows, new corners are paper-white). Small angles are left alone: Tesseract copes with them
// and every rotation costs time and a little sharpness. On the corpus, rotating pages by
// 0.35-0.4 degrees made two of three worse (one multi-column page from 7% to 16% CER), while
// 0.5-1.8 degrees helped four of five. From 1.5 degrees: from 1 degree (tried for issue 16, where a
// generated despatch's place-and-date line drifts by most of a line at 1.2-1.5 degrees) one real
// page gained and another lost more (the 1940 despatch's last page: the rotated top edge, a cut-off
// number and a dotted rule, became a line of garbage; docs/decisions.md).
import { z } from 'zod';
import { invert, rotationAbout } from '../affine.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep } from '../step.ts';

export const deskew = defineStep({
  name: 'deskew',
  summary: 'measure text-line skew by projection profiles and rotate it away',
  needsGrey: true,
  params: z
    .object({
      maxAngle: z.number().gt(0).max(45).default(10),
      step: z.number().min(0.01).max(1).default(0.1),
      /** Rotate only when |angle| reaches this (degrees); 0 = always. */
      minAngle: z.number().min(0).max(45).default(1.5),
      /** Rotate only when the best profile is this much sharper than a typical angle's (1 = no evidence needed). */
      minStrength: z.number().min(1).default(1.2),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'deskew');
    const few = tooFewLetters(ctx.ink);
    if (few) return { image, applied: false, measured: { skipped: few } };
    const skew = await ctx.measure.skew(image, params.maxAngle, params.step);
    const measured: Record<string, unknown> = { angle: skew.angle, strength: Math.round(skew.strength * 100) / 100, inkPoints: skew.inkPoints };
    const magnitude = Math.abs(skew.angle);
    // A best angle at the edge of the search is a structure that is not text lines, not a skew.
    const skip =
      magnitude < params.minAngle
        ? 'below minAngle'
        : skew.strength < params.minStrength
          ? 'weak evidence'
          : magnitude > params.maxAngle - 0.5
            ? 'at search limit'
            : null;
    if (skip) return { image, applied: false, measured: { ...measured, skipped: skip } };
    // Lines descending to the right by `angle` are turned back counter-clockwise.
    const rotate = -skew.angle;
    const out = await toGreyRaw(sharpOf(image).rotate(rotate, { background: '#ffffff' }));
    const forward = rotationAbout(rotate, image.width / 2, image.height / 2, out.width / 2, out.height / 2);
    return { image: out, applied: true, measured, toInput: invert(forward) };
  },
});
