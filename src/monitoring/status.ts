// What `cablescan status`, GET /api/batches and the metrics endpoint know about
// the queues, read from Redis only: BullMQ's own job sets (the truth about each
// job's state, whoever ran it) and the queue helper's batch bookkeeping
// (queues/batch-store.ts). A batch's page job ids are read once from its
// document jobs and cached (they never change), so a --watch refresh costs two
// pipelined ZSCOREs per page of the batch and nothing per finished document.
import { LRUCache } from 'lru-cache';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { batchDocumentIds, listBatches, loadBatchMeta } from '../../queues/batch-store.ts';
import type { ConnectionSettings } from '../../queues/connection.ts';
import { DOCUMENT_QUEUE, PAGE_QUEUE } from '../../queues/names.ts';
import { parseFailureReason, type BatchMeta } from '../../queues/payloads.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { topFailureReasons, type FailureGroup, type FailureItem } from './failures.ts';
import { etaSeconds, pagesPerMinute, type Throughput } from './throughput.ts';

export const QUEUES = [PAGE_QUEUE, DOCUMENT_QUEUE] as const;
/** The states `status` shows per queue (BullMQ's names; "waiting-children" are documents waiting for their pages). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'waiting-children', 'prioritized'] as const;

export interface QueueStatus {
  name: string;
  counts: Record<string, number>;
}

export interface WorkerStatus {
  queue: string;
  /** The worker's name (host:pid for `cablescan worker`). */
  name: string;
  addr?: string;
  /** Seconds since the connection was opened / last used. */
  ageSeconds?: number;
  idleSeconds?: number;
}

export interface BatchStatus {
  batch: string;
  createdAt: string;
  outDir: string;
  inputs: string[];
  pages: { total: number; done: number; failed: number; active: number; delayed: number; waiting: number };
  documents: { total: number; done: number; failed: number };
  /** Pages finished per minute over the last 1, 5 and 15 minutes. */
  pagesPerMinute: Throughput;
  /** Seconds until every page is done at the recent pace; null when there is no recent pace. */
  etaSeconds: number | null;
  /** Every page settled (done or failed) and every document built or failed. */
  finished: boolean;
  failures: { total: number; top: FailureGroup[] };
}

export interface BatchFailureDetail extends FailureItem {
  jobId?: string;
}

export interface StatusReport {
  generatedAt: string;
  prefix: string;
  queues: QueueStatus[];
  workers: WorkerStatus[];
  batches: BatchStatus[];
  /** True when any batch shown has a failure (ingest, page or document). */
  hasFailures: boolean;
}

