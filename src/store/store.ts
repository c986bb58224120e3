// The review store: one SQLite file (default <out>/cablescan.db) holding the
// records the pipeline emitted, the pages they came from, every field's review
// state and the audit trail of review actions. The record files under records/
// stay what the pipeline wrote; exports are made from here.
//
// better-sqlite3 is synchronous: every method is one short transaction, which is
// what makes the version check of a review write and its audit entry atomic.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { BBox, FieldStatus, PageResult, RecordField, TelegramRecord } from '../types.ts';
import { groupingModeOf } from '../group/sequence.ts';
import { GROUPING_CHANGED, planCarryOver, type CarrySource } from './carry-over.ts';
import { parseFieldValue } from './field-values.ts';
import { AUDIT_COLUMNS, AUDIT_TABLES, GENESIS_HASH, nextLink, verifyChain, type AuditTable, type ChainReport } from './audit-chain.ts';
import { migrate } from './migrations.ts';
import {
  type AuditEntry,
  type FieldCarryOver,
  type GroupingAuditEntry,
  type GroupingAuditRecord,
  type RecordBuildSettings,
  type RecordState,
  type RegroupCommit,
  type RegroupCommitOutcome,
  type SequenceRecord,
  type StoredSequence,
  type Facets,
  type FieldFilter,
  type MachineStatus,
  type Progress,
  type QueuePage,
  type RecordStore,
  type ReviewOutcome,
  type ReviewRequest,
  type ReviewStatus,
  type StatusCounts,
  type StoredField,
  type StoredPage,
  type StoredRecord,
  type StoreStats,
} from './types.ts';

export const DEFAULT_DB_NAME = 'cablescan.db';

/** The store of an output folder, unless a path was configured. */
export function defaultDbPath(outDir: string): string {
  return path.join(outDir, DEFAULT_DB_NAME);
}

