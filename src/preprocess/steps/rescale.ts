// Rescale to the text size Tesseract reads best, measured from the text itself, because DPI
// tags lie (the corpus has 72 dpi tags on 300 dpi scans). The x-height is measured on the
// reduced binary copy (for all-caps text, where the dominant letter height is the cap height,
// 0.75 of it: see textScale); pages whose x-height is below `minGlyphHeight` are enlarged to
// `targetGlyphHeight`. On the corpus: the ~100 dpi 1938 letter (x-height 8.4 px) went from 1.4%
// to 1.0% CER when enlarged x2.6, while enlarging 14-19 px pages to 24 px made 4 of 6 worse
// (docs/preprocessing.md): hence the low threshold; enlarging it to 16 px (x1.9) instead of 22
// read it as well or better (0.67-1.6%) for a quarter less OCR time. Smaller targets (10-14 px)
// read its first page worse, the one with the letter's date and addressee (docs/decisions.md,
// session 14).
// Clean, straight pages with large text are shrunk (x-height above 17 px to 14): Tesseract scales
// every text line to a fixed height for its LSTM anyway, and the pixels beyond what it needs cost
// thresholding and layout time (issue 8: -17% native, -19% tesseract.js OCR CPU on the corpus and
// samples, corpus CER 2.76% -> 2.63%). Not on grainy pages (paper noise from the denoise step;
// the field benchmark's heavy scans lost 10-18 points on `to` and `place` when shrunk) nor on
// pages left skewed by 1 degree or more (one corpus page, left at -1.06 degrees, read 2.2 points
// worse shrunk, and worse at every target tried).
// The resolution handed to Tesseract is estimated from the same measurement: typewriter
// x-height is ~0.07 in (pica, 12 pt Courier-like faces: 0.42-0.45 em of 1/6 in).
import { z } from 'zod';
import { scaling } from '../affine.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep } from '../step.ts';
import type { StepReport } from '../../types.ts';

/** Typewriter x-height in inches, for turning a measured glyph height into a resolution. */
export const TYPEWRITER_X_HEIGHT_IN = 0.07;

/**
 * The resolution to hand Tesseract: a plausible tag (the runner drops 72/96 placeholders) when
 * the text agrees with it within a third, else the text's estimate. The estimate assumes a pica
 * x-height; all-caps pages and other faces measure 10-40% off, and Tesseract's layout analysis
 * is sensitive to the value (one corpus page: 13.7% CER at the true 300 dpi, 16.4% at an
 * estimated 336), so a tag the text confirms is the better number.
 */
export function chooseDpi(tagged: number | null, estimated: number | null): number | undefined {
  if (tagged !== null && (estimated === null || (estimated / tagged > 0.75 && estimated / tagged < 1.33))) return tagged;
  return estimated ?? undefined;
}

/** Paper noise of the scan as the denoise step measured it (before any blur), or null. */
function scanNoise(earlier: readonly StepReport[]): number | null {
  const noise = earlier.find((r) => r.step === 'denoise')?.measured.noise;
  return typeof noise === 'number' ? noise : null;
}

/** Skew left on the page after the deskew step (0 when it turned the page), degrees, or null. */
function residualSkew(earlier: readonly StepReport[]): number | null {
  const deskew = earlier.find((r) => r.step === 'deskew');
  if (!deskew) return null;
  if (deskew.applied) return 0;
  const angle = deskew.measured.angle;
  return typeof angle === 'number' ? Math.abs(angle) : null;
}

