// `cablescan run ... --redis URL`: the queue driver. Enqueues the batch (the same plan as the
// in-process run), optionally works on it in this process with the same sandboxed workers
// `cablescan worker` runs, and waits for every window of a sequence with the same progress
// events. As each window settles (its pages, and the documents it closed), it feeds the same
// report builder the in-process run feeds, and puts the records in the review store when the
// worker did not (jobs enqueued before workers saved them); it keeps none of them. It schedules
// nothing itself: pages and records are made by the workers, through readPage / buildWindow.
import type { Config } from '../config.ts';
import { ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startWorkerMonitoring, type WorkerMonitoring } from '../monitoring/worker-monitoring.ts';
import { openReport, openRunStore, readPageJson, reportPage, reportRecord, type ReportPage, type ReportRecord, type RunStore } from '../pipeline/index.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { watchWindows, type WatchedWindow, type WindowSettlement } from '../../queues/batch-watch.ts';
import { bullPrefix } from '../../queues/names.ts';
import { parseFailureReason } from '../../queues/payloads.ts';
import { enqueueBatch, requireRedisUrl } from '../../queues/producer.ts';
import { startWorkers, type WorkerHandle } from '../../workers/start-workers.ts';
import type { RunOptions, RunResult } from './in-process.ts';

export interface QueueRunOptions extends RunOptions {
  /**
   * Pages this process reads itself while it waits (sandboxed OCR children, like
   * `cablescan worker -j N`). 0: only enqueue and wait for other machines' workers.
   * Default: config.concurrency.
   */
  localConcurrency?: number;
  /** Lock settings for the local worker (tests shorten them). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export async function runViaQueue(options: QueueRunOptions, config: Config, logger: Logger): Promise<RunResult> {
  const startedAt = new Date();
  const cwd = options.cwd ?? process.cwd();
  const redisUrl = requireRedisUrl(config, 'run --redis');
  const enqueued = await enqueueBatch(
    { inputs: options.inputs, outDir: options.outDir, batch: options.batch, manifest: options.manifest, cwd, keepPlans: true },
    config,
    logger,
  );
  const { outDir, batch } = enqueued;
  const log = logger.child({ batch });
  // The report places pages and windows in plan order: the driver (not the producer) keeps the plan's page ids.
  const plan = { ...enqueued.plan, sequences: enqueued.plans.map((p) => ({ documentKey: p.documentKey, pages: p.sources })), done: [] };

  // Workers save each window's records to the review store as they build them (and a sequence
  // whole with its last window); the records are read here for the report, and saved from the
  // files only for windows whose worker did not.
  const report = await openReport(plan, config);
  let store: RunStore;
  try {
    store = await openRunStore(plan, config);
  } catch (err) {
    await report.discard();
    throw err;
  }

  const localConcurrency = options.localConcurrency ?? config.concurrency;
  let workers: WorkerHandle | undefined;
  let monitoring: WorkerMonitoring | undefined;
  if (localConcurrency > 0 && enqueued.pages > 0) {
    workers = startWorkers({
      redisUrl,
      config,
      logger: log.child({ role: 'local-worker' }),
      concurrency: localConcurrency,
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
    });
    // Its jobs count in the Redis-aggregated metrics like any `cablescan worker`'s.
    monitoring = await startWorkerMonitoring({ workers, redisUrl, config, logger: log });
  }

  const watched: WatchedWindow[] = enqueued.plans.map((p) => ({
    documentId: p.documentId,
    documentKey: p.documentKey,
    position: p.flow.data.window?.position ?? 0,
    pages: p.sources,
  }));

  // Sequences of several windows: the pages each window built, for the review store's whole sequence once the last is in.
  const windowsOf = new Map<string, number>();
  for (const w of watched) windowsOf.set(w.documentKey, (windowsOf.get(w.documentKey) ?? 0) + 1);
  const builtOf = new Map<string, Map<number, string[]>>();
  const sourceOf = new Map(watched.flatMap((w) => w.pages.map((p) => [p.pageId, p] as const)));
  /** Sequences a window of which was built by a worker that did not save it. */
  const unstored = new Set<string>();

