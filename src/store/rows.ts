// The store's rows as SQLite returns them, and their conversion to what the store's callers get;
// SQL fragments the queries share.
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { BBox, FieldStatus, PageResult, RecordField, TelegramRecord } from '../types.ts';
import type {
  AuditEntry,
  FieldCarryOver,
  FieldFilter,
  GroupingAuditEntry,
  GroupingAuditRecord,
  MachineStatus,
  RecordState,
  ReviewStatus,
  StoredField,
  StoredPage,
} from './types.ts';

export interface FieldRow {
  id: number;
  record_id: string;
  name: string;
  position: number;
  profile: string;
  machine_value: string | null;
  text: string;
  confidence: number;
  machine_status: MachineStatus;
  page_id: string | null;
  bbox: string | null;
  reasons: string;
  in_record: number;
  review_status: ReviewStatus | null;
  final_value: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  version: number;
  held_reason: string | null;
}

export interface PageRow {
  content_hash: string;
  page_id: string;
  file: string;
  path: string;
  page_index: number;
  page_count: number;
  width: number;
  height: number;
  text_box: string | null;
}

export interface ActionRow {
  id: number;
  field_id: number;
  record_id: string;
  field: string;
  reviewer: string;
  action: AuditEntry['action'];
  old_value: string | null;
  new_value: string | null;
  old_status: FieldStatus;
  new_status: FieldStatus;
  version: number;
  at: string;
}

export interface RecordRow {
  id: string;
  version: number;
  retired_at: string | null;
  replaced_by: string | null;
  sequence_key: string | null;
  grouping_status: string | null;
}

export interface GroupingActionRow {
  id: number;
  action: GroupingAuditEntry['action'];
  reviewer: string;
  at: string;
  sequence_key: string;
  page_id: string;
  before: string;
  after: string;
  replaced_by: string;
  decisions: string;
  fields: string;
  versions: string;
}

export interface BoundaryRow {
  content_hash: string;
  previous_content_hash: string;
  page_id: string;
  previous_page_id: string;
  decision: 'start' | 'continue';
  action: ReviewerBoundary['action'];
  reviewer: string;
  at: string;
}

export type Value = string | number | null;

export const encode = (value: Value | undefined): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
export const decode = (text: string | null): Value => (text === null ? null : (JSON.parse(text) as Value));

// A held field (a decision that did not survive a regrouping) waits for a person whatever the machine said.
export const NEEDS_PERSON = `(f.machine_status IN ('needs_review', 'missing') OR f.held_reason IS NOT NULL)`;
export const STATUS_NOW = `COALESCE(f.review_status, CASE WHEN f.held_reason IS NOT NULL AND f.machine_status = 'accepted' THEN 'needs_review' ELSE f.machine_status END)`;
export const PENDING = `f.in_record = 1 AND f.review_status IS NULL AND ${NEEDS_PERSON}`;
export const FIELD_COLUMNS = `f.*, r.profile AS profile`;

export function toField(row: FieldRow): StoredField {
  const reviewed = row.review_status !== null;
  const held = !reviewed && row.held_reason !== null;
  const reasons = JSON.parse(row.reasons) as string[];
  return {
    id: row.id,
    recordId: row.record_id,
    name: row.name,
    profile: row.profile,
    value: reviewed ? decode(row.final_value) : decode(row.machine_value),
    status: row.review_status ?? (held && row.machine_status === 'accepted' ? 'needs_review' : row.machine_status),
    machineValue: decode(row.machine_value),
    machineStatus: row.machine_status,
    text: row.text,
    confidence: row.confidence,
    page: row.page_id,
    bbox: row.bbox === null ? null : (JSON.parse(row.bbox) as BBox),
    reasons: held && !reasons.includes(row.held_reason!) ? [...reasons, row.held_reason!] : reasons,
    reviewStatus: row.review_status,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    inRecord: row.in_record === 1,
    heldReason: row.held_reason,
    version: row.version,
  };
}

export function toPage(row: PageRow): StoredPage {
  return {
    contentHash: row.content_hash,
    pageId: row.page_id,
    file: row.file,
    path: row.path,
    pageIndex: row.page_index,
    pageCount: row.page_count,
    width: row.width,
    height: row.height,
    textBox: row.text_box === null ? null : (JSON.parse(row.text_box) as BBox),
  };
}

