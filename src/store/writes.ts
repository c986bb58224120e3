// Writes of the pipeline's output: records with their pages and fields, retirements, sequences.
// Idempotent: saving the same records again changes nothing a reviewer can see. Several workers
// may save at once (PostgreSQL): each record row is locked before its fields are read, so two
// saves of one record (a retried job beside the one it replaced) run one after the other.
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import { groupingModeOf } from '../group/sequence.ts';
import type { ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { reviewerBoundaries } from './reads.ts';
import { encode, type FieldRow, textBoxJson } from './rows.ts';
import { placeholders } from './sql.ts';
import type { SinkContext } from './types.ts';

export interface SaveOptions {
  /** The pages are a whole sequence, in order: remembered for regrouping. */
  sequence?: boolean;
  /**
   * The reviewers' boundary decisions the records were built with: when the store holds others
   * now (a split or merge landed meanwhile), nothing is saved and CS_ERR_STORE_CHANGED says to
   * build again, so a late save never undoes a reviewer's regrouping.
   */
  builtWith?: readonly ReviewerBoundary[];
}

const boundaryKey = (b: ReviewerBoundary): string => `${b.previousContentHash}>${b.contentHash}:${b.decision}:${b.at}`;

/**
 * Saves records and their pages. Idempotent: saving the same records again
 * changes nothing a reviewer can see. A re-run that reads a field differently
 * updates the machine's reading (and bumps the field's version, so a reviewer
 * who saw the old one gets a conflict) but never touches a review decision.
 */
export async function saveRecords(
  store: StoreDb,
  records: readonly TelegramRecord[],
  pages: readonly PageResult[],
  context: SinkContext,
  options: SaveOptions = {},
): Promise<void> {
  const sequenceKey = options.sequence && pages.length ? pages[0]!.documentKey : null;
  const pagesById = new Map(pages.map((p) => [p.pageId, p]));
  try {
    await store.transaction(async (s) => {
      const at = s.stamp();
      await s.sql.run(
        `INSERT INTO batches (name, out_dir, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, out_dir = COALESCE(excluded.out_dir, batches.out_dir)`,
        [context.batch, context.outDir ?? null, at, at],
      );
      // In content order: two saves sharing pages lock them in the same order.
      for (const page of [...pages].sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : 0))) {
        await s.sql.run(
          `INSERT INTO pages (content_hash, page_id, file, path, page_index, page_count, width, height, text_box, updated_at)
           VALUES (@contentHash, @pageId, @file, @path, @pageIndex, @pageCount, @width, @height, @textBox, @at)
           ON CONFLICT(content_hash) DO UPDATE SET page_id = excluded.page_id, file = excluded.file, path = excluded.path,
             page_index = excluded.page_index, page_count = excluded.page_count, width = excluded.width, height = excluded.height,
             text_box = excluded.text_box, updated_at = excluded.updated_at
           WHERE pages.path IS DISTINCT FROM excluded.path OR pages.page_id IS DISTINCT FROM excluded.page_id OR pages.file IS DISTINCT FROM excluded.file
             OR pages.width IS DISTINCT FROM excluded.width OR pages.height IS DISTINCT FROM excluded.height OR pages.text_box IS DISTINCT FROM excluded.text_box`,
          {
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
          },
        );
      }
      if (sequenceKey) {
        // The sequence row is locked first (as a regrouping locks it): the boundaries read next cannot change before this commits.
        await saveSequence(s, sequenceKey, pages, context, at);
        if (options.builtWith) {
          const now = await reviewerBoundaries(
            s,
            pages.map((p) => p.contentHash),
          );
          const seen = new Set(options.builtWith.map(boundaryKey));
          if (now.length !== seen.size || now.some((b) => !seen.has(boundaryKey(b)))) {
            throw new CablescanError(
              ErrorCode.STORE_CHANGED,
              `a reviewer regrouped pages of ${sequenceKey} while its records were built: building them again`,
              { retryable: true },
            );
          }
        }
      }
      for (const record of records) await saveRecord(s, record, pagesById, context.batch, at, sequenceKey);
    });
  } catch (err) {
    if (err instanceof CablescanError) throw err;
    throw new CablescanError(ErrorCode.STORE, `cannot save records to ${store.file}: ${(err as Error).message}`, { file: store.file, cause: err });
  }
}

/** See RecordStore.retireRecords. A record emitted again later comes back (saveRecord clears the mark). */
export async function retireRecords(store: StoreDb, ids: readonly string[], replacedBy: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await store.transaction(async (s) => {
    const at = s.stamp();
    for (const id of ids) await retire(s, id, replacedBy, at);
  });
}

export async function retire(s: StoreDb, id: string, replacedBy: readonly string[], at: string): Promise<void> {
  await s.sql.run('UPDATE records SET retired_at = ?, replaced_by = ?, version = version + 1 WHERE id = ? AND retired_at IS NULL', [
    at,
    JSON.stringify(replacedBy),
    id,
  ]);
}

/** The pages of a sequence in order, where their page JSON lives and how its records were built. */
export async function saveSequence(s: StoreDb, key: string, pages: readonly PageResult[], context: SinkContext, at: string): Promise<void> {
  await s.sql.run(
    `INSERT INTO sequences (key, mode, out_dir, build, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET mode = excluded.mode, out_dir = COALESCE(excluded.out_dir, sequences.out_dir),
       build = COALESCE(excluded.build, sequences.build), updated_at = excluded.updated_at`,
    [key, groupingModeOf(key), context.outDir ? path.resolve(context.outDir) : null, context.build ? JSON.stringify(context.build) : null, at],
  );
  await s.sql.run('DELETE FROM sequence_pages WHERE sequence_key = ?', [key]);
  for (const [position, page] of pages.entries()) {
    await s.sql.run('INSERT INTO sequence_pages (sequence_key, position, page_id, content_hash, file) VALUES (?, ?, ?, ?, ?)', [
      key,
      position,
      page.pageId,
      page.contentHash,
      page.file,
    ]);
  }
}

