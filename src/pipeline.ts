// The in-process driver (`cablescan run` without Redis): discovers the inputs,
// reads pages through a bounded pool (the OCR engine's workers), builds each
// document's records as soon as its last page settles, and writes the report.
// It only schedules readPage / buildRecords; it never calls a stage directly.
import path from 'node:path';
import type { Config } from './config.ts';
import { createEngine } from './create-engine.ts';
import { ErrorCode, toCablescanError } from './errors.ts';
import { discoverInputs } from './ingest/index.ts';
import type { Logger } from './logger.ts';
import type { OcrEngine } from './ocr/engine.ts';
import { writeJsonAtomic } from './records/atomic-write.ts';
import { reportPath } from './records/layout.ts';
import { recordBuildSettings } from './records/build-settings.ts';
import { findDonePage } from './records/page-store.ts';
import { buildReport, reportPage, reportRecord, runSettings, type BatchReport, type PageOutcome, type ReportPage, type ReportRecord, type SequenceReport } from './records/report.ts';
import { checkBatchSettings, checkInputsFound, checkMachineSettings } from './settings-checks.ts';
import { defaultDbPath, ReviewStore } from './store/index.ts';
import { buildRecords, readPageFromScan } from './pipeline/index.ts';
import type { InputFailure, PageResult, PageSource, TelegramRecord } from './types.ts';

export interface ProgressEvent {
  done: number;
  total: number;
  failed: number;
  pageId?: string;
  outcome?: PageOutcome;
}

export interface RunOptions {
  inputs: string[];
  outDir: string;
  batch?: string;
  manifest?: string;
  cwd?: string;
  /** Injected engine (tests, benchmarks); otherwise one is created and closed by the run. */
  engine?: OcrEngine;
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting stops taking new pages; pages in flight finish and the report is written. */
  signal?: AbortSignal;
  /**
   * Return every record in RunResult.records (benchmarks that score them). Off, the run keeps
   * only what the report needs of each record: they are on disk, and a long run's memory
   * would grow with them.
   */
  keepRecords?: boolean;
}

export interface RunResult {
  report: BatchReport;
  /** The run's records; empty unless RunOptions.keepRecords. */
  records: TelegramRecord[];
  exitCode: number;
}

interface DocumentState {
  key: string;
  sources: PageSource[];
  settled: number;
  results: Map<string, PageResult>;
}

export function defaultBatchName(date = new Date()): string {
  return `run-${date.toISOString().replace(/[:.]/g, '-').replace('Z', '')}`;
}

