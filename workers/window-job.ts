// A document job that is a window of its sequence (pipeline/windows.ts): once its pages are
// read, it waits for the window before it (BullMQ has no "after that job" between flows, so it
// puts itself back as delayed, looking again every WINDOW_WAIT_MS, until that window's result
// file is there: pages are taken in queue order, so windows mostly finish in order), then decides
// its pages from what that window carried, builds the records of the documents it closes (saved
// to the batch's review store as they are built, like a document job's), and writes its result
// file. A sequence's last window saves the sequence whole in the store (each window's save held
// only the part it built), from the result files of the windows before. The file is the record of
// the work: the job is removed when it completes (queues/flow.ts), a re-enqueue finds the file.
import { DelayedError, Job, type Queue } from 'bullmq';
import { CablescanError, ErrorCode } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import {
  buildWindow,
  readPageJson,
  readWindowResult,
  saveWholeSequence,
  writeWindowResult,
  type Profile,
  type ReviewStore,
  type WindowCarry,
} from '../src/pipeline/index.ts';
import type { Config } from '../src/config.ts';
import type { PageResult } from '../src/types.ts';
import type { DocumentJobData, DocumentJobResult, PageJobResult, WindowOutcome } from '../queues/payloads.ts';

/** How long a window waits before it looks again for the window before. */
export const WINDOW_WAIT_MS = 1000;

export function readWindowOutcome(outDir: string, windowId: string): Promise<WindowOutcome | null> {
  return readWindowResult<WindowOutcome>(outDir, windowId);
}

/** What the window before carried; or the job goes back to wait for it (DelayedError), or fails when it cannot come. */
export async function carryBefore(job: Job<DocumentJobData>, token: string | undefined, queue: Queue): Promise<WindowCarry | null> {
  const { window, outDir } = job.data;
  if (!window?.previous) return null;
  const before = await readWindowOutcome(outDir, window.previous);
  if (before) return before.carry;
  const previous = await Job.fromId(queue, window.previous);
  const state = previous ? await previous.getState() : 'missing';
  // A completed window is removed once its file is written: look again before deciding it is gone.
  const written = await readWindowOutcome(outDir, window.previous);
  if (written) return written.carry;
  if (state === 'failed' || state === 'missing' || state === 'unknown') {
    throw new CablescanError(
      ErrorCode.INTERNAL,
      `the window before (job ${window.previous}) ${state === 'failed' ? 'failed' : 'is neither done nor queued'}; retry it (cablescan retry), then this one`,
      { retryable: false },
    );
  }
  await job.moveToDelayed(Date.now() + WINDOW_WAIT_MS, token);
  throw new DelayedError();
}

export interface WindowJobDeps {
  /** What the window before carried (carryBefore), null for a sequence's first window. */
  carry: WindowCarry | null;
  config: Config;
  logger: Logger;
  profiles: Profile[];
  /** The window's read pages, in order, as loadDocumentPages gives them. */
  pages: PageResult[];
  children: Map<string, PageJobResult>;
  failedChildren: Map<string, string>;
  /** The batch's review store, and the sink buildWindow saves records to (absent: files only). */
  store?: ReviewStore;
  sink?: ReturnType<ReviewStore['recordSink']>;
}

export async function runWindowJob(job: Job<DocumentJobData, DocumentJobResult>, deps: WindowJobDeps): Promise<DocumentJobResult> {
  const startedAt = Date.now();
  const { data } = job;
  const window = data.window!;
  const built = await buildWindow(deps.pages, deps.carry, window.last, {
    config: deps.config,
    logger: deps.logger,
    outDir: data.outDir,
    profiles: deps.profiles,
    store: deps.sink,
  });
  const read = new Map(deps.pages.map((p) => [p.pageId, p]));
  const result: DocumentJobResult = {
    documentKey: data.documentKey,
    pages: built.pages,
    telegrams: built.telegrams,
    grouping: built.grouping,
    recordIds: built.records.map((r) => r.id),
    ...(deps.sink ? { stored: true } : {}),
    timings: built.timings,
    startedAt,
    finishedAt: Date.now(),
  };
  const outcome: WindowOutcome = {
    windowId: job.id!,
    documentKey: data.documentKey,
    window,
    carry: built.carry,
    built: {
      documentKey: result.documentKey,
      pages: result.pages,
      telegrams: result.telegrams,
      grouping: result.grouping,
      recordIds: result.recordIds,
      ...(result.stored ? { stored: true } : {}),
      timings: result.timings,
    },
    pages: data.pages.map((ref) => {
      const failed = deps.failedChildren.get(ref.jobId);
      const child = deps.children.get(ref.jobId);
      const file = child?.file ?? read.get(ref.pageId)?.file ?? ref.pageId;
      if (failed !== undefined || !read.has(ref.pageId))
        return { pageId: ref.pageId, file, failed: failed ?? `${ErrorCode.INTERNAL}: page ${ref.pageId} was not read` };
      const contentHash = read.get(ref.pageId)!.contentHash;
      return { pageId: ref.pageId, file, outcome: child?.outcome ?? 'resumed', contentHash, ...(child?.report ? { report: child.report } : {}) };
    }),
    startedAt,
    finishedAt: result.finishedAt,
  };
  // Before the result file: once it is there, a re-enqueue takes the window as done.
  if (deps.store && window.last && window.previous) {
    await saveWholeSequence(deps.store, data.documentKey, await sequencePages(data.outDir, outcome), {
      batch: data.batch,
      cwd: data.cwd ?? data.outDir,
      outDir: data.outDir,
      build: data.build,
    });
  }
  await writeWindowResult(data.outDir, job.id!, outcome);
  // What stays with the job (while it is kept) is small: the file has the decisions and summaries.
  const failed = outcome.pages.filter((p) => 'failed' in p).length;
  // A window with failed pages stays in Redis (BullMQ reads the option from this job object when
  // it completes it), so `cablescan retry` can rebuild it once they are read; the others go at once.
  if (failed > 0) job.opts.removeOnComplete = false;
  return { ...result, telegrams: [], grouping: undefined, tally: { pages: outcome.pages.length, failed } };
}

/**
 * The read pages of a sequence whose last window is `last`, in order, from the result files of
 * its windows (walked back from the last; one file at a time, only ids, hashes and files kept).
 */
export async function sequencePages(outDir: string, last: WindowOutcome): Promise<Array<{ pageId: string; contentHash: string; file: string }>> {
  const windows: Array<Array<{ pageId: string; contentHash: string; file: string }>> = [];
  for (let outcome: WindowOutcome | null = last; outcome; ) {
    const pages: Array<{ pageId: string; contentHash: string; file: string }> = [];
    for (const page of outcome.pages) {
      if ('failed' in page) continue;
      // A result file written before it named its pages' hashes: the page JSON has them.
      const contentHash = page.contentHash ?? (await readPageJson(outDir, page.pageId))?.contentHash;
      if (contentHash) pages.push({ pageId: page.pageId, contentHash, file: page.file });
    }
    windows.push(pages);
    const previous: string | null = outcome.window.previous;
    if (!previous) break;
    outcome = await readWindowOutcome(outDir, previous);
    if (!outcome) {
      throw new CablescanError(
        ErrorCode.INTERNAL,
        `the result of window ${previous} of ${last.documentKey} is gone from ${outDir}/windows: the review store cannot be given its sequence whole`,
        {
          retryable: false,
        },
      );
    }
  }
  return windows.reverse().flat();
}
