// The producer side: `cablescan enqueue` and the first half of `run --redis`.
// Discovers the inputs like the in-process run, a part at a time, plans one flow per
// window of a sequence (issue 18: a flat folder of 100,000 scans is 200 flows, and the
// producer holds a group of them, up to 2,000 pages, at a time), adds the flows that are neither queued
// nor done, records the batch as it goes, and returns: workers do the reading.
import { mkdir } from 'node:fs/promises';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.ts';
import { CablescanError, ErrorCode } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import {
  defaultBatchName,
  isPostgresUrl,
  planInWindows,
  recordWritten,
  removeWindowResult,
  ReviewStore,
  runStoreLocation,
  withoutPassword,
  type StreamedPlan,
} from '../src/pipeline/index.ts';
import { readWindowOutcome } from '../workers/window-job.ts';
import type { InputFailure, SkippedInput } from '../src/types.ts';
import { PIPELINE_VERSION } from '../src/version.ts';
import { countWindow, saveBatch } from './batch-store.ts';
import { assertRedisReachable, connectRedis, redactRedisUrl, redisOptions } from './connection.ts';
import { planWindow, type DocumentPlan } from './flow.ts';
import { bullPrefix, DOCUMENT_QUEUE, PAGE_QUEUE, QUEUE_OPTIONS } from './names.ts';
import type { BatchMeta, WindowOutcome } from './payloads.ts';

export interface EnqueueOptions {
  inputs: string[];
  outDir: string;
  batch?: string;
  manifest?: string;
  cwd?: string;
  /**
   * Keep every window's plan in EnqueueResult.plans (`run --redis` waits on them and writes the
   * report from them). Off, the producer holds one window at a time (issue 18).
   */
  keepPlans?: boolean;
}

export interface EnqueueResult {
  batch: string;
  /** Absolute output folder. */
  outDir: string;
  /** Pages and documents (windows of sequences: one queue flow each) found in this call's inputs. */
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
  /** The batch as planned, without its pages (they went to the queue window by window). */
  plan: StreamedPlan;
  /** Every window's flow, in plan order, with its pages: only when asked (EnqueueOptions.keepPlans). */
  plans: DocumentPlan[];
  startedAt: Date;
}

const FLOWS_PER_CALL = 50;
/**
 * Pages of flows the producer holds and sends at once: an addBulk of 50 windows of 500 pages
 * built 25,000 jobs in memory (the producer's peak RSS went from 344 MB at 10,000 pages to 644 MB
 * at 50,000, docs/benchmarks.md). What a call holds lives until Redis has answered, long enough
 * to outlive two scavenges and be promoted: with 2,000 pages a call the old space filled with it
 * (390 MB at 20,000 pages), with one window's 500 it did not (290 MB), at the same pages/s.
 */
const PAGES_PER_CALL = 500;

export function requireRedisUrl(config: Config, command: string): string {
  if (!config.redisUrl) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `${command} needs a Redis URL: pass --redis redis://host:6379 or set REDIS_URL`);
  }
  return config.redisUrl;
}

/**
 * Whether a window is done, from the output folder: its result file is there and so is every
 * record it built. A window whose outputs are gone (deleted by hand, a fresh volume) is not.
 */
async function windowDone(outDir: string, windowId: string): Promise<WindowOutcome | null> {
  const outcome = await readWindowOutcome(outDir, windowId);
  if (!outcome) return null;
  for (const id of outcome.built.recordIds) if (!(await recordWritten(outDir, id))) return null;
  return outcome;
}

/** Which of these document jobs exist already (in any state), and in which: completed and failed ones are finished. */
async function existingDocuments(redis: Redis, prefix: string, ids: string[]): Promise<Map<string, 'finished' | 'queued'>> {
  const pipeline = redis.pipeline();
  const finished = (id: string) => [`${prefix}:${DOCUMENT_QUEUE}:completed`, `${prefix}:${DOCUMENT_QUEUE}:failed`].map((key) => pipeline.zscore(key, id));
  for (const id of ids) {
    pipeline.exists(`${prefix}:${DOCUMENT_QUEUE}:${id}`);
    finished(id);
  }
  const results = (await pipeline.exec()) ?? [];
  const existing = new Map<string, 'finished' | 'queued'>();
  ids.forEach((id, i) => {
    const [[e1, n], [e2, completed], [e3, failed]] = results.slice(3 * i, 3 * i + 3) as Array<[Error | null, unknown]>;
    if (e1 || e2 || e3) throw e1 ?? e2 ?? e3;
    if (n === 1) existing.set(id, completed !== null || failed !== null ? 'finished' : 'queued');
  });
  return existing;
}

