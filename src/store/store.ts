// The review store: one SQLite file (default <out>/cablescan.db) holding the
// records the pipeline emitted, the pages they came from, every field's review
// state and the audit trail of review actions. The record files under records/
// stay what the pipeline wrote; exports are made from here.
//
// ReviewStore is the store's interface; its work is done by one module per concern, each over
// the open connection (connection.ts): writes.ts (the pipeline's records, sequences,
// retirements), review-queue.ts (what waits for a person, and their decisions), audit.ts (the
// hash-chained trails), reads.ts (records, pages, batches, sequences), stats.ts (progress,
// counts), regrouping.ts (a reviewer's split or merge). Another backend (issue 22) implements
// the same interface.
//
// better-sqlite3 is synchronous: every method is one short transaction, which is
// what makes the version check of a review write and its audit entry atomic.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { AuditTable, ChainReport } from './audit-chain.ts';
import * as audit from './audit.ts';
import { StoreDb } from './connection.ts';
import { migrate } from './migrations.ts';
import * as reads from './reads.ts';
import * as regrouping from './regrouping.ts';
import * as reviewQueue from './review-queue.ts';
import * as stats from './stats.ts';
import type {
  AuditEntry,
  Facets,
  FieldFilter,
  GroupingAuditEntry,
  Progress,
  QueuePage,
  RecordState,
  RecordStore,
  RegroupCommit,
  RegroupCommitOutcome,
  ReviewOutcome,
  ReviewRequest,
  SequenceRecord,
  SinkContext,
  StoredField,
  StoredPage,
  StoredRecord,
  StoredSequence,
  StoreStats,
} from './types.ts';
import * as writes from './writes.ts';

export { applyReviews, textBoxOf, toRecordField } from './rows.ts';
export type { SinkContext } from './types.ts';

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

export class ReviewStore {
  readonly file: string;
  private readonly s: StoreDb;

  private constructor(s: StoreDb) {
    this.file = s.file;
    this.s = s;
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
    return new ReviewStore(new StoreDb(absolute, db, options.now ?? (() => new Date())));
  }

  close(): void {
    if (this.s.db.open) this.s.db.close();
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
    writes.saveRecords(this.s, records, pages, context, options);
  }

  /** See RecordStore.retireRecords. A record emitted again later comes back (saveRecord clears the mark). */
  retireRecords(ids: readonly string[], replacedBy: readonly string[]): void {
    writes.retireRecords(this.s, ids, replacedBy);
  }

  /**
   * Remembers sequences for records saved without them (an import from an output folder):
   * each sequence's pages in order, as read. Their records are marked as built in it.
   */
  saveSequences(sequences: ReadonlyArray<readonly PageResult[]>, context: SinkContext): void {
    writes.saveSequences(this.s, sequences, context);
  }

  getField(id: number): StoredField | null {
    return reviewQueue.getField(this.s, id);
  }

  /** Fields waiting for a person, lowest confidence first. */
  queue(filter: FieldFilter = {}, options: { limit?: number; offset?: number; exclude?: readonly number[] } = {}): QueuePage {
    return reviewQueue.queue(this.s, filter, options);
  }

  /**
   * Applies a reviewer's decision when the field is still at the version they
   * saw; otherwise reports a conflict with the field as it is now. The decision
   * and its audit entry are written in one transaction.
   */
  review(fieldId: number, request: ReviewRequest): ReviewOutcome {
    return reviewQueue.review(this.s, fieldId, request);
  }

  /** Walks both audit chains; each report names its first broken link, if any. */
  verifyAudit(): ChainReport[] {
    return audit.verifyAudit(this.s);
  }

  /** The hash of a chain's last entry (what the server logs after each write, to be compared later). */
  auditHead(table: AuditTable): string {
    return audit.auditHead(this.s, table);
  }

  /** The audit trail, newest first. */
  actions(options: { fieldId?: number; recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): AuditEntry[] {
    return audit.actions(this.s, options);
  }

  progress(filter: FieldFilter = {}): Progress {
    return stats.progress(this.s, filter);
  }

  facets(): Facets {
    return reads.facets(this.s);
  }

  /** The record with reviews applied, its batches, pages and fields; null when unknown. */
  getRecord(id: string): StoredRecord | null {
    return reads.getRecord(this.s, id);
  }

  /**
   * The deepest folder holding every page the batch read (absolute), so pages can be shown
   * by their path inside the batch instead of the path the run was given; null for an
   * unknown batch. SQLite works out the common prefix of the sorted paths: only the first
   * and the last are compared.
   */
  batchFolder(batch: string): string | null {
    return reads.batchFolder(this.s, batch);
  }

  /** Page `position` (from 0) of a record. */
  recordPage(recordId: string, position: number): StoredPage | null {
    return reads.recordPage(this.s, recordId, position);
  }

  /** A page by its content hash (what grouping tasks show, whichever record holds it now). */
  pageByHash(contentHash: string): StoredPage | null {
    return reads.pageByHash(this.s, contentHash);
  }

  /** The page a field's box lies on (by the field's page id among its record's pages). */
  fieldPage(field: StoredField): StoredPage | null {
    return reads.fieldPage(this.s, field);
  }

  /** Record ids in a stable order, optionally only a batch's. */
  recordIds(batch?: string): string[] {
    return reads.recordIds(this.s, batch);
  }

  /** Records with reviews applied, one at a time (exports can be large). */
  *finalRecords(options: { batch?: string; reviewedOnly?: boolean } = {}): Generator<TelegramRecord> {
    yield* reads.finalRecords(this.s, options);
  }

  hasBatch(name: string): boolean {
    return reads.hasBatch(this.s, name);
  }

  /** A record's version, retirement and sequence; null when unknown. */
  recordState(id: string): RecordState | null {
    return reads.recordState(this.s, id);
  }

  /** A sequence's pages in order, where their page JSON is and how its records were built; null when unknown. */
  sequence(key: string): StoredSequence | null {
    return reads.sequence(this.s, key);
  }

  /** The records in use that hold pages of a sequence, in the order of their first page. */
  sequenceRecords(key: string): SequenceRecord[] {
    return reads.sequenceRecords(this.s, key);
  }

  /** Reviewers' decisions at the boundaries before these pages (by content hash). */
  reviewerBoundaries(contentHashes: readonly string[]): ReviewerBoundary[] {
    return reads.reviewerBoundaries(this.s, contentHashes);
  }

  /** Records in use whose grouping is in doubt, with their sequence. */
  uncertainGroupings(filter: FieldFilter = {}): Array<{ id: string; sequenceKey: string | null }> {
    return reads.uncertainGroupings(this.s, filter);
  }

  /**
   * Writes a regrouping worked out from the stored readings, when nothing changed since: the
   * rebuilt records, the retirement of those they replace, the field decisions that follow
   * their fields (and the fields that wait again), the reviewer's boundary decisions and the
   * audit entry, in one transaction.
   */
  commitRegrouping(commit: RegroupCommit): RegroupCommitOutcome {
    return regrouping.commitRegrouping(this.s, commit);
  }

  /** The grouping trail (splits, merges, confirmations), newest first. */
  groupingActions(options: { recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): GroupingAuditEntry[] {
    return audit.groupingActions(this.s, options);
  }

  stats(filter: FieldFilter = {}): StoreStats {
    return stats.stats(this.s, filter);
  }
}
