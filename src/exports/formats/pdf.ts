// A searchable PDF per record (PDF/A-2b): each page's image as a grey JPEG under an invisible
// text layer of its words.
import { z } from 'zod';
import { PIPELINE_VERSION } from '../../version.ts';
import type { ArchivalFormat } from '../format.ts';

const pdfOptions = z
  .object({
    /** JPEG quality of the page images (1-100): the PDF's size against its legibility. */
    imageQuality: z.number().int().min(1).max(100).default(80),
  })
  .strict();

export const pdf: ArchivalFormat<z.infer<typeof pdfOptions>> = {
  name: 'pdf',
  kind: 'archival',
  summary: 'searchable PDF/A per record, page images under their words (pdf/<recordId>.pdf)',
  options: pdfOptions,
  async create(options) {
    const [{ buildSearchablePdf }, { greyJpeg }, { title }] = await Promise.all([import('../pdf.ts'), import('../images.ts'), import('../mets.ts')]);
    return {
      keep: (p) => greyJpeg(p.loaded.image, options.imageQuality),
      async record(r, io) {
        const { record } = r;
        const bytes = await buildSearchablePdf(
          r.pages.map((p) => ({ page: p.page, jpeg: p.kept.pdf as Buffer, dpi: p.dpi })),
          {
            title: title(record),
            subject: `cablescan ${record.kind ?? 'telegram'} record ${record.id} (${record.profile})`,
            keywords: [record.id, ...record.source.pages],
            createdAt: r.createdAt,
            softwareVersion: PIPELINE_VERSION,
          },
        );
        return io.write(`pdf/${record.id}.pdf`, bytes, 'application/pdf');
      },
    };
  },
};
