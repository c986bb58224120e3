// A reviewer's regrouping written in one transaction: rebuilt records, retirements, carried-over
// field decisions, boundary decisions and the audit entry.
import { CablescanError, ErrorCode } from '../errors.ts';
import type { TelegramRecord } from '../types.ts';
import { type CarrySource, GROUPING_CHANGED, planCarryOver } from './carry-over.ts';
import type { StoreDb } from './connection.ts';
import { encode, FIELD_COLUMNS, type FieldRow, type GroupingActionRow, toField, toGroupingEntry } from './rows.ts';
import { placeholders } from './sql.ts';
import type { FieldCarryOver, GroupingAuditRecord, RecordState, RegroupCommit, RegroupCommitOutcome, StoredField } from './types.ts';
import { appendAudit } from './audit.ts';
import { recordState, sequenceRows } from './reads.ts';
import { retire, saveRecord } from './writes.ts';

/**
 * Writes a regrouping worked out from the stored readings, when nothing changed since: the
 * rebuilt records, the retirement of those they replace, the field decisions that follow
 * their fields (and the fields that wait again), the reviewer's boundary decisions and the
 * audit entry, in one transaction.
 */
export async function commitRegrouping(store: StoreDb, commit: RegroupCommit): Promise<RegroupCommitOutcome> {
  try {
    return await store.transaction((s) => commitIn(s, commit));
  } catch (err) {
    if (err instanceof CablescanError) throw err;
    throw new CablescanError(ErrorCode.STORE, `cannot save the regrouping to ${store.file}: ${(err as Error).message}`, { file: store.file, cause: err });
  }
}

