// What a driver reads back from the output folder: a page the pipeline wrote (a queue document
// job loads its pages so), and whether a record file is there (a finished document whose files
// were deleted is queued again).
import { access, readFile } from 'node:fs/promises';
import { recordPath } from '../records/layout.ts';
import type { TelegramRecord } from '../types.ts';

export { readPageJson } from '../records/page-store.ts';

export async function recordWritten(outDir: string, recordId: string): Promise<boolean> {
  try {
    await access(recordPath(outDir, recordId));
    return true;
  } catch {
    return false;
  }
}

export async function readRecordJson(outDir: string, recordId: string): Promise<TelegramRecord | null> {
  try {
    return JSON.parse(await readFile(recordPath(outDir, recordId), 'utf8')) as TelegramRecord;
  } catch {
    return null;
  }
}
