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
