// Rescale to the text size Tesseract reads best, measured from the text itself, because DPI
// tags lie (the corpus has 72 dpi tags on 300 dpi scans). The dominant glyph height (x-height
// for mixed case, cap height for all-caps telegrams) is measured on the reduced binary copy;
// pages whose glyphs are smaller than `minGlyphHeight` are enlarged to `targetGlyphHeight`.
// On the corpus: the ~100 dpi 1938 letter (glyphs 8.4 px) went from 2.1% to 1.1% CER when
// enlarged x2.6, while a 13.8 px page enlarged x1.6 got worse (1.3% -> 1.8%): hence the low
// default threshold.
// The resolution handed to Tesseract is estimated from the same measurement: typewriter
// x-height is ~0.07 in (pica, 12 pt Courier-like faces: 0.45 em of 1/6 in).
import { z } from 'zod';
import { scaling } from '../affine.ts';
import { assertGrey, sharpOf, toGreyRaw } from '../raw.ts';
import { defineStep } from '../step.ts';

/** Typewriter x-height in inches, for turning a measured glyph height into a resolution. */
export const TYPEWRITER_X_HEIGHT_IN = 0.07;

export const rescale = defineStep({
  name: 'rescale',
  summary: 'estimate resolution from glyph height and enlarge small text',
  needsGrey: true,
  params: z
    .object({
      /** Enlarge when the dominant glyph height (px) is below this. */
      minGlyphHeight: z.number().min(1).max(200).default(12),
      /** Glyph height (px) to enlarge to. */
      targetGlyphHeight: z.number().min(4).max(200).default(22),
      maxFactor: z.number().min(1).max(8).default(4),
      kernel: z.enum(['cubic', 'lanczos3', 'mitchell', 'linear']).default('lanczos3'),
    })
    .strict()
    .refine((p) => p.targetGlyphHeight >= p.minGlyphHeight, { message: 'targetGlyphHeight must be >= minGlyphHeight', path: ['targetGlyphHeight'] }),
  async run(image, params, ctx) {
    assertGrey(image, 'rescale');
    const scale = await ctx.measure.textScale(image);
    const glyphHeight = scale.glyphHeight === null ? null : Math.round(scale.glyphHeight * 100) / 100;
    const estimatedDpi = glyphHeight === null ? null : Math.round(glyphHeight / TYPEWRITER_X_HEIGHT_IN);
    const measured: Record<string, unknown> = { glyphHeight, glyphs: scale.glyphs, components: scale.components, estimatedDpi, taggedDpi: ctx.dpi };
    const dpi = estimatedDpi ?? undefined;
    if (glyphHeight === null || glyphHeight >= params.minGlyphHeight) return { image, applied: false, measured, dpi };
    const factor = Math.min(params.maxFactor, params.targetGlyphHeight / glyphHeight);
    const width = Math.round(image.width * factor);
    const height = Math.round(image.height * factor);
    const out = await toGreyRaw(sharpOf(image).resize(width, height, { kernel: params.kernel, fit: 'fill' }));
    const sx = out.width / image.width;
    const sy = out.height / image.height;
    measured.factor = Math.round(sx * 1000) / 1000;
    return { image: out, applied: true, measured, toInput: scaling(1 / sx, 1 / sy), dpi: estimatedDpi! * sx };
  },
});
