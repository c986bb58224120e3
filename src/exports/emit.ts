// `run --emit alto,pdf`: archival files written as each document's records are built
// (its pages are read by then), into OUT/exports/. They carry the machine's reading;
// `cablescan export` writes them again with the reviewers' corrections.
import path from 'node:path';
import type { Config } from '../config.ts';
import { toCablescanError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { resolveRecipe } from '../preprocess/index.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import { writeArchivalExport } from './archival.ts';

export const EMIT_DIR = 'exports';

export interface EmitDeps {
  config: Config;
  logger: Logger;
  outDir: string;
  /** Archival format names (config `emit`). */
  formats: readonly string[];
}

/**
 * Writes the formats for one document's records. A failure (an image moved since it was
 * read, a full disk) is logged, not thrown: the records are already written and are what
 * the run is for; `cablescan export` can make the files later.
 */
export async function emitArchival(records: readonly TelegramRecord[], pages: readonly PageResult[], deps: EmitDeps): Promise<number> {
  if (deps.formats.length === 0 || records.length === 0) return 0;
  const byId = new Map(pages.map((p) => [p.pageId, p]));
  try {
    const result = await writeArchivalExport(
      records.map((record) => ({ record, corrections: [] })),
      {
        formats: deps.formats,
        to: path.join(deps.outDir, EMIT_DIR),
        loadPage: async (id) => byId.get(id) ?? null,
        exportOptions: deps.config.exportOptions,
        recipe: resolveRecipe(deps.config.preprocess),
        logger: deps.logger,
        maxPixels: deps.config.maxPixels,
        pdfDpi: deps.config.pdfDpi,
      },
    );
    return result.files.length;
  } catch (err) {
    const e = toCablescanError(err);
    deps.logger.error(
      { stage: 'emit', code: e.code, err: e.message, formats: deps.formats },
      'archival files not written (records are); run `cablescan export` later',
    );
    return 0;
  }
}
