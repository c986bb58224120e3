// Waits for a set of documents to finish on the queue and reports each page as
// it settles, in the same ProgressEvent shape as the in-process run, so `run
// --redis` shows the same progress bar. Polls job states (two ZSCOREs per
// unsettled job, pipelined) rather than listening to events: polling cannot miss
// anything across a Redis restart or a reconnect, and its cost is bounded.
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../src/logger.ts';
import type { PageOutcome, ProgressEvent } from '../src/pipeline/index.ts';
import type { PageSource } from '../src/types.ts';
import { redisOptions } from './connection.ts';
import { DOCUMENT_QUEUE, PAGE_QUEUE } from './names.ts';
import type { DocumentJobResult, PageJobResult } from './payloads.ts';

export interface WatchedDocument {
  documentId: string;
  documentKey: string;
  pages: Array<{ jobId: string; source: PageSource }>;
}

export type PageSettlement =
  | { state: 'completed'; outcome: Exclude<PageOutcome, 'failed'>; result: PageJobResult; timestamp: number; processedOn?: number; finishedOn?: number; attemptsStarted: number }
  | { state: 'failed'; reason: string; attemptsMade: number }
  | { state: 'missing' };

export type DocumentSettlement =
  | { state: 'completed'; result: DocumentJobResult; finishedOn?: number; attemptsStarted: number }
  | { state: 'failed'; reason: string; attemptsMade: number }
  | { state: 'missing' };

export interface WatchResult {
  pages: Map<string, PageSettlement>;
  documents: Map<string, DocumentSettlement>;
  /** True when the watch stopped on the abort signal before every document finished. */
  interrupted: boolean;
}

export interface WatchOptions {
  redisUrl: string;
  prefix: string;
  documents: WatchedDocument[];
  logger: Logger;
  onProgress?: (event: ProgressEvent) => void;
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
  const pageQueue = new Queue(PAGE_QUEUE, { connection, prefix: options.prefix });
  const documentQueue = new Queue(DOCUMENT_QUEUE, { connection, prefix: options.prefix });
  pageQueue.on('error', () => undefined);
  documentQueue.on('error', () => undefined);

  const pages = new Map<string, PageSettlement>();
  const documents = new Map<string, DocumentSettlement>();
  const pageIdOfJob = new Map<string, string>();
  for (const d of options.documents) for (const p of d.pages) pageIdOfJob.set(p.jobId, p.source.pageId);
  let pendingPages = [...pageIdOfJob.keys()];
  let pendingDocuments = options.documents.map((d) => d.documentId);
  const total = pendingPages.length;
  let done = 0;
  let failed = 0;
  const progress = (pageId?: string, outcome?: PageOutcome) => options.onProgress?.({ done, total, failed, pageId, outcome });
  progress();

  const settlePage = async (jobId: string, state: ZState) => {
    const job = await Job.fromId<unknown, PageJobResult>(pageQueue, jobId);
    let settlement: PageSettlement;
    if (!job) settlement = { state: 'missing' };
    else if (state === 'completed') {
      const result = job.returnvalue;
      const earlier = (job.finishedOn ?? 0) < options.since;
      settlement = {
        state: 'completed',
        outcome: earlier || result.outcome === 'resumed' ? 'resumed' : 'read',
        result,
        timestamp: job.timestamp,
        processedOn: job.processedOn,
        finishedOn: job.finishedOn,
        attemptsStarted: job.attemptsStarted,
      };
    } else settlement = { state: 'failed', reason: job.failedReason, attemptsMade: job.attemptsMade };
    pages.set(jobId, settlement);
    done += 1;
    if (settlement.state !== 'completed') failed += 1;
    progress(pageIdOfJob.get(jobId), settlement.state === 'completed' ? settlement.outcome : 'failed');
  };

  const settleDocument = async (documentId: string, state: ZState) => {
    const job = await Job.fromId<unknown, DocumentJobResult>(documentQueue, documentId);
    if (!job) documents.set(documentId, { state: 'missing' });
    else if (state === 'completed') documents.set(documentId, { state: 'completed', result: job.returnvalue, finishedOn: job.finishedOn, attemptsStarted: job.attemptsStarted });
    else documents.set(documentId, { state: 'failed', reason: job.failedReason, attemptsMade: job.attemptsMade });
  };

  let interrupted = false;
  try {
    while (pendingDocuments.length > 0 || pendingPages.length > 0) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      try {
        const pageStates = await states(redis, pageQueue, pendingPages);
        const stillPages: string[] = [];
        for (let i = 0; i < pendingPages.length; i++) {
          if (pageStates[i] === 'pending') stillPages.push(pendingPages[i]);
          else await settlePage(pendingPages[i], pageStates[i]);
        }
        pendingPages = stillPages;
        const documentStates = await states(redis, documentQueue, pendingDocuments);
        const stillDocuments: string[] = [];
        for (let i = 0; i < pendingDocuments.length; i++) {
          if (documentStates[i] === 'pending') stillDocuments.push(pendingDocuments[i]);
          else await settleDocument(pendingDocuments[i], documentStates[i]);
        }
        pendingDocuments = stillDocuments;
        // A job that no longer exists (removed by hand or by age) would be waited for forever.
        if (pendingPages.length > 0 && pendingDocuments.length === 0) {
          const exists = await Promise.all(pendingPages.map((id) => redis.exists(pageQueue.toKey(id))));
          const gone = pendingPages.filter((_, i) => exists[i] === 0);
          pendingPages = pendingPages.filter((_, i) => exists[i] === 1);
          for (const id of gone) {
            pages.set(id, { state: 'missing' });
            done += 1;
            failed += 1;
            progress(pageIdOfJob.get(id), 'failed');
          }
        }
        if (pendingDocuments.length > 0 && pendingPages.length === 0) {
          const exists = await Promise.all(pendingDocuments.map((id) => redis.exists(documentQueue.toKey(id))));
          pendingDocuments = pendingDocuments.filter((id, i) => {
            if (exists[i] === 1) return true;
            logger.warn({ job: id }, 'document job no longer exists; not waiting for it');
            documents.set(id, { state: 'missing' });
            return false;
          });
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'cannot read the queue (Redis restarting?); still waiting');
      }
      if (pendingDocuments.length === 0 && pendingPages.length === 0) break;
      const unsettled = pendingPages.length + pendingDocuments.length;
      await delay(Math.min(5000, (options.pollMs ?? 250) + unsettled * 0.05), signal);
    }
  } finally {
    await Promise.allSettled([pageQueue.close(), documentQueue.close()]);
    redis.disconnect();
  }
  return { pages, documents, interrupted };
}
