// The batch confidence report (DIR/report.json): counts, per-field status,
// failures with reasons, split points, the records and pages that most need a
// person's eye, and stage timings. A pure function of what the run produced.
import type { Config } from '../config.ts';
import type { TelegramSummary } from '../stages.ts';
import type { GroupingDecision, InputFailure, PageResult, SkippedInput, TelegramRecord } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';

export type PageOutcome = 'read' | 'resumed' | 'failed';

/**
 * What the report needs of a page: a few numbers, not its lines and words. The drivers keep
 * this for every page of a run and let the page itself go once its document is built, so a
 * run's memory grows by ~0.3 KB a page, not by its page JSON (issue 24).
 */
export interface ReportPage {
  pageId: string;
  file: string;
  ocr: Pick<PageResult['ocr'], 'wordCount' | 'meanConfidence' | 'engine' | 'engineVersion' | 'model' | 'engineReason'>;
  ink?: { verdict: NonNullable<PageResult['ink']>['verdict'] };
  blank?: boolean;
  timings: Record<string, number>;
}

/** What the report needs of a record: its fields' statuses and confidences, not their values and boxes. */
export interface ReportRecord {
  id: string;
  profile: string;
  source: { pages: string[] };
  review: { needed: string[] };
  fields: Record<string, { status: TelegramRecord['fields'][string]['status']; confidence: number }>;
}

export function reportRecord(record: TelegramRecord): ReportRecord {
  return {
    id: record.id,
    profile: record.profile,
    source: { pages: record.source.pages },
    review: { needed: record.review.needed },
    fields: Object.fromEntries(Object.entries(record.fields).map(([name, f]) => [name, { status: f.status, confidence: f.confidence }])),
  };
}

export function reportPage(page: PageResult): ReportPage {
  return {
    pageId: page.pageId,
    file: page.file,
    ocr: {
      wordCount: page.ocr.wordCount,
      meanConfidence: page.ocr.meanConfidence,
      engine: page.ocr.engine,
      engineVersion: page.ocr.engineVersion,
      ...(page.ocr.model ? { model: page.ocr.model } : {}),
      ...(page.ocr.engineReason ? { engineReason: page.ocr.engineReason } : {}),
    },
    ...(page.ink ? { ink: { verdict: page.ink.verdict } } : {}),
    ...(page.blank ? { blank: true } : {}),
    timings: page.timings,
  };
}

export interface ReportInput {
  batch: string;
  inputs: string[];
  startedAt: Date;
  finishedAt: Date;
  interrupted: boolean;
  settings: Record<string, unknown>;
  pageTotal: number;
  pages: Array<{ page: ReportPage; outcome: Exclude<PageOutcome, 'failed'> }>;
  failures: InputFailure[];
  skipped: SkippedInput[];
  documents: SequenceReport[];
  records: ReportRecord[];
  buildTimings: Array<Record<string, number>>;
  lowCoverageThreshold: number;
}

/** One sequence of pages (a folder, a file, a page) as the run grouped and segmented it. */
export interface SequenceReport {
  documentKey: string;
  pages: string[];
  telegrams: TelegramSummary[];
  /** The grouping decision of every page (start or continue, confidence, evidence). */
  grouping?: { mode: string; decisions: GroupingDecision[] };
}

