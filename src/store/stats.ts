// Review progress and per-field status counts.
import type { FieldStatus } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { NEEDS_PERSON, STATUS_NOW, whereFilter } from './rows.ts';
import type { FieldFilter, Progress, StatusCounts, StoreStats } from './types.ts';

export function progress(s: StoreDb, filter: FieldFilter = {}): Progress {
  const where = whereFilter(filter);
  const scope = `FROM fields f JOIN records r ON r.id = f.record_id WHERE ${NEEDS_PERSON} AND (f.in_record = 1 OR f.review_status IS NOT NULL)${where.sql}`;
  const { total, reviewed } = s.db
    .prepare(`SELECT COUNT(*) AS total, COUNT(f.review_status) AS reviewed ${scope}`)
    .get(...where.params) as { total: number; reviewed: number };
  const byFields = s.db
    .prepare(`SELECT f.reviewed_by AS reviewer, COUNT(*) AS n ${scope} AND f.reviewed_by IS NOT NULL GROUP BY f.reviewed_by`)
    .all(...where.params) as Array<{ reviewer: string; n: number }>;
  const byActions = s.db
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

export function stats(s: StoreDb, filter: FieldFilter = {}): StoreStats {
  const where = whereFilter(filter);
  const rows = s.db
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
  const records = (s.db.prepare(`SELECT COUNT(*) AS n FROM records r${recordFilter}${profileFilter}`).get(...recordParams) as { n: number }).n;
  const pendingRecords = (
    s.db
      .prepare(
        `SELECT COUNT(DISTINCT f.record_id) AS n FROM fields f JOIN records r ON r.id = f.record_id
         WHERE f.in_record = 1 AND f.review_status IS NULL AND ${NEEDS_PERSON}${whereFilter({ batch: filter.batch, profile: filter.profile }).sql}`,
      )
      .get(...whereFilter({ batch: filter.batch, profile: filter.profile }).params) as { n: number }
  ).n;
  return { records, recordsDone: records - pendingRecords, progress: progress(s, filter), byField: [...byField.values()] };
}
