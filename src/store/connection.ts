// One open store: its database (Sql: SQLite or PostgreSQL) and its clock. Every store module
// (writes, review-queue, audit, reads, stats, regrouping) works on one of these; ReviewStore
// (store.ts) holds it and is what callers see.
import type { Sql } from './sql.ts';

export class StoreDb {
  constructor(
    /** What messages call the store: the SQLite file, or the PostgreSQL URL without its password. */
    readonly file: string,
    readonly sql: Sql,
    private readonly now: () => Date,
  ) {}

  /** The time a write is stamped with (ISO 8601). */
  stamp(): string {
    return this.now().toISOString();
  }

  /** The same store seen from inside a transaction. */
  within(tx: Sql): StoreDb {
    return new StoreDb(this.file, tx, this.now);
  }

  /** Runs `fn` in one transaction (see Sql.transaction). */
  transaction<T>(fn: (s: StoreDb) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => fn(this.within(tx)));
  }
}
