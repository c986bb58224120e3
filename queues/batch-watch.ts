// Waits for a set of documents to finish on the queue and hands each page and
// document to the caller as it settles (and keeps none of them), with progress in
// the same ProgressEvent shape as the in-process run, so `run --redis` shows the
// same progress bar. Polls job states (two ZSCOREs per
// unsettled job, pipelined) rather than listening to events: polling cannot miss
// anything across a Redis restart or a reconnect, and its cost is bounded.
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../src/logger.ts';
import type { PageOutcome, ProgressEvent } from '../src/pipeline/index.ts';
import type { PageSource } from '../src/types.ts';
import { redisOptions } from './connection.ts';
import { DOCUMENT_QUEUE, PAGE_QUEUE, QUEUE_OPTIONS } from './names.ts';
import type { DocumentJobResult, PageJobResult, WindowOutcome } from './payloads.ts';
import { readWindowOutcome } from '../workers/window-job.ts';

export interface WatchedDocument {
  documentId: string;
  documentKey: string;
  pages: Array<{ jobId: string; source: PageSource }>;
}

export type PageSettlement =
  | {
      state: 'completed';
      outcome: Exclude<PageOutcome, 'failed'>;
      result: PageJobResult;
      timestamp: number;
      processedOn?: number;
      finishedOn?: number;
      attemptsStarted: number;
    }
  | { state: 'failed'; reason: string; attemptsMade: number }
  | { state: 'missing' };

export type DocumentSettlement =
  | { state: 'completed'; result: DocumentJobResult; finishedOn?: number; attemptsStarted: number }
  | { state: 'failed'; reason: string; attemptsMade: number }
  | { state: 'missing' };

export interface WatchResult {
  /** True when the watch stopped on the abort signal before every document finished. */
  interrupted: boolean;
}

export interface WatchOptions {
  redisUrl: string;
  prefix: string;
  documents: WatchedDocument[];
  logger: Logger;
  onProgress?: (event: ProgressEvent) => void;
  /** A page job settled (each once); the watch waits for the returned promise, and stops on its error. */
  onPage?: (page: { jobId: string; documentId: string; source: PageSource }, settlement: PageSettlement) => Promise<void>;
  /** A document job settled (each once), after every page of it. */
  onDocument?: (document: WatchedDocument, settlement: DocumentSettlement) => Promise<void>;
  signal?: AbortSignal;
  /** Work finished before this instant counts as "resumed" (done by an earlier run). */
  since: number;
  /** Base poll interval; grows with the number of unsettled jobs. */
  pollMs?: number;
}

type ZState = 'completed' | 'failed' | 'pending';

