// Writes of the pipeline's output: records with their pages and fields, retirements, sequences.
// Idempotent: saving the same records again changes nothing a reviewer can see.
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import { groupingModeOf } from '../group/sequence.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { encode, type FieldRow, textBoxJson } from './rows.ts';
import type { SinkContext } from './types.ts';

/**
 * Saves records and their pages. Idempotent: saving the same records again
 * changes nothing a reviewer can see. A re-run that reads a field differently
 * updates the machine's reading (and bumps the field's version, so a reviewer
 * who saw the old one gets a conflict) but never touches a review decision.
 */
export function saveRecords(s: StoreDb, records: readonly TelegramRecord[], pages: readonly PageResult[], context: SinkContext, options: { sequence?: boolean } = {}): void {
  const at = s.stamp();
  const sequenceKey = options.sequence && pages.length ? pages[0]!.documentKey : null;
  const pagesById = new Map(pages.map((p) => [p.pageId, p]));
  const db = s.db;
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
    if (sequenceKey) saveSequence(s, sequenceKey, pages, context, at);
    for (const record of records) saveRecord(s, record, pagesById, context.batch, at, sequenceKey);
  });
  try {
    save();
  } catch (err) {
    if (err instanceof CablescanError) throw err;
    throw new CablescanError(ErrorCode.STORE, `cannot save records to ${s.file}: ${(err as Error).message}`, { file: s.file, cause: err });
  }
}

/** See RecordStore.retireRecords. A record emitted again later comes back (saveRecord clears the mark). */
export function retireRecords(s: StoreDb, ids: readonly string[], replacedBy: readonly string[]): void {
  if (ids.length === 0) return;
  const at = s.stamp();
  s.db.transaction(() => {
    for (const id of ids) retire(s, id, replacedBy, at);
  })();
}

export function retire(s: StoreDb, id: string, replacedBy: readonly string[], at: string): void {
  s.db.prepare('UPDATE records SET retired_at = ?, replaced_by = ?, version = version + 1 WHERE id = ? AND retired_at IS NULL').run(at, JSON.stringify(replacedBy), id);
}

/** The pages of a sequence in order, where their page JSON lives and how its records were built. */
export function saveSequence(s: StoreDb, key: string, pages: readonly PageResult[], context: SinkContext, at: string): void {
  const db = s.db;
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
export function saveSequences(s: StoreDb, sequences: ReadonlyArray<readonly PageResult[]>, context: SinkContext): void {
  const at = s.stamp();
  s.db.transaction(() => {
    for (const pages of sequences) {
      if (pages.length === 0) continue;
      const key = pages[0]!.documentKey;
      saveSequence(s, key, pages, context, at);
      const hashes = pages.map((p) => p.contentHash);
      s.db
        .prepare(
          `UPDATE records SET sequence_key = ? WHERE retired_at IS NULL AND sequence_key IS NOT ?
           AND id IN (SELECT rp.record_id FROM record_pages rp WHERE rp.content_hash IN (${hashes.map(() => '?').join(',')}))`,
        )
        .run(key, key, ...hashes);
    }
  })();
}

export function saveRecord(s: StoreDb, record: TelegramRecord, pagesById: ReadonlyMap<string, PageResult>, batch: string, at: string, sequenceKey: string | null = null): void {
  const db = s.db;
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
