// Archival exports: the formats asked for (and those they need), written by their writers
// (formats/), page by page and record by record. Output layout under the destination folder:
//   images/<pageId>.<ext>        the original page (master) every box refers to
//   preprocessed/<pageId>.png    the image OCR read (PAGE AlternativeImage)
//   alto/<pageId>.xml  page/<pageId>.xml  hocr/<pageId>.hocr
//   mets/<recordId>.mets.xml     pdf/<recordId>.pdf
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Recipe } from '../preprocess/index.ts';
import { writeFileAtomic } from '../records/atomic-write.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import type { PageExportContext } from './context.ts';
import { applyCorrections, type CorrectedField } from './corrections.ts';
import type { ArchivalIo, ArchivalWriter, PageToExport } from './format.ts';
import { optionsFor, withNeeds } from './formats/index.ts';
import { loadOriginalPage, masterImage, pageDpi, type PageImageOptions } from './images.ts';
import type { FileRef } from './mets.ts';

/** A record with reviews applied, and the corrections to carry into its pages' words. */
export interface ArchivalRecord {
  record: TelegramRecord;
  corrections: CorrectedField[];
}

export interface ArchivalExportOptions extends PageImageOptions {
  /** Archival format names (formats/index.ts); the formats they need are written too. */
  formats: readonly string[];
  /** Each format's own options (config `exportOptions`); defaults where not given. */
  exportOptions?: Readonly<Record<string, unknown>>;
  /** Destination folder. */
  to: string;
  /** The page JSON of a page id (OUT/pages/<pageId>.json), or null when there is none. */
  loadPage: (pageId: string) => Promise<PageResult | null>;
  /** Absolute path of a page's source file (default: its `file` resolved against `cwd`). */
  imagePath?: (page: PageResult) => string;
  cwd?: string;
  /** Recipe that makes the preprocessed image for PAGE (the run's; default: the page's own when "auto"/"none"). */
  recipe: Recipe;
  logger: Logger;
  now?: () => Date;
}

export interface ArchivalExportResult {
  records: number;
  pages: number;
  /** Files written, relative to `to`. */
  files: string[];
  /** Corrections that could not be placed on their page (no word inside the field's box). */
  unplaced: Array<{ record: string; field: string; page: string }>;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Writes the requested archival formats for `records` (reviews applied) under `options.to`. */
export async function writeArchivalExport(
  records: Iterable<ArchivalRecord> | AsyncIterable<ArchivalRecord>,
  options: ArchivalExportOptions,
): Promise<ArchivalExportResult> {
  const formats = withNeeds(options.formats);
  const writers: Array<{ name: string; writer: ArchivalWriter }> = [];
  for (const format of formats) writers.push({ name: format.name, writer: await format.create(optionsFor(format, options.exportOptions)) });
  const createdAt = (options.now ?? (() => new Date()))();
  const stamp = createdAt.toISOString();
  const files: string[] = [];
  const unplaced: ArchivalExportResult['unplaced'] = [];
  const io: ArchivalIo = {
    async write(rel, data, mimetype) {
      await writeFileAtomic(path.join(options.to, rel), data);
      files.push(rel);
      return { href: rel, mimetype, sha256: sha256(data), size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    },
    recipe: options.recipe,
    logger: options.logger,
  };

  const all: ArchivalRecord[] = [];
  for await (const r of records) all.push(r);
  // A page can hold two telegrams: its words get the corrections of every record on it.
  const correctionsByPage = new Map<string, CorrectedField[]>();
  const usesLeft = new Map<string, number>();
  for (const { record, corrections } of all) {
    for (const pageId of record.source.pages) usesLeft.set(pageId, (usesLeft.get(pageId) ?? 0) + 1);
    for (const c of corrections) correctionsByPage.set(c.page, [...(correctionsByPage.get(c.page) ?? []), c]);
  }

  const done = new Map<string, PageToExport>();
  const pageOutputs = async (pageId: string, recordId: string): Promise<PageToExport> => {
    const cached = done.get(pageId);
    if (cached) return cached;
    const result = await options.loadPage(pageId);
    if (!result) {
      throw new CablescanError(
        ErrorCode.INPUT_NOT_FOUND,
        `no page JSON for page ${pageId} (record ${recordId}): exports need the run's output folder with its pages/`,
        { retryable: false },
      );
    }
    const corrections = correctionsByPage.get(pageId) ?? [];
    const applied = applyCorrections(result, corrections);
    for (const c of applied.unplaced) {
      const owner = all.find((r) => r.corrections.includes(c));
      unplaced.push({ record: owner?.record.id ?? recordId, field: c.field, page: c.page });
    }
    const placed = corrections.filter((c) => !applied.unplaced.includes(c));
    const imagePath = options.imagePath?.(result) ?? path.resolve(options.cwd ?? process.cwd(), result.file);
    const loaded = await loadOriginalPage(result, imagePath, options);
    const master = await masterImage(result, imagePath, loaded);
    const imageRel = `images/${pageId}${master.ext}`;
    const context: PageExportContext = {
      imageHref: `../${imageRel}`,
      createdAt: stamp,
      softwareVersion: PIPELINE_VERSION,
      correctedFields: [...new Set(placed.map((c) => c.field))],
      reviewedAt: latest(placed.map((c) => c.reviewedAt)),
    };
    const page: PageToExport = {
      pageId,
      result,
      page: applied.page,
      loaded,
      dpi: pageDpi(loaded),
      context,
      refs: { image: await io.write(imageRel, master.data, master.mimetype) },
      kept: {},
    };
    for (const { name, writer } of writers) if (writer.page) page.refs[name] = await writer.page(page, io);
    for (const { name, writer } of writers) if (writer.keep) page.kept[name] = await writer.keep(page);
    done.set(pageId, page);
    return page;
  };

  for (const { record } of all) {
    const pages: PageToExport[] = [];
    for (const pageId of record.source.pages) pages.push(await pageOutputs(pageId, record.id));
    const refs: Record<string, FileRef> = {};
    for (const { name, writer } of writers) if (writer.record) refs[name] = await writer.record({ record, pages, refs, createdAt }, io);
    // Free what formats kept of pages no later record needs (a batch can hold thousands of pages).
    for (const pageId of record.source.pages) {
      const left = (usesLeft.get(pageId) ?? 1) - 1;
      usesLeft.set(pageId, left);
      const entry = done.get(pageId);
      if (left <= 0 && entry) entry.kept = {};
    }
  }
  return { records: all.length, pages: done.size, files, unplaced };
}

/** The latest of some ISO 8601 times (they sort as text), or undefined when none is known. */
function latest(times: ReadonlyArray<string | null | undefined>): string | undefined {
  const known = times.filter((t): t is string => typeof t === 'string' && t !== '');
  return known.length ? known.sort()[known.length - 1] : undefined;
}
