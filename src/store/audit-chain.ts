// The audit trail as a hash chain: each entry stores the hash of the entry
// before it (prev_hash) and its own hash over that and all its columns. Editing
// an entry breaks its own hash; deleting, inserting or reordering one breaks
// the next entry's link; rewriting the whole chain changes its head, which the
// server logs after every write and `cablescan review audit --verify` prints,
// so a head noted elsewhere exposes even that. Triggers keep honest writers
// append-only; the chain shows whether someone with write access to the file
// went around them.
//
// Nothing here knows SQLite: a store hands over its rows in id order, as plain
// values (numbers, strings, nulls), and inserts the two hashes this module
// computes. A PostgreSQL store reuses it as it is (bigint ids to numbers first).
import { createHash } from 'node:crypto';

/** The chained tables and the columns each hash covers, in this order (prev_hash and hash excluded). */
export const AUDIT_COLUMNS = {
  review_actions: ['id', 'field_id', 'record_id', 'field', 'reviewer', 'action', 'old_value', 'new_value', 'old_status', 'new_status', 'version', 'at'],
  grouping_actions: ['id', 'action', 'reviewer', 'at', 'sequence_key', 'page_id', 'before', 'after', 'replaced_by', 'decisions', 'fields', 'versions'],
} as const;

export type AuditTable = keyof typeof AUDIT_COLUMNS;
export const AUDIT_TABLES = Object.keys(AUDIT_COLUMNS) as AuditTable[];

/** The link before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

type Cell = string | number | null;

function cell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new TypeError(`audit columns hold numbers, text or null, not ${typeof value}`);
}

/** sha256 over the table's name, the previous hash and the entry's columns as a JSON array (one unambiguous encoding). */
export function entryHash(table: AuditTable, prevHash: string, row: Readonly<Record<string, unknown>>): string {
  const values = AUDIT_COLUMNS[table].map((column) => cell(row[column]));
  return createHash('sha256')
    .update(JSON.stringify([table, prevHash, ...values]), 'utf8')
    .digest('hex');
}

/** What a store writes with a new entry, given the hash of its last one (null: the table is empty). */
export function nextLink(table: AuditTable, lastHash: string | null, row: Readonly<Record<string, unknown>>): { prev_hash: string; hash: string } {
  const prev = lastHash ?? GENESIS_HASH;
  return { prev_hash: prev, hash: entryHash(table, prev, row) };
}

export interface ChainBreak {
  table: AuditTable;
  /** The entry's id, and its place in the chain (1 = first). */
  id: number;
  position: number;
  reason: 'contents' | 'link' | 'unchained';
  message: string;
}

export interface ChainReport {
  table: AuditTable;
  /** Entries read (up to and including a break). */
  entries: number;
  /** The last entry's hash (GENESIS_HASH for an empty table); up to the break when broken. */
  head: string;
  broken: ChainBreak | null;
}

/** Walks a table's rows in id order and reports the first broken link. */
export function verifyChain(table: AuditTable, rows: Iterable<Readonly<Record<string, unknown>>>): ChainReport {
  let expectedPrev = GENESIS_HASH;
  let position = 0;
  for (const row of rows) {
    position++;
    const id = Number(row.id);
    const prev = row.prev_hash;
    const hash = row.hash;
    const stop = (reason: ChainBreak['reason'], message: string): ChainReport => ({
      table,
      entries: position,
      head: expectedPrev,
      broken: { table, id, position, reason, message },
    });
    if (typeof prev !== 'string' || typeof hash !== 'string') {
      return stop('unchained', `${table} entry ${id} (no. ${position}) has no hash: it was written around the store (its insert trigger dropped)`);
    }
    if (prev !== expectedPrev) {
      return stop(
        'link',
        `${table} entry ${id} (no. ${position}) does not follow the entry before it: an entry was deleted, inserted or reordered just before it`,
      );
    }
    if (entryHash(table, prev, row) !== hash) {
      return stop('contents', `${table} entry ${id} (no. ${position}) does not match its hash: it was changed after it was written`);
    }
    expectedPrev = hash;
  }
  return { table, entries: position, head: expectedPrev, broken: null };
}