async function commitIn(s: StoreDb, commit: RegroupCommit): Promise<RegroupCommitOutcome> {
  const sql = s.sql;
  // The write lock (SQLite) or the sequence's row lock (PostgreSQL, taken by a worker saving the
  // sequence's records too) before the versions are read, as for a field review.
  if (sql.forUpdate) await sql.get(`SELECT key FROM sequences WHERE key = ?${sql.forUpdate}`, [commit.sequenceKey]);
  const named: Array<RecordState | null> = [];
  for (const n of commit.named) named.push(await recordState(s, n.id, true));
  const stale = named.some((state, i) => !state || state.retiredAt !== null || state.version !== commit.named[i]!.version);
  if (stale) return { ok: false, reason: 'conflict', records: named.filter((r): r is RecordState => r !== null) };
  // The sequence's records as stored: the JSON is parsed only for those the rebuild replaced.
  const current = await sequenceRows(s, commit.sequenceKey);
  const expected = new Map(commit.expected.map((e) => [e.id, e.version]));
  if (current.length !== expected.size || current.some((r) => expected.get(r.id) !== r.version)) return { ok: false, reason: 'changed' };

  const at = s.stamp();
  const unchanged = new Set(commit.unchanged);
  const beforeIds = new Set(current.map((r) => r.id));
  const afterIds = new Set([...commit.unchanged, ...commit.records.map((r) => r.id)]);
  const emitted = new Map(current.filter((r) => !unchanged.has(r.id)).map((r) => [r.id, r.json]));
  const replacedRecords = new Map([...emitted].map(([id, json]) => [id, JSON.parse(json) as TelegramRecord]));
  const batchesOf = async (ids: readonly string[]): Promise<string[]> =>
    ids.length === 0
      ? []
      : (await sql.all<{ batch: string }>(`SELECT DISTINCT batch FROM record_batches WHERE record_id IN (${placeholders(ids)}) ORDER BY batch`, ids)).map(
          (b) => b.batch,
        );
  // The new records join the batches of those they replace.
  const replacedBatches = await batchesOf([...emitted.keys()]);
  const batches = replacedBatches.length ? replacedBatches : await batchesOf([...beforeIds]);
  if (batches.length === 0)
    throw new CablescanError(ErrorCode.STORE, `sequence ${commit.sequenceKey} has no batch to save its records in`, { retryable: false });
  const pagesById = new Map(commit.pages.map((p) => [p.pageId, p]));
  const changed = commit.records.filter((r) => emitted.get(r.id) !== JSON.stringify(r));
  for (const record of changed) {
    await saveRecord(s, record, pagesById, batches[0]!, at, commit.sequenceKey);
    for (const batch of batches.slice(1))
      await sql.run('INSERT INTO record_batches (record_id, batch, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [record.id, batch, at]);
  }

  const retired = [...beforeIds].filter((id) => !afterIds.has(id));
  const created = [...afterIds].filter((id) => !beforeIds.has(id));
  const replacedBy: Record<string, string[]> = {};
  for (const id of retired) {
    const pages = replacedRecords.get(id)!.source.pages;
    replacedBy[id] = commit.records.filter((r) => r.source.pages.some((p) => pages.includes(p))).map((r) => r.id);
    await retire(s, id, replacedBy[id]!, at);
  }

  const fieldsOf = async (id: string): Promise<StoredField[]> =>
    (await sql.all<FieldRow>(`SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.record_id = ? ORDER BY f.position`, [id])).map(
      toField,
    );
  const retiredSources: CarrySource[] = [];
  for (const id of retired) retiredSources.push({ id, pages: replacedRecords.get(id)!.source.pages, fields: await fieldsOf(id) });
  const rebuiltSources: CarrySource[] = [];
  for (const r of commit.records) rebuiltSources.push({ id: r.id, pages: r.source.pages, fields: (await fieldsOf(r.id)).filter((f) => f.inRecord) });
  const plan = planCarryOver(retiredSources, rebuiltSources);
  for (const c of plan.carry) {
    await sql.run(
      `UPDATE fields SET review_status = ?, final_value = ?, reviewed_by = ?, reviewed_at = ?, held_reason = NULL, version = version + 1
       WHERE id = ? AND review_status IS NULL`,
      [c.status, encode(c.value), c.from.reviewedBy, c.from.reviewedAt, c.to.id],
    );
  }
  for (const h of plan.hold) {
    await sql.run('UPDATE fields SET held_reason = ?, version = version + 1 WHERE id = ? AND review_status IS NULL AND held_reason IS DISTINCT FROM ?', [
      GROUPING_CHANGED,
      h.to.id,
      GROUPING_CHANGED,
    ]);
  }
  const fields: FieldCarryOver = {
    carried: plan.carry.map((c) => ({
      from: `${c.from.recordId}.${c.from.name}`,
      to: `${c.to.recordId}.${c.to.name}`,
      status: c.status,
      value: c.value,
      reviewer: c.from.reviewedBy,
    })),
    returned: plan.hold.map((h) => ({ from: `${h.from.recordId}.${h.from.name}`, to: `${h.to.recordId}.${h.to.name}`, reason: GROUPING_CHANGED })),
    dropped: plan.dropped.map((f) => ({ from: `${f.recordId}.${f.name}` })),
  };

  const summary = (record: TelegramRecord): GroupingAuditRecord => ({ id: record.id, pages: record.source.pages, grouping: record.grouping?.status ?? null });
  const before = [...replacedRecords.values()].filter((r) => retired.includes(r.id) || changed.some((c) => c.id === r.id)).map(summary);
  const after = changed.map(summary);
  const versions = Object.fromEntries(commit.named.map((n) => [n.id, n.version]));
  const { id: actionId } = await appendAudit(s, 'grouping_actions', {
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
  for (const id of new Set([...before.map((r) => r.id), ...after.map((r) => r.id), ...commit.named.map((n) => n.id)])) {
    await sql.run('INSERT INTO grouping_action_records (action_id, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [actionId, id]);
  }
  // The time the records were rebuilt with (their decisions say it), not the time of this write.
  for (const b of commit.boundaries) {
    await sql.run(
      `INSERT INTO reviewer_boundaries (content_hash, previous_content_hash, page_id, previous_page_id, decision, action, reviewer, at, action_id)
       VALUES (@contentHash, @previousContentHash, @page, @previousPage, @decision, @action, @reviewer, @at, @actionId)
       ON CONFLICT(content_hash, previous_content_hash) DO UPDATE SET page_id = excluded.page_id, previous_page_id = excluded.previous_page_id,
         decision = excluded.decision, action = excluded.action, reviewer = excluded.reviewer, at = excluded.at, action_id = excluded.action_id`,
      { ...b, actionId },
    );
  }
  const entry = toGroupingEntry((await sql.get<GroupingActionRow>('SELECT * FROM grouping_actions WHERE id = ?', [actionId]))!);
  return { ok: true, entry, retired, created };
}
