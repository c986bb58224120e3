// Shapes the review store hands out. Plain JSON-serialisable data: the API
// returns them as they are.
import type { BBox, FieldStatus, PageResult, RecordField, TelegramRecord } from '../types.ts';

/** What the emit stage writes to; the SQLite store gives one per batch (ReviewStore.recordSink). */
export interface RecordStore {
  /** Saves a document's records and the pages they were read from. Idempotent. */
  saveRecords(records: readonly TelegramRecord[], pages: readonly PageResult[]): void;
  /**
   * Records an earlier run emitted for these pages and this run does not (the pages were
   * grouped differently): out of the queue and exports, kept with their reviews and audit.
   */
  retireRecords(ids: readonly string[], replacedBy: readonly string[]): void;
}

export type MachineStatus = 'accepted' | 'needs_review' | 'missing';
export type ReviewStatus = 'confirmed' | 'corrected' | 'absent';
export type ReviewActionKind = 'confirm' | 'correct' | 'absent';

export const ACTION_STATUS: Readonly<Record<ReviewActionKind, ReviewStatus>> = {
  confirm: 'confirmed',
  correct: 'corrected',
  absent: 'absent',
};

export interface StoredPage {
  contentHash: string;
  pageId: string;
  /** Path as given to the run that read it. */
  file: string;
  /** Absolute path, resolved when the page was saved; used to render crops. */
  path: string;
  pageIndex: number;
  pageCount: number;
  width: number;
  height: number;
}

export interface StoredField {
  id: number;
  recordId: string;
  name: string;
  profile: string;
  /** The value now: the reviewer's when reviewed, else the machine's. */
  value: string | number | null;
  /** The status now: the review status when reviewed, else the machine's. */
  status: FieldStatus;
  machineValue: string | number | null;
  machineStatus: MachineStatus;
  text: string;
  confidence: number;
  page: string | null;
  bbox: BBox | null;
  reasons: string[];
  reviewStatus: ReviewStatus | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** Still part of the record as last emitted (false: kept only because a person reviewed it). */
  inRecord: boolean;
  /** Bumped by every review and by every re-emit that changed what a reviewer sees. */
  version: number;
}

export interface FieldFilter {
  batch?: string;
  field?: string;
  profile?: string;
}

export interface QueuePage {
  items: StoredField[];
  /** Fields waiting for review under the filter (all of them, not just this page). */
  total: number;
}

export interface ReviewRequest {
  action: ReviewActionKind;
  /** The corrected value (action "correct" only). */
  value?: unknown;
  /** The field version the reviewer saw. */
  version: number;
  reviewer: string;
}

export interface AuditEntry {
  id: number;
  fieldId: number;
  recordId: string;
  field: string;
  reviewer: string;
  action: ReviewActionKind;
  oldValue: string | number | null;
  newValue: string | number | null;
  oldStatus: FieldStatus;
  newStatus: FieldStatus;
  /** The version the reviewer saw when writing. */
  version: number;
  at: string;
}

export type ReviewOutcome =
  | { ok: true; field: StoredField; entry: AuditEntry }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid'; message: string }
  /** Someone (or a re-run) changed the field since the reviewer loaded it. */
  | { ok: false; reason: 'conflict'; field: StoredField };

export interface ReviewerProgress {
  reviewer: string;
  /** Fields whose current decision is this reviewer's. */
  fields: number;
  /** Actions this reviewer wrote (a field corrected twice counts twice). */
  actions: number;
}

export interface Progress {
  /** Fields that needed a person (machine status needs_review or missing). */
  total: number;
  reviewed: number;
  remaining: number;
  reviewers: ReviewerProgress[];
}

export interface BatchSummary {
  name: string;
  records: number;
  createdAt: string;
  updatedAt: string;
}

export interface Facets {
  batches: BatchSummary[];
  fields: string[];
  profiles: string[];
}

export interface StoredRecord {
  /** The record with reviews applied: final values and statuses. */
  record: TelegramRecord;
  batches: string[];
  pages: StoredPage[];
  fields: StoredField[];
}

export interface StatusCounts {
  field: string;
  counts: Partial<Record<FieldStatus, number>>;
}

export interface StoreStats {
  records: number;
  recordsDone: number;
  progress: Progress;
  byField: StatusCounts[];
}

export type { RecordField };
