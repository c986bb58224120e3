// Reads: records with reviews applied, pages, batches, sequences, reviewers' boundary decisions.
import path from 'node:path';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { TelegramRecord } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { applyReviews, type BoundaryRow, FIELD_COLUMNS, type FieldRow, type PageRow, type RecordRow, toBoundary, toField, toPage, toState } from './rows.ts';
import type { Facets, FieldFilter, RecordBuildSettings, RecordState, SequenceRecord, StoredField, StoredPage, StoredRecord, StoredSequence } from './types.ts';

/** The record with reviews applied, its batches, pages and fields; null when unknown. */
export function getRecord(s: StoreDb, id: string): StoredRecord | null {
  const row = s.db.prepare('SELECT * FROM records WHERE id = ?').get(id) as (RecordRow & { record_json: string }) | undefined;
  if (!row) return null;
  const fields = (
    s.db
      .prepare(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.record_id = ? ORDER BY f.position, f.name`)
      .all(id) as FieldRow[]
  ).map(toField);
  const pages = (
    s.db
      .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? ORDER BY rp.position')
      .all(id) as PageRow[]
  ).map(toPage);
  const batches = (s.db.prepare('SELECT batch FROM record_batches WHERE record_id = ? ORDER BY added_at, batch').all(id) as Array<{ batch: string }>).map(
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
export function batchFolder(s: StoreDb, batch: string): string | null {
  const row = s.db
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
export function recordPage(s: StoreDb, recordId: string, position: number): StoredPage | null {
  const row = s.db
    .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.position = ?')
    .get(recordId, position) as PageRow | undefined;
  return row ? toPage(row) : null;
}

/** A page by its content hash (what grouping tasks show, whichever record holds it now). */
export function pageByHash(s: StoreDb, contentHash: string): StoredPage | null {
  const row = s.db.prepare('SELECT * FROM pages WHERE content_hash = ?').get(contentHash) as PageRow | undefined;
  return row ? toPage(row) : null;
}

/** The page a field's box lies on (by the field's page id among its record's pages). */
export function fieldPage(s: StoreDb, field: StoredField): StoredPage | null {
  if (field.page === null) return null;
  const row = s.db
    .prepare('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.page_id = ?')
    .get(field.recordId, field.page) as PageRow | undefined;
  return row ? toPage(row) : null;
}

/** Record ids in a stable order, optionally only a batch's. */
export function recordIds(s: StoreDb, batch?: string): string[] {
  const rows = batch
    ? s.db
        .prepare('SELECT rb.record_id AS id FROM record_batches rb JOIN records r ON r.id = rb.record_id WHERE rb.batch = ? AND r.retired_at IS NULL ORDER BY rb.record_id')
        .all(batch)
    : s.db.prepare('SELECT id FROM records WHERE retired_at IS NULL ORDER BY id').all();
  return (rows as Array<{ id: string }>).map((r) => r.id);
}

/** Records with reviews applied, one at a time (exports can be large). */
export function* finalRecords(s: StoreDb, options: { batch?: string; reviewedOnly?: boolean } = {}): Generator<TelegramRecord> {
  for (const id of recordIds(s, options.batch)) {
    const stored = getRecord(s, id);
    if (!stored) continue;
    if (options.reviewedOnly && stored.record.review.status !== 'done') continue;
    yield stored.record;
  }
}

export function hasBatch(s: StoreDb, name: string): boolean {
  return s.db.prepare('SELECT 1 FROM batches WHERE name = ?').get(name) !== undefined;
}

export function facets(s: StoreDb): Facets {
  const batches = s.db
    .prepare(
      `SELECT b.name, b.created_at AS createdAt, b.updated_at AS updatedAt, COUNT(rb.record_id) AS records
       FROM batches b LEFT JOIN record_batches rb ON rb.batch = b.name GROUP BY b.name ORDER BY b.created_at DESC, b.name`,
    )
    .all() as Facets['batches'];
  const fields = (s.db.prepare('SELECT DISTINCT name FROM fields ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  const profiles = (s.db.prepare('SELECT DISTINCT profile FROM records ORDER BY profile').all() as Array<{ profile: string }>).map((r) => r.profile);
  return { batches, fields, profiles };
}

/** A record's version, retirement and sequence; null when unknown. */
export function recordState(s: StoreDb, id: string): RecordState | null {
  const row = s.db.prepare('SELECT id, version, retired_at, replaced_by, sequence_key, grouping_status FROM records WHERE id = ?').get(id) as RecordRow | undefined;
  return row ? toState(row) : null;
}

/** A sequence's pages in order, where their page JSON is and how its records were built; null when unknown. */
export function sequence(s: StoreDb, key: string): StoredSequence | null {
  const row = s.db.prepare('SELECT * FROM sequences WHERE key = ?').get(key) as
    | { key: string; mode: string; out_dir: string | null; build: string | null; updated_at: string }
    | undefined;
  if (!row) return null;
  const pages = s.db
    .prepare(
      'SELECT page_id AS pageId, content_hash AS contentHash, file FROM sequence_pages WHERE sequence_key = ? ORDER BY position',
    )
    .all(key) as StoredSequence['pages'];
  return { key: row.key, mode: row.mode, outDir: row.out_dir, build: row.build === null ? null : (JSON.parse(row.build) as RecordBuildSettings), pages, updatedAt: row.updated_at };
}

/** The records in use that hold pages of a sequence, in the order of their first page. */
export function sequenceRecords(s: StoreDb, key: string): SequenceRecord[] {
  return sequenceRows(s, key).map((row) => {
    const record = JSON.parse(row.json) as TelegramRecord;
    return { id: row.id, version: row.version, pages: record.source.pages, record };
  });
}

/** The ids, versions and stored JSON (unparsed) of a sequence's records in use, in the order of their first page. */
export function sequenceRows(s: StoreDb, key: string): Array<{ id: string; version: number; json: string }> {
  return s.db
    .prepare(
      `SELECT r.id, r.version, r.record_json AS json, MIN(sp.position) AS first FROM records r
       JOIN record_pages rp ON rp.record_id = r.id
       JOIN sequence_pages sp ON sp.content_hash = rp.content_hash AND sp.sequence_key = ?
       WHERE r.retired_at IS NULL GROUP BY r.id ORDER BY first, r.id`,
    )
    .all(key) as Array<{ id: string; version: number; json: string }>;
}

/** Reviewers' decisions at the boundaries before these pages (by content hash). */
export function reviewerBoundaries(s: StoreDb, contentHashes: readonly string[]): ReviewerBoundary[] {
  const found: ReviewerBoundary[] = [];
  const select = s.db.prepare('SELECT * FROM reviewer_boundaries WHERE content_hash = ?');
  for (const hash of new Set(contentHashes)) for (const row of select.all(hash) as BoundaryRow[]) found.push(toBoundary(row));
  return found;
}

/** Records in use whose grouping is in doubt, with their sequence. */
export function uncertainGroupings(s: StoreDb, filter: FieldFilter = {}): Array<{ id: string; sequenceKey: string | null }> {
  const parts = [`r.retired_at IS NULL`, `r.grouping_status = 'uncertain'`];
  const params: unknown[] = [];
  if (filter.batch) (parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = r.id AND rb.batch = ?)'), params.push(filter.batch));
  if (filter.profile) (parts.push('r.profile = ?'), params.push(filter.profile));
  return s.db.prepare(`SELECT r.id, r.sequence_key AS sequenceKey FROM records r WHERE ${parts.join(' AND ')} ORDER BY r.sequence_key, r.id`).all(...params) as Array<{
    id: string;
    sequenceKey: string | null;
  }>;
}
