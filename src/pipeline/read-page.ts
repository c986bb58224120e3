// A page as a driver gets it: its output from an earlier run when that is current (same
// content, pipeline version and language; not with --force), otherwise read from the scan now.
import { stat } from 'node:fs/promises';
import { pageJsonPath } from '../records/layout.ts';
import { STAND_IN_ENGINE } from '../ocr/stand-in.ts';
import { findDonePage } from '../records/page-store.ts';
import type { PageResult, PageSource } from '../types.ts';
import { readPageFromScan, type ReadPageDeps } from './read-scan.ts';

export type PageOutcome = 'read' | 'resumed' | 'failed';

export interface PageRead {
  page: PageResult;
  outcome: Exclude<PageOutcome, 'failed'>;
}

export interface ReadOrResumeDeps extends ReadPageDeps {
  /**
   * Called before a page is read from its scan (not when it is resumed): a queue worker checks
   * the scan is visible on its machine, and fails the job as retryable when it is not.
   */
  beforeRead?: (source: PageSource) => Promise<void>;
  /**
   * When the job asking for the page was enqueued (a queue job's timestamp). A page found done
   * that was written after it was read by an earlier attempt of this same job (BullMQ delivers
   * at least once: a worker that lost its lock has the job started again), so it counts as read
   * in this batch, not resumed from an earlier run.
   */
  enqueuedAt?: number;
}

async function writtenSince(outDir: string, pageId: string, since: number | undefined): Promise<boolean> {
  if (since === undefined) return false;
  try {
    return (await stat(pageJsonPath(outDir, pageId))).mtimeMs >= since;
  } catch {
    return false;
  }
}

export async function readPage(source: PageSource, deps: ReadOrResumeDeps): Promise<PageRead> {
  let previous = deps.config.force || !deps.outDir ? null : await findDonePage(deps.outDir, source);
  // A page the benchmarks' stand-in engine "read" has no words: a real engine reads it again.
  if (previous && previous.ocr.engine === STAND_IN_ENGINE && deps.engine.name !== STAND_IN_ENGINE) previous = null;
  if (previous && deps.outDir) {
    const readByThisJob = await writtenSince(deps.outDir, source.pageId, deps.enqueuedAt);
    return { page: previous, outcome: readByThisJob ? 'read' : 'resumed' };
  }
  await deps.beforeRead?.(source);
  return { page: await readPageFromScan(source, deps), outcome: 'read' };
}
