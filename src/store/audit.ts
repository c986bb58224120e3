// The audit trails (review actions, grouping actions): hash-chained appends and reads.
import { AUDIT_COLUMNS, AUDIT_TABLES, type AuditTable, type ChainReport, GENESIS_HASH, nextLink, verifyChain } from './audit-chain.ts';
import type { StoreDb } from './connection.ts';
import { type ActionRow, type GroupingActionRow, toEntry, toGroupingEntry } from './rows.ts';
import type { AuditEntry, GroupingAuditEntry } from './types.ts';

/**
 * Appends an audit entry linked to the last one (inside the caller's IMMEDIATE transaction, so
 * no other writer slips in between reading the last hash and inserting). Returns its id.
 */
export function appendAudit(s: StoreDb, table: AuditTable, row: Record<string, string | number | null>): { id: number; hash: string } {
  let statements = s.auditStatements.get(table);
  if (!statements) {
    // Prepared once per table: a review write is the server's hottest write.
    const columns = [...AUDIT_COLUMNS[table], 'prev_hash', 'hash'];
    statements = {
      last: s.db.prepare(`SELECT id, hash FROM ${table} ORDER BY id DESC LIMIT 1`),
      insert: s.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`),
    };
    s.auditStatements.set(table, statements);
  }
  const last = statements.last.get() as { id: number; hash: string | null } | undefined;
  const entry = { ...row, id: (last?.id ?? 0) + 1 };
  const link = nextLink(table, last?.hash ?? null, entry);
  statements.insert.run({ ...entry, ...link });
  return { id: entry.id, hash: link.hash };
}

/** Walks both audit chains; each report names its first broken link, if any. */
export function verifyAudit(s: StoreDb): ChainReport[] {
  return AUDIT_TABLES.map((table) => verifyChain(table, s.db.prepare(`SELECT * FROM ${table} ORDER BY id`).iterate() as Iterable<Record<string, unknown>>));
}

/** The hash of a chain's last entry (what the server logs after each write, to be compared later). */
export function auditHead(s: StoreDb, table: AuditTable): string {
  return (s.db.prepare(`SELECT hash FROM ${table} ORDER BY id DESC LIMIT 1`).get() as { hash: string | null } | undefined)?.hash ?? GENESIS_HASH;
}

/** The audit trail, newest first. */
export function actions(s: StoreDb, options: { fieldId?: number; recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): AuditEntry[] {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (options.fieldId !== undefined) (parts.push('a.field_id = ?'), params.push(options.fieldId));
  if (options.recordId !== undefined) (parts.push('a.record_id = ?'), params.push(options.recordId));
  if (options.reviewer !== undefined) (parts.push('a.reviewer = ?'), params.push(options.reviewer));
  if (options.batch !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM record_batches rb WHERE rb.record_id = a.record_id AND rb.batch = ?)');
    params.push(options.batch);
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = s.db.prepare(`SELECT a.* FROM review_actions a ${where} ORDER BY a.id DESC LIMIT ?`).all(...params, options.limit ?? 1000) as ActionRow[];
  return rows.map(toEntry);
}

/** The grouping trail (splits, merges, confirmations), newest first. */
export function groupingActions(s: StoreDb, options: { recordId?: string; reviewer?: string; batch?: string; limit?: number } = {}): GroupingAuditEntry[] {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (options.recordId !== undefined) (parts.push('EXISTS (SELECT 1 FROM grouping_action_records gr WHERE gr.action_id = a.id AND gr.record_id = ?)'), params.push(options.recordId));
  if (options.reviewer !== undefined) (parts.push('a.reviewer = ?'), params.push(options.reviewer));
  if (options.batch !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM grouping_action_records gr JOIN record_batches rb ON rb.record_id = gr.record_id WHERE gr.action_id = a.id AND rb.batch = ?)');
    params.push(options.batch);
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = s.db.prepare(`SELECT a.* FROM grouping_actions a ${where} ORDER BY a.id DESC LIMIT ?`).all(...params, options.limit ?? 1000) as GroupingActionRow[];
  return rows.map(toGroupingEntry);
}
