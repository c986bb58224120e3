// METS per record: its page images and their files (ALTO always, PAGE, hOCR and the PDF when
// written), the record's fields as MODS, each pointing at its words in the ALTO.
import { z } from 'zod';
import { PIPELINE_VERSION } from '../../version.ts';
import type { ArchivalFormat } from '../format.ts';
import type { FileRef } from '../mets.ts';

/** A reference as the METS file, one folder down, makes it. */
const fromMets = (ref: FileRef | undefined): FileRef | undefined => (ref ? { ...ref, href: `../${ref.href}` } : undefined);

export const mets: ArchivalFormat = {
  name: 'mets',
  kind: 'archival',
  summary: "METS per record, with the record's fields as MODS (mets/<recordId>.mets.xml; writes ALTO too)",
  options: z.object({}).strict(),
  needs: ['alto'],
  async create() {
    const { toMets } = await import('../mets.ts');
    return {
      record(r, io) {
        const xml = toMets({
          record: r.record,
          pages: r.pages.map((p) => ({
            page: p.page,
            image: fromMets(p.refs.image)!,
            alto: fromMets(p.refs.alto),
            pageXml: fromMets(p.refs.page),
            hocr: fromMets(p.refs.hocr),
          })),
          pdf: fromMets(r.refs.pdf),
          createdAt: r.createdAt.toISOString(),
          softwareVersion: PIPELINE_VERSION,
        });
        return io.write(`mets/${r.record.id}.mets.xml`, xml, 'text/xml');
      },
    };
  },
};