async function states(redis: Redis, queue: Queue, ids: readonly string[]): Promise<ZState[]> {
  if (ids.length === 0) return [];
  const completedKey = queue.toKey('completed');
  const failedKey = queue.toKey('failed');
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.zscore(completedKey, id).zscore(failedKey, id);
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => {
    const [e1, completed] = replies[2 * i];
    const [e2, failed] = replies[2 * i + 1];
    if (e1) throw e1;
    if (e2) throw e2;
    return completed !== null ? 'completed' : failed !== null ? 'failed' : 'pending';
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function watchDocuments(options: WatchOptions): Promise<WatchResult> {
  const { logger, signal } = options;
  const connection = redisOptions(options.redisUrl, 'worker');
  const redis = new Redis(connection);
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error while waiting'));
  const pageQueue = new Queue(PAGE_QUEUE, { ...QUEUE_OPTIONS, connection, prefix: options.prefix });
  const documentQueue = new Queue(DOCUMENT_QUEUE, { ...QUEUE_OPTIONS, connection, prefix: options.prefix });
  pageQueue.on('error', () => undefined);
  documentQueue.on('error', () => undefined);

  const pageOfJob = new Map<string, { jobId: string; documentId: string; source: PageSource }>();
  for (const d of options.documents) for (const p of d.pages) pageOfJob.set(p.jobId, { jobId: p.jobId, documentId: d.documentId, source: p.source });
  const documentOfId = new Map(options.documents.map((d) => [d.documentId, d]));
  const pendingPages = new Set(pageOfJob.keys());
  const pendingDocuments = new Set(documentOfId.keys());
  const total = pendingPages.size;
  let done = 0;
  let failed = 0;
  const progress = (pageId?: string, outcome?: PageOutcome) => options.onProgress?.({ done, total, failed, pageId, outcome });
  progress();

  // Settlements found in one poll, handed to the caller after it (outside the retry on Redis errors).
  let settledPages: Array<[string, PageSettlement]> = [];
  let settledDocuments: Array<[string, DocumentSettlement]> = [];
  const settlePage = (jobId: string, settlement: PageSettlement) => {
    pendingPages.delete(jobId);
    settledPages.push([jobId, settlement]);
  };
  const settleDocument = (documentId: string, settlement: DocumentSettlement) => {
    pendingDocuments.delete(documentId);
    settledDocuments.push([documentId, settlement]);
  };

  const pageSettlement = async (jobId: string, state: ZState): Promise<PageSettlement> => {
    const job = await Job.fromId<unknown, PageJobResult>(pageQueue, jobId);
    if (!job) return { state: 'missing' };
    if (state !== 'completed') return { state: 'failed', reason: job.failedReason, attemptsMade: job.attemptsMade };
    const result = job.returnvalue;
    const earlier = (job.finishedOn ?? 0) < options.since;
    return {
      state: 'completed',
      outcome: earlier || result.outcome === 'resumed' ? 'resumed' : 'read',
      result,
      timestamp: job.timestamp,
      processedOn: job.processedOn,
      finishedOn: job.finishedOn,
      attemptsStarted: job.attemptsStarted,
    };
  };

  const documentSettlement = async (documentId: string, state: ZState): Promise<DocumentSettlement> => {
    const job = await Job.fromId<unknown, DocumentJobResult>(documentQueue, documentId);
    if (!job) return { state: 'missing' };
    if (state === 'completed') return { state: 'completed', result: job.returnvalue, finishedOn: job.finishedOn, attemptsStarted: job.attemptsStarted };
    return { state: 'failed', reason: job.failedReason, attemptsMade: job.attemptsMade };
  };

  const deliver = async () => {
    const [pages, documents] = [settledPages, settledDocuments];
    settledPages = [];
    settledDocuments = [];
    for (const [jobId, settlement] of pages) {
      done += 1;
      if (settlement.state !== 'completed') failed += 1;
      const page = pageOfJob.get(jobId)!;
      progress(page.source.pageId, settlement.state === 'completed' ? settlement.outcome : 'failed');
      await options.onPage?.(page, settlement);
    }
    for (const [documentId, settlement] of documents) await options.onDocument?.(documentOfId.get(documentId)!, settlement);
  };

  let interrupted = false;
  try {
    while (pendingDocuments.size > 0 || pendingPages.size > 0) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      try {
        const pageIds = [...pendingPages];
        const pageStates = await states(redis, pageQueue, pageIds);
        for (let i = 0; i < pageIds.length; i++) {
          if (pageStates[i] !== 'pending') settlePage(pageIds[i]!, await pageSettlement(pageIds[i]!, pageStates[i]!));
        }
        const documentIds = [...pendingDocuments];
        const documentStates = await states(redis, documentQueue, documentIds);
        for (let i = 0; i < documentIds.length; i++) {
          if (documentStates[i] !== 'pending') settleDocument(documentIds[i]!, await documentSettlement(documentIds[i]!, documentStates[i]!));
        }
        // A job that no longer exists (removed by hand or by age) would be waited for forever.
        if (pendingPages.size > 0 && pendingDocuments.size === 0) {
          const ids = [...pendingPages];
          const exists = await Promise.all(ids.map((id) => redis.exists(pageQueue.toKey(id))));
          ids.forEach((id, i) => {
            if (exists[i] === 0) settlePage(id, { state: 'missing' });
          });
        }
        if (pendingDocuments.size > 0 && pendingPages.size === 0) {
          const ids = [...pendingDocuments];
          const exists = await Promise.all(ids.map((id) => redis.exists(documentQueue.toKey(id))));
          ids.forEach((id, i) => {
            if (exists[i] === 1) return;
            logger.warn({ job: id }, 'document job no longer exists; not waiting for it');
            settleDocument(id, { state: 'missing' });
          });
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'cannot read the queue (Redis restarting?); still waiting');
      }
      await deliver();
      if (pendingDocuments.size === 0 && pendingPages.size === 0) break;
      const unsettled = pendingPages.size + pendingDocuments.size;
      await delay(Math.min(5000, (options.pollMs ?? 250) + unsettled * 0.05), signal);
    }
  } finally {
    await Promise.allSettled([pageQueue.close(), documentQueue.close()]);
    redis.disconnect();
  }
  return { interrupted };
}

export interface WatchedWindow {
  documentId: string;
  documentKey: string;
  /** Its place in the batch (the report's order). */
  position: number;
  pages: PageSource[];
}

export type WindowSettlement = { state: 'completed'; outcome: WindowOutcome; earlier: boolean } | { state: 'failed'; reason: string } | { state: 'missing' };

export interface WindowWatchOptions {
  redisUrl: string;
  prefix: string;
  outDir: string;
  windows: WatchedWindow[];
  logger: Logger;
  onProgress?: (event: ProgressEvent) => void;
  /** A window settled (each once, in no particular order); the watch waits for the returned promise, and stops on its error. */
  onWindow: (window: WatchedWindow, settlement: WindowSettlement) => Promise<void>;
  signal?: AbortSignal;
  /** Work finished before this instant counts as "resumed" (done by an earlier run). */
  since: number;
  pollMs?: number;
}

/**
 * Waits for a batch's windows (document jobs of pipeline/windows.ts). A completed window's job
 * is removed at once (queues/flow.ts): its result file under the output folder says what it
 * did, for this run's windows and for those an earlier run finished. Polls a ZSCORE pair and
 * an EXISTS per unsettled window, pipelined: a 100,000-page batch is 200 windows.
 */
export async function watchWindows(options: WindowWatchOptions): Promise<WatchResult> {
  const { logger, signal } = options;
  const redis = new Redis(redisOptions(options.redisUrl, 'worker'));
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error while waiting'));
  const key = (id: string) => `${options.prefix}:${DOCUMENT_QUEUE}:${id}`;
  const pending = new Map(options.windows.map((w) => [w.documentId, w]));
  const total = options.windows.reduce((n, w) => n + w.pages.length, 0);
  let done = 0;
  let failed = 0;
  const progress = (pageId?: string, outcome?: PageOutcome) => options.onProgress?.({ done, total, failed, pageId, outcome });
  progress();

  const settle = async (window: WatchedWindow, settlement: WindowSettlement) => {
    pending.delete(window.documentId);
    if (settlement.state === 'completed') {
      for (const page of settlement.outcome.pages) {
        done += 1;
        if ('failed' in page) failed += 1;
        progress(page.pageId, 'failed' in page ? 'failed' : settlement.earlier || page.outcome === 'resumed' ? 'resumed' : 'read');
      }
    } else {
      done += window.pages.length;
      failed += window.pages.length;
      progress();
    }
    await options.onWindow(window, settlement);
  };

  let interrupted = false;
  try {
    while (pending.size > 0) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      const found: Array<[WatchedWindow, WindowSettlement]> = [];
      try {
        const ids = [...pending.keys()];
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.zscore(`${options.prefix}:${DOCUMENT_QUEUE}:failed`, id).exists(key(id));
        const replies = (await pipeline.exec()) ?? [];
        for (const [i, id] of ids.entries()) {
          const [[e1, failedAt], [e2, exists]] = replies.slice(2 * i, 2 * i + 2) as Array<[Error | null, unknown]>;
          if (e1 || e2) throw e1 ?? e2;
          const window = pending.get(id)!;
          if (failedAt !== null) {
            found.push([window, { state: 'failed', reason: (await redis.hget(key(id), 'failedReason')) ?? '' }]);
            continue;
          }
          // Gone from Redis (completed, or done by an earlier run): its result file says what it did.
          const outcome =
            exists === 0 || (await redis.zscore(`${options.prefix}:${DOCUMENT_QUEUE}:completed`, id)) !== null
              ? await readWindowOutcome(options.outDir, id)
              : null;
          if (outcome) found.push([window, { state: 'completed', outcome, earlier: outcome.finishedAt < options.since }]);
          else if (exists === 0) {
            logger.warn({ job: id }, 'document job no longer exists and wrote no result; not waiting for it');
            found.push([window, { state: 'missing' }]);
          }
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'cannot read the queue (Redis restarting?); still waiting');
      }
      for (const [window, settlement] of found) await settle(window, settlement);
      if (pending.size === 0) break;
      await delay(Math.min(5000, (options.pollMs ?? 250) + pending.size * 2), signal);
    }
  } finally {
    redis.disconnect();
  }
  return { interrupted };
}
