// hOCR per page: the words in HTML with their boxes and confidences.
import { z } from 'zod';
import type { ArchivalFormat } from '../format.ts';

export const hocr: ArchivalFormat = {
  name: 'hocr',
  kind: 'archival',
  summary: 'hOCR (HTML) per page (hocr/<pageId>.hocr)',
  options: z.object({}).strict(),
  async create() {
    const { toHocr } = await import('../hocr.ts');
    return { page: (p, io) => io.write(`hocr/${p.pageId}.hocr`, toHocr(p.page, p.context), 'text/html') };
  },
};