export interface StatusCounts {
  accepted: number;
  needs_review: number;
  missing: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function summariseTimings(samples: Array<Record<string, number>>): Record<string, { count: number; medianMs: number; p95Ms: number; totalMs: number }> {
  const byStage = new Map<string, number[]>();
  for (const sample of samples) {
    for (const [stage, ms] of Object.entries(sample)) {
      if (!byStage.has(stage)) byStage.set(stage, []);
      byStage.get(stage)!.push(ms);
    }
  }
  const out: Record<string, { count: number; medianMs: number; p95Ms: number; totalMs: number }> = {};
  for (const [stage, values] of byStage) {
    values.sort((a, b) => a - b);
    const round = (v: number) => Math.round(v * 10) / 10;
    out[stage] = {
      count: values.length,
      medianMs: round(quantile(values, 0.5)),
      p95Ms: round(quantile(values, 0.95)),
      totalMs: round(values.reduce((a, b) => a + b, 0)),
    };
  }
  return out;
}

export function countStatuses(records: readonly ReportRecord[]): { total: StatusCounts; byField: Record<string, StatusCounts> } {
  const total: StatusCounts = { accepted: 0, needs_review: 0, missing: 0 };
  const byField: Record<string, StatusCounts> = {};
  for (const record of records) {
    for (const [name, field] of Object.entries(record.fields)) {
      const bucket = (byField[name] ??= { accepted: 0, needs_review: 0, missing: 0 });
      if (field.status === 'accepted' || field.status === 'needs_review' || field.status === 'missing') {
        bucket[field.status] += 1;
        total[field.status] += 1;
      }
    }
  }
  return { total, byField };
}

/** The settings a report records: what decides how this batch's pages were read. */
export function runSettings(config: Config, recipeName: string): Record<string, unknown> {
  return {
    lang: config.lang,
    // As set (auto or forced); what read each page is in `ocr.engines` and `pages[]`.
    engine: config.engine,
    model: config.model,
    // Which models were read: the folder, and whether it came before the npm packages.
    tessdata: config.tessdata ?? null,
    preferTessdata: config.preferTessdata,
    psm: config.psm,
    preprocess: recipeName,
    concurrency: config.concurrency,
    profile: config.profile ?? 'auto',
    force: config.force,
  };
}

/** One engine and model that read pages of the batch, and why it was the one (issue 20). */
export interface EngineUse {
  engine: string;
  engineVersion: string;
  model: string | null;
  reason: string | null;
  pages: number;
}

/**
 * Which engines and models read the batch's pages (read now or resumed from an earlier run, which
 * may have chosen differently), from each page's own JSON. Pages measured blank were not read.
 */
export function engineUses(pages: readonly ReportPage[]): EngineUse[] {
  const uses = new Map<string, EngineUse>();
  for (const page of pages) {
    if (page.blank && !page.ocr.engineVersion) continue;
    const use = { engine: page.ocr.engine, engineVersion: page.ocr.engineVersion, model: page.ocr.model ?? null, reason: page.ocr.engineReason ?? null };
    const key = JSON.stringify(use);
    const found = uses.get(key);
    if (found) found.pages += 1;
    else uses.set(key, { ...use, pages: 1 });
  }
  return [...uses.values()].sort((a, b) => b.pages - a.pages);
}

/** How many pages start a document, and which decisions wait for a person (the rest are in `documents[].grouping`). */
function groupingSummary(documents: readonly SequenceReport[]) {
  const decisions = documents.flatMap((d) => d.grouping?.decisions ?? []);
  return {
    pages: decisions.length,
    starts: decisions.filter((d) => d.decision === 'start').length,
    uncertain: decisions.filter((d) => d.uncertain).length,
    uncertainPages: decisions.filter((d) => d.uncertain).map((d) => ({ page: d.page, decision: d.decision, confidence: d.confidence })),
  };
}

/**
 * Page counts that add up: every page found is read, already done, failed or (after an
 * interruption) not reached. A file that failed before it became a page (unreadable,
 * not an image) counts as one failed page; a page that failed twice counts once.
 */
export function pageCounts(input: Pick<ReportInput, 'pageTotal' | 'pages' | 'failures'>): { pages: number; pagesRead: number; pagesResumed: number; pagesFailed: number; pagesNotReached: number } {
  const pagesRead = input.pages.filter((p) => p.outcome === 'read').length;
  const pagesResumed = input.pages.filter((p) => p.outcome === 'resumed').length;
  const done = new Set(input.pages.map((p) => p.page.pageId));
  const failed = new Set(input.failures.filter((f) => f.pageId !== undefined && !done.has(f.pageId)).map((f) => f.pageId));
  // Ingest failures are files that never became one of the `pageTotal` pages to read.
  const neverPages = new Set(input.failures.filter((f) => f.pageId !== undefined && f.stage === 'ingest').map((f) => f.pageId)).size;
  const pages = input.pageTotal + neverPages;
  return { pages, pagesRead, pagesResumed, pagesFailed: failed.size, pagesNotReached: Math.max(0, pages - pagesRead - pagesResumed - failed.size) };
}

export function buildReport(input: ReportInput) {
  const { total, byField } = countStatuses(input.records);
  const telegrams = input.documents.flatMap((d) => d.telegrams);
  const lowestConfidence = input.records
    .map((r) => {
      const scored = Object.entries(r.fields).filter(([, f]) => f.status !== 'missing');
      const mean = scored.length ? scored.reduce((a, [, f]) => a + f.confidence, 0) / scored.length : 0;
      return { recordId: r.id, profile: r.profile, pages: r.source.pages, meanConfidence: Math.round(mean * 1000) / 1000, needsReview: r.review.needed };
    })
    .sort((a, b) => a.meanConfidence - b.meanConfidence)
    .slice(0, 10);
  return {
    schemaVersion: 1,
    pipelineVersion: PIPELINE_VERSION,
    batch: input.batch,
    inputs: input.inputs,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    interrupted: input.interrupted,
    settings: input.settings,
    // Which engine and model read the pages, and why (the choice `--engine auto` made, or the setting).
    ocr: { engines: engineUses(input.pages.map((p) => p.page)) },
    counts: {
      ...pageCounts(input),
      // Pages the ink measure found blank (not read) or nearly blank (read line by line): src/preprocess/ink.ts.
      pagesBlank: input.pages.filter((p) => p.page.blank === true).length,
      pagesNearlyBlank: input.pages.filter((p) => p.page.ink?.verdict === 'nearly_blank').length,
      inputsFailed: new Set(input.failures.map((f) => f.file)).size,
      filesSkipped: input.skipped.length,
      records: input.records.length,
      fields: total,
    },
    fields: byField,
    failures: input.failures,
    skipped: input.skipped,
    documents: input.documents,
    grouping: groupingSummary(input.documents),
    lowestConfidenceRecords: lowestConfidence,
    lowCoverageTelegrams: telegrams
      .filter((t) => t.bodyCoverage < input.lowCoverageThreshold)
      .map((t) => ({ recordId: t.recordId, pages: t.pages, bodyCoverage: t.bodyCoverage })),
    profileAmbiguities: telegrams
      .filter((t) => t.ambiguity)
      .map((t) => ({ recordId: t.recordId, profile: t.profile, profileScore: t.profileScore, runnerUp: t.ambiguity })),
    pages: input.pages.map(({ page, outcome }) => ({
      pageId: page.pageId,
      file: page.file,
      outcome,
      words: page.ocr.wordCount,
      meanConfidence: Math.round(page.ocr.meanConfidence * 10) / 10,
      engine: page.ocr.engine,
      ...(page.ocr.model ? { model: page.ocr.model } : {}),
      ...(page.ink ? { ink: page.ink.verdict } : {}),
      ...(page.blank ? { blank: true } : {}),
    })),
    timings: summariseTimings([...input.pages.filter((p) => p.outcome === 'read').map((p) => p.page.timings), ...input.buildTimings]),
  };
}

export type BatchReport = ReturnType<typeof buildReport>;
