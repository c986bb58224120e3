// Which store a command means: --db FILE or URL (or config `db`: CABLESCAN_DB, DATABASE_URL),
// else <out>/cablescan.db. Commands that read a SQLite store refuse to create an empty one
// where the user probably mistyped a folder; a PostgreSQL store is made (migrated) on opening.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import { defaultDbPath, isPostgresUrl, ReviewStore } from './store.ts';

export interface StoreLocation {
  /** The output folder (--out). */
  out?: string;
  /** An explicit store: a SQLite file or a postgres:// URL (--db, config db, CABLESCAN_DB, DATABASE_URL). */
  db?: string;
  cwd?: string;
}

/** The store a command should use (a file, absolute, or a URL), or null when neither --out nor --db says. */
export function resolveStorePath(location: StoreLocation): string | null {
  const cwd = location.cwd ?? process.cwd();
  if (location.db) return isPostgresUrl(location.db) ? location.db : path.resolve(cwd, location.db);
  if (location.out) return defaultDbPath(path.resolve(cwd, location.out));
  return null;
}

/** Opens a store that must already exist (made by `cablescan run`; a PostgreSQL one is opened as it is). */
export async function openExistingStore(location: StoreLocation): Promise<ReviewStore> {
  const file = resolveStorePath(location);
  if (!file) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, 'say which review store to use: --out DIR (the folder `cablescan run` wrote) or --db FILE');
  }
  if (!isPostgresUrl(file) && !existsSync(file)) {
    throw new CablescanError(ErrorCode.STORE, `no review store at ${file}: run \`cablescan run <scans> --out DIR\` first, or give --db`, {
      file,
      retryable: false,
    });
  }
  return ReviewStore.open(file);
}