/**
 * Remembers sequences for records saved without them (an import from an output folder):
 * each sequence's pages in order, as read. Their records are marked as built in it.
 */
export async function saveSequences(store: StoreDb, sequences: ReadonlyArray<readonly PageResult[]>, context: SinkContext): Promise<void> {
  await store.transaction(async (s) => {
    const at = s.stamp();
    for (const pages of sequences) {
      if (pages.length === 0) continue;
      const key = pages[0]!.documentKey;
      await saveSequence(s, key, pages, context, at);
      const hashes = pages.map((p) => p.contentHash);
      await s.sql.run(
        `UPDATE records SET sequence_key = ? WHERE retired_at IS NULL AND sequence_key IS DISTINCT FROM ?
         AND id IN (SELECT rp.record_id FROM record_pages rp WHERE rp.content_hash IN (${placeholders(hashes)}))`,
        [key, key, ...hashes],
      );
    }
  });
}

export async function saveRecord(
  s: StoreDb,
  record: TelegramRecord,
  pagesById: ReadonlyMap<string, PageResult>,
  batch: string,
  at: string,
  sequenceKey: string | null = null,
): Promise<void> {
  const sql = s.sql;
  const json = JSON.stringify(record);
  await sql.run(
    `INSERT INTO records (id, profile, profile_score, record_json, created_at, updated_at, grouping_status, sequence_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, profile_score = excluded.profile_score,
       record_json = excluded.record_json, updated_at = excluded.updated_at, retired_at = NULL, replaced_by = NULL,
       grouping_status = excluded.grouping_status, version = records.version + 1
     WHERE records.record_json IS DISTINCT FROM excluded.record_json OR records.retired_at IS NOT NULL`,
    [record.id, record.profile, record.profileScore, json, at, at, record.grouping?.status ?? null, sequenceKey],
  );
  // The record's row locked until the transaction ends: the fields read below stay as read.
  if (sql.forUpdate) await sql.get(`SELECT id FROM records WHERE id = ?${sql.forUpdate}`, [record.id]);
  if (sequenceKey) await sql.run('UPDATE records SET sequence_key = ? WHERE id = ? AND sequence_key IS DISTINCT FROM ?', [sequenceKey, record.id, sequenceKey]);
  await sql.run('INSERT INTO record_batches (record_id, batch, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [record.id, batch, at]);

  const pageRows = record.source.pages.map((pageId, position) => {
    const page = pagesById.get(pageId);
    if (!page) {
      throw new CablescanError(ErrorCode.STORE, `record ${record.id} refers to page ${pageId}, which was not saved with it`, { retryable: false });
    }
    return { position, pageId, contentHash: page.contentHash };
  });
  await sql.run('DELETE FROM record_pages WHERE record_id = ?', [record.id]);
  for (const p of pageRows)
    await sql.run('INSERT INTO record_pages (record_id, position, page_id, content_hash) VALUES (?, ?, ?, ?)', [
      record.id,
      p.position,
      p.pageId,
      p.contentHash,
    ]);

  const existing = new Map((await sql.all<FieldRow>('SELECT * FROM fields WHERE record_id = ?', [record.id])).map((row) => [row.name, row]));
  for (const [position, [name, field]] of Object.entries(record.fields).entries()) {
    if (field.status !== 'accepted' && field.status !== 'needs_review' && field.status !== 'missing') {
      throw new CablescanError(
        ErrorCode.STORE,
        `record ${record.id} field ${name}: the pipeline emits accepted, needs_review or missing, not ${field.status}`,
        {
          retryable: false,
        },
      );
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
      await sql.run(
        `INSERT INTO fields (record_id, name, position, machine_value, text, confidence, machine_status, page_id, bbox, reasons)
         VALUES (@recordId, @name, @position, @value, @text, @confidence, @status, @page, @bbox, @reasons)`,
        values,
      );
      continue;
    }
    existing.delete(name);
    // What a reviewer looks at: a change here invalidates what they saw.
    const changed =
      row.machine_value !== values.value ||
      row.machine_status !== values.status ||
      row.page_id !== values.page ||
      row.bbox !== values.bbox ||
      row.in_record !== 1;
    const same = !changed && row.position === position && row.text === values.text && row.confidence === values.confidence && row.reasons === values.reasons;
    if (!same) {
      await sql.run(
        `UPDATE fields SET position = @position, machine_value = @value, text = @text, confidence = @confidence,
           machine_status = @status, page_id = @page, bbox = @bbox, reasons = @reasons, in_record = 1,
           version = version + @bump
         WHERE id = @id`,
        { ...values, id: row.id, bump: changed ? 1 : 0 },
      );
    }
  }
  // Fields the new reading no longer has: forgotten unless a person decided on them.
  for (const row of existing.values()) {
    if (row.review_status === null)
      await sql.run('DELETE FROM fields WHERE id = ? AND NOT EXISTS (SELECT 1 FROM review_actions WHERE field_id = ?)', [row.id, row.id]);
    else if (row.in_record === 1) await sql.run('UPDATE fields SET in_record = 0, version = version + 1 WHERE id = ?', [row.id]);
  }
}
