// Archival exports: ALTO, PAGE and hOCR per page, METS and a searchable PDF per
// telegram record, with reviewed corrections carried into the words. Output layout
// under the destination folder:
//   images/<pageId>.<ext>        the original page (master) every box refers to
//   preprocessed/<pageId>.png    the image OCR read (PAGE AlternativeImage)
//   alto/<pageId>.xml  page/<pageId>.xml  hocr/<pageId>.hocr
//   mets/<recordId>.mets.xml     pdf/<recordId>.pdf
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Recipe } from '../preprocess/index.ts';
import { writeFileAtomic } from '../records/atomic-write.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { toAlto } from './alto.ts';
import type { PageExportContext } from './context.ts';
import { applyCorrections, type CorrectedField, type ExportPage } from './corrections.ts';
import { toHocr } from './hocr.ts';
import { greyJpeg, loadOriginalPage, masterImage, pageDpi, preprocessedPng, type PageImageOptions } from './images.ts';
import { title as recordTitle, toMets, type FileRef, type MetsPage } from './mets.ts';
import { toPageXml } from './page-xml.ts';
import { buildSearchablePdf } from './pdf.ts';

export { applyCorrections, correctedPrintedText, correctionsFromRecord, correctionsFromStoredFields } from './corrections.ts';
export type { CorrectedField, CorrectedPage, ExportLine, ExportPage, ExportWord, ReviewedFieldLike } from './corrections.ts';
export { toAlto } from './alto.ts';
export { toPageXml } from './page-xml.ts';
export { toHocr } from './hocr.ts';
export { toMets } from './mets.ts';
export { buildSearchablePdf } from './pdf.ts';

export const ARCHIVAL_FORMATS = ['alto', 'page', 'hocr', 'mets', 'pdf'] as const;
export type ArchivalFormat = (typeof ARCHIVAL_FORMATS)[number];

export function isArchivalFormat(format: string): format is ArchivalFormat {
  return (ARCHIVAL_FORMATS as readonly string[]).includes(format);
}

/** A record with reviews applied, and the corrections to carry into its pages' words. */
export interface ArchivalRecord {
  record: TelegramRecord;
  corrections: CorrectedField[];
}

export interface ArchivalExportOptions extends PageImageOptions {
  formats: readonly ArchivalFormat[];
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

interface PageOutputs {
  page: ExportPage;
  refs: Omit<MetsPage, 'page'>;
  jpeg?: Buffer;
  dpi: number;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Writes the requested archival formats for `records` (reviews applied) under `options.to`. */
export async function writeArchivalExport(records: Iterable<ArchivalRecord> | AsyncIterable<ArchivalRecord>, options: ArchivalExportOptions): Promise<ArchivalExportResult> {
  const formats = new Set(options.formats);
  const createdAt = (options.now ?? (() => new Date()))();
  const stamp = createdAt.toISOString();
  const files: string[] = [];
  const unplaced: ArchivalExportResult['unplaced'] = [];
  const write = async (rel: string, data: string | Uint8Array): Promise<FileRef> => {
    await writeFileAtomic(path.join(options.to, rel), data);
    files.push(rel);
    return { href: rel, mimetype: '', sha256: sha256(data), size: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
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

  const done = new Map<string, PageOutputs>();
  const pageOutputs = async (pageId: string, recordId: string): Promise<PageOutputs> => {
    const cached = done.get(pageId);
    if (cached) return cached;
    const result = await options.loadPage(pageId);
    if (!result) {
      throw new CablescanError(ErrorCode.INPUT_NOT_FOUND, `no page JSON for page ${pageId} (record ${recordId}): exports need the run's output folder with its pages/`, { retryable: false });
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
    const refs: Omit<MetsPage, 'page'> = { image: { ...(await write(imageRel, master.data)), mimetype: master.mimetype } };
    const ctx: PageExportContext = {
      imageHref: `../${imageRel}`,
      createdAt: stamp,
      softwareVersion: PIPELINE_VERSION,
      correctedFields: [...new Set(placed.map((c) => c.field))],
      reviewedAt: latest(placed.map((c) => c.reviewedAt)),
    };
    if (formats.has('alto') || formats.has('mets')) refs.alto = { ...(await write(`alto/${pageId}.xml`, toAlto(applied.page, ctx))), mimetype: 'text/xml' };
    if (formats.has('page')) {
      const pre = await preprocessedPng(loaded, options.recipe, options.logger);
      const preRel = `preprocessed/${pageId}.png`;
      await write(preRel, pre);
      refs.pageXml = { ...(await write(`page/${pageId}.xml`, toPageXml(applied.page, { ...ctx, preprocessedHref: `../${preRel}` }))), mimetype: 'application/vnd.prima.page+xml' };
      if (result.preprocess.recipe !== options.recipe.name) {
        options.logger.warn({ page: pageId, read: result.preprocess.recipe, now: options.recipe.name }, 'page was read with another preprocessing recipe: its AlternativeImage uses the current one');
      }
    }
    if (formats.has('hocr')) refs.hocr = { ...(await write(`hocr/${pageId}.hocr`, toHocr(applied.page, ctx))), mimetype: 'text/html' };
    const outputs: PageOutputs = { page: applied.page, refs, dpi: pageDpi(loaded), jpeg: formats.has('pdf') ? await greyJpeg(loaded.image) : undefined };
    done.set(pageId, outputs);
    return outputs;
  };

  for (const { record } of all) {
    const pages: PageOutputs[] = [];
    for (const pageId of record.source.pages) pages.push(await pageOutputs(pageId, record.id));
    let pdf: FileRef | undefined;
    if (formats.has('pdf')) {
      const bytes = await buildSearchablePdf(
        pages.map((p) => ({ page: p.page, jpeg: p.jpeg!, dpi: p.dpi })),
        { title: recordTitle(record), subject: `cablescan ${record.kind ?? "telegram"} record ${record.id} (${record.profile})`, keywords: [record.id, ...record.source.pages], createdAt, softwareVersion: PIPELINE_VERSION },
      );
      pdf = { ...(await write(`pdf/${record.id}.pdf`, bytes)), mimetype: 'application/pdf' };
    }
    if (formats.has('mets')) {
      const rel = (ref: FileRef | undefined): FileRef | undefined => (ref ? { ...ref, href: `../${ref.href}` } : undefined);
      const xml = toMets({
        record,
        pages: pages.map((p) => ({ page: p.page, image: rel(p.refs.image)!, alto: rel(p.refs.alto), pageXml: rel(p.refs.pageXml), hocr: rel(p.refs.hocr) })),
        pdf: rel(pdf),
        createdAt: stamp,
        softwareVersion: PIPELINE_VERSION,
      });
      await write(`mets/${record.id}.mets.xml`, xml);
    }
    // Free page images no later record needs (a batch can hold thousands of pages).
    for (const pageId of record.source.pages) {
      const left = (usesLeft.get(pageId) ?? 1) - 1;
      usesLeft.set(pageId, left);
      const entry = done.get(pageId);
      if (left <= 0 && entry) entry.jpeg = undefined;
    }
  }
  return { records: all.length, pages: done.size, files, unplaced };
}

/** The latest of some ISO 8601 times (they sort as text), or undefined when none is known. */
function latest(times: ReadonlyArray<string | null | undefined>): string | undefined {
  const known = times.filter((t): t is string => typeof t === 'string' && t !== '');
  return known.length ? known.sort()[known.length - 1] : undefined;
}