  const onWindow = async (window: WatchedWindow, settled: WindowSettlement) => {
    const file = window.pages[0]?.file ?? window.documentKey;
    if (settled.state !== 'completed') {
      const { code, message } =
        settled.state === 'failed'
          ? parseFailureReason(settled.reason)
          : { code: ErrorCode.INTERNAL, message: `document job ${window.documentId} no longer exists and wrote no result under ${outDir}/windows` };
      await report.failure({ file, code, message, stage: 'emit' });
      return;
    }
    const { outcome, earlier } = settled;
    const sources = new Map(window.pages.map((p) => [p.pageId, p]));
    for (const page of outcome.pages) {
      const source = sources.get(page.pageId);
      const pageFile = source?.file ?? page.file;
      if ('failed' in page) {
        const { code, message } = parseFailureReason(page.failed);
        await report.failure({ file: pageFile, pageId: page.pageId, code, message, stage: 'read' });
        continue;
      }
      // The page job said what the report needs; a page done before it did so is checked against its page JSON.
      let summary: ReportPage | null = page.report ?? null;
      if (!summary) {
        const json = await readPageJson(outDir, page.pageId);
        if (json && (!source || json.contentHash === source.contentHash) && json.pipelineVersion === PIPELINE_VERSION) summary = reportPage(json);
      }
      if (summary) await report.page({ ...summary, file: pageFile }, earlier || page.outcome === 'resumed' ? 'resumed' : 'read');
      else
        await report.failure({
          file: pageFile,
          pageId: page.pageId,
          code: ErrorCode.INTERNAL,
          message: `${page.pageId}.json is missing from ${outDir}/pages although its window was built`,
          stage: 'read',
        });
    }
    const { built } = outcome;
    // Once every window of a sequence is in (after this one's records, saved with its part), the store gets the whole.
    // (Saved by the workers: the sequence's last window saved it whole. Saved here, from the files,
    // when a window's worker did not.)
    const wholeSequence = async () => {
      if ((windowsOf.get(window.documentKey) ?? 1) <= 1) return;
      if (!built.stored) unstored.add(window.documentKey);
      const parts = builtOf.get(window.documentKey) ?? new Map<number, string[]>();
      builtOf.set(window.documentKey, parts.set(window.position, built.pages));
      if (parts.size < windowsOf.get(window.documentKey)!) return;
      builtOf.delete(window.documentKey);
      if (!unstored.delete(window.documentKey)) return;
      const pages = [...parts].sort(([a], [b]) => a - b).flatMap(([, ids]) => ids.map((id) => sourceOf.get(id)!));
      await store.saveSequence(window.documentKey, pages);
    };
    if (built.pages.length === 0) {
      await wholeSequence();
      return;
    }
    const records: ReportRecord[] = [];
    const imported = await store.importWritten(
      built.recordIds,
      [{ documentKey: window.documentKey, pages: built.pages }],
      (record) => records.push(reportRecord(record)),
      !built.stored,
    );
    const read = new Set(records.map((r) => r.id));
    for (const { recordId } of imported.skipped) {
      if (!read.has(recordId))
        await report.failure({
          file,
          code: ErrorCode.INTERNAL,
          message: `records for ${window.documentKey}: record ${recordId} is missing from ${outDir}/records`,
          stage: 'emit',
        });
    }
    await wholeSequence();
    await report.sequence(
      window.position,
      { documentKey: window.documentKey, pages: built.pages, telegrams: built.telegrams, grouping: built.grouping },
      built.timings,
      records,
    );
  };

  let interrupted: boolean;
  try {
    try {
      ({ interrupted } = await watchWindows({
        redisUrl,
        prefix: bullPrefix(config.queuePrefix),
        outDir,
        windows: watched,
        logger: log,
        onProgress: options.onProgress,
        onWindow,
        signal: options.signal,
        since: startedAt.getTime(),
      }));
    } finally {
      if (workers) {
        // Pages in flight finish (as in the in-process run); a second signal exits the CLI.
        const stopping = workers.stop(Number.POSITIVE_INFINITY);
        if ((await stopping.done) === 'handed-back') await Promise.allSettled([workers.pages.close(true), workers.documents.close(true)]);
      }
      await monitoring?.close();
    }
  } catch (err) {
    await report.discard();
    throw err;
  } finally {
    await store.close();
  }

  if (interrupted) log.warn('stopped waiting; the batch stays queued: workers go on, and running the same command again waits for it');
  const summary = await report.finish({ interrupted });
  const exitCode = summary.failuresTotal > 0 ? 1 : interrupted ? 130 : 0;
  // The records are in OUT/records; the driver does not hold them (RunResult.records stays empty).
  return { report: summary, records: [], exitCode };
}
