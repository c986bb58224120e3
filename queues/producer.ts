// The producer side: `cablescan enqueue` and the first half of `run --redis`.
// Discovers the inputs exactly like the in-process run, plans one flow per
// document, adds the flows whose document job does not exist yet, records the
// batch, and returns at once: workers do the reading.
import { mkdir } from 'node:fs/promises';
import { FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.ts';
import { CablescanError, ErrorCode } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { defaultBatchName, isPostgresUrl, planBatch, recordWritten, ReviewStore, runStoreLocation, withoutPassword, type BatchPlan } from '../src/pipeline/index.ts';
import type { InputFailure, SkippedInput } from '../src/types.ts';
import { PIPELINE_VERSION } from '../src/version.ts';
import { saveBatch } from './batch-store.ts';
import { assertRedisReachable, connectRedis, redactRedisUrl, redisOptions } from './connection.ts';
import { planFlows, type DocumentPlan } from './flow.ts';
import { bullPrefix, DOCUMENT_QUEUE } from './names.ts';
import type { BatchMeta, DocumentJobResult } from './payloads.ts';

export interface EnqueueOptions {
  inputs: string[];
  outDir: string;
  batch?: string;
  manifest?: string;
  cwd?: string;
}

export interface EnqueueResult {
  batch: string;
  /** Absolute output folder. */
  outDir: string;
  /** Pages and documents found in this call's inputs. */
  pages: number;
  documents: number;
  /** Flows added by this call; the others were already queued (or done). */
  documentsAdded: number;
  pagesAdded: number;
  documentsExisting: number;
  failures: InputFailure[];
  skipped: SkippedInput[];
  /** The batch as recorded in Redis after this call (totals include earlier calls). */
  meta: BatchMeta;
  /** The batch as planned (pages, settings, recipe); its sequences are `plans`' documents. */
  plan: BatchPlan;
  plans: DocumentPlan[];
  startedAt: Date;
}

const FLOWS_PER_CALL = 50;

export function requireRedisUrl(config: Config, command: string): string {
  if (!config.redisUrl) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `${command} needs a Redis URL: pass --redis redis://host:6379 or set REDIS_URL`);
  }
  return config.redisUrl;
}

/**
 * A finished document whose outputs are gone from the output folder (deleted by
 * hand, a new empty volume): its jobs must not stand in the way of doing it again.
 */
async function outputsMissing(queue: Queue, plan: DocumentPlan, outDir: string, done: ReadonlySet<string>): Promise<boolean> {
  const job = await Job.fromId<unknown, DocumentJobResult>(queue, plan.documentId);
  if (!job || (await job.getState()) !== 'completed') return false;
  const result = job.returnvalue;
  for (const source of plan.sources) {
    if (result.pages.includes(source.pageId) && !done.has(source.pageId)) return true;
  }
  for (const id of result.recordIds) {
    if (!(await recordWritten(outDir, id))) return true;
  }
  return false;
}

async function isFinished(queue: Queue, id: string): Promise<boolean> {
  const state = await queue.getJobState(id);
  return state === 'completed' || state === 'failed';
}

/** Which of these document jobs exist already (in any state). */
async function existingDocuments(redis: Redis, prefix: string, ids: string[]): Promise<Set<string>> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.exists(`${prefix}:${DOCUMENT_QUEUE}:${id}`);
  const results = (await pipeline.exec()) ?? [];
  const existing = new Set<string>();
  results.forEach(([err, n], i) => {
    if (err) throw err;
    if (n === 1) existing.add(ids[i]);
  });
  return existing;
}

