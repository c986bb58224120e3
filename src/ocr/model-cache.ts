// Gzipped models unpacked once into a cache folder (issue 20): npm's `4.0.0_best_int` models ship as
// `<lang>.traineddata.gz`, which native Tesseract cannot read, so both engines read the unpacked file
// and so read with the very same model.
//
// Layout under the cache root (`$XDG_CACHE_HOME/cablescan`, `~/.cache/cablescan`, or `modelCache`):
//   models/<folder>/<lang>.traineddata        the unpacked model
//   models/<folder>/<lang>.traineddata.json   its manifest: the source it came from (path, size,
//                                             mtime) and the SHA-256 and length of the unpacked bytes
//   sets/<hash>/<lang>.traineddata            links: a language set whose models live in several folders
//
// Every process checks a model by its hash before first use (5 MB: ~15 ms) and unpacks it again when
// the manifest is missing, unreadable or names another source, or when the file is missing, shorter
// (an interrupted copy) or otherwise different (a flipped byte): a partial or corrupt model is never
// read. Files are written under a unique temporary name and renamed, the manifest last, so processes
// unpacking the same model at once (queue workers starting together) each end with a whole file.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CablescanError, ErrorCode } from '../errors.ts';
import { checkTraineddata } from './tessdata.ts';

const MANIFEST_VERSION = 1;
/** Temporary files older than this are an interrupted unpack's leftovers (a live one takes ~0.1 s). */
const STALE_PARTIAL_MS = 10 * 60 * 1000;

export interface ModelManifest {
  version: number;
  lang: string;
  source: { file: string; size: number; mtimeMs: number };
  sha256: string;
  bytes: number;
}

export interface CachedModel {
  lang: string;
  /** The unpacked, verified `<lang>.traineddata`. */
  file: string;
  sha256: string;
  bytes: number;
  /** What the check found before this call: a good file, or why it was unpacked (again). */
  state: 'verified' | 'unpacked' | 'rebuilt';
  /** Why it was rebuilt (state `rebuilt`). */
  reason?: string;
}

function cacheError(message: string, cause?: unknown): CablescanError {
  return new CablescanError(ErrorCode.MODEL_CACHE, message, { retryable: false, cause });
}

export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function readManifest(file: string): Promise<ModelManifest | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as ModelManifest;
    const ok =
      parsed.version === MANIFEST_VERSION &&
      typeof parsed.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(parsed.sha256) &&
      Number.isInteger(parsed.bytes) &&
      parsed.source &&
      typeof parsed.source.file === 'string';
    return ok ? parsed : null;
  } catch {
    return null;
  }
}

/** Writes `data` under a temporary name beside `file`, flushes it to disk, and renames it into place. */
async function writeAtomically(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

async function removeStalePartials(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.endsWith('.partial'))
      .map(async (n) => {
        const full = path.join(dir, n);
        const st = await stat(full).catch(() => null);
        if (st && Date.now() - st.mtimeMs > STALE_PARTIAL_MS) await rm(full, { force: true });
      }),
  );
}

/** Gunzips `source` to a temporary file beside `target`, hashing as it goes; returns the temporary file. */
async function unpackTo(source: string, target: string): Promise<{ tmp: string; sha256: string; bytes: number }> {
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(source), createGunzip(), tap, createWriteStream(tmp));
    const handle = await open(tmp, 'r+');
    await handle.sync().finally(() => handle.close());
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { tmp, sha256: hash.digest('hex'), bytes };
}

/** Why the cached copy cannot be used as it is, or null when it can (checked by hash). */
async function whyRebuild(
  target: string,
  manifest: ModelManifest | null,
  source: string,
  sourceStat: { size: number; mtimeMs: number },
): Promise<{ reason: string | null; state?: 'unpacked' }> {
  if (!manifest) {
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    return exists ? { reason: 'no readable manifest beside it (an interrupted unpack)' } : { reason: 'not unpacked yet', state: 'unpacked' };
  }
  if (manifest.source.file !== source || manifest.source.size !== sourceStat.size || manifest.source.mtimeMs !== sourceStat.mtimeMs) {
    return { reason: `its source changed (${manifest.source.file}, ${manifest.source.size} bytes -> ${source}, ${sourceStat.size} bytes)` };
  }
  const actual = await hashFile(target).catch(() => null);
  if (!actual) return { reason: 'the unpacked file is missing' };
  if (actual.bytes !== manifest.bytes) return { reason: `the unpacked file is ${actual.bytes} bytes, not ${manifest.bytes} (partial)` };
  if (actual.sha256 !== manifest.sha256)
    return { reason: `the unpacked file's SHA-256 is ${actual.sha256.slice(0, 12)}..., not ${manifest.sha256.slice(0, 12)}... (corrupt)` };
  return { reason: null };
}