export const rescale = defineStep({
  name: 'rescale',
  summary: 'estimate resolution from glyph height, enlarge small text, shrink large text on clean straight pages',
  needsGrey: true,
  params: z
    .object({
      /** Enlarge when the x-height (px; all caps: 0.75 cap height) is below this. */
      minGlyphHeight: z.number().min(1).max(200).default(12),
      /** x-height (px) to enlarge to. */
      targetGlyphHeight: z.number().min(4).max(200).default(16),
      maxFactor: z.number().min(1).max(8).default(4),
      /** Shrink when the x-height (px) is above this; 0 = never. */
      shrinkAboveGlyphHeight: z.number().min(0).max(400).default(17),
      /** x-height (px) to shrink to. */
      shrinkToGlyphHeight: z.number().min(4).max(200).default(14),
      /**
       * Shrink only pages whose paper noise, as the denoise step measured it on the scan, is below
       * this (grey levels); a page without that measurement is never shrunk.
       */
      shrinkMaxNoise: z.number().min(0).max(255).default(1.5),
      /**
       * ...and whose text is straight: skew left on the page (the deskew step measured it and did
       * not turn the page) below this, in degrees. A page without a deskew step is never shrunk.
       */
      shrinkMaxSkew: z.number().min(0).max(45).default(1),
      kernel: z.enum(['cubic', 'lanczos3', 'mitchell', 'linear']).default('lanczos3'),
    })
    .strict()
    .refine((p) => p.targetGlyphHeight >= p.minGlyphHeight, { message: 'targetGlyphHeight must be >= minGlyphHeight', path: ['targetGlyphHeight'] }),
  async run(image, params, ctx) {
    assertGrey(image, 'rescale');
    // "Letters" measured on grain are a few pixels tall: a page without text was enlarged up to
    // 4x (a page of noise 2.8x larger each way) and handed to Tesseract at a resolution made up from noise.
    const few = tooFewLetters(ctx.ink);
    if (few) {
      const dpi = chooseDpi(ctx.dpi, null);
      return { image, applied: false, measured: { taggedDpi: ctx.dpi, dpi: dpi ?? null, skipped: few }, dpi };
    }
    const scale = await ctx.measure.textScale(image);
    const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    // Decisions and the resolution go by the x-height (or its all-caps equivalent): a cap height
    // taken for an x-height made all-caps telegrams look 1.4x larger than they are.
    const glyphHeight = round2(scale.xHeight);
    const estimatedDpi = glyphHeight === null ? null : Math.round(glyphHeight / TYPEWRITER_X_HEIGHT_IN);
    const measured: Record<string, unknown> = {
      glyphHeight,
      dominantHeight: round2(scale.glyphHeight),
      capsOnly: scale.capsOnly,
      tallShare: scale.tallShare,
      glyphs: scale.glyphs,
      components: scale.components,
      estimatedDpi,
      taggedDpi: ctx.dpi,
    };
    const dpi = chooseDpi(ctx.dpi, estimatedDpi);
    measured.dpi = dpi ?? null;
    if (glyphHeight === null) return { image, applied: false, measured, dpi };
    const noise = scanNoise(ctx.earlier);
    const skew = residualSkew(ctx.earlier);
    measured.scanNoise = noise;
    measured.residualSkew = skew;
    const shrink =
      params.shrinkAboveGlyphHeight > 0 &&
      glyphHeight > params.shrinkAboveGlyphHeight &&
      noise !== null &&
      noise < params.shrinkMaxNoise &&
      skew !== null &&
      skew < params.shrinkMaxSkew;
    if (glyphHeight >= params.minGlyphHeight && !shrink) return { image, applied: false, measured, dpi };
    const factor = shrink ? params.shrinkToGlyphHeight / glyphHeight : Math.min(params.maxFactor, params.targetGlyphHeight / glyphHeight);
    const width = Math.round(image.width * factor);
    const height = Math.round(image.height * factor);
    const out = await toGreyRaw(sharpOf(image).resize(width, height, { kernel: params.kernel, fit: 'fill' }));
    const sx = out.width / image.width;
    const sy = out.height / image.height;
    measured.factor = Math.round(sx * 1000) / 1000;
    return { image: out, applied: true, measured, toInput: scaling(1 / sx, 1 / sy), dpi: dpi! * sx };
  },
});
