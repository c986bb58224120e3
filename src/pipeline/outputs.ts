// What a driver reads back from the output folder: the pages the pipeline wrote (a sequence's,
// when its records are built), and whether a record file is there (a finished document whose files
// were deleted is queued again).
import { access, readFile } from 'node:fs/promises';
import { CablescanError, ErrorCode } from '../errors.ts';
import { recordPath } from '../records/layout.ts';
import { findDonePage } from '../records/page-store.ts';
import type { PageResult, PageSource, TelegramRecord } from '../types.ts';

export { readPageJson } from '../records/page-store.ts';

/**
 * The pages of a sequence that were read or resumed in this run (`settled`), in order, as their
 * page JSON has them: a driver does not hold pages while the rest of their sequence is read.
 */
export async function loadSettledPages(outDir: string, sources: readonly PageSource[], settled: ReadonlySet<string>): Promise<PageResult[]> {
  const pages: PageResult[] = [];
  for (const source of sources) {
    if (!settled.has(source.pageId)) continue;
    const page = await findDonePage(outDir, source);
    if (!page) throw new CablescanError(ErrorCode.INTERNAL, `page ${source.pageId} was read, but ${outDir}/pages/${source.pageId}.json is gone or from other content`, { file: source.file });
    pages.push(page);
  }
  return pages;
}

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
