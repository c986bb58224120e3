// Fills a store from an output folder's files (records/*.json + pages/*.json):
// for runs made before the store existed, and for drivers that write files on
// many machines and want the store written once, by one process.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import { readPageJson } from '../records/page-store.ts';
import { assertValidRecord } from '../records/validate-record.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { ReviewStore } from './store.ts';
import type { RecordBuildSettings } from './types.ts';

export interface ImportOptions {
  batch: string;
  /** The directory the run was started in: page `file`s are relative to it. */
  cwd: string;
  /** Only these record ids (default: every records/*.json). */
  recordIds?: readonly string[];
  /**
   * The sequences the records were built in (report.json `documents`: key and pages in order),
   * so reviewers can regroup them; sequences whose page JSON is missing are left out.
   */
  sequences?: ReadonlyArray<{ documentKey: string; pages: readonly string[] }>;
  /** The settings the records were built with (remembered with each sequence). */
  build?: RecordBuildSettings;
  /** Each record as it is read (and found valid), whether or not its pages let it in: the queue driver's report is fed so. */
  onRecord?: (record: TelegramRecord) => void;
  /** false: only read the records (for onRecord); a worker saved them to the store already. */
  save?: boolean;
}

export interface ImportResult {
  records: number;
  /** Records not imported, with the reason (unreadable file, page JSON missing). */
  skipped: Array<{ recordId: string; reason: string }>;
}

export async function importOutputFolder(store: ReviewStore, outDir: string, options: ImportOptions): Promise<ImportResult> {
  const recordsDir = path.join(outDir, 'records');
  let ids = options.recordIds ? [...options.recordIds] : null;
  if (!ids) {
    try {
      ids = (await readdir(recordsDir))
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch (err) {
      throw new CablescanError(ErrorCode.INPUT_NOT_FOUND, `${recordsDir}: ${(err as Error).message}`, { file: recordsDir, retryable: false });
    }
  }
  const result: ImportResult = { records: 0, skipped: [] };
  for (const id of ids) {
    let record;
    try {
      record = JSON.parse(await readFile(path.join(recordsDir, `${id}.json`), 'utf8')) as unknown;
      assertValidRecord(record);
    } catch (err) {
      result.skipped.push({ recordId: id, reason: (err as Error).message });
      continue;
    }
    options.onRecord?.(record);
    if (options.save === false) {
      result.records += 1;
      continue;
    }
    const pages: PageResult[] = [];
    for (const pageId of record.source.pages) {
      const page = await readPageJson(outDir, pageId);
      if (page) pages.push(page);
    }
    if (pages.length !== record.source.pages.length) {
      result.skipped.push({ recordId: id, reason: 'a page JSON of this record is missing under pages/' });
      continue;
    }
    await store.saveRecords([record], pages, { batch: options.batch, cwd: options.cwd, outDir });
    result.records += 1;
  }
  const sequences: PageResult[][] = [];
  for (const sequence of options.save === false ? [] : (options.sequences ?? [])) {
    const pages: PageResult[] = [];
    for (const pageId of sequence.pages) {
      const page = await readPageJson(outDir, pageId);
      if (page) pages.push({ ...page, documentKey: sequence.documentKey });
    }
    if (pages.length === sequence.pages.length && pages.length > 0) sequences.push(pages);
  }
  if (sequences.length) await store.saveSequences(sequences, { batch: options.batch, cwd: options.cwd, outDir, build: options.build });
  return result;
}

/** The sequences a run's report.json lists (none when it is missing or unreadable). */
export async function sequencesOfReport(outDir: string): Promise<Array<{ documentKey: string; pages: string[] }>> {
  try {
    const report = JSON.parse(await readFile(path.join(outDir, 'report.json'), 'utf8')) as { documents?: Array<{ documentKey?: unknown; pages?: unknown }> };
    const parts = (report.documents ?? [])
      .filter((d) => typeof d.documentKey === 'string' && Array.isArray(d.pages) && d.pages.every((p) => typeof p === 'string'))
      .map((d) => ({ documentKey: d.documentKey as string, pages: d.pages as string[] }));
    // A sequence built in windows is listed a window at a time, in order: one sequence again.
    const sequences: Array<{ documentKey: string; pages: string[] }> = [];
    for (const part of parts) {
      const last = sequences.at(-1);
      if (last?.documentKey === part.documentKey) last.pages.push(...part.pages);
      else sequences.push({ documentKey: part.documentKey, pages: [...part.pages] });
    }
    return sequences;
  } catch {
    return [];
  }
}
