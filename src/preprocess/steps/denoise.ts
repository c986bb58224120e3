// Denoise: smooth scanner noise and paper grain with a small Gaussian blur, on noisy pages only.
// On a grainy scan (photocopy toner, JPEG noise, rough paper) Tesseract's own thresholding turns
// the grain into thousands of specks: on generated heavy scans it returned no text at all for 7
// of 70 pages, and the grain also fooled the text-size and skew measurements. A blur of about one
// pixel at 300 dpi takes the grain away and leaves typewritten strokes (3-5 px wide) readable;
// the same page then read at 2% CER. Noise is measured as the mean difference between
// horizontal neighbours on the paper (pixels brighter than the Otsu threshold, every 3rd row):
// clean scans measure under 1, the corpus's typed pages 0-2.2, its rough-paper pages 3.4-6.8.
// The blur is kept only when the text is large enough not to be blurred away (x-height in
// pixels, measured on the blurred page; typewriter text at 300 dpi is 21-25 px): the corpus's
// ~100 dpi pages (x-height 9 px) are left alone, and so are its two grainy printed journal pages
// (x-height 14.5 px), which read 0.4 points worse blurred.
// Uses libvips' separable Gaussian (tens of ms on a 300 dpi page; a median filter took ~0.7 s).
import { z } from 'zod';
import { paperNoise, X_TO_CAP_HEIGHT } from '../analysis.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep } from '../step.ts';

export const denoise = defineStep({
  name: 'denoise',
  summary: 'smooth scanner noise and paper grain (Gaussian blur) on measurably noisy pages',
  needsGrey: true,
  params: z
    .object({
      /** Blur when the paper noise (mean neighbour difference, grey levels) reaches this; 0 = always. */
      minNoise: z.number().min(0).max(255).default(4),
      /** Gaussian sigma in pixels. */
      sigma: z.number().min(0.3).max(10).default(1),
      /** Keep the blur only when the x-height (px) of the blurred page is at least this. */
      minGlyphHeight: z.number().min(0).max(200).default(18),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'denoise');
    const noise = paperNoise(image, await ctx.measure.sampledHistogram(image));
    const measured: Record<string, unknown> = { noise: Math.round(noise * 100) / 100 };
    if (noise < params.minNoise) return { image, applied: false, measured };
    const out = await toGreyRaw(sharpOf(image).blur(params.sigma));
    // On a page with a few lines only, the text size of the blurred page would be the grain's: it
    // comes from the ink measure's letters instead (capitals and digits, mostly: a signature, a
    // page number, a stamp).
    const sparse = ctx.ink !== null && tooFewLetters(ctx.ink) !== null;
    const xHeight = sparse ? (ctx.ink!.letterHeight === null ? null : ctx.ink!.letterHeight * X_TO_CAP_HEIGHT) : (await ctx.measure.textScale(out)).xHeight;
    measured.glyphHeight = xHeight === null ? null : Math.round(xHeight * 100) / 100;
    if (sparse) measured.glyphHeightFrom = 'ink';
    if (xHeight === null || xHeight < params.minGlyphHeight) return { image, applied: false, measured: { ...measured, skipped: 'text too small to blur' } };
    return { image: out, applied: true, measured };
  },
});
