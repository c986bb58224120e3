// Despeckle: remove specks far smaller than a full stop (dust, scanner noise, paper grain
// turned black) by painting them paper-white. The size limit follows the text: a speck is at
// most `maxSize` glyph heights across (a typewriter full stop is ~0.25 x-height, the default
// 0.12 stays well below it). Not in `auto`: Tesseract already ignores specks this small and
// the full-resolution component labelling costs ~0.3-1 s on a 300 dpi page; a recipe for dusty
// or noisy scans can add it.
import { z } from 'zod';
import { connectedComponents, histogram, otsuThreshold } from '../analysis.ts';
import { assertGrey } from '../raw.ts';
import { defineStep } from '../step.ts';

export const despeckle = defineStep({
  name: 'despeckle',
  summary: 'paint specks much smaller than a full stop white',
  needsGrey: true,
  params: z
    .object({
      /** Largest speck, in glyph heights (both sides). */
      maxSize: z.number().min(0.01).max(1).default(0.12),
      /** Remove specks only when there are at least this many per letter (a few are harmless); 0 = always. */
      minSpecksPerLetter: z.number().min(0).default(0.5),
    })
    .strict(),
  async run(image, params, ctx) {
    assertGrey(image, 'despeckle');
    const scale = await ctx.measure.textScale(image);
    if (scale.glyphHeight === null) return { image, applied: false, measured: { glyphHeight: null } };
    // Specks are counted at full resolution: the reduced analysis copy averages them away.
    const limit = Math.max(1, Math.floor(scale.glyphHeight * params.maxSize));
    const threshold = otsuThreshold(histogram(image));
    const mask = new Uint8Array(image.width * image.height);
    const src = image.data;
    for (let i = 0; i < mask.length; i += 1) mask[i] = src[i]! <= threshold ? 1 : 0;
    const cc = connectedComponents({ data: mask, width: image.width, height: image.height });
    const speck = cc.components.map((c) => c.x1 - c.x0 <= limit && c.y1 - c.y0 <= limit);
    let specks = 0;
    for (const s of speck) if (s) specks += 1;
    const perLetter = scale.glyphs > 0 ? specks / scale.glyphs : 0;
    const measured: Record<string, unknown> = { glyphHeight: scale.glyphHeight, maxSpeckPx: limit, specks, specksPerLetter: Math.round(perLetter * 100) / 100 };
    if (specks === 0 || perLetter < params.minSpecksPerLetter) return { image, applied: false, measured };
    const data = Buffer.from(src);
    const { runs } = cc;
    for (let r = 0; r < runs.length; r += 4) {
      if (!speck[runs[r + 3]!]) continue;
      const row = runs[r]! * image.width;
      data.fill(255, row + runs[r + 1]!, row + runs[r + 2]!);
    }
    return { image: { ...image, data }, applied: true, measured };
  },
});
