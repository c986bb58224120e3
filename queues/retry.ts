// `cablescan retry [--batch NAME]`: puts finally failed jobs back in the queue.
//
// A failed page does not block its document (ignoreDependencyOnFailure), so by
// the time an operator retries it the document has usually been built without
// it. Retrying the page alone would read it and change nothing. So for every
// document with failed pages, retry rebuilds the document's flow with the same
// job ids: the document job is removed (its children are kept), the flow is
// added again (finished children attach to the new parent with their results,
// failed ones become its pending dependencies), and the failed pages are retried
// with fresh attempts. When they finish, the document is built again, now with
// them; its records overwrite the old ones (same ids) or add the new telegrams.
// A document that itself failed (buildRecords) is retried as it is.
import { FlowProducer, Job, Queue, type FlowJob } from 'bullmq';
import type { Config } from '../src/config.ts';
import { CablescanError, ErrorCode } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { batchDocumentIds, loadBatchMeta, uncountDocumentFailure, uncountWindow } from './batch-store.ts';
import { assertRedisReachable, connectRedis, redisOptions } from './connection.ts';
import { DOCUMENT_JOB_OPTIONS, PAGE_JOB_OPTIONS } from './flow.ts';
import { bullPrefix, DOCUMENT_QUEUE, jobIdFromKey, PAGE_QUEUE, QUEUE_OPTIONS } from './names.ts';
import type { DocumentJobData, DocumentJobResult, PageJobData, PageJobResult } from './payloads.ts';

export interface RetryRequest {
  /** Only this batch's jobs; all failed jobs of every batch when absent. */
  batch?: string;
}

export interface RetrySummary {
  pagesRetried: string[];
  documentsRetried: string[];
  /** Documents whose flow was rebuilt around retried pages. */
  documentsRebuilt: string[];
  /** Jobs left alone, with the reason. */
  skipped: Array<{ jobId: string; reason: string }>;
}

type PageJob = Job<PageJobData, PageJobResult>;
type DocumentJob = Job<DocumentJobData, DocumentJobResult>;

const RESET = { resetAttemptsMade: true, resetAttemptsStarted: true };

async function failedJobsOf<T extends Job>(queue: Queue, ids?: string[]): Promise<T[]> {
  if (ids) {
    const jobs = await Promise.all(ids.map((id) => Job.fromId(queue, id)));
    const states = await Promise.all(jobs.map((j) => (j ? j.getState() : Promise.resolve('unknown'))));
    return jobs.filter((j, i): j is NonNullable<typeof j> => j !== undefined && states[i] === 'failed') as T[];
  }
  const out: T[] = [];
  const page = 500;
  for (let start = 0; ; start += page) {
    const jobs = (await queue.getFailed(start, start + page - 1)) as unknown as T[];
    out.push(...jobs);
    if (jobs.length < page) return out;
  }
}

export async function retryFailed(request: RetryRequest, config: Config, logger: Logger): Promise<RetrySummary> {
  if (!config.redisUrl) throw new CablescanError(ErrorCode.CONFIG_INVALID, 'retry needs a Redis URL: pass --redis redis://host:6379 or set REDIS_URL');
  const redisUrl = config.redisUrl;
  await assertRedisReachable(redisUrl);
  const prefix = bullPrefix(config.queuePrefix);
  const connection = redisOptions(redisUrl, 'producer');
  const redis = await connectRedis(redisUrl, 'producer');
  const pageQueue = new Queue(PAGE_QUEUE, { ...QUEUE_OPTIONS, connection, prefix });
  const documentQueue = new Queue(DOCUMENT_QUEUE, { ...QUEUE_OPTIONS, connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  pageQueue.on('error', () => undefined);
  documentQueue.on('error', () => undefined);
  flows.on('error', () => undefined);
  const summary: RetrySummary = { pagesRetried: [], documentsRetried: [], documentsRebuilt: [], skipped: [] };
  try {
    let pageIds: string[] | undefined;
    let documentIds: string[] | undefined;
    if (request.batch !== undefined) {
      if (!(await loadBatchMeta(redis, prefix, request.batch))) {
        throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch named "${request.batch}" in this queue (prefix ${prefix})`);
      }
      documentIds = await batchDocumentIds(redis, prefix, request.batch);
      const docs = await Promise.all(documentIds.map((id) => Job.fromId<DocumentJobData>(documentQueue, id)));
      pageIds = docs.flatMap((d) => d?.data.pages.map((p) => p.jobId) ?? []);
    }
    const failedPages = await failedJobsOf<PageJob>(pageQueue, pageIds);
    const failedDocuments = await failedJobsOf<DocumentJob>(documentQueue, documentIds);

    // Failed pages, by the document they belong to.
    const byDocument = new Map<string, PageJob[]>();
    for (const job of failedPages) {
      const parentId = job.parent?.id ?? (job.parentKey ? jobIdFromKey(job.parentKey) : undefined);
      if (!parentId) {
        summary.skipped.push({ jobId: job.id!, reason: 'page job has no document' });
        continue;
      }
      const list = byDocument.get(parentId) ?? [];
      list.push(job);
      byDocument.set(parentId, list);
    }

    for (const [documentId, pages] of byDocument) {
      const doc = (await Job.fromId(documentQueue, documentId)) as DocumentJob | undefined;
      if (!doc) {
        for (const p of pages) summary.skipped.push({ jobId: p.id!, reason: `its document job ${documentId} no longer exists; enqueue the batch again` });
        continue;
      }
      const state = await doc.getState();
      if (state === 'active') {
        for (const p of pages) summary.skipped.push({ jobId: p.id!, reason: `its document ${documentId} is being built right now; retry again in a moment` });
        continue;
      }
      const children = await Promise.all(doc.data.pages.map((ref) => Job.fromId(pageQueue, ref.jobId) as Promise<PageJob | undefined>));
      const flow: FlowJob = {
        name: doc.name,
        queueName: DOCUMENT_QUEUE,
        data: doc.data,
        opts: { ...DOCUMENT_JOB_OPTIONS, jobId: documentId },
        children: children
          .filter((c): c is PageJob => c !== undefined)
          .map((c) => ({ name: c.name, queueName: PAGE_QUEUE, data: c.data, opts: { ...PAGE_JOB_OPTIONS, jobId: c.id } })),
      };
      const removed = await documentQueue.remove(documentId, { removeChildren: false });
      if (removed !== 1) {
        for (const p of pages) summary.skipped.push({ jobId: p.id!, reason: `its document ${documentId} is locked by a worker; retry again in a moment` });
        continue;
      }
      if (state === 'completed') await uncountWindow(redis, prefix, doc.data.batch, documentId);
      await flows.add(flow);
      summary.documentsRebuilt.push(documentId);
      for (const p of pages) {
        await p.retry('failed', RESET);
        summary.pagesRetried.push(p.id!);
        logger.info({ job: p.id, doc: documentId, reason: p.failedReason }, 'page re-queued');
      }
    }

    for (const doc of failedDocuments) {
      if (summary.documentsRebuilt.includes(doc.id!)) continue;
      await doc.retry('failed', RESET);
      await uncountDocumentFailure(redis, prefix, doc.data.batch, doc.data.pages.length);
      summary.documentsRetried.push(doc.id!);
      logger.info({ job: doc.id, reason: doc.failedReason }, 'document re-queued');
    }
    return summary;
  } finally {
    await Promise.allSettled([flows.close(), pageQueue.close(), documentQueue.close()]);
    redis.disconnect();
  }
}
