// The review queue: fields waiting for a person, and a person's decision on one (checked
// against the version they saw, written with its audit entry in one transaction).
import type { StoreDb } from './connection.ts';
import { parseFieldValue } from './field-values.ts';
import { type ActionRow, encode, FIELD_COLUMNS, type FieldRow, PENDING, toEntry, toField, type Value, whereFilter } from './rows.ts';
import { placeholders } from './sql.ts';
import type { FieldFilter, QueuePage, ReviewOutcome, ReviewRequest, ReviewStatus, StoredField } from './types.ts';
import { appendAudit } from './audit.ts';
import { recordState } from './reads.ts';

/** A field with its record's profile; `lock`: the field's row stays locked until the transaction ends (PostgreSQL). */
export async function getField(s: StoreDb, id: number, lock = false): Promise<StoredField | null> {
  const row = await s.sql.get<FieldRow>(
    `SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id WHERE f.id = ?${lock && s.sql.forUpdate ? ' FOR UPDATE OF f' : ''}`,
    [id],
  );
  return row ? toField(row) : null;
}

/** Fields waiting for a person, lowest confidence first. */
export async function queue(
  s: StoreDb,
  filter: FieldFilter = {},
  options: { limit?: number; offset?: number; exclude?: readonly number[] } = {},
): Promise<QueuePage> {
  const where = whereFilter(filter);
  const exclude = (options.exclude ?? []).filter((n) => Number.isInteger(n));
  const excludeSql = exclude.length ? ` AND f.id NOT IN (${placeholders(exclude)})` : '';
  const rows = await s.sql.all<FieldRow>(
    `SELECT ${FIELD_COLUMNS} FROM fields f JOIN records r ON r.id = f.record_id
     WHERE ${PENDING}${where.sql}${excludeSql}
     ORDER BY f.confidence ASC, f.record_id ASC, f.position ASC LIMIT ? OFFSET ?`,
    [...where.params, ...exclude, options.limit ?? 100, options.offset ?? 0],
  );
  const total = (await s.sql.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM fields f JOIN records r ON r.id = f.record_id WHERE ${PENDING}${where.sql}`,
    where.params,
  ))!.n;
  return { items: rows.map(toField), total };
}

/**
 * Applies a reviewer's decision when the field is still at the version they
 * saw; otherwise reports a conflict with the field as it is now. The decision
 * and its audit entry are written in one transaction.
 */
export function review(store: StoreDb, fieldId: number, request: ReviewRequest): Promise<ReviewOutcome> {
  // The write lock (SQLite) or the field's row lock (PostgreSQL) is taken before the version is read:
  // two servers, or two reviewers, cannot both pass the check.
  return store.transaction(async (s): Promise<ReviewOutcome> => {
    const field = await getField(s, fieldId, true);
    if (!field) return { ok: false, reason: 'not_found' };
    const record = await recordState(s, field.recordId);
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
    const at = s.stamp();
    await s.sql.run(
      `UPDATE fields SET review_status = ?, final_value = ?, reviewed_by = ?, reviewed_at = ?, version = version + 1
       WHERE id = ? AND version = ?`,
      [newStatus, encode(newValue), request.reviewer, at, fieldId, request.version],
    );
    const appended = await appendAudit(s, 'review_actions', {
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
    const entry = toEntry((await s.sql.get<ActionRow>('SELECT * FROM review_actions WHERE id = ?', [appended.id]))!);
    return { ok: true, field: (await getField(s, fieldId))!, entry, auditHead: appended.hash };
  });
}
