// The batch confidence report (DIR/report.json), built as the run goes, the same way by both
// drivers: a page's summary when it settles, a sequence's (with its records') when it is built,
// a failure when it happens. Lists that grow with the batch (pages, sequences with their
// grouping decisions, failures) go to spool files beside the report, not into memory; what
// stays in memory is counts, the ten least confident records, the timing samples (one number a
// stage a page) and which pages settled how (one byte a page). `finish` streams report.json in
// plan order (pages and sequences as the plan lists them, whatever order they settled in).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../../errors.ts';
import { reportPath } from '../../records/layout.ts';
import type { InputFailure, SkippedInput } from '../../types.ts';
import { PIPELINE_VERSION } from '../../version.ts';
import type { PageOutcome } from '../read-page.ts';
import { JsonObjectWriter } from './json-writer.ts';
import { Spool } from './spool.ts';
import type { ReportPage, ReportRecord, SequenceReport, StatusCounts } from './summaries.ts';

export interface ReportOpenOptions {
  outDir: string;
  batch: string;
  inputs: string[];
  startedAt: Date;
  settings: Record<string, unknown>;
  /** The plan's sequences, in order: a page's and a sequence's place in the report. */
  sequences: ReadonlyArray<{ documentKey: string; pages: ReadonlyArray<{ pageId: string }> }>;
  /** Inputs refused while the batch was planned: the report's first failures. */
  failures: readonly InputFailure[];
  skipped: readonly SkippedInput[];
  /** Telegrams whose body covers less of their text than this are listed (config.thresholds.minBodyCoverage). */
  lowCoverageThreshold: number;
}

export interface TimingSummary {
  count: number;
  medianMs: number;
  p95Ms: number;
  totalMs: number;
}

export interface PageCounts {
  pages: number;
  pagesRead: number;
  pagesResumed: number;
  pagesFailed: number;
  pagesNotReached: number;
}

/** One engine and model that read pages of the batch, and why it was the one (issue 20). */
export interface EngineUse {
  engine: string;
  engineVersion: string;
  model: string | null;
  reason: string | null;
  pages: number;
}

/** What `finish` returns: report.json without its long lists (the run's summary table is made of it). */
export interface ReportSummary {
  schemaVersion: 1;
  pipelineVersion: string;
  batch: string;
  inputs: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  interrupted: boolean;
  settings: Record<string, unknown>;
  /** Which engines and models read the pages (read now or resumed from an earlier run, which may have chosen differently), most pages first. */
  ocr: { engines: EngineUse[] };
  counts: PageCounts & { pagesBlank: number; pagesNearlyBlank: number; inputsFailed: number; filesSkipped: number; records: number; fields: StatusCounts };
  fields: Record<string, StatusCounts>;
  /** The first failures (all of them up to FAILURES_IN_SUMMARY; report.json has every one). */
  failures: InputFailure[];
  failuresTotal: number;
  skipped: SkippedInput[];
  grouping: { pages: number; starts: number; uncertain: number };
  timings: Record<string, TimingSummary>;
}

/** Failures a summary carries (the printed table lists them); report.json lists them all. */
export const FAILURES_IN_SUMMARY = 100;
const LOWEST_CONFIDENCE = 10;

const PAGE_NONE = 0;
const PAGE_READ = 1;
const PAGE_RESUMED = 2;

const round1 = (v: number): number => Math.round(v * 10) / 10;

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Lexicographic order of [source, position, index] keys: where a name (a stage, a field) was
 * first seen in plan order, so the report's objects list their keys as a run read in plan order
 * would have met them.
 */
type Rank = [number, number, number];
const before = (a: Rank, b: Rank): boolean => (a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2]);

class RankedKeys<T> {
  private readonly entries = new Map<string, { rank: Rank; value: T }>();
  constructor(private readonly make: () => T) {}
  get(name: string, rank: Rank): T {
    let entry = this.entries.get(name);
    if (!entry) this.entries.set(name, (entry = { rank, value: this.make() }));
    else if (before(rank, entry.rank)) entry.rank = rank;
    return entry.value;
  }
  ordered(): Array<[string, T]> {
    return [...this.entries].sort(([, a], [, b]) => (before(a.rank, b.rank) ? -1 : before(b.rank, a.rank) ? 1 : 0)).map(([name, e]) => [name, e.value]);
  }
}

