// `cablescan run ... --redis URL`: the queue driver. Enqueues the batch (the
// same discovery as the in-process run), optionally works on it in this process
// with the same sandboxed workers `cablescan worker` runs, waits for every
// document with the same progress events, and writes the same report.json from
// what the workers wrote under the output folder. It schedules nothing itself:
// pages and records are made by the workers, through readPage / buildRecords.
import type { Config } from '../config.ts';
import { ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startWorkerMonitoring, type WorkerMonitoring } from '../monitoring/worker-monitoring.ts';
import {
  buildReport,
  openRunStore,
  readPageJson,
  readRecordJson,
  reportPage,
  reportRecord,
  runSettings,
  writeReport,
  type PageOutcome,
  type ReportPage,
  type ReportRecord,
  type SequenceReport,
} from '../pipeline/index.ts';
import type { InputFailure } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { watchDocuments, type WatchedDocument } from '../../queues/batch-watch.ts';
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
    { inputs: options.inputs, outDir: options.outDir, batch: options.batch, manifest: options.manifest, cwd },
    config,
    logger,
  );
  const { outDir, batch } = enqueued;
  const log = logger.child({ batch });

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

  const watched: WatchedDocument[] = enqueued.plans.map((p) => ({
    documentId: p.documentId,
    documentKey: p.documentKey,
    pages: p.sources.map((source, i) => ({ jobId: p.pageJobIds[i], source })),
  }));
  let watch;
  try {
    watch = await watchDocuments({
      redisUrl,
      prefix: bullPrefix(config.queuePrefix),
      documents: watched,
      logger: log,
      onProgress: options.onProgress,
      signal: options.signal,
      since: startedAt.getTime(),
    });
  } finally {
    if (workers) {
      // Pages in flight finish (as in the in-process run); a second signal exits the CLI.
      const stopping = workers.stop(Number.POSITIVE_INFINITY);
      if ((await stopping.done) === 'handed-back') await Promise.allSettled([workers.pages.close(true), workers.documents.close(true)]);
    }
    await monitoring?.close();
  }

  // The report, built exactly as the in-process run builds it, from what the workers wrote.
  const failures: InputFailure[] = [...enqueued.failures];
  // Each page JSON is read once, checked, and reduced to what the report needs.
  const pages: Array<{ page: ReportPage; outcome: Exclude<PageOutcome, 'failed'> }> = [];
  const documents: SequenceReport[] = [];
  // Each record is read once to check it is there, and reduced to what the report needs.
  const records: ReportRecord[] = [];
  const buildTimings: Array<Record<string, number>> = [];
  for (const doc of watched) {
    for (const { jobId, source } of doc.pages) {
      const settled = watch.pages.get(jobId);
      if (!settled) continue; // interrupted before it settled
      if (settled.state === 'completed' || settled.state === 'missing') {
        const page = await readPageJson(outDir, source.pageId);
        if (page && page.contentHash === source.contentHash && page.pipelineVersion === PIPELINE_VERSION) {
          pages.push({ page: reportPage({ ...page, file: source.file }), outcome: settled.state === 'completed' ? settled.outcome : 'resumed' });
          continue;
        }
        failures.push({
          file: source.file,
          pageId: source.pageId,
          code: ErrorCode.INTERNAL,
          message: settled.state === 'missing' ? `page job ${jobId} no longer exists and ${source.pageId}.json is not in ${outDir}/pages` : `${source.pageId}.json is missing from ${outDir}/pages although its job completed`,
          stage: 'read',
        });
        continue;
      }
      const { code, message } = parseFailureReason(settled.reason);
      failures.push({ file: source.file, pageId: source.pageId, code, message, stage: 'read' });
    }
    const settledDoc = watch.documents.get(doc.documentId);
    if (settledDoc?.state === 'completed') {
      const result = settledDoc.result;
      documents.push({ documentKey: doc.documentKey, pages: result.pages, telegrams: result.telegrams, grouping: result.grouping });
      buildTimings.push(result.timings);
      for (const id of result.recordIds) {
        const record = await readRecordJson(outDir, id);
        if (record) records.push(reportRecord(record));
        else failures.push({ file: doc.pages[0].source.file, code: ErrorCode.INTERNAL, message: `records for ${doc.documentKey}: record ${id} is missing from ${outDir}/records`, stage: 'emit' });
      }
    } else if (settledDoc?.state === 'failed') {
      const { code, message } = parseFailureReason(settledDoc.reason);
      failures.push({ file: doc.pages[0].source.file, code, message, stage: 'emit' });
    }
  }

  // Workers on other machines write files only; the review store is written once,
  // here, from those files (the same records the embedded run saves as it goes).
  const store = openRunStore(enqueued.plan, config);
  try {
    await store.importWritten(records.map((r) => r.id), documents);
  } finally {
    store.close();
  }

  const interrupted = watch.interrupted;
  if (interrupted) log.warn('stopped waiting; the batch stays queued: workers go on, and running the same command again waits for it');
  const report = buildReport({
    batch,
    inputs: options.inputs,
    startedAt,
    finishedAt: new Date(),
    interrupted,
    settings: runSettings(config, enqueued.plan.recipe.name),
    pageTotal: enqueued.pages,
    pages,
    failures,
    skipped: enqueued.skipped,
    documents,
    records,
    buildTimings,
    lowCoverageThreshold: config.thresholds.minBodyCoverage,
  });
  await writeReport(outDir, report);
  const exitCode = failures.length > 0 ? 1 : interrupted ? 130 : 0;
  // The records are in OUT/records; the driver does not hold them (RunResult.records stays empty).
  return { report, records: [], exitCode };
}
