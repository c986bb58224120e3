// What `cablescan status`, GET /api/batches and the metrics endpoint know about
// the queues, read from Redis only: BullMQ's own job sets (the truth about each
// job's state, whoever ran it) and the queue helper's batch bookkeeping
// (queues/batch-store.ts): its counters, kept as jobs finish, so a batch's
// status costs a few reads whatever its size (issue 18: a 2,001-page batch
// used to cost O(pages) Redis calls per request).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { listBatches, loadBatchCounts, loadBatchMeta } from '../../queues/batch-store.ts';
import type { ConnectionSettings } from '../../queues/connection.ts';
import { DOCUMENT_QUEUE, PAGE_QUEUE } from '../../queues/names.ts';
import type { BatchMeta } from '../../queues/payloads.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { topFailureReasons, type FailureGroup, type FailureItem } from './failures.ts';
import { etaSeconds, pagesPerMinuteFromBuckets, type Throughput } from './throughput.ts';

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
}

export class StatusSource {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly timeoutMs: number;
  private readonly queues: Queue[];

  constructor(options: StatusSourceOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs ?? 5000;
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
    return withTimeout(
      'job counts',
      this.timeoutMs,
      Promise.all(this.queues.map(async (q) => ({ name: q.name, counts: await q.getJobCounts(...QUEUE_STATES) }))),
    );
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

  /**
   * Pages of each batch being read now (the active list: as long as the workers' concurrency)
   * and waiting to be tried again (the first 1,000 delayed): a look at the jobs in flight, not
   * at the batch's history.
   */
  private async inFlight(): Promise<Map<string, { active: number; delayed: number }>> {
    const [active, delayed] = await Promise.all([
      this.redis.lrange(key(this.prefix, PAGE_QUEUE, 'active'), 0, -1),
      this.redis.zrange(key(this.prefix, PAGE_QUEUE, 'delayed'), '0', '999'),
    ]);
    const data = await pipelined<string | null>(this.redis, (p) => {
      for (const id of [...active, ...delayed]) p.hget(key(this.prefix, PAGE_QUEUE, id), 'data');
    });
    const out = new Map<string, { active: number; delayed: number }>();
    data.forEach((raw, i) => {
      const batch = parseJson<{ batch?: string }>(raw)?.batch;
      if (!batch) return;
      const entry = out.get(batch) ?? { active: 0, delayed: 0 };
      if (i < active.length) entry.active += 1;
      else entry.delayed += 1;
      out.set(batch, entry);
    });
    return out;
  }

  /**
   * The batch's progress, pace and failures; null when no batch has that name. Read from the
   * counters kept as its jobs finish (queues/batch-store.ts): a few fields whatever the batch's size.
   */
  async batchStatus(
    batch: string,
    now = Date.now(),
    detail?: { failures: BatchFailureDetail[] },
    inFlight?: Map<string, { active: number; delayed: number }>,
  ): Promise<BatchStatus | null> {
    this.ensureReady();
    const meta = await this.batchMeta(batch);
    if (!meta) return null;
    const [counts, flight] = await Promise.all([loadBatchCounts(this.redis, this.prefix, batch), inFlight ? Promise.resolve(inFlight) : this.inFlight()]);
    const failures: BatchFailureDetail[] = [
      ...meta.failures.map((f) => ({ code: f.code, message: f.message, file: f.file, pageId: f.pageId, stage: f.stage || 'ingest' })),
      ...counts.failures.map((f) => ({ code: f.code, message: f.message, file: f.file, pageId: f.pageId, stage: f.stage, jobId: f.jobId })),
    ];
    detail?.failures.push(...failures);

    const total = meta.pageTotal;
    const failed = Math.min(counts.pagesFailed, total);
    // Windows count their pages when they are built; page jobs as they finish (live, not exact).
    const done = Math.min(total - failed, Math.max(counts.pagesDone, counts.pagesSeen));
    const rate = pagesPerMinuteFromBuckets(counts.pace, now);
    const remaining = total - done - failed;
    const { active = 0, delayed = 0 } = flight.get(batch) ?? {};
    const running = Math.min(active, remaining);
    const retrying = Math.min(delayed, remaining - running);
    const documentTotal = meta.documentTotal;
    const documentsFailed = Math.min(counts.documentsFailed, documentTotal);
    const documentsDone = Math.min(counts.documentsDone, documentTotal - documentsFailed);
    return {
      batch: meta.batch,
      createdAt: meta.createdAt,
      outDir: meta.outDir,
      inputs: meta.inputs,
      pages: { total, done, failed, active: running, delayed: retrying, waiting: Math.max(0, remaining - running - retrying) },
      documents: { total: documentTotal, done: documentsDone, failed: documentsFailed },
      pagesPerMinute: rate,
      etaSeconds: etaSeconds(remaining, rate),
      finished: remaining <= 0 && documentsDone + documentsFailed >= documentTotal,
      failures: { total: meta.failures.length + counts.failuresTotal, top: topFailureReasons(failures) },
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
    const flight = await this.inFlight();
    for (const name of names) {
      const status = await this.batchStatus(name, now, undefined, flight);
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
