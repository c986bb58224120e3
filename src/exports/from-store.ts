// `cablescan export --format alto|page|hocr|mets|pdf`: the review store's records with
// every review applied, their corrections carried into the words, and the words read
// from the run's page JSON (OUT/pages/), which the store does not keep.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { resolveRecipe } from '../preprocess/index.ts';
import { pageJsonPath } from '../records/layout.ts';
import { readPageJson } from '../records/page-store.ts';
import type { PageResult } from '../types.ts';
import type { StoredRecord } from '../store/types.ts';
import { correctionsFromStoredFields } from './corrections.ts';
import { writeArchivalExport, type ArchivalExportResult, type ArchivalRecord } from './archival.ts';
import { ARCHIVAL_FORMAT_NAMES, isArchivalFormatName } from './formats/index.ts';

/** What the export needs of the review store (src/store ReviewStore). */
export interface RecordSource {
  recordIds(batch?: string): Promise<string[]>;
  getRecord(id: string): Promise<StoredRecord | null>;
}

export interface StoreExportOptions {
  /** Archival format names. */
  formats: readonly string[];
  to: string;
  /** The run's output folder, holding pages/<pageId>.json. */
  out: string;
  batch?: string;
  reviewedOnly?: boolean;
  config: Config;
  logger: Logger;
}

/**
 * The page JSON; a page read before page JSON carried `readAt` gets the time its JSON was
 * written, which the pipeline does as soon as the page is read.
 */
async function readPageWithTime(out: string, pageId: string): Promise<PageResult | null> {
  const page = await readPageJson(out, pageId);
  if (!page || page.readAt) return page;
  try {
    return { ...page, readAt: (await stat(pageJsonPath(out, pageId))).mtime.toISOString() };
  } catch {
    return page;
  }
}

export async function exportArchivalFromStore(store: RecordSource, options: StoreExportOptions): Promise<ArchivalExportResult> {
  const imagePaths = new Map<string, string>();
  async function* records(): AsyncGenerator<ArchivalRecord> {
    for (const id of await store.recordIds(options.batch)) {
      const stored = await store.getRecord(id);
      if (!stored) continue;
      if (options.reviewedOnly && stored.record.review.status !== 'done') continue;
      // The store resolved each page's file when the run saved it: the export finds it from any folder.
      for (const p of stored.pages) imagePaths.set(p.pageId, p.path);
      yield { record: stored.record, corrections: correctionsFromStoredFields(stored.fields) };
    }
  }
  return writeArchivalExport(records(), {
    formats: options.formats,
    to: options.to,
    loadPage: (pageId) => readPageWithTime(options.out, pageId),
    imagePath: (page) => imagePaths.get(page.pageId) ?? path.resolve(page.file),
    exportOptions: options.config.exportOptions,
    recipe: resolveRecipe(options.config.preprocess),
    logger: options.logger,
    maxPixels: options.config.maxPixels,
    pdfDpi: options.config.pdfDpi,
  });
}

/**
 * The archival formats named by `--format` ("alto", "alto,mets,pdf"), or null when it names
 * none of them (json, jsonl, csv are the record writers' business). Mixing the two is refused.
 */
export function archivalFormatsFrom(format: string | undefined): string[] | null {
  if (!format) return null;
  const names = format
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const archival = names.filter(isArchivalFormatName);
  if (archival.length === 0) return null;
  if (archival.length !== names.length) {
    throw new CablescanError(
      ErrorCode.CONFIG_INVALID,
      `--format ${format}: archival formats (${ARCHIVAL_FORMAT_NAMES.join(', ')}) can be combined with each other, not with ${names.filter((n) => !isArchivalFormatName(n)).join(', ')}`,
    );
  }
  return [...new Set(archival)];
}

/** What `cablescan export` prints for an archival export (stdout line, and warnings for stderr). */
export function describeArchivalExport(result: ArchivalExportResult, formats: readonly string[], where: string): { summary: string; warnings: string[] } {
  return {
    summary: `exported ${result.records} record(s), ${result.pages} page(s) as ${formats.join(', ')} to ${where}/`,
    warnings: result.unplaced.map((u) => `correction of ${u.record}.${u.field} not placed on page ${u.page}: no OCR word lies in the field's box`),
  };
}