export interface OpenStoreOptions {
  /** Open an existing database for reading only (no migrations, no writes). */
  readonly?: boolean;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

export interface SinkContext {
  batch: string;
  /** Resolves a page's `file` (as given) to an absolute path: the run's cwd. */
  cwd: string;
  /** The run's output folder, remembered with the batch. */
  outDir?: string;
  /** The settings the records were built with, remembered with each sequence for regrouping. */
  build?: RecordBuildSettings;
}

interface FieldRow {
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

interface PageRow {
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

interface ActionRow {
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

interface RecordRow {
  id: string;
  version: number;
  retired_at: string | null;
  replaced_by: string | null;
  sequence_key: string | null;
  grouping_status: string | null;
}

interface GroupingActionRow {
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

interface BoundaryRow {
  content_hash: string;
  previous_content_hash: string;
  page_id: string;
  previous_page_id: string;
  decision: 'start' | 'continue';
  action: ReviewerBoundary['action'];
  reviewer: string;
  at: string;
}

type Value = string | number | null;

const encode = (value: Value | undefined): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const decode = (text: string | null): Value => (text === null ? null : (JSON.parse(text) as Value));

// A held field (a decision that did not survive a regrouping) waits for a person whatever the machine said.
const NEEDS_PERSON = `(f.machine_status IN ('needs_review', 'missing') OR f.held_reason IS NOT NULL)`;
const STATUS_NOW = `COALESCE(f.review_status, CASE WHEN f.held_reason IS NOT NULL AND f.machine_status = 'accepted' THEN 'needs_review' ELSE f.machine_status END)`;
const PENDING = `f.in_record = 1 AND f.review_status IS NULL AND ${NEEDS_PERSON}`;
const FIELD_COLUMNS = `f.*, r.profile AS profile`;

function toField(row: FieldRow): StoredField {
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

function toPage(row: PageRow): StoredPage {
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
  return [Math.min(...lines.map((l) => l.bbox[0])), Math.min(...lines.map((l) => l.bbox[1])), Math.max(...lines.map((l) => l.bbox[2])), Math.max(...lines.map((l) => l.bbox[3]))];
}

const textBoxJson = (page: PageResult): string | null => {
  const box = Array.isArray(page.lines) ? textBoxOf(page) : null;
  return box ? JSON.stringify(box) : null;
};

function toEntry(row: ActionRow): AuditEntry {
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

function toState(row: RecordRow): RecordState {
  return {
    id: row.id,
    version: row.version,
    retiredAt: row.retired_at,
    replacedBy: row.replaced_by === null ? null : (JSON.parse(row.replaced_by) as string[]),
    sequenceKey: row.sequence_key,
    groupingStatus: row.grouping_status,
  };
}

function toGroupingEntry(row: GroupingActionRow): GroupingAuditEntry {
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

function toBoundary(row: BoundaryRow): ReviewerBoundary {
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
function whereFilter(filter: FieldFilter): { sql: string; params: unknown[] } {
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

const STILL_NEEDED: ReadonlySet<FieldStatus> = new Set<FieldStatus>(['needs_review', 'missing']);

export class ReviewStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly auditStatements = new Map<AuditTable, { last: Database.Statement; insert: Database.Statement }>();
  private readonly now: () => Date;

  private constructor(file: string, db: Database.Database, now: () => Date) {
    this.file = file;
    this.db = db;
    this.now = now;
  }

  /** Opens (creating and migrating when needed) the store at `file`. */
  static open(file: string, options: OpenStoreOptions = {}): ReviewStore {
    const absolute = path.resolve(file);
    let db: Database.Database;
    try {
      if (!options.readonly) mkdirSync(path.dirname(absolute), { recursive: true });
      db = new Database(absolute, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (err) {
      throw new CablescanError(ErrorCode.STORE, `cannot open the review store ${file}: ${(err as Error).message}`, { file, cause: err, retryable: false });
    }
    try {
      // WAL: the server reads while a run writes; busy_timeout: writers wait for each other instead of failing.
      if (!options.readonly) db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      if (!options.readonly) {
        db.pragma('synchronous = NORMAL');
        migrate(db, file);
      }
    } catch (err) {
      db.close();
      if (err instanceof CablescanError) throw err;
      throw new CablescanError(ErrorCode.STORE, `${file} is not a usable review store: ${(err as Error).message}`, { file, cause: err, retryable: false });
    }
    return new ReviewStore(absolute, db, options.now ?? (() => new Date()));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** What the emit stage of one batch writes to. */
  recordSink(context: SinkContext): RecordStore {
    return {
      // The emit stage hands over a whole sequence's pages in order: remembered for regrouping.
      saveRecords: (records, pages) => this.saveRecords(records, pages, context, { sequence: true }),
      retireRecords: (ids, replacedBy) => this.retireRecords(ids, replacedBy),
      reviewerBoundaries: (pages) => this.reviewerBoundaries(pages.map((p) => p.contentHash)),
    };
  }

  /**
   * Saves records and their pages. Idempotent: saving the same records again
   * changes nothing a reviewer can see. A re-run that reads a field differently
   * updates the machine's reading (and bumps the field's version, so a reviewer
   * who saw the old one gets a conflict) but never touches a review decision.
   */
  saveRecords(records: readonly TelegramRecord[], pages: readonly PageResult[], context: SinkContext, options: { sequence?: boolean } = {}): void {
    const at = this.stamp();
    const sequenceKey = options.sequence && pages.length ? pages[0]!.documentKey : null;
    const pagesById = new Map(pages.map((p) => [p.pageId, p]));
    const db = this.db;
    const save = db.transaction(() => {
      db.prepare(
        `INSERT INTO batches (name, out_dir, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, out_dir = COALESCE(excluded.out_dir, out_dir)`,
      ).run(context.batch, context.outDir ?? null, at, at);
      const upsertPage = db.prepare(
        `INSERT INTO pages (content_hash, page_id, file, path, page_index, page_count, width, height, text_box, updated_at)
         VALUES (@contentHash, @pageId, @file, @path, @pageIndex, @pageCount, @width, @height, @textBox, @at)
         ON CONFLICT(content_hash) DO UPDATE SET page_id = excluded.page_id, file = excluded.file, path = excluded.path,
           page_index = excluded.page_index, page_count = excluded.page_count, width = excluded.width, height = excluded.height,
           text_box = excluded.text_box, updated_at = excluded.updated_at
         WHERE pages.path IS NOT excluded.path OR pages.page_id IS NOT excluded.page_id OR pages.file IS NOT excluded.file
           OR pages.width IS NOT excluded.width OR pages.height IS NOT excluded.height OR pages.text_box IS NOT excluded.text_box`,
      );
      for (const page of pages) {
        upsertPage.run({
          contentHash: page.contentHash,
          pageId: page.pageId,
          file: page.file,
          path: path.resolve(context.cwd, page.file),
          pageIndex: page.pageIndex,
          pageCount: page.pageCount,
          width: page.width,
          height: page.height,
          textBox: textBoxJson(page),
          at,
        });
      }
      if (sequenceKey) this.saveSequence(sequenceKey, pages, context, at);
      for (const record of records) this.saveRecord(record, pagesById, context.batch, at, sequenceKey);
    });
    try {
      save();
    } catch (err) {
      if (err instanceof CablescanError) throw err;
      throw new CablescanError(ErrorCode.STORE, `cannot save records to ${this.file}: ${(err as Error).message}`, { file: this.file, cause: err });
    }
  }

  /** See RecordStore.retireRecords. A record emitted again later comes back (saveRecord clears the mark). */
  retireRecords(ids: readonly string[], replacedBy: readonly string[]): void {
    if (ids.length === 0) return;
    const at = this.stamp();
    this.db.transaction(() => {
      for (const id of ids) this.retire(id, replacedBy, at);
    })();
  }

  private retire(id: string, replacedBy: readonly string[], at: string): void {
    this.db.prepare('UPDATE records SET retired_at = ?, replaced_by = ?, version = version + 1 WHERE id = ? AND retired_at IS NULL').run(at, JSON.stringify(replacedBy), id);
  }

  /** The pages of a sequence in order, where their page JSON lives and how its records were built. */
  private saveSequence(key: string, pages: readonly PageResult[], context: SinkContext, at: string): void {
    const db = this.db;
    db.prepare(
      `INSERT INTO sequences (key, mode, out_dir, build, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET mode = excluded.mode, out_dir = COALESCE(excluded.out_dir, out_dir),
         build = COALESCE(excluded.build, build), updated_at = excluded.updated_at`,
    ).run(key, groupingModeOf(key), context.outDir ? path.resolve(context.outDir) : null, context.build ? JSON.stringify(context.build) : null, at);
    db.prepare('DELETE FROM sequence_pages WHERE sequence_key = ?').run(key);
    const insert = db.prepare('INSERT INTO sequence_pages (sequence_key, position, page_id, content_hash, file) VALUES (?, ?, ?, ?, ?)');
    pages.forEach((page, position) => insert.run(key, position, page.pageId, page.contentHash, page.file));
  }

  /**
   * Remembers sequences for records saved without them (an import from an output folder):
   * each sequence's pages in order, as read. Their records are marked as built in it.
   */
  saveSequences(sequences: ReadonlyArray<readonly PageResult[]>, context: SinkContext): void {
    const at = this.stamp();
    this.db.transaction(() => {
      for (const pages of sequences) {
        if (pages.length === 0) continue;
        const key = pages[0]!.documentKey;
        this.saveSequence(key, pages, context, at);
        const hashes = pages.map((p) => p.contentHash);
        this.db
          .prepare(
            `UPDATE records SET sequence_key = ? WHERE retired_at IS NULL AND sequence_key IS NOT ?
             AND id IN (SELECT rp.record_id FROM record_pages rp WHERE rp.content_hash IN (${hashes.map(() => '?').join(',')}))`,
          )
          .run(key, key, ...hashes);
      }
    })();
  }

  private saveRecord(record: TelegramRecord, pagesById: ReadonlyMap<string, PageResult>, batch: string, at: string, sequenceKey: string | null = null): void {
    const db = this.db;
    const json = JSON.stringify(record);
    db.prepare(
      `INSERT INTO records (id, profile, profile_score, record_json, created_at, updated_at, grouping_status, sequence_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, profile_score = excluded.profile_score,
         record_json = excluded.record_json, updated_at = excluded.updated_at, retired_at = NULL, replaced_by = NULL,
         grouping_status = excluded.grouping_status, version = records.version + 1
       WHERE records.record_json IS NOT excluded.record_json OR records.retired_at IS NOT NULL`,
    ).run(record.id, record.profile, record.profileScore, json, at, at, record.grouping?.status ?? null, sequenceKey);
    if (sequenceKey) db.prepare('UPDATE records SET sequence_key = ? WHERE id = ? AND sequence_key IS NOT ?').run(sequenceKey, record.id, sequenceKey);
    db.prepare('INSERT OR IGNORE INTO record_batches (record_id, batch, added_at) VALUES (?, ?, ?)').run(record.id, batch, at);

    const pageRows = record.source.pages.map((pageId, position) => {
      const page = pagesById.get(pageId);
      if (!page) {
        throw new CablescanError(ErrorCode.STORE, `record ${record.id} refers to page ${pageId}, which was not saved with it`, { retryable: false });
      }
      return { position, pageId, contentHash: page.contentHash };
    });
    db.prepare('DELETE FROM record_pages WHERE record_id = ?').run(record.id);
    const insertPage = db.prepare('INSERT INTO record_pages (record_id, position, page_id, content_hash) VALUES (?, ?, ?, ?)');
    for (const p of pageRows) insertPage.run(record.id, p.position, p.pageId, p.contentHash);

    const existing = new Map(
      (db.prepare('SELECT * FROM fields WHERE record_id = ?').all(record.id) as FieldRow[]).map((row) => [row.name, row]),
    );
    const insertField = db.prepare(
      `INSERT INTO fields (record_id, name, position, machine_value, text, confidence, machine_status, page_id, bbox, reasons)
       VALUES (@recordId, @name, @position, @value, @text, @confidence, @status, @page, @bbox, @reasons)`,
    );
    const updateField = db.prepare(
      `UPDATE fields SET position = @position, machine_value = @value, text = @text, confidence = @confidence,
         machine_status = @status, page_id = @page, bbox = @bbox, reasons = @reasons, in_record = 1,
         version = version + @bump
       WHERE id = @id`,
    );
    Object.entries(record.fields).forEach(([name, field], position) => {
      if (field.status !== 'accepted' && field.status !== 'needs_review' && field.status !== 'missing') {
        throw new CablescanError(ErrorCode.STORE, `record ${record.id} field ${name}: the pipeline emits accepted, needs_review or missing, not ${field.status}`, {
          retryable: false,
        });
      }
      const values = {
        recordId: record.id,
        name,
        position,
        value: encode(field.value),
        text: field.text,
        confidence: field.confidence,
        status: field.status,
        page: field.page,
        bbox: field.bbox ? JSON.stringify(field.bbox) : null,
        reasons: JSON.stringify(field.reasons),
      };
      const row = existing.get(name);
      if (!row) {
        insertField.run(values);
        return;
      }
      existing.delete(name);
      // What a reviewer looks at: a change here invalidates what they saw.
      const changed =
        row.machine_value !== values.value || row.machine_status !== values.status || row.page_id !== values.page || row.bbox !== values.bbox || row.in_record !== 1;
      const same =
        !changed && row.position === position && row.text === values.text && row.confidence === values.confidence && row.reasons === values.reasons;
      if (!same) updateField.run({ ...values, id: row.id, bump: changed ? 1 : 0 });
    });
    // Fields the new reading no longer has: forgotten unless a person decided on them.
    for (const row of existing.values()) {
      if (row.review_status === null) db.prepare('DELETE FROM fields WHERE id = ? AND NOT EXISTS (SELECT 1 FROM review_actions WHERE field_id = ?)').run(row.id, row.id);
      else if (row.in_record === 1) db.prepare('UPDATE fields SET in_record = 0, version = version + 1 WHERE id = ?').run(row.id);
    }
  }

  getField(id: number): StoredField | null {
    const row = this.db.prepare(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.id = ?`).get(id) as
      | FieldRow
      | undefined;
    return row ? toField(row) : null;
  }

  /** Fields waiting for a person, lowest confidence first. */
  queue(filter: FieldFilter = {}, options: { limit?: number; offset?: number; exclude?: readonly number[] } = {}): QueuePage {
    const where = whereFilter(filter);
    const exclude = (options.exclude ?? []).filter((n) => Number.isInteger(n));
    const excludeSql = exclude.length ? ` AND f.id NOT IN (${exclude.map(() => '?').join(',')})` : '';
    const rows = this.db
      .prepare(
        `SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id
         WHERE ${PENDING}${where.sql}${excludeSql}
         ORDER BY f.confidence ASC, f.record_id ASC, f.position ASC LIMIT ? OFFSET ?`,
      )
      .all(...where.params, ...exclude, options.limit ?? 100, options.offset ?? 0) as FieldRow[];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM fields f JOIN records r ON r.id = f.record_id WHERE ${PENDING}${where.sql}`).get(...where.params) as {
        n: number;
      }
    ).n;
    return { items: rows.map(toField), total };
  }

  /**
   * Applies a reviewer's decision when the field is still at the version they
   * saw; otherwise reports a conflict with the field as it is now. The decision
   * and its audit entry are written in one transaction.
   */
  review(fieldId: number, request: ReviewRequest): ReviewOutcome {
    const run = this.db.transaction((): ReviewOutcome => {
      const field = this.getField(fieldId);
      if (!field) return { ok: false, reason: 'not_found' };
      const record = this.recordState(field.recordId);
      if (record?.retiredAt) return { ok: false, reason: 'retired', field, replacedBy: record.replacedBy ?? [] };
      if (field.version !== request.version) return { ok: false, reason: 'conflict', field };
      let newValue: Value;
      if (request.action === 'correct') {
        const parsed = parseFieldValue(field.name, request.value);
        if (!parsed.ok) return { ok: false, reason: 'invalid', message: parsed.message };
        newValue = parsed.value;
      } else if (request.action === 'confirm') {
        if (field.value === null || field.status === 'absent') {
          return { ok: false, reason: 'invalid', message: `${field.name} has no value to confirm: type the value, or mark the field absent` };
        }
        newValue = field.value;
      } else {
        newValue = null;
      }
      // Typing exactly the value that is there is a confirmation, not a correction.
      const action = request.action === 'correct' && newValue === field.value && field.status !== 'absent' ? 'confirm' : request.action;
      // The final status says how the value relates to the pipeline's reading:
      // confirming someone's correction keeps it "corrected"; correcting back to
      // the machine's value makes it "confirmed".
      const newStatus: ReviewStatus = action === 'absent' ? 'absent' : newValue === field.machineValue ? 'confirmed' : 'corrected';
      const at = this.stamp();
      this.db
        .prepare(
          `UPDATE fields SET review_status = ?, final_value = ?, reviewed_by = ?, reviewed_at = ?, version = version + 1
           WHERE id = ? AND version = ?`,
        )
        .run(newStatus, encode(newValue), request.reviewer, at, fieldId, request.version);
      const appended = this.appendAudit('review_actions', {
        field_id: fieldId,
        record_id: field.recordId,
        field: field.name,
        reviewer: request.reviewer,
        action,
        old_value: encode(field.value),
        new_value: encode(newValue),
        old_status: field.status,
        new_status: newStatus,
        version: request.version,
        at,
      });
      const entry = toEntry(this.db.prepare('SELECT * FROM review_actions WHERE id = ?').get(appended.id) as ActionRow);
      return { ok: true, field: this.getField(fieldId)!, entry, auditHead: appended.hash };
    });
    // IMMEDIATE: take the write lock before reading the version, so two servers on one file cannot both pass the check.
    return run.immediate();
  }

  /**
   * Appends an audit entry linked to the last one (inside the caller's IMMEDIATE transaction, so
   * no other writer slips in between reading the last hash and inserting). Returns its id.
   */
  private appendAudit(table: AuditTable, row: Record<string, string | number | null>): { id: number; hash: string } {
    let statements = this.auditStatements.get(table);
    if (!statements) {
      // Prepared once per table: a review write is the server's hottest write.
      const columns = [...AUDIT_COLUMNS[table], 'prev_hash', 'hash'];
      statements = {
        last: this.db.prepare(`SELECT id, hash FROM ${table} ORDER BY id DESC LIMIT 1`),
        insert: this.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`),
      };
      this.auditStatements.set(table, statements);
    }
    const last = statements.last.get() as { id: number; hash: string | null } | undefined;
    const entry = { ...row, id: (last?.id ?? 0) + 1 };
    const link = nextLink(table, last?.hash ?? null, entry);
    statements.insert.run({ ...entry, ...link });
    return { id: entry.id, hash: link.hash };
  }

  /** Walks both audit chains; each report names its first broken link, if any. */
  verifyAudit(): ChainReport[] {
    return AUDIT_TABLES.map((table) => verifyChain(table, this.db.prepare(`SELECT * FROM ${table} ORDER BY id`).iterate() as Iterable<Record<string, unknown>>));
  }

  /** The hash of a chain's last entry (what the server logs after each write, to be compared later). */
  auditHead(table: AuditTable): string {
    return (this.db.prepare(`SELECT hash FROM ${table} ORDER BY id DESC LIMIT 1`).get() as { hash: string | null } | undefined)?.hash ?? GENESIS_HASH;
  }

  /** The audit trail, newest first. */
  actions(options: { fieldId?: number; recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): AuditEntry[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (options.fieldId !== undefined) (parts.push('a.field_id = ?'), params.push(options.fieldId));
    if (options.recordId !== undefined) (parts.push('a.record_id = ?'), params.push(options.recordId));
    if (options.reviewer !== undefined) (parts.push('a.reviewer = ?'), params.push(options.reviewer));
    if (options.batch !== undefined) {
      parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = a.record_id AND rb.batch = ?)');
      params.push(options.batch);
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT a.* FROM review_actions a ${where} ORDER BY a.id DESC LIMIT ?`).all(...params, options.limit ?? 1000) as ActionRow[];
    return rows.map(toEntry);
  }

  progress(filter: FieldFilter = {}): Progress {
    const where = whereFilter(filter);
    const scope = `FROM fields f JOIN records r ON r.id = f.record_id WHERE ${NEEDS_PERSON} AND (f.in_record = 1 OR f.review_status IS NOT NULL)${where.sql}`;
    const { total, reviewed } = this.db
      .prepare(`SELECT COUNT(*) AS total, COUNT(f.review_status) AS reviewed ${scope}`)
      .get(...where.params) as { total: number; reviewed: number };
    const byFields = this.db
      .prepare(`SELECT f.reviewed_by AS reviewer, COUNT(*) AS n ${scope} AND f.reviewed_by IS NOT NULL GROUP BY f.reviewed_by`)
      .all(...where.params) as Array<{ reviewer: string; n: number }>;
    const byActions = this.db
      .prepare(
        `SELECT a.reviewer AS reviewer, COUNT(*) AS n FROM review_actions a JOIN fields f ON f.id = a.field_id JOIN records r ON r.id = f.record_id
         WHERE 1 = 1${where.sql} GROUP BY a.reviewer`,
      )
      .all(...where.params) as Array<{ reviewer: string; n: number }>;
    const reviewers = new Map<string, { reviewer: string; fields: number; actions: number }>();
    for (const { reviewer, n } of byActions) reviewers.set(reviewer, { reviewer, fields: 0, actions: n });
    for (const { reviewer, n } of byFields) {
      const entry = reviewers.get(reviewer) ?? { reviewer, fields: 0, actions: 0 };
      entry.fields = n;
      reviewers.set(reviewer, entry);
    }
    return {
      total,
      reviewed,
      remaining: total - reviewed,
      reviewers: [...reviewers.values()].sort((a, b) => b.fields - a.fields || a.reviewer.localeCompare(b.reviewer)),
    };
  }

  facets(): Facets {
    const batches = this.db
      .prepare(
        `SELECT b.name, b.created_at AS createdAt, b.updated_at AS updatedAt, COUNT(rb.record_id) AS records
         FROM batches b LEFT JOIN record_batches rb ON rb.batch = b.name GROUP BY b.name ORDER BY b.created_at DESC, b.name`,
      )
      .all() as Facets['batches'];
    const fields = (this.db.prepare('SELECT DISTINCT name FROM fields ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
    const profiles = (this.db.prepare('SELECT DISTINCT profile FROM records ORDER BY profile').all() as Array<{ profile: string }>).map((r) => r.profile);
    return { batches, fields, profiles };
  }

  /** The record with reviews applied, its batches, pages and fields; null when unknown. */
  getRecord(id: string): StoredRecord | null {
    const row = this.db.prepare('SELECT * FROM records WHERE id = ?').get(id) as (RecordRow & { record_json: string }) | undefined;
    if (!row) return null;
    const fields = (
      this.db
        .prepare(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.record_id = ? ORDER BY f.position, f.name`)
        .all(id) as FieldRow[]
    ).map(toField);
    const pages = (
      this.db
        .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? ORDER BY rp.position')
        .all(id) as PageRow[]
    ).map(toPage);
    const batches = (this.db.prepare('SELECT batch FROM record_batches WHERE record_id = ? ORDER BY added_at, batch').all(id) as Array<{ batch: string }>).map(
      (r) => r.batch,
    );
    return { record: applyReviews(JSON.parse(row.record_json) as TelegramRecord, fields), state: toState(row), batches, pages, fields };
  }

  /**
   * The deepest folder holding every page the batch read (absolute), so pages can be shown
   * by their path inside the batch instead of the path the run was given; null for an
   * unknown batch. SQLite works out the common prefix of the sorted paths: only the first
   * and the last are compared.
   */
  batchFolder(batch: string): string | null {
    const row = this.db
      .prepare(
        `SELECT MIN(p.path) AS first, MAX(p.path) AS last FROM record_batches rb
         JOIN record_pages rp ON rp.record_id = rb.record_id JOIN pages p ON p.content_hash = rp.content_hash WHERE rb.batch = ?`,
      )
      .get(batch) as { first: string | null; last: string | null };
    if (row.first === null || row.last === null) return null;
    let i = 0;
    while (i < row.first.length && row.first[i] === row.last[i]) i++;
    const common = row.first.slice(0, i);
    // The common prefix may end inside a name (`/scans/box1`, `/scans/box12`): cut back to a folder.
    return row.first === row.last ? path.dirname(row.first) : common.slice(0, common.lastIndexOf(path.sep) + 1) || path.sep;
  }

  /** Page `position` (from 0) of a record. */
  recordPage(recordId: string, position: number): StoredPage | null {
    const row = this.db
      .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.position = ?')
      .get(recordId, position) as PageRow | undefined;
    return row ? toPage(row) : null;
  }

  /** A page by its content hash (what grouping tasks show, whichever record holds it now). */
  pageByHash(contentHash: string): StoredPage | null {
    const row = this.db.prepare('SELECT * FROM pages WHERE content_hash = ?').get(contentHash) as PageRow | undefined;
    return row ? toPage(row) : null;
  }

  /** The page a field's box lies on (by the field's page id among its record's pages). */
  fieldPage(field: StoredField): StoredPage | null {
    if (field.page === null) return null;
    const row = this.db
      .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.page_id = ?')
      .get(field.recordId, field.page) as PageRow | undefined;
    return row ? toPage(row) : null;
  }

  /** Record ids in a stable order, optionally only a batch's. */
  recordIds(batch?: string): string[] {
    const rows = batch
      ? this.db
          .prepare('SELECT rb.record_id AS id FROM record_batches rb JOIN records r ON r.id = rb.record_id WHERE rb.batch = ? AND r.retired_at IS NULL ORDER BY rb.record_id')
          .all(batch)
      : this.db.prepare('SELECT id FROM records WHERE retired_at IS NULL ORDER BY id').all();
    return (rows as Array<{ id: string }>).map((r) => r.id);
  }

  /** Records with reviews applied, one at a time (exports can be large). */
  *finalRecords(options: { batch?: string; reviewedOnly?: boolean } = {}): Generator<TelegramRecord> {
    for (const id of this.recordIds(options.batch)) {
      const stored = this.getRecord(id);
      if (!stored) continue;
      if (options.reviewedOnly && stored.record.review.status !== 'done') continue;
      yield stored.record;
    }
  }

  hasBatch(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM batches WHERE name = ?').get(name) !== undefined;
  }

  // ---------- grouping: sequences, reviewers' boundary decisions, regrouping ----------

  /** A record's version, retirement and sequence; null when unknown. */
  recordState(id: string): RecordState | null {
    const row = this.db.prepare('SELECT id, version, retired_at, replaced_by, sequence_key, grouping_status FROM records WHERE id = ?').get(id) as RecordRow | undefined;
    return row ? toState(row) : null;
  }

  /** A sequence's pages in order, where their page JSON is and how its records were built; null when unknown. */
  sequence(key: string): StoredSequence | null {
    const row = this.db.prepare('SELECT * FROM sequences WHERE key = ?').get(key) as
      | { key: string; mode: string; out_dir: string | null; build: string | null; updated_at: string }
      | undefined;
    if (!row) return null;
    const pages = this.db
      .prepare(
        'SELECT page_id AS pageId, content_hash AS contentHash, file FROM sequence_pages WHERE sequence_key = ? ORDER BY position',
      )
      .all(key) as StoredSequence['pages'];
    return { key: row.key, mode: row.mode, outDir: row.out_dir, build: row.build === null ? null : (JSON.parse(row.build) as RecordBuildSettings), pages, updatedAt: row.updated_at };
  }

  /** The records in use that hold pages of a sequence, in the order of their first page. */
  sequenceRecords(key: string): SequenceRecord[] {
    return this.sequenceRows(key).map((row) => {
      const record = JSON.parse(row.json) as TelegramRecord;
      return { id: row.id, version: row.version, pages: record.source.pages, record };
    });
  }

  /** The ids, versions and stored JSON (unparsed) of a sequence's records in use, in the order of their first page. */
  private sequenceRows(key: string): Array<{ id: string; version: number; json: string }> {
    return this.db
      .prepare(
        `SELECT r.id, r.version, r.record_json AS json, MIN(sp.position) AS first FROM records r
         JOIN record_pages rp ON rp.record_id = r.id
         JOIN sequence_pages sp ON sp.content_hash = rp.content_hash AND sp.sequence_key = ?
         WHERE r.retired_at IS NULL GROUP BY r.id ORDER BY first, r.id`,
      )
      .all(key) as Array<{ id: string; version: number; json: string }>;
  }

  /** Reviewers' decisions at the boundaries before these pages (by content hash). */
  reviewerBoundaries(contentHashes: readonly string[]): ReviewerBoundary[] {
    const found: ReviewerBoundary[] = [];
    const select = this.db.prepare('SELECT * FROM reviewer_boundaries WHERE content_hash = ?');
    for (const hash of new Set(contentHashes)) for (const row of select.all(hash) as BoundaryRow[]) found.push(toBoundary(row));
    return found;
  }

  /** Records in use whose grouping is in doubt, with their sequence. */
  uncertainGroupings(filter: FieldFilter = {}): Array<{ id: string; sequenceKey: string | null }> {
    const parts = [`r.retired_at IS NULL`, `r.grouping_status = 'uncertain'`];
    const params: unknown[] = [];
    if (filter.batch) (parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = r.id AND rb.batch = ?)'), params.push(filter.batch));
    if (filter.profile) (parts.push('r.profile = ?'), params.push(filter.profile));
    return this.db.prepare(`SELECT r.id, r.sequence_key AS sequenceKey FROM records r WHERE ${parts.join(' AND ')} ORDER BY r.sequence_key, r.id`).all(...params) as Array<{
      id: string;
      sequenceKey: string | null;
    }>;
  }

  /**
   * Writes a regrouping worked out from the stored readings, when nothing changed since: the
   * rebuilt records, the retirement of those they replace, the field decisions that follow
   * their fields (and the fields that wait again), the reviewer's boundary decisions and the
   * audit entry, in one transaction.
   */
  commitRegrouping(commit: RegroupCommit): RegroupCommitOutcome {
    const db = this.db;
    const run = db.transaction((): RegroupCommitOutcome => {
      const named = commit.named.map((n) => this.recordState(n.id));
      const stale = named.some((state, i) => !state || state.retiredAt !== null || state.version !== commit.named[i]!.version);
      if (stale) return { ok: false, reason: 'conflict', records: named.filter((s): s is RecordState => s !== null) };
      // The sequence's records as stored: the JSON is parsed only for those the rebuild replaced.
      const current = this.sequenceRows(commit.sequenceKey);
      const expected = new Map(commit.expected.map((e) => [e.id, e.version]));
      if (current.length !== expected.size || current.some((r) => expected.get(r.id) !== r.version)) return { ok: false, reason: 'changed' };

      const at = this.stamp();
      const unchanged = new Set(commit.unchanged);
      const beforeIds = new Set(current.map((r) => r.id));
      const afterIds = new Set([...commit.unchanged, ...commit.records.map((r) => r.id)]);
      const emitted = new Map(current.filter((r) => !unchanged.has(r.id)).map((r) => [r.id, r.json]));
      const replacedRecords = new Map([...emitted].map(([id, json]) => [id, JSON.parse(json) as TelegramRecord]));
      const batchesOf = (ids: readonly string[]): string[] =>
        ids.length === 0
          ? []
          : (db.prepare(`SELECT DISTINCT batch FROM record_batches WHERE record_id IN (${ids.map(() => '?').join(',')}) ORDER BY batch`).all(...ids) as Array<{ batch: string }>).map((b) => b.batch);
      // The new records join the batches of those they replace.
      const batches = batchesOf([...emitted.keys()]).length ? batchesOf([...emitted.keys()]) : batchesOf([...beforeIds]);
      if (batches.length === 0) throw new CablescanError(ErrorCode.STORE, `sequence ${commit.sequenceKey} has no batch to save its records in`, { retryable: false });
      const pagesById = new Map(commit.pages.map((p) => [p.pageId, p]));
      const addBatch = db.prepare('INSERT OR IGNORE INTO record_batches (record_id, batch, added_at) VALUES (?, ?, ?)');
      const changed = commit.records.filter((r) => emitted.get(r.id) !== JSON.stringify(r));
      for (const record of changed) {
        this.saveRecord(record, pagesById, batches[0]!, at, commit.sequenceKey);
        for (const batch of batches.slice(1)) addBatch.run(record.id, batch, at);
      }

      const retired = [...beforeIds].filter((id) => !afterIds.has(id));
      const created = [...afterIds].filter((id) => !beforeIds.has(id));
      const replacedBy: Record<string, string[]> = {};
      for (const id of retired) {
        const pages = replacedRecords.get(id)!.source.pages;
        replacedBy[id] = commit.records.filter((r) => r.source.pages.some((p) => pages.includes(p))).map((r) => r.id);
        this.retire(id, replacedBy[id]!, at);
      }

      const fieldsOf = (id: string): StoredField[] =>
        (db.prepare(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.record_id = ? ORDER BY f.position`).all(id) as FieldRow[]).map(toField);
      const plan = planCarryOver(
        retired.map((id): CarrySource => ({ id, pages: replacedRecords.get(id)!.source.pages, fields: fieldsOf(id) })),
        commit.records.map((r): CarrySource => ({ id: r.id, pages: r.source.pages, fields: fieldsOf(r.id).filter((f) => f.inRecord) })),
      );
      const carry = db.prepare(
        `UPDATE fields SET review_status = ?, final_value = ?, reviewed_by = ?, reviewed_at = ?, held_reason = NULL, version = version + 1
         WHERE id = ? AND review_status IS NULL`,
      );
      for (const c of plan.carry) carry.run(c.status, encode(c.value), c.from.reviewedBy, c.from.reviewedAt, c.to.id);
      const hold = db.prepare('UPDATE fields SET held_reason = ?, version = version + 1 WHERE id = ? AND review_status IS NULL AND held_reason IS NOT ?');
      for (const h of plan.hold) hold.run(GROUPING_CHANGED, h.to.id, GROUPING_CHANGED);
      const fields: FieldCarryOver = {
        carried: plan.carry.map((c) => ({ from: `${c.from.recordId}.${c.from.name}`, to: `${c.to.recordId}.${c.to.name}`, status: c.status, value: c.value, reviewer: c.from.reviewedBy })),
        returned: plan.hold.map((h) => ({ from: `${h.from.recordId}.${h.from.name}`, to: `${h.to.recordId}.${h.to.name}`, reason: GROUPING_CHANGED })),
        dropped: plan.dropped.map((f) => ({ from: `${f.recordId}.${f.name}` })),
      };

      const summary = (record: TelegramRecord): GroupingAuditRecord => ({ id: record.id, pages: record.source.pages, grouping: record.grouping?.status ?? null });
      const before = [...replacedRecords.values()].filter((r) => retired.includes(r.id) || changed.some((c) => c.id === r.id)).map(summary);
      const after = changed.map(summary);
      const versions = Object.fromEntries(commit.named.map((n) => [n.id, n.version]));
      const { id: actionId } = this.appendAudit('grouping_actions', {
        action: commit.action,
        reviewer: commit.reviewer,
        at,
        sequence_key: commit.sequenceKey,
        page_id: commit.page,
        before: JSON.stringify(before),
        after: JSON.stringify(after),
        replaced_by: JSON.stringify(replacedBy),
        decisions: JSON.stringify(commit.decisions),
        fields: JSON.stringify(fields),
        versions: JSON.stringify(versions),
      });
      const touch = db.prepare('INSERT OR IGNORE INTO grouping_action_records (action_id, record_id) VALUES (?, ?)');
      for (const id of new Set([...before.map((r) => r.id), ...after.map((r) => r.id), ...commit.named.map((n) => n.id)])) touch.run(actionId, id);
      const boundary = db.prepare(
        `INSERT INTO reviewer_boundaries (content_hash, previous_content_hash, page_id, previous_page_id, decision, action, reviewer, at, action_id)
         VALUES (@contentHash, @previousContentHash, @page, @previousPage, @decision, @action, @reviewer, @at, @actionId)
         ON CONFLICT(content_hash, previous_content_hash) DO UPDATE SET page_id = excluded.page_id, previous_page_id = excluded.previous_page_id,
           decision = excluded.decision, action = excluded.action, reviewer = excluded.reviewer, at = excluded.at, action_id = excluded.action_id`,
      );
      // The time the records were rebuilt with (their decisions say it), not the time of this write.
      for (const b of commit.boundaries) boundary.run({ ...b, actionId });
      const entry = toGroupingEntry(db.prepare('SELECT * FROM grouping_actions WHERE id = ?').get(actionId) as GroupingActionRow);
      return { ok: true, entry, retired, created };
    });
    try {
      // IMMEDIATE: the write lock is taken before the versions are read, as for a field review.
      return run.immediate();
    } catch (err) {
      if (err instanceof CablescanError) throw err;
      throw new CablescanError(ErrorCode.STORE, `cannot save the regrouping to ${this.file}: ${(err as Error).message}`, { file: this.file, cause: err });
    }
  }

  /** The grouping trail (splits, merges, confirmations), newest first. */
  groupingActions(options: { recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): GroupingAuditEntry[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (options.recordId !== undefined) (parts.push('EXISTS (SELECT 1 FROM grouping_action_records gr WHERE gr.action_id = a.id AND gr.record_id = ?)'), params.push(options.recordId));
    if (options.reviewer !== undefined) (parts.push('a.reviewer = ?'), params.push(options.reviewer));
    if (options.batch !== undefined) {
      parts.push('EXISTS (SELECT 1 FROM grouping_action_records gr JOIN record_batches rb ON rb.record_id = gr.record_id WHERE gr.action_id = a.id AND rb.batch = ?)');
      params.push(options.batch);
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT a.* FROM grouping_actions a ${where} ORDER BY a.id DESC LIMIT ?`).all(...params, options.limit ?? 1000) as GroupingActionRow[];
    return rows.map(toGroupingEntry);
  }

  stats(filter: FieldFilter = {}): StoreStats {
    const where = whereFilter(filter);
    const rows = this.db
      .prepare(
        `SELECT f.name AS field, ${STATUS_NOW} AS status, COUNT(*) AS n
         FROM fields f JOIN records r ON r.id = f.record_id WHERE (f.in_record = 1 OR f.review_status IS NOT NULL)${where.sql}
         GROUP BY f.name, status ORDER BY f.name`,
      )
      .all(...where.params) as Array<{ field: string; status: FieldStatus; n: number }>;
    const byField = new Map<string, StatusCounts>();
    for (const row of rows) {
      const entry = byField.get(row.field) ?? { field: row.field, counts: {} };
      entry.counts[row.status] = row.n;
      byField.set(row.field, entry);
    }
    const recordFilter = ` WHERE r.retired_at IS NULL${filter.batch ? ' AND EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = r.id AND rb.batch = ?)' : ''}`;
    const profileFilter = filter.profile ? ' AND r.profile = ?' : '';
    const recordParams = [filter.batch, filter.profile].filter((v): v is string => Boolean(v));
    const records = (this.db.prepare(`SELECT COUNT(*) AS n FROM records r${recordFilter}${profileFilter}`).get(...recordParams) as { n: number }).n;
    const pendingRecords = (
      this.db
        .prepare(
          `SELECT COUNT(DISTINCT f.record_id) AS n FROM fields f JOIN records r ON r.id = f.record_id
           WHERE f.in_record = 1 AND f.review_status IS NULL AND ${NEEDS_PERSON}${whereFilter({ batch: filter.batch, profile: filter.profile }).sql}`,
        )
        .get(...whereFilter({ batch: filter.batch, profile: filter.profile }).params) as { n: number }
    ).n;
    return { records, recordsDone: records - pendingRecords, progress: this.progress(filter), byField: [...byField.values()] };
  }
}

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
