// Reads: records with reviews applied, pages, batches, sequences, reviewers' boundary decisions.
import path from 'node:path';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { TelegramRecord } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { applyReviews, type BoundaryRow, FIELD_COLUMNS, type FieldRow, type PageRow, type RecordRow, toBoundary, toField, toPage, toState } from './rows.ts';
import { placeholders } from './sql.ts';
import type { Facets, FieldFilter, RecordBuildSettings, RecordState, SequenceRecord, StoredField, StoredPage, StoredRecord, StoredSequence } from './types.ts';

/** The record with reviews applied, its batches, pages and fields; null when unknown. */
export async function getRecord(s: StoreDb, id: string): Promise<StoredRecord | null> {
  const row = await s.sql.get<RecordRow & { record_json: string }>('SELECT * FROM records WHERE id = ?', [id]);
  if (!row) return null;
  const fields = (
    await s.sql.all<FieldRow>(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.record_id = ? ORDER BY f.position, f.name`, [
      id,
    ])
  ).map(toField);
  const pages = (
    await s.sql.all<PageRow>('SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? ORDER BY rp.position', [
      id,
    ])
  ).map(toPage);
  const batches = (await s.sql.all<{ batch: string }>('SELECT batch FROM record_batches WHERE record_id = ? ORDER BY added_at, batch', [id])).map(
    (r) => r.batch,
  );
  return { record: applyReviews(JSON.parse(row.record_json) as TelegramRecord, fields), state: toState(row), batches, pages, fields };
}

/**
 * The deepest folder holding every page the batch read (absolute), so pages can be shown
 * by their path inside the batch instead of the path the run was given; null for an
 * unknown batch. The database works out the first and last of the sorted paths: only those
 * are compared.
 */
export async function batchFolder(s: StoreDb, batch: string): Promise<string | null> {
  const row = (await s.sql.get<{ first: string | null; last: string | null }>(
    `SELECT MIN(p.path) AS "first", MAX(p.path) AS "last" FROM record_batches rb
     JOIN record_pages rp ON rp.record_id = rb.record_id JOIN pages p ON p.content_hash = rp.content_hash WHERE rb.batch = ?`,
    [batch],
  ))!;
  if (row.first === null || row.last === null) return null;
  let i = 0;
  while (i < row.first.length && row.first[i] === row.last[i]) i++;
  const common = row.first.slice(0, i);
  // The common prefix may end inside a name (`/scans/box1`, `/scans/box12`): cut back to a folder.
  return row.first === row.last ? path.dirname(row.first) : common.slice(0, common.lastIndexOf(path.sep) + 1) || path.sep;
}

/** Page `position` (from 0) of a record. */
export async function recordPage(s: StoreDb, recordId: string, position: number): Promise<StoredPage | null> {
  const row = await s.sql.get<PageRow>(
    'SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.position = ?',
    [recordId, position],
  );
  return row ? toPage(row) : null;
}

/** A page by its content hash (what grouping tasks show, whichever record holds it now). */
export async function pageByHash(s: StoreDb, contentHash: string): Promise<StoredPage | null> {
  const row = await s.sql.get<PageRow>('SELECT * FROM pages WHERE content_hash = ?', [contentHash]);
  return row ? toPage(row) : null;
}

/** The page a field's box lies on (by the field's page id among its record's pages). */
export async function fieldPage(s: StoreDb, field: StoredField): Promise<StoredPage | null> {
  if (field.page === null) return null;
  const row = await s.sql.get<PageRow>(
    'SELECT p.* FROM record_pages rp JOIN pages p ON p.content_hash = rp.content_hash WHERE rp.record_id = ? AND rp.page_id = ?',
    [field.recordId, field.page],
  );
  return row ? toPage(row) : null;
}

/** Record ids in a stable order, optionally only a batch's. */
export async function recordIds(s: StoreDb, batch?: string): Promise<string[]> {
  const rows = batch
    ? await s.sql.all<{ id: string }>(
        'SELECT rb.record_id AS id FROM record_batches rb JOIN records r ON r.id = rb.record_id WHERE rb.batch = ? AND r.retired_at IS NULL ORDER BY rb.record_id',
        [batch],
      )
    : await s.sql.all<{ id: string }>('SELECT id FROM records WHERE retired_at IS NULL ORDER BY id');
  return rows.map((r) => r.id);
}

/** Records with reviews applied, one at a time (exports can be large). */
export async function* finalRecords(s: StoreDb, options: { batch?: string; reviewedOnly?: boolean } = {}): AsyncGenerator<TelegramRecord> {
  for (const id of await recordIds(s, options.batch)) {
    const stored = await getRecord(s, id);
    if (!stored) continue;
    if (options.reviewedOnly && stored.record.review.status !== 'done') continue;
    yield stored.record;
  }
}

export async function hasBatch(s: StoreDb, name: string): Promise<boolean> {
  return (await s.sql.get('SELECT 1 AS one FROM batches WHERE name = ?', [name])) !== undefined;
}

export async function facets(s: StoreDb): Promise<Facets> {
  const batches = await s.sql.all<Facets['batches'][number]>(
    `SELECT b.name, b.created_at AS "createdAt", b.updated_at AS "updatedAt", COUNT(rb.record_id) AS records
     FROM batches b LEFT JOIN record_batches rb ON rb.batch = b.name GROUP BY b.name ORDER BY b.created_at DESC, b.name`,
  );
  const fields = (await s.sql.all<{ name: string }>('SELECT DISTINCT name FROM fields ORDER BY name')).map((r) => r.name);
  const profiles = (await s.sql.all<{ profile: string }>('SELECT DISTINCT profile FROM records ORDER BY profile')).map((r) => r.profile);
  return { batches, fields, profiles };
}

/** A record's version, retirement and sequence; null when unknown. `lock`: its row stays locked until the transaction ends (PostgreSQL). */
export async function recordState(s: StoreDb, id: string, lock = false): Promise<RecordState | null> {
  const row = await s.sql.get<RecordRow>(
    `SELECT id, version, retired_at, replaced_by, sequence_key, grouping_status FROM records WHERE id = ?${lock ? s.sql.forUpdate : ''}`,
    [id],
  );
  return row ? toState(row) : null;
}

/** A sequence's pages in order, where their page JSON is and how its records were built; null when unknown. */
export async function sequence(s: StoreDb, key: string): Promise<StoredSequence | null> {
  const row = await s.sql.get<{ key: string; mode: string; out_dir: string | null; build: string | null; updated_at: string }>(
    'SELECT * FROM sequences WHERE key = ?',
    [key],
  );
  if (!row) return null;
  const pages = await s.sql.all<StoredSequence['pages'][number]>(
    'SELECT page_id AS "pageId", content_hash AS "contentHash", file FROM sequence_pages WHERE sequence_key = ? ORDER BY position',
    [key],
  );
  return {
    key: row.key,
    mode: row.mode,
    outDir: row.out_dir,
    build: row.build === null ? null : (JSON.parse(row.build) as RecordBuildSettings),
    pages,
    updatedAt: row.updated_at,
  };
}

/** The records in use that hold pages of a sequence, in the order of their first page. */
export async function sequenceRecords(s: StoreDb, key: string): Promise<SequenceRecord[]> {
  return (await sequenceRows(s, key)).map((row) => {
    const record = JSON.parse(row.json) as TelegramRecord;
    return { id: row.id, version: row.version, pages: record.source.pages, record };
  });
}

/** The ids, versions and stored JSON (unparsed) of a sequence's records in use, in the order of their first page. */
export function sequenceRows(s: StoreDb, key: string): Promise<Array<{ id: string; version: number; json: string }>> {
  return s.sql.all(
    `SELECT r.id, r.version, r.record_json AS json, MIN(sp.position) AS first_position FROM records r
     JOIN record_pages rp ON rp.record_id = r.id
     JOIN sequence_pages sp ON sp.content_hash = rp.content_hash AND sp.sequence_key = ?
     WHERE r.retired_at IS NULL GROUP BY r.id ORDER BY first_position, r.id`,
    [key],
  );
}

/** Reviewers' decisions at the boundaries before these pages (by content hash). */
export async function reviewerBoundaries(s: StoreDb, contentHashes: readonly string[]): Promise<ReviewerBoundary[]> {
  const hashes = [...new Set(contentHashes)];
  if (hashes.length === 0) return [];
  const rows = await s.sql.all<BoundaryRow>(
    `SELECT * FROM reviewer_boundaries WHERE content_hash IN (${placeholders(hashes)}) ORDER BY content_hash, previous_content_hash`,
    hashes,
  );
  // In the order the hashes were asked for (a page's decisions together), as before.
  const order = new Map(hashes.map((h, i) => [h, i]));
  return rows.sort((a, b) => order.get(a.content_hash)! - order.get(b.content_hash)!).map(toBoundary);
}

/** Records in use whose grouping is in doubt, with their sequence. */
export function uncertainGroupings(s: StoreDb, filter: FieldFilter = {}): Promise<Array<{ id: string; sequenceKey: string | null }>> {
  const parts = [`r.retired_at IS NULL`, `r.grouping_status = 'uncertain'`];
  const params: unknown[] = [];
  if (filter.batch) parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = r.id AND rb.batch = ?)'), params.push(filter.batch);
  if (filter.profile) parts.push('r.profile = ?'), params.push(filter.profile);
  return s.sql.all(
    `SELECT r.id, r.sequence_key AS "sequenceKey" FROM records r WHERE ${parts.join(' AND ')} ORDER BY r.sequence_key NULLS FIRST, r.id`,
    params,
  );
}