export async function enqueueBatch(options: EnqueueOptions, config: Config, logger: Logger): Promise<EnqueueResult> {
  const startedAt = new Date();
  const redisUrl = requireRedisUrl(config, 'enqueue');
  const batch = options.batch ?? defaultBatchName(startedAt);
  if (batch.includes(':') || batch.trim() === '')
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `batch name "${batch}" must be non-empty and contain no ':'`);

  // Everything that can be wrong fails here, before a single job exists.
  // (The plan's pageTotal and failures grow as its windows are taken.)
  const plan = await planInWindows({ ...options, batch }, config, logger, { startedAt });
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
  const redis = await connectRedis(redisUrl, 'producer');
  const flows = new FlowProducer({ connection: redisOptions(redisUrl, 'producer'), prefix });
  flows.on('error', (err) => log.debug({ err }, 'redis connection error'));
  const documentQueue = new Queue(DOCUMENT_QUEUE, { ...QUEUE_OPTIONS, connection: redisOptions(redisUrl, 'producer'), prefix });
  documentQueue.on('error', (err) => log.debug({ err }, 'redis connection error'));
  // Made for its settings only (QUEUE_OPTIONS: how long the page queue's events stream is).
  const pageQueue = new Queue(PAGE_QUEUE, { ...QUEUE_OPTIONS, connection: redisOptions(redisUrl, 'producer'), prefix });
  pageQueue.on('error', (err) => log.debug({ err }, 'redis connection error'));
  const plans: DocumentPlan[] = [];
  let documents = 0;
  let documentsAdded = 0;
  let pagesAdded = 0;
  let saved: Awaited<ReturnType<typeof saveBatch>> | undefined;
  const meta = (): BatchMeta => ({
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
    windowPages: config.windowPages,
  });
  try {
    // Windows leave in groups: one round of existence checks and one addBulk per group, and
    // the batch's list of documents grows with them.
    let group: DocumentPlan[] = [];
    let groupPages = 0;
    const flush = async () => {
      if (group.length === 0) return;
      const existing = await existingDocuments(
        redis,
        prefix,
        group.map((p) => p.documentId),
      );
      const fresh: DocumentPlan[] = [];
      for (const doc of group) {
        const state = existing.get(doc.documentId);
        // --force: read again what was finished. Otherwise a window is done when its job is still
        // queued or kept, or when the output folder has its result (completed jobs are removed).
        let redo: boolean;
        if (state === 'queued') redo = false;
        else if (config.force) redo = true;
        else {
          const done = await windowDone(outDir, doc.documentId);
          // Done by an earlier batch over the same output folder: this batch counts it as built.
          if (done)
            await countWindow(redis, prefix, batch, doc.documentId, { pages: done.pages.length, failed: done.pages.filter((p) => 'failed' in p).length });
          redo = !done;
        }
        if (!redo) continue;
        if (state === 'finished') {
          log.warn(
            { doc: doc.documentKey, job: doc.documentId },
            config.force ? 'document was done: queueing it again (--force)' : 'document was done but its output files are missing: queueing it again',
          );
          await documentQueue.remove(doc.documentId, { removeChildren: true });
        }
        // The windows after it must wait for its new result, not take the old one.
        await removeWindowResult(outDir, doc.documentId);
        fresh.push(doc);
      }
      for (let i = 0; i < fresh.length; ) {
        const call: DocumentPlan[] = [];
        for (
          let pages = 0;
          i < fresh.length && call.length < FLOWS_PER_CALL && (call.length === 0 || pages + fresh[i]!.sources.length <= PAGES_PER_CALL);
          i++
        ) {
          call.push(fresh[i]!);
          pages += fresh[i]!.sources.length;
        }
        await flows.addBulk(call.map((p) => p.flow));
      }
      documentsAdded += fresh.length;
      pagesAdded += fresh.reduce((n, p) => n + p.sources.length, 0);
      saved = await saveBatch(
        redis,
        prefix,
        meta(),
        group.map((p) => ({ documentId: p.documentId, pageCount: p.sources.length })),
      );
      group = [];
      groupPages = 0;
    };
    const previous = new Map<string, string>();
    for await (const window of plan.windows()) {
      const doc = planWindow(window, previous.get(window.documentKey) ?? null, { batch, outDir, settings, store, cwd: plan.cwd });
      if (window.last) previous.delete(window.documentKey);
      else previous.set(window.documentKey, doc.documentId);
      documents += 1;
      if (options.keepPlans) plans.push(doc);
      group.push(doc);
      groupPages += doc.sources.length;
      if (group.length >= FLOWS_PER_CALL || groupPages >= PAGES_PER_CALL) await flush();
    }
    await flush();
    // The failures of files read late, and a batch that found no page, are recorded too.
    saved = await saveBatch(redis, prefix, meta(), []);
    log.info(
      { redis: redactRedisUrl(redisUrl), documents, documentsAdded, pages: plan.pageTotal, pagesAdded },
      documentsAdded === documents ? 'batch enqueued' : `batch enqueued (${documents - documentsAdded} documents were already queued or done)`,
    );
    return {
      batch,
      outDir,
      pages: plan.pageTotal,
      documents,
      documentsAdded,
      pagesAdded,
      documentsExisting: documents - documentsAdded,
      failures: plan.failures,
      skipped: plan.skipped,
      meta: saved!.meta,
      plan,
      plans,
      startedAt,
    };
  } catch (err) {
    if (err instanceof CablescanError) throw err;
    throw new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `enqueueing batch ${batch} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await Promise.allSettled([flows.close(), documentQueue.close(), pageQueue.close()]);
    redis.disconnect();
  }
}
