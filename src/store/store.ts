// The review store: the records the pipeline emitted, the pages they came from, every field's
// review state and the audit trail of review actions. One machine keeps it in one SQLite file
// (default <out>/cablescan.db); several (workers on other hosts, a reading room of reviewers)
// share a PostgreSQL database (--db postgres://...). The record files under records/ stay what
// the pipeline wrote; exports are made from here.
//
// ReviewStore is the store's interface, the same over both backends; its work is done by one
// module per concern over the open database (connection.ts, sql.ts): writes.ts (the pipeline's
// records, sequences, retirements), review-queue.ts (what waits for a person, and their
// decisions), audit.ts (the hash-chained trails), reads.ts (records, pages, batches, sequences),
// stats.ts (progress, counts), regrouping.ts (a reviewer's split or merge). The backends differ
// only in sqlite-sql.ts / pg-sql.ts and their migrations (migrations.ts, pg-migrations.ts).
//
// Every method returns a Promise (node-postgres is asynchronous); a write is one transaction,
// which is what makes the version check of a review write and its audit entry atomic.
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
import { migratePg } from './pg-migrations.ts';
import { openPool, pgError, redactUrl } from './pg-sql.ts';
import * as reads from './reads.ts';
import * as regrouping from './regrouping.ts';
import * as reviewQueue from './review-queue.ts';
import { SqliteSql } from './sqlite-sql.ts';
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

/** A PostgreSQL store's location: a postgres:// or postgresql:// URL. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

export interface OpenStoreOptions {
  /** Open an existing database for reading only (no migrations, no writes; SQLite only). */
  readonly?: boolean;
  /** Clock for timestamps (tests). */
  now?: () => Date;
  /** PostgreSQL: the schema holding the store's tables (default: the URL's ?schema=, else public). */
  schema?: string;
  /** PostgreSQL: connections in the pool (default 10). */
  connections?: number;
}

