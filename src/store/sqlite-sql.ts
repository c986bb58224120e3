// The SQLite backend of Sql: better-sqlite3, synchronous, behind the async interface. The
// operations on one file (from every connection of this process to it) take turns: a
// transaction holds the turn until it ends (an await inside it would otherwise let another
// caller's statement into it). Other processes are kept out by SQLite's own lock.
import type Database from 'better-sqlite3';
import type { Params, Sql } from './sql.ts';

type Runner = (sql: string, params: Params | undefined) => Database.Statement;

function bind<T>(statement: Database.Statement, params: Params | undefined, call: (s: Database.Statement, ...args: unknown[]) => T): T {
  if (params === undefined) return call(statement);
  return Array.isArray(params) ? call(statement, ...params) : call(statement, params);
}

class Statements implements Sql {
  readonly dialect = 'sqlite' as const;
  readonly forUpdate = '';

  constructor(
    protected readonly prepare: Runner,
    protected readonly turn: <T>(fn: () => Promise<T> | T) => Promise<T>,
  ) {}

  all<T>(sql: string, params?: Params): Promise<T[]> {
    return this.turn(() => bind(this.prepare(sql, params), params, (s, ...a) => s.all(...a) as T[]));
  }

  get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return this.turn(() => bind(this.prepare(sql, params), params, (s, ...a) => s.get(...a) as T | undefined));
  }

  run(sql: string, params?: Params): Promise<{ changes: number }> {
    return this.turn(() => ({ changes: bind(this.prepare(sql, params), params, (s, ...a) => s.run(...a)).changes }));
  }

  lockAuditTable(): Promise<void> {
    return Promise.resolve();
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // Nested: the outer transaction holds the turn already.
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Turns on one file, shared by every connection of this process to it (see SqliteSql.over). */
class Turns {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` when every operation queued before it has ended. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const turnsByFile = new Map<string, Turns>();

/** Prepared statements (by text) of one connection, and the turn its file's users take. */
class Queue {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    readonly turns: Turns,
  ) {}

  prepare(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.turns.exclusive(fn);
  }
}

export class SqliteSql extends Statements {
  private constructor(
    readonly db: Database.Database,
    private readonly queue: Queue,
  ) {
    super(
      (sql) => queue.prepare(sql),
      (fn) => queue.exclusive(fn),
    );
  }

  /**
   * `file`: connections of one process to one file take turns together. SQLite's busy wait is
   * synchronous: a second connection starting a transaction while the first one's is between two
   * statements would block the only thread the first needs to finish, until busy_timeout.
   */
  static over(db: Database.Database, file: string): SqliteSql {
    let turns = turnsByFile.get(file);
    if (!turns) turnsByFile.set(file, (turns = new Turns()));
    return new SqliteSql(db, new Queue(db, turns));
  }

  override transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.queue.exclusive(async () => {
      // IMMEDIATE: the write lock before the first read, so two processes on one file cannot both pass a version check.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new Statements(this.prepare, (inner) => Promise.resolve().then(inner)));
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  override close(): Promise<void> {
    return this.queue.exclusive(() => {
      if (this.db.open) this.db.close();
    });
  }
}
