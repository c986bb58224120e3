// Record exports: the records (with reviews applied, from the store) in a records format of the
// registry (JSON, JSON Lines, CSV: ../formats/), to the file or folder the user names. A folder
// gets one <recordId>.json per record (json) or records.<extension>.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../../errors.ts';
import type { RecordStream } from '../format.ts';
import { optionsFor, recordsFormat } from '../formats/index.ts';

export { csvCell, csvHeader, csvRow, fieldColumns, FIELD_ORDER, writeCsv } from './csv.ts';
export { writeJsonArray, writeJsonFolder } from './json.ts';
export { writeJsonl } from './jsonl.ts';
export { openStreamedFile, writeStreamed } from './streamed-file.ts';

export interface ExportTarget {
  /** A records format's name (formats/index.ts). */
  format: string;
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
export async function writeExport(records: () => RecordStream, target: ExportTarget, exportOptions?: Readonly<Record<string, unknown>>): Promise<ExportResult> {
  const format = recordsFormat(target.format);
  if (!format) throw new CablescanError(ErrorCode.CONFIG_INVALID, `no records format "${target.format}"`);
  const writer = await format.create(optionsFor(format, exportOptions));
  return writer.write(records, { path: path.resolve(target.to), folder: await isFolder(target.to) });
}
