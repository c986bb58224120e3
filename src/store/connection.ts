// One open store: the SQLite connection, its clock, and the audit statements prepared once per
// connection. Every store module (writes, review-queue, audit, reads, stats, regrouping) works on
// one of these; ReviewStore (store.ts) holds it and is what callers see.
import type Database from 'better-sqlite3';
import type { AuditTable } from './audit-chain.ts';

export class StoreDb {
  /** Prepared once per table: a review write is the server's hottest write. */
  readonly auditStatements = new Map<AuditTable, { last: Database.Statement; insert: Database.Statement }>();

  constructor(
    readonly file: string,
    readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  /** The time a write is stamped with (ISO 8601). */
  stamp(): string {
    return this.now().toISOString();
  }
}
