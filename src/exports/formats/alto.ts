// ALTO 4.4 per page: words, lines and blocks with their boxes and confidences.
import { z } from 'zod';
import type { ArchivalFormat } from '../format.ts';

export const alto: ArchivalFormat = {
  name: 'alto',
  kind: 'archival',
  summary: 'ALTO 4.4 XML per page (alto/<pageId>.xml)',
  options: z.object({}).strict(),
  async create() {
    const { toAlto } = await import('../alto.ts');
    return { page: (p, io) => io.write(`alto/${p.pageId}.xml`, toAlto(p.page, p.context), 'text/xml') };
  },
};
