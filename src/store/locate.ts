// Which store a command means: --db FILE (or config `db` / CABLESCAN_DB), else
// <out>/cablescan.db. Commands that read a store refuse to create an empty one
// where the user probably mistyped a folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import { defaultDbPath, ReviewStore } from './store.ts';

export interface StoreLocation {
  /** The output folder (--out). */
  out?: string;
  /** An explicit store file (--db, config db, CABLESCAN_DB). */
  db?: string;
  cwd?: string;
}

/** The store file a command should use, or null when neither --out nor --db says. */
export function resolveStorePath(location: StoreLocation): string | null {
  const cwd = location.cwd ?? process.cwd();
  if (location.db) return path.resolve(cwd, location.db);
  if (location.out) return defaultDbPath(path.resolve(cwd, location.out));
  return null;
}

/** Opens a store that must already exist (made by `cablescan run`). */
export function openExistingStore(location: StoreLocation): ReviewStore {
  const file = resolveStorePath(location);
  if (!file) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, 'say which review store to use: --out DIR (the folder `cablescan run` wrote) or --db FILE');
  }
  if (!existsSync(file)) {
    throw new CablescanError(ErrorCode.STORE, `no review store at ${file}: run \`cablescan run <scans> --out DIR\` first, or give --db`, {
      file,
      retryable: false,
    });
  }
  return ReviewStore.open(file);
}
