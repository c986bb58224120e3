// Batch bookkeeping in Redis, beside the queues (same {hash tag}): what was
// enqueued under a batch name, from which inputs, with which settings, and
// which document jobs make it up. `run --redis` waits on it and writes the
// report from it; `retry --batch` and a status command read it.
import type { Redis } from 'ioredis';
import { CablescanError, ErrorCode } from '../src/errors.ts';
import { batchIndexKey, batchKeys } from './names.ts';
import type { BatchMeta } from './payloads.ts';

export interface BatchDocumentEntry {
  documentId: string;
  pageCount: number;
}

export interface SavedBatch {
  meta: BatchMeta;
  /** True when this call created the batch; false when it added to an existing one. */
  created: boolean;
  /** Documents this call added to the batch (already listed ones are not counted). */
  documentsAdded: number;
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Records a batch. Enqueueing again under the same name (same output folder) adds
 * the documents not yet listed; another output folder under a used name is refused.
 */
export async function saveBatch(redis: Redis, prefix: string, meta: BatchMeta, documents: BatchDocumentEntry[]): Promise<SavedBatch> {
  const keys = batchKeys(prefix, meta.batch);
  const existing = await loadBatchMeta(redis, prefix, meta.batch);
  if (existing && existing.outDir !== meta.outDir) {
    throw new CablescanError(
      ErrorCode.CONFIG_INVALID,
      `batch "${meta.batch}" already exists with output folder ${existing.outDir}; choose another --batch name for ${meta.outDir}`,
    );
  }
  const start = existing ? await redis.zcard(keys.documents) : 0;
  const adds = redis.pipeline();
  documents.forEach((d, i) => adds.zadd(keys.documents, 'NX', String(start + i), d.documentId));
  const results = (await adds.exec()) ?? [];
  let documentsAdded = 0;
  let pagesAdded = 0;
  results.forEach(([err, added], i) => {
    if (err) throw err;
    if (added === 1) {
      documentsAdded += 1;
      pagesAdded += documents[i].pageCount;
    }
  });

  const merged: BatchMeta = existing
    ? {
        ...existing,
        inputs: uniqueBy([...existing.inputs, ...meta.inputs], (s) => s),
        pageTotal: existing.pageTotal + pagesAdded,
        documentTotal: existing.documentTotal + documentsAdded,
        failures: uniqueBy([...existing.failures, ...meta.failures], (f) => `${f.file}\u0000${f.pageId ?? ''}\u0000${f.code}`),
        skipped: uniqueBy([...existing.skipped, ...meta.skipped], (s) => s.file),
      }
    : { ...meta, pageTotal: pagesAdded, documentTotal: documentsAdded };
  await redis
    .multi()
    .hset(keys.meta, 'meta', JSON.stringify(merged))
    .zadd(batchIndexKey(prefix), 'NX', String(Date.parse(merged.createdAt) || Date.now()), merged.batch)
    .exec();
  return { meta: merged, created: !existing, documentsAdded };
}

export async function loadBatchMeta(redis: Redis, prefix: string, batch: string): Promise<BatchMeta | null> {
  const raw = await redis.hget(batchKeys(prefix, batch).meta, 'meta');
  return raw ? (JSON.parse(raw) as BatchMeta) : null;
}

/** The batch's document job ids, in the order they were enqueued. */
export async function batchDocumentIds(redis: Redis, prefix: string, batch: string): Promise<string[]> {
  return redis.zrange(batchKeys(prefix, batch).documents, '0', '-1');
}

/** Batch names, oldest first. */
export async function listBatches(redis: Redis, prefix: string): Promise<string[]> {
  return redis.zrange(batchIndexKey(prefix), '0', '-1');
}

/** Keys of a batch's counters (kept as jobs finish, so `status` reads a few fields, not every job). */
export const batchCountKeys = (prefix: string, batch: string) => ({
  /** pagesDone, pagesFailed, documentsDone, documentsFailed (windows), pagesSeen (page jobs completed: live progress), failures. */
  counts: `${prefix}:batch:${batch}:counts`,
  /** Window job id -> its tally, once: a window built twice (at-least-once delivery) counts once. */
  windows: `${prefix}:batch:${batch}:windows`,
  /** Epoch minute -> pages finished in it (the pace); minutes older than 15 are dropped as new ones come. */
  pace: `${prefix}:batch:${batch}:pace`,
  /** The latest failures (JSON, newest first, at most FAILURES_KEPT): the status's reasons. */
  failures: `${prefix}:batch:${batch}:failures`,
});

export const FAILURES_KEPT = 1000;

export interface WindowTally {
  pages: number;
  failed: number;
}

const COUNT_WINDOW = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'pagesDone', tonumber(ARGV[3]) - tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[2], 'pagesFailed', tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[2], 'documentsDone', 1)
return 1`;

/** Counts a built window, once whatever how many times it was built. */
export async function countWindow(redis: Redis, prefix: string, batch: string, windowId: string, tally: WindowTally): Promise<void> {
  const keys = batchCountKeys(prefix, batch);
  await redis.eval(COUNT_WINDOW, 2, keys.windows, keys.counts, windowId, JSON.stringify(tally), String(tally.pages), String(tally.failed));
}

/** A page job completed (live progress and pace; the exact counts come with its window). */
export async function countPageFinished(redis: Redis, prefix: string, batch: string, at = Date.now()): Promise<void> {
  const keys = batchCountKeys(prefix, batch);
  const minute = Math.floor(at / 60_000);
  const [[, seen] = [null, 0]] = ((await redis.multi().hincrby(keys.counts, 'pagesSeen', 1).hincrby(keys.pace, String(minute), 1).exec()) ?? []) as Array<
    [Error | null, unknown]
  >;
  // The pace needs the last 15 minutes: every 256 pages, older minutes go.
  if (Number(seen) % 256 === 0) {
    const stale = (await redis.hkeys(keys.pace)).filter((m) => Number(m) < minute - 15);
    if (stale.length) await redis.hdel(keys.pace, ...stale);
  }
}

/** A job failed for good: counted (a window's pages with it) and its reason kept among the latest. */
export async function countFailure(
  redis: Redis,
  prefix: string,
  batch: string,
  failure: { kind: 'page' | 'document'; pages: number; code: string; message: string; file?: string; pageId?: string; jobId?: string },
): Promise<void> {
  const keys = batchCountKeys(prefix, batch);
  const { kind, pages, ...item } = failure;
  const multi = redis.multi().hincrby(keys.counts, 'failures', 1);
  if (kind === 'document') multi.hincrby(keys.counts, 'documentsFailed', 1).hincrby(keys.counts, 'pagesFailed', pages);
  multi.lpush(keys.failures, JSON.stringify({ ...item, stage: kind === 'page' ? 'read' : 'emit' })).ltrim(keys.failures, 0, FAILURES_KEPT - 1);
  await multi.exec();
}

const UNCOUNT_WINDOW = `
local tally = redis.call('HGET', KEYS[1], ARGV[1])
if not tally then return 0 end
local t = cjson.decode(tally)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], 'pagesDone', -(t.pages - t.failed))
redis.call('HINCRBY', KEYS[2], 'pagesFailed', -t.failed)
redis.call('HINCRBY', KEYS[2], 'documentsDone', -1)
return 1`;

/** A built window is built again (`cablescan retry`): its counts go until it is. */
export async function uncountWindow(redis: Redis, prefix: string, batch: string, windowId: string): Promise<void> {
  const keys = batchCountKeys(prefix, batch);
  await redis.eval(UNCOUNT_WINDOW, 2, keys.windows, keys.counts, windowId);
}

/** An operator retried a failed document: it is no longer counted failed. */
export async function uncountDocumentFailure(redis: Redis, prefix: string, batch: string, pages: number): Promise<void> {
  const keys = batchCountKeys(prefix, batch);
  await redis.multi().hincrby(keys.counts, 'documentsFailed', -1).hincrby(keys.counts, 'pagesFailed', -pages).exec();
}

export interface BatchCounts {
  pagesDone: number;
  pagesFailed: number;
  documentsDone: number;
  documentsFailed: number;
  pagesSeen: number;
  /** Failures of pages and documents (the latest FAILURES_KEPT are in `failures`). */
  failuresTotal: number;
  /** Pages finished per epoch minute (the last 15 or so). */
  pace: Map<number, number>;
  failures: Array<{ code: string; message: string; file?: string; pageId?: string; jobId?: string; stage: string }>;
}

export async function loadBatchCounts(redis: Redis, prefix: string, batch: string): Promise<BatchCounts> {
  const keys = batchCountKeys(prefix, batch);
  const [counts, pace, failures] = await Promise.all([redis.hgetall(keys.counts), redis.hgetall(keys.pace), redis.lrange(keys.failures, 0, -1)]);
  const n = (field: string) => Math.max(0, Number(counts[field] ?? 0));
  return {
    pagesDone: n('pagesDone'),
    pagesFailed: n('pagesFailed'),
    documentsDone: n('documentsDone'),
    documentsFailed: n('documentsFailed'),
    pagesSeen: n('pagesSeen'),
    failuresTotal: n('failures'),
    pace: new Map(Object.entries(pace).map(([m, c]) => [Number(m), Number(c)])),
    failures: failures.map((f) => JSON.parse(f) as BatchCounts['failures'][number]),
  };
}
