// The in-process driver (`cablescan run` without Redis): plans the batch, reads pages through
// a bounded pool (the OCR engine's workers), builds each window of a sequence (its documents
// whose pages are known, src/pipeline/windows.ts) as soon as its pages and the window before it
// have settled, and feeds the report as it goes. It schedules readPage / buildRecords and holds
// no page or record longer than it takes to hand it on: a sequence's pages are loaded back from
// their page JSON when it is built, and the report keeps its lists on disk (issue 24).
import type { Config } from '../config.ts';
import { ErrorCode, toCablescanError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  createEngine,
  loadSettledPages,
  openReport,
  openRunStore,
  planBatch,
  readPage,
  reportPage,
  reportRecord,
  buildWindow,
  windowsOf,
  type WindowBuild,
  type WindowCarry,
  type OcrEngine,
  type PageOutcome,
  type ProgressEvent,
  type ReportBuilder,
  type ReportSummary,
  type RunStore,
} from '../pipeline/index.ts';
import type { PageSource, TelegramRecord } from '../types.ts';

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
  /** report.json without its long lists (those are in the file). */
  report: ReportSummary;
  /** The run's records; empty unless RunOptions.keepRecords. */
  records: TelegramRecord[];
  exitCode: number;
}

interface WindowState {
  sequence: SequenceState;
  pages: PageSource[];
  /** The window's place in the plan (and in the report). */
  position: number;
  settled: number;
  /** Pages read or resumed in this run: the ones its records are built from. */
  ready: Set<string>;
}

interface SequenceState {
  /** Pages its windows were built from, in order (the review store's sequence once the last is built). */
  built: PageSource[];
  documentKey: string;
  windows: WindowState[];
  /** The first window not built yet. */
  next: number;
  carry: WindowCarry | null;
  /** The builds of the sequence, one after the other (pages of two windows may settle at once). */
  building: Promise<void>;
}

export async function runInProcess(options: RunOptions, config: Config, logger: Logger): Promise<RunResult> {
  // Everything that can be wrong with the run's own settings or inputs fails here, before any
  // page is read and before anything is written.
  const plan = await planBatch(options, config, logger, { readsHere: true });
  const { batch, outDir, recipe, profiles } = plan;
  const log = logger.child({ batch });

  const windowOf = new Map<string, WindowState>();
  let positions = 0;
  for (const sequence of plan.sequences) {
    const state: SequenceState = { built: [], documentKey: sequence.documentKey, windows: [], next: 0, carry: null, building: Promise.resolve() };
    for (const pages of windowsOf(sequence.pages, config.windowPages)) {
      const window: WindowState = { sequence: state, pages, position: positions++, settled: 0, ready: new Set<string>() };
      state.windows.push(window);
      for (const page of pages) windowOf.set(page.pageId, window);
    }
  }
  const records: TelegramRecord[] = [];
  const total = plan.pageTotal;
  let done = 0;
  let failed = plan.failures.filter((f) => f.pageId).length;
  const progress = (pageId?: string, outcome?: PageOutcome) => options.onProgress?.({ done, total, failed, pageId, outcome });
  progress();

  const ownsEngine = !options.engine;
  const engine = options.engine ?? createEngine(config, log);
  let store: RunStore | undefined;
  let report: ReportBuilder;
  try {
    // A missing language or engine binary stops the run here, not once per page.
    for (const lang of new Set(plan.sequences.flatMap((s) => s.pages.map((p) => p.lang ?? config.lang)))) await engine.prepare?.(lang);
    // The review store gets every record the emit stage writes (default <out>/cablescan.db).
    store = await openRunStore(plan, config);
    report = await openReport(plan, config);
  } catch (err) {
    await store?.close();
    if (ownsEngine) await engine.close();
    throw err;
  }
  const sink = store.sink;

  const buildWindowOf = async (state: SequenceState, window: WindowState) => {
    const { documentKey } = state;
    const docLog = log.child({ doc: documentKey });
    const last = window === state.windows.at(-1);
    let built: WindowBuild;
    try {
      const pages = await loadSettledPages(outDir, window.pages, window.ready);
      built = await buildWindow(pages, state.carry, last, { config, logger: docLog, outDir, profiles, store: sink });
      state.carry = built.carry;
      if (state.windows.length > 1) {
        state.built.push(...window.pages.filter((p) => window.ready.has(p.pageId)));
        if (last) await store!.saveSequence(documentKey, state.built);
      }
    } catch (err) {
      const e = toCablescanError(err, ErrorCode.INTERNAL);
      docLog.error({ stage: 'emit', code: e.code, err: e }, 'building records failed');
      await report.failure({ file: window.pages[0]!.file, code: e.code, message: `records for ${documentKey}: ${e.message}`, stage: 'emit' });
      // What the window would have carried is lost: the next window starts its documents afresh.
      state.carry = null;
      return;
    } finally {
      window.ready.clear();
    }
    if (options.keepRecords) records.push(...built.records);
    if (built.pages.length === 0) return;
    await report.sequence(
      window.position,
      { documentKey, pages: built.pages, telegrams: built.telegrams, grouping: built.grouping },
      built.timings,
      built.records.map(reportRecord),
    );
  };

  /** Builds the sequence's windows, in order and one at a time, as far as their pages have settled. */
  const advance = (state: SequenceState): Promise<void> => {
    state.building = state.building.then(async () => {
      for (let window = state.windows[state.next]; window && window.settled === window.pages.length; window = state.windows[state.next]) {
        state.next += 1;
        await buildWindowOf(state, window);
      }
    });
    return state.building;
  };

  const processPage = async (source: PageSource) => {
    const window = windowOf.get(source.pageId)!;
    const pageLog = log.child({ doc: source.documentKey, page: source.pageId });
    let outcome: PageOutcome = 'failed';
    try {
      const read = await readPage(source, { config, logger: pageLog, engine, outDir, recipe });
      outcome = read.outcome;
      window.ready.add(source.pageId);
      await report.page(reportPage(read.page), read.outcome);
    } catch (err) {
      if (outcome !== 'failed') throw err; // the report could not be written: the run cannot go on
      const e = toCablescanError(err, ErrorCode.INTERNAL, source.file);
      pageLog.error({ stage: 'read', code: e.code }, e.message);
      // Every reason names its file, whichever stage failed (an engine's own message does not).
      const message = e.message.includes(source.file) ? e.message : `${source.file}: ${e.message}`;
      failed += 1;
      await report.failure({ file: source.file, pageId: source.pageId, code: e.code, message, stage: 'read' });
    }
    done += 1;
    window.settled += 1;
    progress(source.pageId, outcome);
    if (window.settled === window.pages.length) await advance(window.sequence);
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
  } catch (err) {
    await report.discard();
    throw err;
  } finally {
    if (ownsEngine) await engine.close();
    await store.close();
  }

  const summary = await report.finish({ interrupted });
  const exitCode = summary.failuresTotal > 0 ? 1 : interrupted ? 130 : 0;
  return { report: summary, records, exitCode };
}