/** The union of a page's read lines of three characters or more (specks and stray marks left out); null without text. */
export function textBoxOf(page: PageResult): BBox | null {
  const lines = page.lines.filter((l) => l.text.replace(/\s/g, '').length >= 3);
  if (lines.length === 0) return null;
  return [
    Math.min(...lines.map((l) => l.bbox[0])),
    Math.min(...lines.map((l) => l.bbox[1])),
    Math.max(...lines.map((l) => l.bbox[2])),
    Math.max(...lines.map((l) => l.bbox[3])),
  ];
}

export const textBoxJson = (page: PageResult): string | null => {
  const box = Array.isArray(page.lines) ? textBoxOf(page) : null;
  return box ? JSON.stringify(box) : null;
};

export function toEntry(row: ActionRow): AuditEntry {
  return {
    id: row.id,
    fieldId: row.field_id,
    recordId: row.record_id,
    field: row.field,
    reviewer: row.reviewer,
    action: row.action,
    oldValue: decode(row.old_value),
    newValue: decode(row.new_value),
    oldStatus: row.old_status,
    newStatus: row.new_status,
    version: row.version,
    at: row.at,
  };
}

export function toState(row: RecordRow): RecordState {
  return {
    id: row.id,
    version: row.version,
    retiredAt: row.retired_at,
    replacedBy: row.replaced_by === null ? null : (JSON.parse(row.replaced_by) as string[]),
    sequenceKey: row.sequence_key,
    groupingStatus: row.grouping_status,
  };
}

export function toGroupingEntry(row: GroupingActionRow): GroupingAuditEntry {
  return {
    id: row.id,
    action: row.action,
    reviewer: row.reviewer,
    at: row.at,
    sequence: row.sequence_key,
    page: row.page_id,
    before: JSON.parse(row.before) as GroupingAuditRecord[],
    after: JSON.parse(row.after) as GroupingAuditRecord[],
    replacedBy: JSON.parse(row.replaced_by) as Record<string, string[]>,
    decisions: JSON.parse(row.decisions) as GroupingAuditEntry['decisions'],
    fields: JSON.parse(row.fields) as FieldCarryOver,
    versions: JSON.parse(row.versions) as Record<string, number>,
  };
}

export function toBoundary(row: BoundaryRow): ReviewerBoundary {
  return {
    page: row.page_id,
    contentHash: row.content_hash,
    previousPage: row.previous_page_id,
    previousContentHash: row.previous_content_hash,
    decision: row.decision,
    action: row.action,
    reviewer: row.reviewer,
    at: row.at,
  };
}

/** SQL conditions and parameters for a filter over fields `f` joined to records `r`. */
export function whereFilter(filter: FieldFilter): { sql: string; params: unknown[] } {
  // Retired records (see retireRecords) are history, not work.
  const parts: string[] = ['r.retired_at IS NULL'];
  const params: unknown[] = [];
  if (filter.batch) {
    parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = f.record_id AND rb.batch = ?)');
    params.push(filter.batch);
  }
  if (filter.field) {
    parts.push('f.name = ?');
    params.push(filter.field);
  }
  if (filter.profile) {
    parts.push('r.profile = ?');
    params.push(filter.profile);
  }
  return { sql: parts.length ? parts.map((p) => ` AND ${p}`).join('') : '', params };
}

/** A field's record form, as an export or the record view shows it. */
export function toRecordField(field: StoredField): RecordField {
  return {
    value: field.status === 'absent' ? null : field.value,
    text: field.text,
    confidence: field.confidence,
    status: field.status,
    page: field.page,
    bbox: field.bbox,
    reasons: field.reasons,
  };
}

export const STILL_NEEDED: ReadonlySet<FieldStatus> = new Set<FieldStatus>(['needs_review', 'missing']);

/** The record as emitted, with every field's final value and status and a recomputed review summary. */
export function applyReviews(emitted: TelegramRecord, fields: readonly StoredField[]): TelegramRecord {
  const finalFields: Record<string, RecordField> = {};
  for (const field of fields) {
    if (!field.inRecord && field.reviewStatus === null) continue;
    finalFields[field.name] = toRecordField(field);
  }
  const needed = Object.entries(finalFields)
    .filter(([, f]) => STILL_NEEDED.has(f.status))
    .map(([name]) => name);
  return { ...emitted, fields: finalFields, review: { needed, status: needed.length ? 'pending' : 'done' } };
}
