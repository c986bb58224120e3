// Shapes the review store hands out. Plain JSON-serialisable data: the API
// returns them as they are.
import type { Config } from '../config.ts';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { BBox, FieldStatus, GroupingDecision, PageResult, RecordField, TelegramRecord } from '../types.ts';

/** What the emit stage writes to; the review store gives one per batch (ReviewStore.recordSink). */
export interface RecordStore {
  /**
   * Saves a document's records and the pages they were read from. Idempotent. `builtWith`: the
   * reviewers' boundary decisions the records were built with; when the store holds others now,
   * nothing is saved (CS_ERR_STORE_CHANGED: build again).
   */
  saveRecords(records: readonly TelegramRecord[], pages: readonly PageResult[], builtWith?: readonly ReviewerBoundary[]): Promise<void>;
  /**
   * Records an earlier run emitted for these pages and this run does not (the pages were
   * grouped differently): out of the queue and exports, kept with their reviews and audit.
   */
  retireRecords(ids: readonly string[], replacedBy: readonly string[]): Promise<void>;
  /** Reviewers' decisions at the boundaries before these pages (matched by content): they win over the pipeline's. */
  reviewerBoundaries?(pages: readonly PageResult[]): Promise<ReviewerBoundary[]>;
}

/** Settings that change what a sequence's records are: a regrouping rebuilds with the same. */
export interface RecordBuildSettings {
  profile?: string;
  /** Absolute. */
  profilesDir?: string;
  thresholds: Config['thresholds'];
  period: Config['period'];
}

/** A sequence as its last build saw it. */
export interface StoredSequence {
  key: string;
  mode: string;
  /** The output folder holding its pages/<pageId>.json (null: not known, e.g. imported). */
  outDir: string | null;
  build: RecordBuildSettings | null;
  pages: Array<{ pageId: string; contentHash: string; file: string }>;
  updatedAt: string;
}

/** A record of a sequence that is in use (not retired). */
export interface SequenceRecord {
  id: string;
  version: number;
  /** Page ids, in order. */
  pages: string[];
  /** The record as last emitted (no reviews applied). */
  record: TelegramRecord;
}

export interface RecordState {
  id: string;
  version: number;
  retiredAt: string | null;
  replacedBy: string[] | null;
  sequenceKey: string | null;
  groupingStatus: string | null;
}

export type GroupingAction = 'split' | 'merge' | 'confirm';

/** What became of a person's field decisions when records were regrouped. */
export interface FieldCarryOver {
  /** Followed the field into the new record (same page and box): `record.field`. */
  carried: Array<{ from: string; to: string; status: ReviewStatus; value: string | number | null; reviewer: string | null }>;
  /** The field is in the new record elsewhere (another page or box): it waits for a person again (reason grouping_changed). */
  returned: Array<{ from: string; to: string; reason: string }>;
  /** The new record has no such field: the decision stays with the retired record only. */
  dropped: Array<{ from: string }>;
}

export interface GroupingAuditRecord {
  id: string;
  pages: string[];
  grouping: string | null;
}

/** One split, merge or confirmation in the trail. */
export interface GroupingAuditEntry {
  id: number;
  action: GroupingAction;
  reviewer: string;
  at: string;
  sequence: string;
  /** The page at the boundary the reviewer decided (split at, merged at, confirmed). */
  page: string;
  /** The records as they were and as they are now (only those the action changed). */
  before: GroupingAuditRecord[];
  after: GroupingAuditRecord[];
  /** Retired record id -> the records that hold its pages now. */
  replacedBy: Record<string, string[]>;
  /** Boundary decisions the reviewer set: what the pipeline had and what it is now. */
  decisions: Array<{
    page: string;
    previousPage: string;
    was: GroupingDecision['decision'];
    wasRule: GroupingDecision['rule'];
    wasConfidence: number;
    now: GroupingDecision['decision'];
  }>;
  fields: FieldCarryOver;
  /** The versions of the named records the reviewer saw. */
  versions: Record<string, number>;
}

/** A regrouping, worked out from the stored readings, to be written in one transaction. */
export interface RegroupCommit {
  action: GroupingAction;
  reviewer: string;
  sequenceKey: string;
  page: string;
  /** The records the reviewer named with the version they saw: a difference is their conflict. */
  named: ReadonlyArray<{ id: string; version: number }>;
  /** The sequence's records in use, with versions, when the rebuild was worked out: a difference means start again. */
  expected: ReadonlyArray<{ id: string; version: number }>;
  boundaries: readonly ReviewerBoundary[];
  decisions: GroupingAuditEntry['decisions'];
  /** The records of the pages built again (the documents on either side of the boundaries). */
  records: readonly TelegramRecord[];
  /** The sequence's other records, which stay as they are. */
  unchanged: readonly string[];
  /** The pages built again. */
  pages: readonly PageResult[];
}

export type RegroupCommitOutcome =
  | { ok: true; entry: GroupingAuditEntry; retired: string[]; created: string[] }
  /** A named record changed (or was retired) since the reviewer loaded it. */
  | { ok: false; reason: 'conflict'; records: RecordState[] }
  /** Another record of the sequence changed while the rebuild was worked out: work it out again. */
  | { ok: false; reason: 'changed' };

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
  /** Where the page's text lies, in page pixels (null: no text read, or saved before it was kept). */
  textBox: BBox | null;
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
  /** Why the field waits for a person although the pipeline accepted it (a decision that did not survive a regrouping). */
  heldReason: string | null;
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
  /** auditHead: the audit chain's hash after this entry (the server logs it). */
  | { ok: true; field: StoredField; entry: AuditEntry; auditHead: string }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid'; message: string }
  /** Someone (or a re-run) changed the field since the reviewer loaded it. */
  | { ok: false; reason: 'conflict'; field: StoredField }
  /** The field's record was regrouped away (split or merged): its fields are reviewed on the records that replaced it. */
  | { ok: false; reason: 'retired'; field: StoredField; replacedBy: string[] };

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
  /** Version, retirement and sequence. */
  state: RecordState;
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

/** Who writes records to the store, and from where (a batch of a run, or an import). */
export interface SinkContext {
  batch: string;
  /** Resolves a page's `file` (as given) to an absolute path: the run's cwd. */
  cwd: string;
  /** The run's output folder, remembered with the batch. */
  outDir?: string;
  /** The settings the records were built with, remembered with each sequence for regrouping. */
  build?: RecordBuildSettings;
}
