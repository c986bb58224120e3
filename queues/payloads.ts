// What the queue's jobs carry and return. Kept small on purpose: page images,
// OCR results and records live under the output folder (a shared volume when
// workers run on several machines); a job carries paths, hashes and settings.
import { ErrorCode, type CablescanError } from '../src/errors.ts';
import type { BatchSettings, BuildSettings, ReadSettings, ReportPage, TelegramSummary, WindowCarry } from '../src/pipeline/index.ts';
import type { GroupingDecision, InputFailure, PageSource, SkippedInput } from '../src/types.ts';

export type { BatchSettings, BuildSettings, ReadSettings };

export interface PageJobData {
  batch: string;
  /** Absolute output folder. */
  outDir: string;
  source: PageSource;
  read: ReadSettings;
}

/** A page job's return value: a summary; the page itself is OUT/pages/<pageId>.json. */
export interface PageJobResult {
  pageId: string;
  file: string;
  contentHash: string;
  lang: string;
  outcome: 'read' | 'resumed';
  words: number;
  meanConfidence: number;
  /** Milliseconds of OCR (0 when resumed): what the queue's overhead is measured against. */
  ocrMs: number;
  /** Epoch ms when the sandboxed processor started and finished the page. */
  startedAt: number;
  finishedAt: number;
  /** What the batch report needs of the page, so the driver need not read its page JSON (absent in jobs done before it existed). */
  report?: ReportPage;
}

export interface DocumentPageRef {
  /** The page's job id (a child of the document job). */
  jobId: string;
  pageId: string;
}

/** Where a document job's pages lie in their sequence, when the sequence is built in windows (pipeline/windows.ts). */
export interface WindowRef {
  /** Its place in the sequence (0: the first window) and in the batch (the report's order). */
  index: number;
  position: number;
  /** The sequence ends with this window: the document open at its end is built too. */
  last: boolean;
  /** The window before's job id: this one is built after it, from what it carried (null: the first). */
  previous: string | null;
}

export interface DocumentJobData {
  batch: string;
  outDir: string;
  documentKey: string;
  /** The document's pages in reading order. */
  pages: DocumentPageRef[];
  build: BuildSettings;
  /** Present when the job is a window of its sequence (every job queued since issue 18). */
  window?: WindowRef;
  /**
   * The review store the job saves its records to as it finishes: the SQLite file (absolute), or
   * the PostgreSQL URL without its password (workers/job-store.ts). Absent on jobs enqueued
   * before workers saved records: the waiting `run` imports those.
   */
  store?: string;
  /** The folder the batch was enqueued from: page files (as given) are relative to it. */
  cwd?: string;
}

/** What a window job wrote to OUT/windows/<job id>.json: the record of the work once its job is gone. */
export interface WindowOutcome {
  windowId: string;
  documentKey: string;
  window: WindowRef;
  /** What the next window of the sequence starts from. */
  carry: WindowCarry;
  /** The pages, records and decisions of the documents this window closed. */
  built: Omit<DocumentJobResult, 'startedAt' | 'finishedAt'>;
  /** Every page of the window: its summary for the report, or why it failed. */
  pages: Array<
    { pageId: string; file: string; outcome: 'read' | 'resumed'; contentHash?: string; report?: ReportPage } | { pageId: string; file: string; failed: string }
  >;
  /** Epoch ms when the window's processor started and finished. */
  startedAt: number;
  finishedAt: number;
}

export interface DocumentJobResult {
  documentKey: string;
  /** Pages the records were built from, in order (failed pages are left out). */
  pages: string[];
  telegrams: TelegramSummary[];
  /** The grouping decision of every page of the sequence. */
  grouping?: { mode: string; decisions: GroupingDecision[] };
  recordIds: string[];
  /** The records are in the review store (saved by the worker); absent: only in OUT/records. */
  stored?: boolean;
  timings: Record<string, number>;
  /** Epoch ms when the document processor started and finished. */
  startedAt: number;
  finishedAt: number;
  /** A window's pages, and how many of them failed (the batch's counters, queues/batch-store.ts). */
  tally?: { pages: number; failed: number };
}

/** The batch bookkeeping stored in Redis (a hash per batch). */
export interface BatchMeta {
  batch: string;
  outDir: string;
  inputs: string[];
  createdAt: string;
  pipelineVersion: string;
  settings: BatchSettings;
  /** Pages and documents found by ingest (the batch's size). */
  pageTotal: number;
  documentTotal: number;
  /** Inputs ingest refused, and non-image files it skipped (reported, never queued). */
  failures: InputFailure[];
  skipped: SkippedInput[];
  /** Where the batch was enqueued from, and its manifest: `status --write-report` plans it again the same way. */
  cwd?: string;
  manifest?: string;
  /** Pages a window held when it was planned: the same windows (and job ids) when planned again. */
  windowPages?: number;
}

const REASON = /^(CS_ERR_[A-Z_]+): ([\s\S]*)$/;

/**
 * A job's failed reason is what an operator reads in the dashboard and in
 * `report.json`: "<code>: <message>", the message naming the file.
 */
export function failureReason(err: CablescanError): string {
  return `${err.code}: ${err.message}`;
}

/** Splits a failed reason back into code and message (unknown shapes become CS_ERR_INTERNAL). */
export function parseFailureReason(reason: string | undefined): { code: string; message: string } {
  const text = (reason ?? '').trim() || 'failed without a reason';
  const m = REASON.exec(text);
  return m ? { code: m[1], message: m[2] } : { code: ErrorCode.INTERNAL, message: text };
}
