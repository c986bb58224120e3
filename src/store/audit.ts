// The audit trails (review actions, grouping actions): hash-chained appends and reads.
import { AUDIT_COLUMNS, AUDIT_TABLES, type AuditTable, type ChainReport, GENESIS_HASH, nextLink, verifyChain } from './audit-chain.ts';
import type { StoreDb } from './connection.ts';
import { type ActionRow, type GroupingActionRow, toEntry, toGroupingEntry } from './rows.ts';
import type { AuditEntry, GroupingAuditEntry } from './types.ts';

/**
 * Appends an audit entry linked to the last one, inside the caller's transaction, which holds the
 * table's append lock from here to its end: no other writer slips in between reading the last
 * hash and inserting. Returns its id and hash.
 */
export async function appendAudit(s: StoreDb, table: AuditTable, row: Record<string, string | number | null>): Promise<{ id: number; hash: string }> {
  await s.sql.lockAuditTable(table);
  const columns = [...AUDIT_COLUMNS[table], 'prev_hash', 'hash'];
  const last = await s.sql.get<{ id: number; hash: string | null }>(`SELECT id, hash FROM ${table} ORDER BY id DESC LIMIT 1`);
  const entry = { ...row, id: (last?.id ?? 0) + 1 };
  const link = nextLink(table, last?.hash ?? null, entry);
  await s.sql.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`, { ...entry, ...link });
  return { id: entry.id, hash: link.hash };
}

/** Walks both audit chains; each report names its first broken link, if any. */
export async function verifyAudit(s: StoreDb): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const table of AUDIT_TABLES) reports.push(verifyChain(table, await s.sql.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)));
  return reports;
}

/** The hash of a chain's last entry (what the server logs after each write, to be compared later). */
export async function auditHead(s: StoreDb, table: AuditTable): Promise<string> {
  return (await s.sql.get<{ hash: string | null }>(`SELECT hash FROM ${table} ORDER BY id DESC LIMIT 1`))?.hash ?? GENESIS_HASH;
}

/** The audit trail, newest first. */
export async function actions(
  s: StoreDb,
  options: { fieldId?: number; recordId?: string; reviewer?: string; batch?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (options.fieldId !== undefined) parts.push('a.field_id = ?'), params.push(options.fieldId);
  if (options.recordId !== undefined) parts.push('a.record_id = ?'), params.push(options.recordId);
  if (options.reviewer !== undefined) parts.push('a.reviewer = ?'), params.push(options.reviewer);
  if (options.batch !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = a.record_id AND rb.batch = ?)');
    params.push(options.batch);
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = await s.sql.all<ActionRow>(`SELECT a.* FROM review_actions a ${where} ORDER BY a.id DESC LIMIT ?`, [...params, options.limit ?? 1000]);
  return rows.map(toEntry);
}

/** The grouping trail (splits, merges, confirmations), newest first. */
export async function groupingActions(
  s: StoreDb,
  options: { recordId?: string; reviewer?: string; batch?: string; limit?: number } = {},
): Promise<GroupingAuditEntry[]> {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (options.recordId !== undefined)
    parts.push('EXISTS (SELECT 1 FROM grouping_action_records gr WHERE gr.action_id = a.id AND gr.record_id = ?)'), params.push(options.recordId);
  if (options.reviewer !== undefined) parts.push('a.reviewer = ?'), params.push(options.reviewer);
  if (options.batch !== undefined) {
    parts.push(
      'EXISTS (SELECT 1 FROM grouping_action_records gr JOIN record_batches rb ON rb.record_id = gr.record_id WHERE gr.action_id = a.id AND rb.batch = ?)',
    );
    params.push(options.batch);
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = await s.sql.all<GroupingActionRow>(`SELECT a.* FROM grouping_actions a ${where} ORDER BY a.id DESC LIMIT ?`, [...params, options.limit ?? 1000]);
  return rows.map(toGroupingEntry);
}