/** Stage durations, one growing array of numbers a stage. */
class Timings {
  private readonly stages = new RankedKeys<{ values: Float64Array; n: number }>(() => ({ values: new Float64Array(64), n: 0 }));
  add(sample: Record<string, number>, source: number, position: number): void {
    Object.entries(sample).forEach(([stage, ms], i) => {
      const s = this.stages.get(stage, [source, position, i]);
      if (s.n === s.values.length) {
        const grown = new Float64Array(s.values.length * 2);
        grown.set(s.values);
        s.values = grown;
      }
      s.values[s.n++] = ms;
    });
  }
  summary(): Record<string, TimingSummary> {
    const out: Record<string, TimingSummary> = {};
    for (const [stage, { values, n }] of this.stages.ordered()) {
      const sorted = values.slice(0, n).sort();
      let total = 0;
      for (const v of sorted) total += v;
      out[stage] = { count: n, medianMs: round1(quantile(sorted, 0.5)), p95Ms: round1(quantile(sorted, 0.95)), totalMs: round1(total) };
    }
    return out;
  }
}

interface LowConfidence {
  rank: Rank;
  entry: { recordId: string; profile: string; pages: string[]; meanConfidence: number; needsReview: string[] };
}

export class ReportBuilder {
  private readonly pagePosition = new Map<string, number>();
  private readonly pageState: Uint8Array;
  private readonly failedPageIds = new Set<string>();
  private readonly ingestFailedPageIds = new Set<string>();
  private readonly failedFiles = new Set<string>();
  private readonly fieldCounts = new RankedKeys<StatusCounts>(() => ({ accepted: 0, needs_review: 0, missing: 0 }));
  private readonly totals: StatusCounts = { accepted: 0, needs_review: 0, missing: 0 };
  private readonly timings = new Timings();
  /** Pages per (engine, version, model, reason): a handful of entries whatever the batch's size. */
  private readonly engineUses = new Map<string, EngineUse>();
  private readonly firstFailures: InputFailure[] = [];
  private lowest: LowConfidence[] = [];
  private pagesRead = 0;
  private pagesResumed = 0;
  private pagesBlank = 0;
  private pagesNearlyBlank = 0;
  private records = 0;
  private failureCount = 0;
  private groupingPages = 0;
  private groupingStarts = 0;
  private groupingUncertain = 0;

  private constructor(
    private readonly options: ReportOpenOptions,
    private readonly dir: string,
    private readonly pages: Spool,
    private readonly sequences: Spool,
    private readonly failures: Spool,
  ) {
    let position = 0;
    for (const sequence of options.sequences) for (const page of sequence.pages) this.pagePosition.set(page.pageId, position++);
    this.pageState = new Uint8Array(position);
  }

