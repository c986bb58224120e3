// What a driver reads back from the output folder: the pages the pipeline wrote (a sequence's,
// when its records are built), and whether a record file is there (a finished document whose files
// were deleted is queued again), and what each window of a sequence built (its result file).
import { access, readFile, rm } from 'node:fs/promises';
import { CablescanError, ErrorCode } from '../errors.ts';
import { writeJsonAtomic } from '../records/atomic-write.ts';
import { recordPath, windowResultPath } from '../records/layout.ts';
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
    if (!page)
      throw new CablescanError(ErrorCode.INTERNAL, `page ${source.pageId} was read, but ${outDir}/pages/${source.pageId}.json is gone or from other content`, {
        file: source.file,
      });
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

/** What a window of a sequence built and carried (OUT/windows/<id>.json; the queue's window job writes it). */
export async function readWindowResult<T extends { windowId: string }>(outDir: string, windowId: string): Promise<T | null> {
  try {
    const result = JSON.parse(await readFile(windowResultPath(outDir, windowId), 'utf8')) as T;
    return result.windowId === windowId ? result : null;
  } catch {
    return null;
  }
}

export async function writeWindowResult(outDir: string, windowId: string, result: { windowId: string }): Promise<void> {
  try {
    await writeJsonAtomic(windowResultPath(outDir, windowId), result);
  } catch (err) {
    throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write ${windowResultPath(outDir, windowId)}: ${(err as Error).message}`, {
      retryable: true,
      cause: err,
    });
  }
}

/** A window queued again: the windows after it must wait for its new result, not take the old one. */
export async function removeWindowResult(outDir: string, windowId: string): Promise<void> {
  await rm(windowResultPath(outDir, windowId), { force: true });
}
