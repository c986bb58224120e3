// The PostgreSQL backend of Sql: a node-postgres pool. The store's `?` and `@name` parameters
// become `$n`; counts (bigint) come back as numbers; a transaction is one pooled client from
// BEGIN to COMMIT, run again (a few times) when PostgreSQL ends it for a deadlock or a
// serialization failure, which concurrent writers (several workers, a reviewer) can meet.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Params, Sql } from './sql.ts';

/**
 * node-postgres, loaded when a pool is first opened: every run imports the store, and only a
 * PostgreSQL store needs pg (loading it costs each embedded run's start ~80 ms of CPU).
 */
let pgModule: typeof pg | undefined;
function loadPg(): typeof pg {
  pgModule ??= createRequire(import.meta.url)('pg') as typeof pg;
  return pgModule;
}

/** int8 (COUNT) and numeric as numbers: the store's counts and ids stay far below 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return loadPg().types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRY_STATES = new Set(['40001', '40P01']);
const ATTEMPTS = 5;
/** Connection failures: the store is away, not wrong. */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08006', '08001', '08004']);

interface Translated {
  text: string;
  /** For `@name` statements: the name of each $n. */
  names: string[] | null;
  /**
   * The prepared statement's name: PostgreSQL parses and plans a named statement once per
   * connection instead of at every call (the review server's reads are one short query each).
   */
  prepared: string;
}

const translations = new Map<string, Translated>();

/** `?` -> $1, $2...; `@name` -> the same $n for every use of one name. */
export function translate(sql: string): Translated {
  let cached = translations.get(sql);
  if (cached) return cached;
  let n = 0;
  const names: string[] = [];
  let text = sql.replace(/\?/g, () => `$${++n}`);
  if (n === 0) {
    text = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
      let i = names.indexOf(name);
      if (i < 0) i = names.push(name) - 1;
      return `$${i + 1}`;
    });
  }
  cached = { text, names: n === 0 && names.length ? names : null, prepared: `cs_${createHash('sha1').update(text).digest('hex').slice(0, 16)}` };
  translations.set(sql, cached);
  return cached;
}

function values(t: Translated, params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params as unknown[];
  const named = params as Readonly<Record<string, unknown>>;
  return (t.names ?? []).map((name) => named[name] ?? null);
}

export function pgError(err: unknown, where: string): unknown {
  if (err instanceof CablescanError) return err;
  const code = (err as { code?: string }).code;
  if (code && UNAVAILABLE.has(code)) {
    return new CablescanError(ErrorCode.STORE_UNAVAILABLE, `the PostgreSQL review store ${where} does not answer: ${(err as Error).message}`, { cause: err });
  }
  return err;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

class PgStatements implements Sql {
  readonly dialect = 'postgres' as const;
  readonly forUpdate = ' FOR UPDATE';

  constructor(
    protected readonly client: Queryable,
    protected readonly where: string,
  ) {}

  protected async query<T>(sql: string, params: Params | undefined): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const t = translate(sql);
    try {
      // Statements without parameters may be several (a migration): those go unprepared.
      if (params === undefined) return await this.client.query<T & pg.QueryResultRow>(t.text);
      return await this.client.query<T & pg.QueryResultRow>({ name: t.prepared, text: t.text, values: values(t, params) });
    } catch (err) {
      throw pgError(err, this.where);
    }
  }

  async all<T>(sql: string, params?: Params): Promise<T[]> {
    return (await this.query<T>(sql, params)).rows;
  }

  async get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.query<T>(sql, params)).rows[0];
  }

  async run(sql: string, params?: Params): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async lockAuditTable(table: string): Promise<void> {
    // SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with reads: appenders queue, readers do not.
    await this.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`, undefined);
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class PgSql extends PgStatements {
  constructor(
    readonly pool: pg.Pool,
    where: string,
  ) {
    super(pool, where);
  }

  override async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw pgError(err, this.where);
      }
      try {
        await client.query('BEGIN');
        const result = await fn(new PgStatements(client, this.where));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const state = (err as { code?: string }).code;
        if (state && RETRY_STATES.has(state) && attempt < ATTEMPTS) continue;
        throw pgError(err, this.where);
      } finally {
        client.release();
      }
    }
  }

  override close(): Promise<void> {
    return this.pool.end();
  }
}

export interface PgOptions {
  /** The schema the store's tables live in (created when missing); default public. */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The URL without its password: what may travel in a job's data (Redis) and be shown. */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A pool on `url`; `?schema=NAME` in the URL (or options.schema) puts the store's tables in that schema. */
export function openPool(url: string, options: PgOptions = {}): { sql: PgSql; schema: string } {
  const u = new URL(url);
  const schema = options.schema ?? u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  if (!SCHEMA_NAME.test(schema)) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `schema "${schema}": lower-case letters, digits and _ only`, { retryable: false });
  }
  const pool = new (loadPg().Pool)({
    connectionString: u.toString(),
    types: TYPES,
    max: options.max ?? 10,
    options: `-c search_path=${schema}`,
    application_name: 'cablescan',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (the server restarted) must not end the process: the next query reconnects.
  pool.on('error', () => undefined);
  return { sql: new PgSql(pool, redactUrl(url)), schema };
}