export async function enqueueBatch(options: EnqueueOptions, config: Config, logger: Logger): Promise<EnqueueResult> {
  const startedAt = new Date();
  const redisUrl = requireRedisUrl(config, 'enqueue');
  const batch = options.batch ?? defaultBatchName(startedAt);
  if (batch.includes(':') || batch.trim() === '') throw new CablescanError(ErrorCode.CONFIG_INVALID, `batch name "${batch}" must be non-empty and contain no ':'`);

  // Everything that can be wrong fails here, before a single job exists.
  const plan = await planBatch({ ...options, batch }, config, logger, { startedAt });
  const { outDir, settings } = plan;
  const log = logger.child({ batch });
  await assertRedisReachable(redisUrl);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot create output folder ${outDir}: ${(err as Error).message}`, { file: outDir, retryable: false });
  }

  // The review store exists (created, migrated) before any job: `serve` can open it at once, and
  // the document jobs save their records into it as they finish, from whichever worker.
  const storeLocation = runStoreLocation(plan, config);
  await (await ReviewStore.open(storeLocation)).close();
  const store = isPostgresUrl(storeLocation) ? withoutPassword(storeLocation) : storeLocation;

  const prefix = bullPrefix(config.queuePrefix);
  const plans = planFlows(plan.sequences, { batch, outDir, settings, store, cwd: plan.cwd });
  const done = new Set(plan.done);
  const redis = await connectRedis(redisUrl, 'producer');
  const flows = new FlowProducer({ connection: redisOptions(redisUrl, 'producer'), prefix });
  flows.on('error', (err) => log.debug({ err }, 'redis connection error'));
  const documentQueue = new Queue(DOCUMENT_QUEUE, { connection: redisOptions(redisUrl, 'producer'), prefix });
  documentQueue.on('error', (err) => log.debug({ err }, 'redis connection error'));
  try {
    const existing = await existingDocuments(redis, prefix, plans.map((p) => p.documentId));
    for (const doc of plans) {
      if (!existing.has(doc.documentId)) continue;
      // --force: read again what was finished. A finished document whose files are gone
      // (deleted by hand, a fresh volume) is queued again too. Unfinished ones are left alone.
      const redo = config.force ? await isFinished(documentQueue, doc.documentId) : await outputsMissing(documentQueue, doc, outDir, done);
      if (redo) {
        log.warn({ doc: doc.documentKey, job: doc.documentId }, config.force ? 'document was done: queueing it again (--force)' : 'document was done but its output files are missing: queueing it again');
        await documentQueue.remove(doc.documentId, { removeChildren: true });
        existing.delete(doc.documentId);
      }
    }
    const fresh = plans.filter((p) => !existing.has(p.documentId));
    for (let i = 0; i < fresh.length; i += FLOWS_PER_CALL) {
      await flows.addBulk(fresh.slice(i, i + FLOWS_PER_CALL).map((p) => p.flow));
    }
    const meta: BatchMeta = {
      batch,
      outDir,
      inputs: options.inputs,
      createdAt: startedAt.toISOString(),
      pipelineVersion: PIPELINE_VERSION,
      settings,
      pageTotal: 0,
      documentTotal: 0,
      failures: plan.failures,
      skipped: plan.skipped,
      cwd: plan.cwd,
      ...(options.manifest ? { manifest: options.manifest } : {}),
    };
    const saved = await saveBatch(
      redis,
      prefix,
      meta,
      plans.map((p) => ({ documentId: p.documentId, pageCount: p.sources.length })),
    );
    const pagesAdded = fresh.reduce((n, p) => n + p.sources.length, 0);
    log.info(
      { redis: redactRedisUrl(redisUrl), documents: plans.length, documentsAdded: fresh.length, pages: plan.pageTotal, pagesAdded },
      fresh.length === plans.length ? 'batch enqueued' : `batch enqueued (${plans.length - fresh.length} documents were already queued)`,
    );
    return {
      batch,
      outDir,
      pages: plan.pageTotal,
      documents: plans.length,
      documentsAdded: fresh.length,
      pagesAdded,
      documentsExisting: plans.length - fresh.length,
      failures: plan.failures,
      skipped: plan.skipped,
      meta: saved.meta,
      plan,
      plans,
      startedAt,
    };
  } catch (err) {
    if (err instanceof CablescanError) throw err;
    throw new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `enqueueing batch ${batch} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await Promise.allSettled([flows.close(), documentQueue.close()]);
    redis.disconnect();
  }
}
