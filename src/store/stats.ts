// Review progress and per-field status counts.
import type { FieldStatus } from '../types.ts';
import type { StoreDb } from './connection.ts';
import { NEEDS_PERSON, STATUS_NOW, whereFilter } from './rows.ts';
import type { FieldFilter, Progress, StatusCounts, StoreStats } from './types.ts';

export async function progress(s: StoreDb, filter: FieldFilter = {}): Promise<Progress> {
  const where = whereFilter(filter);
  const scope = `FROM fields f JOIN records r ON r.id = f.record_id WHERE ${NEEDS_PERSON} AND (f.in_record = 1 OR f.review_status IS NOT NULL)${where.sql}`;
  const { total, reviewed } = (await s.sql.get<{ total: number; reviewed: number }>(
    `SELECT COUNT(*) AS total, COUNT(f.review_status) AS reviewed ${scope}`,
    where.params,
  ))!;
  const byFields = await s.sql.all<{ reviewer: string; n: number }>(
    `SELECT f.reviewed_by AS reviewer, COUNT(*) AS n ${scope} AND f.reviewed_by IS NOT NULL GROUP BY f.reviewed_by`,
    where.params,
  );
  const byActions = await s.sql.all<{ reviewer: string; n: number }>(
    `SELECT a.reviewer AS reviewer, COUNT(*) AS n FROM review_actions a JOIN fields f ON f.id = a.field_id JOIN records r ON r.id = f.record_id
     WHERE 1 = 1${where.sql} GROUP BY a.reviewer`,
    where.params,
  );
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

export async function stats(s: StoreDb, filter: FieldFilter = {}): Promise<StoreStats> {
  const where = whereFilter(filter);
  const rows = await s.sql.all<{ field: string; status: FieldStatus; n: number }>(
    `SELECT f.name AS field, ${STATUS_NOW} AS status, COUNT(*) AS n
     FROM fields f JOIN records r ON r.id = f.record_id WHERE (f.in_record = 1 OR f.review_status IS NOT NULL)${where.sql}
     GROUP BY f.name, ${STATUS_NOW} ORDER BY f.name`,
    where.params,
  );
  const byField = new Map<string, StatusCounts>();
  for (const row of rows) {
    const entry = byField.get(row.field) ?? { field: row.field, counts: {} };
    entry.counts[row.status] = row.n;
    byField.set(row.field, entry);
  }
  const recordFilter = ` WHERE r.retired_at IS NULL${filter.batch ? ' AND EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = r.id AND rb.batch = ?)' : ''}`;
  const profileFilter = filter.profile ? ' AND r.profile = ?' : '';
  const recordParams = [filter.batch, filter.profile].filter((v): v is string => Boolean(v));
  const records = (await s.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM records r${recordFilter}${profileFilter}`, recordParams))!.n;
  const scope = whereFilter({ batch: filter.batch, profile: filter.profile });
  const pendingRecords = (await s.sql.get<{ n: number }>(
    `SELECT COUNT(DISTINCT f.record_id) AS n FROM fields f JOIN records r ON r.id = f.record_id
     WHERE f.in_record = 1 AND f.review_status IS NULL AND ${NEEDS_PERSON}${scope.sql}`,
    scope.params,
  ))!.n;
  return { records, recordsDone: records - pendingRecords, progress: await progress(s, filter), byField: [...byField.values()] };
}
