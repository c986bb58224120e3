// What the batch report keeps of a page, a record and a sequence: a few numbers and names, not
// their lines, words, values and boxes. A driver hands these to the report builder as each page
// settles and each sequence is built, and lets the pages and records themselves go.
import type { Config } from '../../config.ts';
import type { GroupingDecision, PageResult, TelegramRecord } from '../../types.ts';
import type { TelegramSummary } from '../build-records.ts';

/** What the report needs of a page (~0.3 KB, against tens of KB for its page JSON). */
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