export async function runPipeline(options: RunOptions, config: Config, logger: Logger): Promise<RunResult> {
  const startedAt = new Date();
  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, options.outDir);
  const batch = options.batch ?? defaultBatchName(startedAt);
  const log = logger.child({ batch });

  // Everything that can be wrong with the run's own settings fails before any page is read
  // and before anything is written.
  const { recipe, profiles } = checkBatchSettings(config);
  checkMachineSettings(config);

  const ingest = await discoverInputs(options.inputs, {
    cwd,
    lang: config.lang,
    documents: config.documents,
    manifest: options.manifest,
    maxPixels: config.maxPixels,
    maxPagesPerFile: config.maxPagesPerFile,
    allowOutsideInputs: config.allowOutsideInputs,
    logger: log.child({ stage: 'ingest' }),
  });
  checkInputsFound(ingest, { inputs: options.inputs, manifest: options.manifest });

  const documents = new Map<string, DocumentState>();
  for (const source of ingest.pages) {
    let doc = documents.get(source.documentKey);
    if (!doc) documents.set(source.documentKey, (doc = { key: source.documentKey, sources: [], settled: 0, results: new Map() }));
    doc.sources.push(source);
  }

  const failures: InputFailure[] = [...ingest.failures];
  // What the report needs of each page; the pages themselves are let go once their document is built.
  const pages: Array<{ page: ReportPage; outcome: Exclude<PageOutcome, 'failed'> }> = [];
  const documentReports: SequenceReport[] = [];
  const records: TelegramRecord[] = [];
  const recordSummaries: ReportRecord[] = [];
  const buildTimings: Array<Record<string, number>> = [];
  const total = ingest.pages.length;
  let done = 0;
  const progress = (pageId?: string, outcome?: PageOutcome) =>
    options.onProgress?.({ done, total, failed: failures.filter((f) => f.pageId).length, pageId, outcome });
  progress();

  const ownsEngine = !options.engine;
  const engine = options.engine ?? createEngine(config, log);
  // A missing language or engine binary stops the run here, not once per page.
  try {
    for (const lang of new Set(ingest.pages.map((p) => p.lang ?? config.lang))) await engine.prepare?.(lang);
  } catch (err) {
    if (ownsEngine) await engine.close();
    throw err;
  }
  // The review store gets every record the emit stage writes (default <out>/cablescan.db).
  let store: ReviewStore;
  try {
    store = ReviewStore.open(config.db ? path.resolve(cwd, config.db) : defaultDbPath(outDir));
  } catch (err) {
    if (ownsEngine) await engine.close();
    throw err;
  }

  const finishDocument = async (doc: DocumentState) => {
    const ordered = doc.sources.map((s) => doc.results.get(s.pageId)).filter((p): p is PageResult => p !== undefined);
    const docLog = log.child({ doc: doc.key });
    try {
      const built = await buildRecords(ordered, { config, logger: docLog, outDir, profiles, store: store.recordSink({ batch, cwd, outDir, build: recordBuildSettings(config, cwd) }) });
      recordSummaries.push(...built.records.map(reportRecord));
      if (options.keepRecords) records.push(...built.records);
      buildTimings.push(built.timings);
      documentReports.push({ documentKey: doc.key, pages: ordered.map((p) => p.pageId), telegrams: built.telegrams, grouping: built.grouping });
    } catch (err) {
      const e = toCablescanError(err, ErrorCode.INTERNAL);
      docLog.error({ stage: 'emit', code: e.code, err: e }, 'building records failed');
      failures.push({ file: doc.sources[0].file, code: e.code, message: `records for ${doc.key}: ${e.message}`, stage: 'emit' });
    } finally {
      // The pages are on disk (page JSON); holding them for the whole run made its memory grow with it.
      doc.results.clear();
    }
  };

  const processPage = async (source: PageSource) => {
    const doc = documents.get(source.documentKey)!;
    const pageLog = log.child({ doc: doc.key, page: source.pageId });
    let outcome: PageOutcome = 'failed';
    try {
      const previous = config.force ? null : await findDonePage(outDir, source);
      const page = previous ?? (await readPageFromScan(source, { config, logger: pageLog, engine, outDir, recipe }));
      outcome = previous ? 'resumed' : 'read';
      pages.push({ page: reportPage(page), outcome });
      doc.results.set(source.pageId, page);
    } catch (err) {
      const e = toCablescanError(err, ErrorCode.INTERNAL, source.file);
      pageLog.error({ stage: 'read', code: e.code }, e.message);
      // Every reason names its file, whichever stage failed (an engine's own message does not).
      const message = e.message.includes(source.file) ? e.message : `${source.file}: ${e.message}`;
      failures.push({ file: source.file, pageId: source.pageId, code: e.code, message, stage: 'read' });
    }
    done += 1;
    doc.settled += 1;
    progress(source.pageId, outcome);
    if (doc.settled === doc.sources.length) await finishDocument(doc);
  };

  // A small pool: one page more than OCR workers, so decoding and preprocessing
  // of the next page overlap with recognition of the current ones.
  const queue = [...ingest.pages];
  const poolSize = Math.min(queue.length, config.concurrency + 1);
  let interrupted = false;
  try {
    await Promise.all(
      Array.from({ length: poolSize }, async () => {
        for (let source = queue.shift(); source; source = queue.shift()) {
          if (options.signal?.aborted) {
            interrupted = true;
            return;
          }
          await processPage(source);
        }
      }),
    );
  } finally {
    if (ownsEngine) await engine.close();
    store.close();
  }

  const report = buildReport({
    batch,
    inputs: options.inputs,
    startedAt,
    finishedAt: new Date(),
    interrupted,
    settings: runSettings(config, recipe.name),
    pageTotal: total,
    pages,
    failures,
    skipped: ingest.skipped,
    documents: documentReports,
    records: recordSummaries,
    buildTimings,
    lowCoverageThreshold: config.thresholds.minBodyCoverage,
  });
  await writeJsonAtomic(reportPath(outDir), report);
  const exitCode = failures.length > 0 ? 1 : interrupted ? 130 : 0;
  return { report, records, exitCode };
}