function openSqlite(file: string, options: OpenStoreOptions): StoreDb {
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
  return new StoreDb(absolute, SqliteSql.over(db, absolute), options.now ?? (() => new Date()));
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<StoreDb> {
  const where = redactUrl(url);
  const { sql, schema } = openPool(url, { schema: options.schema, max: options.connections });
  try {
    await migratePg(sql, schema, where);
  } catch (err) {
    await sql.close().catch(() => undefined);
    const e = pgError(err, where);
    if (e instanceof CablescanError) throw e;
    throw new CablescanError(ErrorCode.STORE, `${where} is not a usable review store: ${(err as Error).message}`, { cause: err, retryable: false });
  }
  // The URL says the schema when it was given there (?schema=); one given as an option is added.
  return new StoreDb(schema === 'public' || where.includes(`schema=${schema}`) ? where : `${where} (schema ${schema})`, sql, options.now ?? (() => new Date()));
}

export class ReviewStore {
  /** What messages call the store: the SQLite file (absolute), or the PostgreSQL URL without its password. */
  readonly file: string;
  readonly kind: 'sqlite' | 'postgres';
  private readonly s: StoreDb;

  private constructor(s: StoreDb) {
    this.file = s.file;
    this.kind = s.sql.dialect;
    this.s = s;
  }

  /** Opens (creating and migrating when needed) the store at `location`: a SQLite file, or a postgres:// URL. */
  static async open(location: string, options: OpenStoreOptions = {}): Promise<ReviewStore> {
    return new ReviewStore(isPostgresUrl(location) ? await openPostgres(location, options) : openSqlite(location, options));
  }

  close(): Promise<void> {
    return this.s.sql.close();
  }

  /** What the emit stage of one batch writes to. */
  recordSink(context: SinkContext): RecordStore {
    return {
      // The emit stage hands over a whole sequence's pages in order: remembered for regrouping.
      saveRecords: (records, pages, builtWith) => this.saveRecords(records, pages, context, { sequence: true, builtWith }),
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
  saveRecords(records: readonly TelegramRecord[], pages: readonly PageResult[], context: SinkContext, options: writes.SaveOptions = {}): Promise<void> {
    return writes.saveRecords(this.s, records, pages, context, options);
  }

  /** See RecordStore.retireRecords. A record emitted again later comes back (saveRecord clears the mark). */
  retireRecords(ids: readonly string[], replacedBy: readonly string[]): Promise<void> {
    return writes.retireRecords(this.s, ids, replacedBy);
  }

  /**
   * Remembers sequences for records saved without them (an import from an output folder):
   * each sequence's pages in order, as read. Their records are marked as built in it.
   */
  saveSequences(sequences: ReadonlyArray<readonly PageResult[]>, context: SinkContext): Promise<void> {
    return writes.saveSequences(this.s, sequences, context);
  }

  getField(id: number): Promise<StoredField | null> {
    return reviewQueue.getField(this.s, id);
  }

  /** Fields waiting for a person, lowest confidence first. */
  queue(filter: FieldFilter = {}, options: { limit?: number; offset?: number; exclude?: readonly number[] } = {}): Promise<QueuePage> {
    return reviewQueue.queue(this.s, filter, options);
  }

  /**
   * Applies a reviewer's decision when the field is still at the version they
   * saw; otherwise reports a conflict with the field as it is now. The decision
   * and its audit entry are written in one transaction.
   */
  review(fieldId: number, request: ReviewRequest): Promise<ReviewOutcome> {
    return reviewQueue.review(this.s, fieldId, request);
  }

  /** Walks both audit chains; each report names its first broken link, if any. */
  verifyAudit(): Promise<ChainReport[]> {
    return audit.verifyAudit(this.s);
  }

  /** The hash of a chain's last entry (what the server logs after each write, to be compared later). */
  auditHead(table: AuditTable): Promise<string> {
    return audit.auditHead(this.s, table);
  }

  /** The audit trail, newest first. */
  actions(options: { fieldId?: number; recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    return audit.actions(this.s, options);
  }

  progress(filter: FieldFilter = {}): Promise<Progress> {
    return stats.progress(this.s, filter);
  }

  facets(): Promise<Facets> {
    return reads.facets(this.s);
  }

  /** The record with reviews applied, its batches, pages and fields; null when unknown. */
  getRecord(id: string): Promise<StoredRecord | null> {
    return reads.getRecord(this.s, id);
  }

  /**
   * The deepest folder holding every page the batch read (absolute), so pages can be shown
   * by their path inside the batch instead of the path the run was given; null for an
   * unknown batch. Only the first and the last of the sorted paths are compared.
   */
  batchFolder(batch: string): Promise<string | null> {
    return reads.batchFolder(this.s, batch);
  }

  /** Page `position` (from 0) of a record. */
  recordPage(recordId: string, position: number): Promise<StoredPage | null> {
    return reads.recordPage(this.s, recordId, position);
  }

  /** A page by its content hash (what grouping tasks show, whichever record holds it now). */
  pageByHash(contentHash: string): Promise<StoredPage | null> {
    return reads.pageByHash(this.s, contentHash);
  }

  /** The page a field's box lies on (by the field's page id among its record's pages). */
  fieldPage(field: StoredField): Promise<StoredPage | null> {
    return reads.fieldPage(this.s, field);
  }

  /** Record ids in a stable order, optionally only a batch's. */
  recordIds(batch?: string): Promise<string[]> {
    return reads.recordIds(this.s, batch);
  }

  /** Records with reviews applied, one at a time (exports can be large). */
  finalRecords(options: { batch?: string; reviewedOnly?: boolean } = {}): AsyncGenerator<TelegramRecord> {
    return reads.finalRecords(this.s, options);
  }

  hasBatch(name: string): Promise<boolean> {
    return reads.hasBatch(this.s, name);
  }

  /** A record's version, retirement and sequence; null when unknown. */
  recordState(id: string): Promise<RecordState | null> {
    return reads.recordState(this.s, id);
  }

  /** A sequence's pages in order, where their page JSON is and how its records were built; null when unknown. */
  sequence(key: string): Promise<StoredSequence | null> {
    return reads.sequence(this.s, key);
  }

  /** The records in use that hold pages of a sequence, in the order of their first page. */
  sequenceRecords(key: string): Promise<SequenceRecord[]> {
    return reads.sequenceRecords(this.s, key);
  }

  /** Reviewers' decisions at the boundaries before these pages (by content hash). */
  reviewerBoundaries(contentHashes: readonly string[]): Promise<ReviewerBoundary[]> {
    return reads.reviewerBoundaries(this.s, contentHashes);
  }

  /** Records in use whose grouping is in doubt, with their sequence. */
  uncertainGroupings(filter: FieldFilter = {}): Promise<Array<{ id: string; sequenceKey: string | null }>> {
    return reads.uncertainGroupings(this.s, filter);
  }

  /**
   * Writes a regrouping worked out from the stored readings, when nothing changed since: the
   * rebuilt records, the retirement of those they replace, the field decisions that follow
   * their fields (and the fields that wait again), the reviewer's boundary decisions and the
   * audit entry, in one transaction.
   */
  commitRegrouping(commit: RegroupCommit): Promise<RegroupCommitOutcome> {
    return regrouping.commitRegrouping(this.s, commit);
  }

  /** The grouping trail (splits, merges, confirmations), newest first. */
  groupingActions(options: { recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): Promise<GroupingAuditEntry[]> {
    return audit.groupingActions(this.s, options);
  }

  stats(filter: FieldFilter = {}): Promise<StoreStats> {
    return stats.stats(this.s, filter);
  }
}