  /** Opens the report's spool files under the output folder (a dot folder, removed by `finish`). */
  static async open(options: ReportOpenOptions): Promise<ReportBuilder> {
    let dir: string;
    try {
      await mkdir(options.outDir, { recursive: true });
      dir = await mkdtemp(path.join(options.outDir, '.report-'));
    } catch (err) {
      throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write under ${options.outDir}: ${(err as Error).message}`, { file: options.outDir, cause: err });
    }
    const [pages, sequences, failures] = await Promise.all(['pages', 'sequences', 'failures'].map((name) => Spool.create(path.join(dir, `${name}.jsonl`))));
    const builder = new ReportBuilder(options, dir, pages!, sequences!, failures!);
    try {
      for (const failure of options.failures) await builder.failure(failure);
    } catch (err) {
      await builder.discard();
      throw err;
    }
    return builder;
  }

  /** A page that settled read or resumed (a failed page comes as a failure). The first report of a page counts. */
  async page(summary: ReportPage, outcome: Exclude<PageOutcome, 'failed'>): Promise<void> {
    let position = this.pagePosition.get(summary.pageId);
    // A page the plan did not list (not expected) goes after the plan's.
    if (position === undefined) this.pagePosition.set(summary.pageId, (position = this.pagePosition.size));
    if (position < this.pageState.length) {
      if (this.pageState[position] !== PAGE_NONE) return;
      this.pageState[position] = outcome === 'read' ? PAGE_READ : PAGE_RESUMED;
    } else if (this.pages.has(position)) return;
    if (outcome === 'read') this.pagesRead += 1;
    else this.pagesResumed += 1;
    if (summary.blank === true) this.pagesBlank += 1;
    if (summary.ink?.verdict === 'nearly_blank') this.pagesNearlyBlank += 1;
    this.countEngine(summary);
    // Stage timings describe work done now: a resumed page's belong to an earlier run.
    if (outcome === 'read') this.timings.add(summary.timings, 0, position);
    await this.spooled(
      this.pages.put(position, {
        pageId: summary.pageId,
        file: summary.file,
        outcome,
        words: summary.ocr.wordCount,
        meanConfidence: round1(summary.ocr.meanConfidence),
        engine: summary.ocr.engine,
        ...(summary.ocr.model ? { model: summary.ocr.model } : {}),
        ...(summary.ink ? { ink: summary.ink.verdict } : {}),
        ...(summary.blank ? { blank: true } : {}),
      }),
    );
  }

  /** A page measured blank was not read: no engine to count. */
  private countEngine(summary: ReportPage): void {
    if (summary.blank && !summary.ocr.engineVersion) return;
    const use = {
      engine: summary.ocr.engine,
      engineVersion: summary.ocr.engineVersion,
      model: summary.ocr.model ?? null,
      reason: summary.ocr.engineReason ?? null,
    };
    const key = JSON.stringify(use);
    const found = this.engineUses.get(key);
    if (found) found.pages += 1;
    else this.engineUses.set(key, { ...use, pages: 1 });
  }

  /** Anything that failed: a file, a page, a sequence's records. Each names its file. */
  async failure(failure: InputFailure): Promise<void> {
    this.failureCount += 1;
    this.failedFiles.add(failure.file);
    if (failure.pageId !== undefined) {
      this.failedPageIds.add(failure.pageId);
      if (failure.stage === 'ingest') this.ingestFailedPageIds.add(failure.pageId);
    }
    if (this.firstFailures.length < FAILURES_IN_SUMMARY) this.firstFailures.push(failure);
    await this.spooled(this.failures.put(this.failures.size, failure));
  }

  /** A sequence whose records were built: its report entry, the stage timings of the build, and its records. */
  async sequence(position: number, sequence: SequenceReport, timings: Record<string, number>, records: readonly ReportRecord[]): Promise<void> {
    this.timings.add(timings, 1, position);
    for (const decision of sequence.grouping?.decisions ?? []) {
      this.groupingPages += 1;
      if (decision.decision === 'start') this.groupingStarts += 1;
      if (decision.uncertain) this.groupingUncertain += 1;
    }
    records.forEach((record, i) => this.record(record, [position, i, 0]));
    await this.spooled(this.sequences.put(position, sequence));
  }

  private record(record: ReportRecord, rank: Rank): void {
    this.records += 1;
    let sum = 0;
    let scored = 0;
    Object.entries(record.fields).forEach(([name, field], i) => {
      const bucket = this.fieldCounts.get(name, [rank[0], rank[1], i]);
      if (field.status === 'accepted' || field.status === 'needs_review' || field.status === 'missing') {
        bucket[field.status] += 1;
        this.totals[field.status] += 1;
      }
      if (field.status !== 'missing') {
        sum += field.confidence;
        scored += 1;
      }
    });
    const mean = scored ? sum / scored : 0;
    const entry = {
      recordId: record.id,
      profile: record.profile,
      pages: record.source.pages,
      meanConfidence: Math.round(mean * 1000) / 1000,
      needsReview: record.review.needed,
    };
    // The least confident records, ties in plan order.
    const worse = (a: LowConfidence, b: LowConfidence) =>
      a.entry.meanConfidence < b.entry.meanConfidence || (a.entry.meanConfidence === b.entry.meanConfidence && before(a.rank, b.rank));
    const candidate = { rank, entry };
    if (this.lowest.length === LOWEST_CONFIDENCE && !worse(candidate, this.lowest[LOWEST_CONFIDENCE - 1]!)) return;
    this.lowest.push(candidate);
    this.lowest.sort((a, b) => (worse(a, b) ? -1 : worse(b, a) ? 1 : 0));
    if (this.lowest.length > LOWEST_CONFIDENCE) this.lowest.length = LOWEST_CONFIDENCE;
  }

  /**
   * Page counts that add up: every page found is read, already done, failed or (after an
   * interruption) not reached. A file that failed before it became a page (unreadable, not an
   * image) counts as one failed page; a page that failed twice counts once.
   */
  pageCounts(): PageCounts {
    const done = (id: string) => {
      const position = this.pagePosition.get(id);
      return position !== undefined && (position >= this.pageState.length ? this.pages.has(position) : this.pageState[position] !== PAGE_NONE);
    };
    let failed = 0;
    for (const id of this.failedPageIds) if (!done(id)) failed += 1;
    // Ingest failures are files that never became one of the plan's pages to read.
    const pages = this.pageState.length + this.ingestFailedPageIds.size;
    const settled = this.pagesRead + this.pagesResumed;
    return { pages, pagesRead: this.pagesRead, pagesResumed: this.pagesResumed, pagesFailed: failed, pagesNotReached: Math.max(0, pages - settled - failed) };
  }

  /** Writes report.json (streamed from the spools, in plan order), removes the spools, returns the summary. */
  async finish(outcome: { interrupted: boolean; finishedAt?: Date }): Promise<ReportSummary> {
    const { options } = this;
    const finishedAt = outcome.finishedAt ?? new Date();
    const fields = Object.fromEntries(this.fieldCounts.ordered());
    const summary: ReportSummary = {
      schemaVersion: 1,
      pipelineVersion: PIPELINE_VERSION,
      batch: options.batch,
      inputs: options.inputs,
      startedAt: options.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - options.startedAt.getTime(),
      interrupted: outcome.interrupted,
      settings: options.settings,
      // Which engine and model read the pages, and why (the choice `--engine auto` made, or the setting).
      ocr: { engines: [...this.engineUses.values()].sort((a, b) => b.pages - a.pages) },
      counts: {
        ...this.pageCounts(),
        // Pages the ink measure found blank (not read) or nearly blank (read line by line): src/preprocess/ink.ts.
        pagesBlank: this.pagesBlank,
        pagesNearlyBlank: this.pagesNearlyBlank,
        inputsFailed: this.failedFiles.size,
        filesSkipped: options.skipped.length,
        records: this.records,
        fields: { ...this.totals },
      },
      fields,
      failures: [...this.firstFailures],
      failuresTotal: this.failureCount,
      skipped: [...options.skipped],
      grouping: { pages: this.groupingPages, starts: this.groupingStarts, uncertain: this.groupingUncertain },
      timings: this.timings.summary(),
    };

    const out = await JsonObjectWriter.create(reportPath(options.outDir));
    try {
      for (const key of [
        'schemaVersion',
        'pipelineVersion',
        'batch',
        'inputs',
        'startedAt',
        'finishedAt',
        'durationMs',
        'interrupted',
        'settings',
        'ocr',
        'counts',
        'fields',
      ] as const) {
        await out.member(key, summary[key]);
      }
      await out.array('failures', this.failures.entries());
      await out.member('skipped', summary.skipped);
      await out.array('documents', this.sequences.entries());
      // The lists drawn from the sequences, in the same order: one more pass over the spool each.
      await out.objectEndingInArray(
        'grouping',
        summary.grouping,
        'uncertainPages',
        this.derived(function* (s) {
          for (const d of s.grouping?.decisions ?? []) if (d.uncertain) yield { page: d.page, decision: d.decision, confidence: d.confidence };
        }),
      );
      await out.member(
        'lowestConfidenceRecords',
        this.lowest.map((l) => l.entry),
      );
      const threshold = options.lowCoverageThreshold;
      await out.array(
        'lowCoverageTelegrams',
        this.derived(function* (s) {
          for (const t of s.telegrams) if (t.bodyCoverage < threshold) yield { recordId: t.recordId, pages: t.pages, bodyCoverage: t.bodyCoverage };
        }),
      );
      await out.array(
        'profileAmbiguities',
        this.derived(function* (s) {
          for (const t of s.telegrams) if (t.ambiguity) yield { recordId: t.recordId, profile: t.profile, profileScore: t.profileScore, runnerUp: t.ambiguity };
        }),
      );
      await out.array('pages', this.pages.entries());
      await out.member('timings', summary.timings);
      await out.close();
    } catch (err) {
      await out.abandon();
      throw err instanceof CablescanError
        ? err
        : new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write ${out.file}: ${(err as Error).message}`, { file: out.file, cause: err });
    } finally {
      await this.discard();
    }
    return summary;
  }

  /** Removes the spools without writing a report (a run that failed before its end). */
  async discard(): Promise<void> {
    await Promise.allSettled([this.pages.close(), this.sequences.close(), this.failures.close()]);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async *derived<T>(pick: (s: SequenceReport) => Iterable<T>): AsyncGenerator<T> {
    for await (const sequence of this.sequences.entries<SequenceReport>()) yield* pick(sequence);
  }

  private async spooled(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (err) {
      throw new CablescanError(ErrorCode.OUTPUT_WRITE, `cannot write the report's working files under ${this.dir}: ${(err as Error).message}`, {
        file: this.dir,
        cause: err,
      });
    }
  }
}
