// PAGE XML (2019) per page, with the preprocessed image OCR read as its AlternativeImage.
import { z } from 'zod';
import type { ArchivalFormat } from '../format.ts';

export const page: ArchivalFormat = {
  name: 'page',
  kind: 'archival',
  summary: 'PAGE XML per page, with the preprocessed image (page/<pageId>.xml, preprocessed/<pageId>.png)',
  options: z.object({}).strict(),
  async create() {
    const [{ toPageXml }, { preprocessedPng }] = await Promise.all([import('../page-xml.ts'), import('../images.ts')]);
    return {
      async page(p, io) {
        const preRel = `preprocessed/${p.pageId}.png`;
        await io.write(preRel, await preprocessedPng(p.loaded, io.recipe, io.logger), 'image/png');
        const ref = await io.write(
          `page/${p.pageId}.xml`,
          toPageXml(p.page, { ...p.context, preprocessedHref: `../${preRel}` }),
          'application/vnd.prima.page+xml',
        );
        if (p.result.preprocess.recipe !== io.recipe.name) {
          io.logger.warn(
            { page: p.pageId, read: p.result.preprocess.recipe, now: io.recipe.name },
            'page was read with another preprocessing recipe: its AlternativeImage uses the current one',
          );
        }
        return ref;
      },
    };
  },
};
