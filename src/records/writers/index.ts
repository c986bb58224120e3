// Export writers: records (with reviews applied, from the store) to JSON, JSON
// Lines or CSV, to the file or folder the user names. A folder gets one
// <recordId>.json per record (json) or records.jsonl / records.csv.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { TelegramRecord } from '../../types.ts';
import { writeCsv } from './csv.ts';
import { writeJsonArray, writeJsonFolder } from './json.ts';
import { writeJsonl } from './jsonl.ts';

export { csvCell, csvHeader, csvRow, fieldColumns, FIELD_ORDER, writeCsv } from './csv.ts';
export { writeJsonArray, writeJsonFolder } from './json.ts';
export { writeJsonl } from './jsonl.ts';
export { openStreamedFile, writeStreamed } from './output.ts';

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportTarget {
  format: ExportFormat;
  /** A file, or a folder (an existing one, or a path ending in a separator). */
  to: string;
}

export interface ExportResult {
  records: number;
  /** The file written, or the folder for one-file-per-record JSON. */
  path: string;
  folder: boolean;
}

async function isFolder(target: string): Promise<boolean> {
  if (/[\\/]$/.test(target)) return true;
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/** `records` may be called more than once (CSV reads twice); each call must yield the same records. */
export async function writeExport(records: () => Iterable<TelegramRecord>, target: ExportTarget): Promise<ExportResult> {
  const folder = await isFolder(target.to);
  const base = path.resolve(target.to);
  if (target.format === 'json') {
    return folder ? { records: await writeJsonFolder(base, records()), path: base, folder } : { records: await writeJsonArray(base, records()), path: base, folder };
  }
  const file = folder ? path.join(base, `records.${target.format}`) : base;
  const count = target.format === 'jsonl' ? await writeJsonl(file, records()) : await writeCsv(file, records);
  return { records: count, path: file, folder: false };
}
