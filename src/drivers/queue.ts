// `cablescan run ... --redis URL`: the queue driver. Enqueues the batch (the same plan as the
// in-process run), optionally works on it in this process with the same sandboxed workers
// `cablescan worker` runs, and waits for every document with the same progress events. As each
// page and document settles, it feeds the same report builder the in-process run feeds and puts
// the document's records in the review store when the worker did not (jobs enqueued before
// workers saved them); it keeps none of them. It schedules nothing
// itself: pages and records are made by the workers, through readPage / buildRecords.
import type { Config } from '../config.ts';
import { ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startWorkerMonitoring, type WorkerMonitoring } from '../monitoring/worker-monitoring.ts';
import {
  openReport,
  openRunStore,
  readPageJson,
  reportPage,
  reportRecord,
  type ReportPage,
  type ReportRecord,
  type RunStore,
} from '../pipeline/index.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { watchDocuments, type DocumentSettlement, type PageSettlement, type WatchedDocument } from '../../queues/batch-watch.ts';
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

  // Workers save each document's records to the review store as they finish; the records are read
  // here for the report (and saved from the files only for jobs whose worker did not).
  const report = await openReport(enqueued.plan, config);
  let store: RunStore;
  try {
    store = await openRunStore(enqueued.plan, config);
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

  const watched: WatchedDocument[] = enqueued.plans.map((p) => ({
    documentId: p.documentId,
    documentKey: p.documentKey,
    pages: p.sources.map((source, i) => ({ jobId: p.pageJobIds[i], source })),
  }));
  const positionOf = new Map(watched.map((d, i) => [d.documentId, i]));


  const onPage = async ({ jobId, source }: { jobId: string; source: WatchedDocument['pages'][number]['source'] }, settled: PageSettlement) => {
    if (settled.state === 'failed') {
      const { code, message } = parseFailureReason(settled.reason);
      await report.failure({ file: source.file, pageId: source.pageId, code, message, stage: 'read' });
      return;
    }
    const outcome = settled.state === 'completed' ? settled.outcome : 'resumed';
    // The page job says what the report needs; a job done before it did so (or removed since) is checked against its page JSON.
    let summary: ReportPage | null = settled.state === 'completed' && settled.result.report ? settled.result.report : null;
    if (!summary) {
      const page = await readPageJson(outDir, source.pageId);
      if (page && page.contentHash === source.contentHash && page.pipelineVersion === PIPELINE_VERSION) summary = reportPage(page);
    }
    if (summary) {
      await report.page({ ...summary, file: source.file }, outcome);
      return;
    }
    await report.failure({
      file: source.file,
      pageId: source.pageId,
      code: ErrorCode.INTERNAL,
      message: settled.state === 'missing' ? `page job ${jobId} no longer exists and ${source.pageId}.json is not in ${outDir}/pages` : `${source.pageId}.json is missing from ${outDir}/pages although its job completed`,
      stage: 'read',
    });
  };

  const onDocument = async (doc: WatchedDocument, settled: DocumentSettlement) => {
    const file = doc.pages[0]!.source.file;
    if (settled.state === 'failed') {
      const { code, message } = parseFailureReason(settled.reason);
      await report.failure({ file, code, message, stage: 'emit' });
      return;
    }
    if (settled.state !== 'completed') return;
    const { result } = settled;
    const records: ReportRecord[] = [];
    const imported = await store.importWritten(
      result.recordIds,
      [{ documentKey: doc.documentKey, pages: result.pages }],
      (record) => records.push(reportRecord(record)),
      !result.stored,
    );
    const read = new Set(records.map((r) => r.id));
    for (const { recordId } of imported.skipped) {
      if (!read.has(recordId)) await report.failure({ file, code: ErrorCode.INTERNAL, message: `records for ${doc.documentKey}: record ${recordId} is missing from ${outDir}/records`, stage: 'emit' });
    }
    await report.sequence(positionOf.get(doc.documentId)!, { documentKey: doc.documentKey, pages: result.pages, telegrams: result.telegrams, grouping: result.grouping }, result.timings, records);
  };

  let interrupted: boolean;
  try {
    try {
      ({ interrupted } = await watchDocuments({
        redisUrl,
        prefix: bullPrefix(config.queuePrefix),
        documents: watched,
        logger: log,
        onProgress: options.onProgress,
        onPage,
        onDocument,
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
