// Deskew: measure the skew of the text lines by projection profiles on the reduced binary copy
// (coarse-to-fine over +-maxAngle), then rotate the page back with sharp (bilinear, canvas
// grows, new corners are paper-white). Small angles are left alone: Tesseract copes with them
// and every rotation costs time and a little sharpness. On the corpus, rotating pages by
// 0.35-0.4 degrees made two of three worse (one multi-column page from 7% to 16% CER), while
// 0.5-1.8 degrees helped four of five. From 1 degree (issue 16: a generated despatch's
// place-and-date line drifts by most of a line at 1.2-1.5 degrees). Ink cut by the page's edge is
// painted out before rotating: turned inside the grown canvas, the 1940 despatch's last page's
// cut-off top edge (a stamped number, a dotted rule) was read as a line of garbage
// (../edge-remnants.ts; docs/decisions.md).
import { z } from 'zod';
import { invert, rotationAbout } from '../affine.ts';
import { otsuThreshold } from '../analysis.ts';
import { clearEdgeRemnants } from '../edge-remnants.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep, type StepContext } from '../step.ts';
import type { RawImage } from '../../types.ts';

export const deskew = defineStep({
  name: 'deskew',
  summary: 'measure text-line skew by projection profiles and rotate it away',
  needsGrey: true,
  params: z
    .object({
      maxAngle: z.number().gt(0).max(45).default(10),
      step: z.number().min(0.01).max(1).default(0.1),
      /** Rotate only when |angle| reaches this (degrees); 0 = always. */
      minAngle: z.number().min(0).max(45).default(1),
      /** Rotate only when the best profile is this much sharper than a typical angle's (1 = no evidence needed). */
      minStrength: z.number().min(1).default(1.2),
      /** Ink touching the page's edge and lying within this many text heights of it is painted out before rotating (0 = never). */
      edgeBand: z.number().min(0).max(10).default(1.5),
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
    // Edge remnants are painted out first: rotated, they would leave the edge and be read (../edge-remnants.ts).
    const source = await withoutEdgeRemnants(image, params.edgeBand, ctx, measured);
    // Lines descending to the right by `angle` are turned back counter-clockwise.
    const rotate = -skew.angle;
    const out = await toGreyRaw(sharpOf(source).rotate(rotate, { background: '#ffffff' }));
    const forward = rotationAbout(rotate, image.width / 2, image.height / 2, out.width / 2, out.height / 2);
    return { image: out, applied: true, measured, toInput: invert(forward) };
  },
});

/** The image with its edge remnants painted as paper (the image itself when there are none); records what it painted. */
async function withoutEdgeRemnants(image: RawImage, edgeBand: number, ctx: StepContext, measured: Record<string, unknown>): Promise<RawImage> {
  if (edgeBand <= 0) return image;
  const textHeight = (await ctx.measure.textScale(image)).glyphHeight;
  if (textHeight === null) return image;
  const histogram = await ctx.measure.sampledHistogram(image);
  const threshold = otsuThreshold(histogram);
  const cleared = clearEdgeRemnants(image.data, image.width, image.height, threshold, Math.round(edgeBand * textHeight), paperLevel(histogram, threshold));
  measured.edgeRemnants = cleared.remnants;
  measured.edgePainted = cleared.painted;
  return cleared.remnants === 0 ? image : { ...image, data: cleared.data };
}

/** The paper's level: the median of the levels above the ink threshold. */
function paperLevel(histogram: Uint32Array, threshold: number): number {
  let total = 0;
  for (let v = threshold + 1; v < 256; v += 1) total += histogram[v]!;
  let seen = 0;
  for (let v = threshold + 1; v < 256; v += 1) {
    seen += histogram[v]!;
    if (seen * 2 >= total) return v;
  }
  return 255;
}
