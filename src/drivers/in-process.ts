// The in-process driver (`cablescan run` without Redis): discovers the inputs,
// reads pages through a bounded pool (the OCR engine's workers), builds each
// document's records as soon as its last page settles, and writes the report.
// It only schedules readPage / buildRecords; it never calls a stage directly.
import type { Config } from '../config.ts';
import { ErrorCode, toCablescanError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  buildRecords,
  buildReport,
  createEngine,
  openRunStore,
  planBatch,
  readPage,
  reportPage,
  reportRecord,
  runSettings,
  writeReport,
  type BatchReport,
  type OcrEngine,
  type PageOutcome,
  type PlannedSequence,
  type ProgressEvent,
  type ReportPage,
  type ReportRecord,
  type RunStore,
  type SequenceReport,
} from '../pipeline/index.ts';
import type { InputFailure, PageResult, PageSource, TelegramRecord } from '../types.ts';

export type { ProgressEvent };

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

interface SequenceState {
  sequence: PlannedSequence;
  settled: number;
  results: Map<string, PageResult>;
}

export async function runInProcess(options: RunOptions, config: Config, logger: Logger): Promise<RunResult> {
  // Everything that can be wrong with the run's own settings or inputs fails here, before any
  // page is read and before anything is written.
  const plan = await planBatch(options, config, logger, { readsHere: true });
  const { batch, outDir, recipe, profiles } = plan;
  const startedAt = new Date(plan.startedAt);
  const log = logger.child({ batch });

  const sequences = new Map<string, SequenceState>(plan.sequences.map((sequence) => [sequence.documentKey, { sequence, settled: 0, results: new Map() }]));
  const failures: InputFailure[] = [...plan.failures];
  // What the report needs of each page; the pages themselves are let go once their document is built.
  const pages: Array<{ page: ReportPage; outcome: Exclude<PageOutcome, 'failed'> }> = [];
  const documentReports: SequenceReport[] = [];
  const records: TelegramRecord[] = [];
  const recordSummaries: ReportRecord[] = [];
  const buildTimings: Array<Record<string, number>> = [];
  const total = plan.pageTotal;
  let done = 0;
  const progress = (pageId?: string, outcome?: PageOutcome) =>
    options.onProgress?.({ done, total, failed: failures.filter((f) => f.pageId).length, pageId, outcome });
  progress();

  const ownsEngine = !options.engine;
  const engine = options.engine ?? createEngine(config, log);
  // A missing language or engine binary stops the run here, not once per page.
  try {
    for (const lang of new Set(plan.sequences.flatMap((s) => s.pages.map((p) => p.lang ?? config.lang)))) await engine.prepare?.(lang);
  } catch (err) {
    if (ownsEngine) await engine.close();
    throw err;
  }
  // The review store gets every record the emit stage writes (default <out>/cablescan.db).
  let store: RunStore;
  try {
    store = openRunStore(plan, config);
  } catch (err) {
    if (ownsEngine) await engine.close();
    throw err;
  }

  const finishSequence = async (state: SequenceState) => {
    const { sequence } = state;
    const ordered = sequence.pages.map((s) => state.results.get(s.pageId)).filter((p): p is PageResult => p !== undefined);
    const docLog = log.child({ doc: sequence.documentKey });
    try {
      const built = await buildRecords(ordered, { config, logger: docLog, outDir, profiles, store: store.sink });
      recordSummaries.push(...built.records.map(reportRecord));
      if (options.keepRecords) records.push(...built.records);
      buildTimings.push(built.timings);
      documentReports.push({ documentKey: sequence.documentKey, pages: ordered.map((p) => p.pageId), telegrams: built.telegrams, grouping: built.grouping });
    } catch (err) {
      const e = toCablescanError(err, ErrorCode.INTERNAL);
      docLog.error({ stage: 'emit', code: e.code, err: e }, 'building records failed');
      failures.push({ file: sequence.pages[0].file, code: e.code, message: `records for ${sequence.documentKey}: ${e.message}`, stage: 'emit' });
    } finally {
      // The pages are on disk (page JSON); holding them for the whole run made its memory grow with it.
      state.results.clear();
    }
  };

  const processPage = async (source: PageSource) => {
    const state = sequences.get(source.documentKey)!;
    const pageLog = log.child({ doc: source.documentKey, page: source.pageId });
    let outcome: PageOutcome = 'failed';
    try {
      const read = await readPage(source, { config, logger: pageLog, engine, outDir, recipe });
      outcome = read.outcome;
      pages.push({ page: reportPage(read.page), outcome: read.outcome });
      state.results.set(source.pageId, read.page);
    } catch (err) {
      const e = toCablescanError(err, ErrorCode.INTERNAL, source.file);
      pageLog.error({ stage: 'read', code: e.code }, e.message);
      // Every reason names its file, whichever stage failed (an engine's own message does not).
      const message = e.message.includes(source.file) ? e.message : `${source.file}: ${e.message}`;
      failures.push({ file: source.file, pageId: source.pageId, code: e.code, message, stage: 'read' });
    }
    done += 1;
    state.settled += 1;
    progress(source.pageId, outcome);
    if (state.settled === state.sequence.pages.length) await finishSequence(state);
  };

  // A small pool: one page more than OCR workers, so decoding and preprocessing
  // of the next page overlap with recognition of the current ones.
  const queue = plan.sequences.flatMap((s) => s.pages);
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
    skipped: plan.skipped,
    documents: documentReports,
    records: recordSummaries,
    buildTimings,
    lowCoverageThreshold: config.thresholds.minBodyCoverage,
  });
  await writeReport(outDir, report);
  const exitCode = failures.length > 0 ? 1 : interrupted ? 130 : 0;
  return { report, records, exitCode };
}
