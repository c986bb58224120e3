// Whiten: paint the paper grain white on pages where a plain Otsu threshold would take the grain
// for ink. Tesseract thresholds every page with Otsu; on rough, blotchy paper with sparse text
// the two classes Otsu finds are the light and the dark half of the grain, and Tesseract then
// sees a page of noise and returns no text at all (2 of 70 generated heavy scans, after
// flattening and denoising). Here the threshold is taken again on the dark side until the ink
// is a plausible share of the page (inkThreshold), everything clearly brighter becomes paper,
// and a short ramp above the threshold keeps the letters' soft edges for the LSTM.
// Pages whose Otsu threshold already separates ink from paper are left as they are.
import { z } from 'zod';
import { inkThreshold, otsuThreshold } from '../analysis.ts';
import { ALL_KINDS } from '../measure.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';

export const whiten = defineStep({
  name: 'whiten',
  summary: 'paint paper grain white where Otsu would take it for ink (rough, blotchy paper)',
  needsGrey: true,
  params: z
    .object({
      /** Grey levels above the ink threshold over which pixels fade to white (soft letter edges). */
      ramp: z.number().int().min(0).max(128).default(24),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'whiten');
    const hist = await ctx.measure.sampledHistogram(image);
    const otsu = otsuThreshold(hist);
    const ink = inkThreshold(hist);
    const measured: Record<string, unknown> = { otsu, ink };
    if (ink >= otsu) return { image, applied: false, measured };
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v += 1) {
      if (v <= ink) lut[v] = v;
      else if (v >= ink + params.ramp) lut[v] = 255;
      else lut[v] = Math.round(v + ((255 - v) * (v - ink)) / Math.max(1, params.ramp));
    }
    const out = Buffer.allocUnsafe(image.data.length);
    const src = image.data;
    for (let i = 0; i < out.length; i += 1) out[i] = lut[src[i]!]!;
    // Only levels above the ink threshold changed: text size, skew and the analysis copy still hold.
    return { image: { ...image, data: out }, applied: true, measured, keeps: ALL_KINDS };
  },
});