/** BullMQ waits for its connection forever; a reader must answer "Redis down" instead. */
async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `${what}: Redis did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const key = (prefix: string, queue: string, suffix: string): string => `${prefix}:${queue}:${suffix}`;

interface DocumentData {
  documentKey?: string;
  pages?: Array<{ jobId: string; pageId: string }>;
}

interface PageData {
  source?: { file?: string; pageId?: string };
}

function parseJson<T>(raw: string | null | undefined): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

async function pipelined<T>(redis: Redis, build: (p: ReturnType<Redis['pipeline']>) => void): Promise<T[]> {
  const pipeline = redis.pipeline();
  build(pipeline);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value as T;
  });
}

export interface StatusSourceOptions {
  redis: Redis;
  /** BullMQ connection settings for the Queue objects (job counts, workers). */
  connection: ConnectionSettings;
  /** BullMQ prefix, with its {hash tag} (see bullPrefix). */
  prefix: string;
  /** Longest wait for a BullMQ call before reporting Redis unreachable (default 5 s). */
  timeoutMs?: number;
  /** Bytes of document -> pages lists kept between requests (default 16 MB, some 100,000 pages). */
  documentCacheBytes?: number;
}

interface DocumentPages {
  documentKey: string;
  pages: Array<{ jobId: string; pageId: string }>;
}

/** A rough size in memory: UTF-16 strings plus some overhead per object. */
export function documentPagesBytes(entry: DocumentPages): number {
  let bytes = 64 + entry.documentKey.length * 2;
  for (const p of entry.pages) bytes += 80 + (p.jobId.length + p.pageId.length) * 2;
  return bytes;
}

export class StatusSource {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly timeoutMs: number;
  private readonly queues: Queue[];
  /**
   * document job id -> its page job ids and page ids (immutable once the document exists), least
   * recently used dropped past a byte budget: a long-running server watches batch after batch.
   */
  private readonly documentPages: LRUCache<string, DocumentPages>;

  constructor(options: StatusSourceOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.documentPages = new LRUCache<string, DocumentPages>({ maxSize: options.documentCacheBytes ?? 16 * 1024 * 1024, sizeCalculation: documentPagesBytes });
    this.queues = QUEUES.map((name) => {
      // A reader must not write: no queue meta keys for a prefix that has none (a typo stays harmless).
      const queue = new Queue(name, { connection: options.connection, prefix: options.prefix, skipMetasUpdate: true });
      queue.on('error', () => undefined); // reported by the calls that fail
      return queue;
    });
  }

  /** Fails at once when the reader's connection is down (BullMQ calls would wait for it). */
  private ensureReady(): void {
    if (this.redis.status !== 'ready') throw new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `Redis is not reachable (connection ${this.redis.status})`);
  }

  async queueStatus(): Promise<QueueStatus[]> {
    this.ensureReady();
    return withTimeout('job counts', this.timeoutMs, Promise.all(this.queues.map(async (q) => ({ name: q.name, counts: await q.getJobCounts(...QUEUE_STATES) }))));
  }

  /** Live workers per queue; one entry per worker process (BullMQ names its connections "<queue>:w:<name>"). */
  async workers(): Promise<WorkerStatus[]> {
    this.ensureReady();
    const out: WorkerStatus[] = [];
    for (const queue of this.queues) {
      const clients = await withTimeout('worker list', this.timeoutMs, queue.getWorkers());
      const seen = new Set<string>();
      for (const c of clients) {
        // Without CLIENT LIST (some managed Redis), BullMQ returns a placeholder entry with no rawname: no live workers known.
        if (c.rawname === undefined) continue;
        const raw = c.rawname;
        const marker = raw.indexOf(':w:');
        const name = marker >= 0 ? raw.slice(marker + 3) : '(unnamed)';
        if (seen.has(name)) continue; // a worker holds several connections
        seen.add(name);
        out.push({
          queue: queue.name,
          name,
          addr: c.addr,
          ageSeconds: c.age !== undefined ? Number(c.age) : undefined,
          idleSeconds: c.idle !== undefined ? Number(c.idle) : undefined,
        });
      }
    }
    return out;
  }

  /** Batch names, oldest first. */
  async batchNames(): Promise<string[]> {
    return listBatches(this.redis, this.prefix);
  }

  async batchMeta(batch: string): Promise<BatchMeta | null> {
    return loadBatchMeta(this.redis, this.prefix, batch);
  }

  private async pagesOf(documentIds: string[]): Promise<Map<string, DocumentPages>> {
    const unknown = documentIds.filter((id) => !this.documentPages.has(id));
    const fetched = new Map<string, DocumentPages>();
    if (unknown.length > 0) {
      const data = await pipelined<string | null>(this.redis, (p) => {
        for (const id of unknown) p.hget(key(this.prefix, DOCUMENT_QUEUE, id), 'data');
      });
      unknown.forEach((id, i) => {
        const doc = parseJson<DocumentData>(data[i]);
        // A document job removed (by age, by hand) is not cached: it may be enqueued again.
        if (doc?.pages) {
          const entry = { documentKey: doc.documentKey ?? id, pages: doc.pages };
          fetched.set(id, entry);
          this.documentPages.set(id, entry);
        }
      });
    }
    // Read from the cache or from this call's answer: a batch larger than the cache still gets all its documents.
    return new Map(documentIds.flatMap((id) => {
      const entry = this.documentPages.get(id) ?? fetched.get(id);
      return entry ? [[id, entry] as const] : [];
    }));
  }

  /** The batch's progress, pace and failures; null when no batch has that name. */
  async batchStatus(batch: string, now = Date.now(), detail?: { failures: BatchFailureDetail[] }): Promise<BatchStatus | null> {
    this.ensureReady();
    const meta = await this.batchMeta(batch);
    if (!meta) return null;
    const documentIds = await batchDocumentIds(this.redis, this.prefix, batch);
    const documents = await this.pagesOf(documentIds);
    const pageJobs = [...documents.values()].flatMap((d) => d.pages);

    const pageStates = await pipelined<string | null>(this.redis, (p) => {
      for (const { jobId } of pageJobs) {
        p.zscore(key(this.prefix, PAGE_QUEUE, 'completed'), jobId);
        p.zscore(key(this.prefix, PAGE_QUEUE, 'failed'), jobId);
        p.zscore(key(this.prefix, PAGE_QUEUE, 'delayed'), jobId);
      }
    });
    const active = new Set(await this.redis.lrange(key(this.prefix, PAGE_QUEUE, 'active'), 0, -1));
    const finishTimes: number[] = [];
    const failedPages: Array<{ jobId: string; pageId: string }> = [];
    let delayed = 0;
    let running = 0;
    pageJobs.forEach((job, i) => {
      const [completed, failed, waitingDelay] = pageStates.slice(3 * i, 3 * i + 3);
      if (completed !== null) finishTimes.push(Number(completed));
      else if (failed !== null) failedPages.push(job);
      else if (active.has(job.jobId)) running += 1;
      else if (waitingDelay !== null) delayed += 1;
    });

    const docStates = await pipelined<string | null>(this.redis, (p) => {
      for (const id of documentIds) {
        p.zscore(key(this.prefix, DOCUMENT_QUEUE, 'completed'), id);
        p.zscore(key(this.prefix, DOCUMENT_QUEUE, 'failed'), id);
      }
    });
    const failedDocuments: string[] = [];
    let documentsDone = 0;
    documentIds.forEach((id, i) => {
      if (docStates[2 * i] !== null) documentsDone += 1;
      else if (docStates[2 * i + 1] !== null) failedDocuments.push(id);
    });

    // Why things failed: the job's failedReason ("<code>: <message>") and its file.
    const pageReasons = await pipelined<[string | null, string | null]>(this.redis, (p) => {
      for (const { jobId } of failedPages) p.hmget(key(this.prefix, PAGE_QUEUE, jobId), 'failedReason', 'data');
    });
    const docReasons = await pipelined<[string | null, string | null]>(this.redis, (p) => {
      for (const id of failedDocuments) p.hmget(key(this.prefix, DOCUMENT_QUEUE, id), 'failedReason', 'data');
    });
    const failures: BatchFailureDetail[] = [
      ...meta.failures.map((f) => ({ code: f.code, message: f.message, file: f.file, pageId: f.pageId, stage: f.stage || 'ingest' })),
      ...failedPages.map((job, i) => {
        const [reason, data] = pageReasons[i] ?? [null, null];
        const { code, message } = parseFailureReason(reason ?? undefined);
        const source = parseJson<PageData>(data)?.source;
        return { code, message, file: source?.file, pageId: job.pageId, stage: 'read', jobId: job.jobId };
      }),
      ...failedDocuments.map((id, i) => {
        const [reason, data] = docReasons[i] ?? [null, null];
        const { code, message } = parseFailureReason(reason ?? undefined);
        const doc = parseJson<DocumentData>(data);
        return { code, message, file: doc?.documentKey, stage: 'emit', jobId: id };
      }),
    ];
    detail?.failures.push(...failures);

    const total = Math.max(meta.pageTotal, pageJobs.length);
    const done = finishTimes.length;
    const rate = pagesPerMinute(finishTimes, now);
    const remaining = total - done - failedPages.length;
    const documentTotal = Math.max(meta.documentTotal, documentIds.length);
    return {
      batch: meta.batch,
      createdAt: meta.createdAt,
      outDir: meta.outDir,
      inputs: meta.inputs,
      pages: { total, done, failed: failedPages.length, active: running, delayed, waiting: Math.max(0, remaining - running - delayed) },
      documents: { total: documentTotal, done: documentsDone, failed: failedDocuments.length },
      pagesPerMinute: rate,
      etaSeconds: etaSeconds(remaining, rate),
      finished: remaining <= 0 && documentsDone + failedDocuments.length >= documentTotal,
      failures: { total: failures.length, top: topFailureReasons(failures) },
    };
  }

  /** Queues, workers and batches (one batch, or the `limit` most recent). */
  async report(options: { batch?: string; limit?: number; now?: number } = {}): Promise<StatusReport> {
    const now = options.now ?? Date.now();
    const [queues, workers] = await Promise.all([this.queueStatus(), this.workers()]);
    let names: string[];
    if (options.batch !== undefined) names = [options.batch];
    else {
      const all = await this.batchNames();
      names = all.slice(Math.max(0, all.length - (options.limit ?? 20)));
    }
    const batches: BatchStatus[] = [];
    for (const name of names) {
      const status = await this.batchStatus(name, now);
      if (status) batches.push(status);
    }
    return {
      generatedAt: new Date(now).toISOString(),
      prefix: this.prefix,
      queues,
      workers,
      batches,
      hasFailures: batches.some((b) => b.failures.total > 0),
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}
