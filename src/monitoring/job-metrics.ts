// The worker side of the metrics: when a job finishes in this worker process,
// turn what it did into observations and add them to the shared Redis hash
// (aggregate.ts). It listens to BullMQ's worker events from outside the
// processors, so the stages stay free of Redis and the sandboxed OCR children
// need no connection of their own. The page's stage timings and word
// confidences come from the page JSON the child has just written; field
// statuses and confidences from the records the document job wrote.
import { readFile } from 'node:fs/promises';
import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { recordPath } from '../records/layout.ts';
import { readPageJson } from '../records/page-store.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import { parseFailureReason, type DocumentJobData, type DocumentJobResult, type PageJobData, type PageJobResult } from '../../queues/payloads.ts';
import { Observations } from './aggregate.ts';
import { countFailure, countPageFinished } from '../../queues/batch-store.ts';
import { readerOptions } from './connection.ts';
import { METRICS } from './metric-defs.ts';

const seconds = (ms: number | undefined): number | undefined => (typeof ms === 'number' && Number.isFinite(ms) ? ms / 1000 : undefined);

/** What one completed page job adds: its outcome and, when it was read now, stage times and confidences. */
export function pageObservations(result: PageJobResult, page: PageResult | null): Observations {
  const obs = new Observations().inc(METRICS.pagesProcessed, { outcome: result.outcome });
  const jobSeconds = seconds(result.finishedAt - result.startedAt);
  if (jobSeconds !== undefined) obs.observe(METRICS.stageDuration, { stage: 'page_job' }, jobSeconds);
  if (result.outcome !== 'read') return obs; // a resumed page did no work now: its times belong to an earlier run
  if (page) {
    for (const [stage, ms] of Object.entries(page.timings)) {
      const s = seconds(ms);
      if (s !== undefined) obs.observe(METRICS.stageDuration, { stage }, s);
    }
    for (const line of page.lines) for (const word of line.words) obs.observe(METRICS.wordConfidence, {}, word.confidence);
  } else {
    const s = seconds(result.ocrMs);
    if (s !== undefined) obs.observe(METRICS.stageDuration, { stage: 'ocr' }, s);
  }
  if (result.words > 0) obs.observe(METRICS.pageConfidence, {}, result.meanConfidence);
  return obs;
}

/** What one completed document job adds: its stage times, records and their fields. */
export function documentObservations(result: DocumentJobResult, records: readonly TelegramRecord[]): Observations {
  const obs = new Observations().inc(METRICS.documentsProcessed);
  const jobSeconds = seconds(result.finishedAt - result.startedAt);
  if (jobSeconds !== undefined) obs.observe(METRICS.stageDuration, { stage: 'document_job' }, jobSeconds);
  for (const [stage, ms] of Object.entries(result.timings)) {
    const s = seconds(ms);
    if (s !== undefined) obs.observe(METRICS.stageDuration, { stage }, s);
  }
  for (const record of records) {
    obs.inc(METRICS.recordsEmitted, { profile: record.profile });
    for (const [field, value] of Object.entries(record.fields)) {
      obs.inc(METRICS.fields, { field, status: value.status });
      // A missing field has no value whose confidence would mean anything.
      if (value.status !== 'missing') obs.observe(METRICS.fieldConfidence, { field }, value.confidence);
    }
  }
  return obs;
}

export function failureObservations(kind: 'page' | 'document', reason: string, final: boolean): Observations {
  const { code } = parseFailureReason(reason);
  if (kind === 'document') return final ? new Observations().inc(METRICS.documentsFailed, { code }) : new Observations();
  return new Observations().inc(final ? METRICS.pagesFailed : METRICS.pageRetries, { code });
}

async function readRecords(outDir: string, ids: readonly string[]): Promise<TelegramRecord[]> {
  const records: TelegramRecord[] = [];
  for (const id of ids) {
    try {
      records.push(JSON.parse(await readFile(recordPath(outDir, id), 'utf8')) as TelegramRecord);
    } catch {
      // a record overwritten or removed meanwhile: count what is there
    }
  }
  return records;
}

export interface JobMetricsOptions {
  redisUrl: string;
  /** BullMQ prefix with its {hash tag}. */
  prefix: string;
  logger: Logger;
}

export interface JobMetricsRecorder {
  /** Resolves when every observation taken so far is written (or given up). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A job finally failed: no attempts left, or UnrecoverableError (bad input). */
async function isFinal(job: Job, err: Error): Promise<boolean> {
  if (err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1)) return true;
  try {
    return (await job.getState()) === 'failed';
  } catch {
    return false;
  }
}

/**
 * Records every job the given workers finish. Metrics are best effort: a write
 * that fails (Redis restarting) is logged and dropped, never retried into a
 * growing backlog, and never fails the job.
 */
export function attachJobMetrics(workers: { pages: Worker; documents: Worker }, options: JobMetricsOptions): JobMetricsRecorder {
  const redis = new Redis(readerOptions(options.redisUrl));
  redis.on('error', () => undefined);
  const log = options.logger.child({ component: 'metrics' });
  const pending = new Set<Promise<void>>();
  const track = (what: string, make: () => Promise<Observations>) => {
    const p = make()
      .then((obs) => obs.write(redis, options.prefix))
      .catch((err: unknown) => log.debug({ err: (err as Error).message, what }, 'metrics not recorded'))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  const onPage = (job: Job<PageJobData, PageJobResult>, result: PageJobResult) => {
    track('page', async () => pageObservations(result, result.outcome === 'read' ? await readPageJson(job.data.outDir, result.pageId) : null));
    // The batch's live progress and pace (its exact counts come with each window: queues/batch-store.ts).
    track('page progress', async () => {
      await countPageFinished(redis, options.prefix, job.data.batch, job.finishedOn ?? Date.now());
      return new Observations();
    });
  };
  const onDocument = (job: Job<DocumentJobData, DocumentJobResult>, result: DocumentJobResult) =>
    track('document', async () => documentObservations(result, await readRecords(job.data.outDir, result.recordIds)));
  const onFailed = (kind: 'page' | 'document') => (job: Job | undefined, err: Error) => {
    if (!job) return;
    track(`${kind} failure`, async () => {
      const final = await isFinal(job, err);
      if (final && job.data?.batch) {
        // A page's failure is counted with its window; a window's counts its pages too.
        const { code, message } = parseFailureReason(err.message);
        const pages = kind === 'document' ? ((job.data as DocumentJobData).pages?.length ?? 0) : 1;
        const where =
          kind === 'page'
            ? { file: (job.data as PageJobData).source?.file, pageId: (job.data as PageJobData).source?.pageId }
            : { file: (job.data as DocumentJobData).documentKey };
        await countFailure(redis, options.prefix, job.data.batch, { kind, pages, code, message, ...where, jobId: job.id });
      }
      return failureObservations(kind, err.message, final);
    });
  };
  const pageFailed = onFailed('page');
  const documentFailed = onFailed('document');
  workers.pages.on('completed', onPage);
  workers.documents.on('completed', onDocument);
  workers.pages.on('failed', pageFailed);
  workers.documents.on('failed', documentFailed);

  const flush = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return {
    flush,
    async close() {
      workers.pages.off('completed', onPage);
      workers.documents.off('completed', onDocument);
      workers.pages.off('failed', pageFailed);
      workers.documents.off('failed', documentFailed);
      await flush();
      redis.disconnect();
    },
  };
}
