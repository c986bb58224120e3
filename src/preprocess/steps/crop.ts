// Border and dark-edge removal, crop to content: the page is cut to the box around its text
// lines plus a margin. Scanner borders, punch holes, the dark edge of the next page and specks
// in the margins go, and with them the junk Tesseract reads out of them (and the time it
// spends on them).
// "Text" here is letter-shaped components that have a letter-sized neighbour on their line
// (a letter alone in a margin is a speck or a stain more often than a word); the margin is
// generous (3 glyph heights by default) so that a faint first letter or a heading in bigger
// type is kept. A crop that would remove less than `minRemoved` of the page is not worth a copy.
import { z } from 'zod';
import { connectedComponents, glyphMaxHeight, isGlyph, maskAtMost, type BinaryImage, type Component } from '../analysis.ts';
import { scratchBytes } from '../analysis/levels.ts';
import { translation } from '../affine.ts';
import { tooFewLetters } from '../ink.ts';
import { assertGrey, extractGrey } from '../raw.ts';
import { defineStep } from '../step.ts';
import { GEOMETRY_FREE_KINDS } from '../measure.ts';

export interface ContentBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Letters that have a neighbour on their line (what the box is built from). */
  letters: number;
}

/** Box (in reduced analysis pixels) around the letters that have a same-line neighbour. */
export function contentBox(bin: BinaryImage, components: Component[]): ContentBox | null {
  const maxHeight = glyphMaxHeight(bin);
  const glyphs = components.filter((c) => isGlyph(c, maxHeight));
  if (glyphs.length < 10) return null;
  const heights = glyphs.map((c) => c.y1 - c.y0).sort((a, b) => a - b);
  const h = heights[Math.floor(heights.length / 2)]!;
  glyphs.sort((a, b) => a.x0 - b.x0);
  const hasNeighbour = new Uint8Array(glyphs.length);
  for (let i = 0; i < glyphs.length; i += 1) {
    const a = glyphs[i]!;
    for (let j = i + 1; j < glyphs.length && glyphs[j]!.x0 - a.x1 <= 2 * h; j += 1) {
      const b = glyphs[j]!;
      const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (overlap > 0.3 * Math.min(a.y1 - a.y0, b.y1 - b.y0)) {
        hasNeighbour[i] = 1;
        hasNeighbour[j] = 1;
      }
    }
  }
  let box: ContentBox | null = null;
  let letters = 0;
  glyphs.forEach((c, i) => {
    if (!hasNeighbour[i]) return;
    letters += 1;
    if (!box) box = { x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1, letters: 0 };
    else {
      box.x0 = Math.min(box.x0, c.x0);
      box.y0 = Math.min(box.y0, c.y0);
      box.x1 = Math.max(box.x1, c.x1);
      box.y1 = Math.max(box.y1, c.y1);
    }
  });
  if (!box || letters < 10) return null;
  return { ...(box as ContentBox), letters };
}

export const crop = defineStep({
  name: 'crop',
  summary: 'crop to the text lines plus a margin (removes dark borders and margin junk)',
  needsGrey: true,
  params: z
    .object({
      /** Margin around the text, in glyph heights. */
      margin: z.number().min(0).max(50).default(3),
      /** Crop only when it removes at least this share of the page area. */
      minRemoved: z.number().min(0).max(1).default(0.05),
      /** Grey level (on the background-flattened copy, paper = 255) at or below which faint ink still counts as content. */
      faintLevel: z.number().int().min(0).max(254).default(215),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'crop');
    // A content box around grain would cut a nearly blank page's few lines away.
    const few = tooFewLetters(ctx.ink);
    if (few) return { image, applied: false, measured: { content: null, skipped: few } };
    const bin = await ctx.measure.binary(image);
    const { components } = await ctx.measure.components(image);
    const scale = await ctx.measure.textScale(image);
    // Also from a sensitive mask (anything clearly darker than the paper): a faint paragraph that
    // Otsu put on the paper side must not be cut off. Stains that pass are not letter-shaped
    // lines, and if some are, the box only grows.
    // A scratch mask (levels.ts): read only by the components, in this synchronous stretch.
    const faintMask = maskAtMost(bin.flat, params.faintLevel, scratchBytes(bin.flat.length));
    const faint = contentBox(bin, connectedComponents({ data: faintMask, width: bin.width, height: bin.height }).components);
    const dark = contentBox(bin, components);
    const box =
      dark && faint
        ? {
            x0: Math.min(dark.x0, faint.x0),
            y0: Math.min(dark.y0, faint.y0),
            x1: Math.max(dark.x1, faint.x1),
            y1: Math.max(dark.y1, faint.y1),
            letters: dark.letters,
          }
        : (dark ?? faint);
    if (!box || scale.glyphHeight === null) return { image, applied: false, measured: { content: null } };
    const f = bin.factor;
    const margin = params.margin * scale.glyphHeight;
    const left = Math.max(0, Math.floor(box.x0 * f - margin));
    const top = Math.max(0, Math.floor(box.y0 * f - margin));
    const right = Math.min(image.width, Math.ceil(box.x1 * f + margin));
    const bottom = Math.min(image.height, Math.ceil(box.y1 * f + margin));
    const removed = 1 - ((right - left) * (bottom - top)) / (image.width * image.height);
    const measured: Record<string, unknown> = { content: [left, top, right, bottom], letters: box.letters, removed: Math.round(removed * 1000) / 1000 };
    if (removed < params.minRemoved) return { image, applied: false, measured };
    const out = await extractGrey(image, { left, top, width: right - left, height: bottom - top });
    // Skew, text size and orientation do not depend on where the text sits on the canvas.
    return { image: out, applied: true, measured, toInput: translation(left, top), keeps: GEOMETRY_FREE_KINDS };
  },
});