/**
 * The plain model for `lang` unpacked from the gzipped `source` into `<root>/models/<folder>/`,
 * checked by hash and unpacked again when partial, corrupt or from another source.
 * Throws CS_ERR_MODEL_CACHE when the folder cannot be written, CS_ERR_TESSDATA_MISSING when the
 * source is not a usable model.
 */
export async function unpackedModel(source: string, lang: string, root: string, folder: string): Promise<CachedModel> {
  const dir = path.join(root, 'models', folder);
  const target = path.join(dir, `${lang}.traineddata`);
  const manifestFile = `${target}.json`;
  let sourceStat;
  try {
    sourceStat = await stat(source);
  } catch (err) {
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `model for "${lang}" not found at ${source}`, { retryable: false, cause: err, details: { lang } });
  }
  const manifest = await readManifest(manifestFile);
  const check = await whyRebuild(target, manifest, source, sourceStat);
  if (check.reason === null) return { lang, file: target, sha256: manifest!.sha256, bytes: manifest!.bytes, state: 'verified' };

  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw cacheError(
      `cannot create the model cache folder ${dir}: ${(err as Error).message} (set --model-cache or CABLESCAN_MODEL_CACHE to a writable folder)`,
      err,
    );
  }
  await removeStalePartials(dir);
  let unpacked;
  try {
    unpacked = await unpackTo(source, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC') {
      throw cacheError(`cannot write the model cache ${dir}: ${(err as Error).message} (set --model-cache or CABLESCAN_MODEL_CACHE to a writable folder)`, err);
    }
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `model for "${lang}" at ${source} cannot be unpacked: ${(err as Error).message}`, {
      retryable: false,
      cause: err,
      details: { lang },
    });
  }
  try {
    checkTraineddata(lang, unpacked.tmp);
    await rename(unpacked.tmp, target);
  } catch (err) {
    await rm(unpacked.tmp, { force: true });
    throw err;
  }
  const written: ModelManifest = {
    version: MANIFEST_VERSION,
    lang,
    source: { file: source, size: sourceStat.size, mtimeMs: sourceStat.mtimeMs },
    sha256: unpacked.sha256,
    bytes: unpacked.bytes,
  };
  await writeAtomically(manifestFile, `${JSON.stringify(written, null, 2)}\n`);
  return {
    lang,
    file: target,
    sha256: unpacked.sha256,
    bytes: unpacked.bytes,
    state: check.state ?? 'rebuilt',
    ...(check.state ? {} : { reason: check.reason }),
  };
}

/**
 * One folder holding `<lang>.traineddata` for every file given (links to them; copies where links
 * are not allowed), for an engine that takes a single models folder. Named by a hash of the files'
 * paths and hashes, so the same set always maps to the same folder and a changed model to a new one.
 */
export async function modelSetFolder(root: string, files: ReadonlyArray<{ lang: string; file: string; sha256: string }>): Promise<string> {
  const key = createHash('sha256');
  for (const f of files) key.update(`${f.lang}\0${f.file}\0${f.sha256}\n`);
  const finalDir = path.join(root, 'sets', key.digest('hex').slice(0, 16));
  const complete = async () => {
    for (const f of files) {
      const st = await stat(path.join(finalDir, `${f.lang}.traineddata`)).catch(() => null);
      if (!st?.isFile()) return false;
    }
    return true;
  };
  if (await complete()) return finalDir;
  const setsDir = path.dirname(finalDir);
  try {
    await mkdir(setsDir, { recursive: true });
  } catch (err) {
    throw cacheError(`cannot create the model cache folder ${setsDir}: ${(err as Error).message}`, err);
  }
  const tmpDir = `${finalDir}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await mkdir(tmpDir);
    for (const f of files) {
      const link = path.join(tmpDir, `${f.lang}.traineddata`);
      await symlink(f.file, link).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPERM') await copyFile(f.file, link);
        else throw err;
      });
    }
    // A folder left by a run whose links point at files since removed is replaced.
    await rm(finalDir, { recursive: true, force: true });
    await rename(tmpDir, finalDir);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    if (await complete()) return finalDir; // another process made it meanwhile
    throw cacheError(`cannot assemble the models folder ${finalDir}: ${(err as Error).message}`, err);
  }
  return finalDir;
}

/** For tests and `cablescan` diagnostics: the manifest of a cached model, or null. */
export async function cachedManifest(root: string, folder: string, lang: string): Promise<ModelManifest | null> {
  return readManifest(path.join(root, 'models', folder, `${lang}.traineddata.json`));
}
