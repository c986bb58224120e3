// What the store modules need of a database: statements with `?` (or `@name`) parameters, and
// transactions. Two backends implement it: SQLite (sqlite-sql.ts, better-sqlite3, one file on
// one machine) and PostgreSQL (pg-sql.ts, node-postgres, several machines). The store's SQL is
// written once, in the part of the language both accept (ON CONFLICT, IS DISTINCT FROM,
// double-quoted aliases); where they differ (row locks, the audit table lock) a method says it.
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: Params): Promise<T[]>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  run(sql: string, params?: Params): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one transaction that takes the write lock before its first read (SQLite BEGIN
   * IMMEDIATE; PostgreSQL row locks taken with `forUpdate`). PostgreSQL may run `fn` again after
   * a deadlock or a serialization failure, so `fn` reads what it decides on inside.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Appended to a SELECT whose rows the transaction goes on to change (nothing on SQLite, whose transaction holds the file's lock). */
  readonly forUpdate: string;
  /** Makes appends to an audit table one at a time until the transaction ends (a hash chain has one head). */
  lockAuditTable(table: string): Promise<void>;
  close(): Promise<void>;
}

/** `?` placeholders for a list of values: `IN (${placeholders(ids)})`. */
export const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(', ');
