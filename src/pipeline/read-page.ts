// A page as a driver gets it: its output from an earlier run when that is current (same
// content, pipeline version and language; not with --force), otherwise read from the scan now.
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
}

export async function readPage(source: PageSource, deps: ReadOrResumeDeps): Promise<PageRead> {
  const previous = deps.config.force || !deps.outDir ? null : await findDonePage(deps.outDir, source);
  if (previous) return { page: previous, outcome: 'resumed' };
  await deps.beforeRead?.(source);
  return { page: await readPageFromScan(source, deps), outcome: 'read' };
}
