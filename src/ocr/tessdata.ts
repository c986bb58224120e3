// Finds the traineddata for a language set, on local disk only (never a CDN).
//
// Where a language comes from, in this order:
//   1. the npm package @tesseract.js-data/<lang> (eng, fra, osd are dependencies), its
//      `4.0.0_best_int` folder: LSTM-only integer model, 3x smaller than `4.0.0` and the same text;
//   2. the user's `tessdata` folder: `<lang>.traineddata` or `<lang>.traineddata.gz`
//      (e.g. Debian's /usr/share/tesseract-ocr/5/tessdata).
// npm comes first so that pointing `tessdata` at a folder for Danish does not silently swap the
// English model for another one (Debian ships tessdata_fast, which reads slightly worse).
// `preferTessdata` turns the order round: the folder's model wherever it has one. That is how a
// large installation trades a little accuracy for speed: Debian's tessdata_fast `eng` needs
// ~0.75x the CPU of the npm best_int model in tesseract.js (docs/benchmarks.md).
//
// tesseract.js takes ONE langPath and ONE gzip flag per worker and reads
// `<langPath>/<lang>.traineddata[.gz]`. When the languages of a set live in different folders
// (eng and fra are in two npm packages already), we assemble a folder of symlinks under
// os.tmpdir(), once per distinct set of source files. The links are all named
// `<lang>.traineddata` and the worker runs with gzip:false: tesseract.js detects gzip by its magic
// bytes, not by the name, so gzipped and plain sources can sit side by side without
// decompressing anything. The folder name is a hash of the sources (path, size, mtime), so a
// changed source gets a fresh folder and concurrent processes agree on the same one.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFile, mkdir, mkdtemp, rename, rm, stat, symlink } from 'node:fs/promises';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';

const require = createRequire(import.meta.url);

/** The model variant taken from the npm packages. */
export const NPM_MODEL_FOLDER = '4.0.0_best_int';

const LANG_CODE = /^[a-z][a-z0-9_]*$/i;

export interface LanguageSource {
  lang: string;
  /** Absolute path of the traineddata file (plain or gzipped). */
  file: string;
  origin: 'npm' | 'tessdata';
}

export interface LanguageData {
  /** Canonical language string, e.g. "eng+fra" (order kept: Tesseract's first language is its primary). */
  lang: string;
  /** Folder handed to tesseract.js as langPath. */
  langPath: string;
  /** Whether tesseract.js should append `.gz` to the file names in langPath. */
  gzip: boolean;
  sources: LanguageSource[];
}

/** Splits "eng+fra" into codes; rejects anything that is not a plain language code. */
export function parseLanguages(lang: string): string[] {
  const codes = lang.split('+').map((s) => s.trim());
  if (codes.length === 0 || codes.some((c) => !LANG_CODE.test(c))) {
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `invalid OCR language "${lang}": expected codes like "eng" or "eng+fra"`, {
      retryable: false,
      details: { lang },
    });
  }
  return [...new Set(codes)];
}

function npmTraineddata(lang: string): { file: string | null; looked: string } {
  const pkg = `@tesseract.js-data/${lang}`;
  try {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    const file = path.join(dir, NPM_MODEL_FOLDER, `${lang}.traineddata.gz`);
    return existsSync(file) ? { file, looked: file } : { file: null, looked: `${file} (missing in installed package)` };
  } catch {
    return { file: null, looked: `npm package ${pkg} (not installed)` };
  }
}

function folderTraineddata(folder: string, lang: string): string | null {
  for (const name of [`${lang}.traineddata`, `${lang}.traineddata.gz`]) {
    const file = path.join(folder, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there: try the next name
    }
  }
  return null;
}

/** Index of the LSTM model in a traineddata file's offset table (tesseract's TESSDATA_LSTM). */
const TESSDATA_LSTM = 17;
/** Tesseract 5 knows 24 components; leave room for future ones, refuse nonsense. */
const MAX_COMPONENTS = 64;

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks the component table at the start of a traineddata file and that it holds an LSTM model.
 * Why here: when Tesseract fails to initialise, tesseract.js 7 answers the same job twice and
 * crashes the whole process with a TypeError in its message handler (and its createWorker
 * promise never settles), so a bad file must be refused before a worker ever sees it.
 */
export function checkTraineddata(lang: string, file: string): void {
  const refuse = (reason: string) =>
    new CablescanError(ErrorCode.TESSDATA_MISSING, `traineddata for "${lang}" at ${file} is unusable: ${reason}`, {
      retryable: false,
      file,
      details: { lang },
    });
  let head: Buffer;
  try {
    head = readHead(file, 64 * 1024);
    if (head[0] === 0x1f && head[1] === 0x8b) head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (err) {
    throw refuse(`cannot read it (${(err as Error).message})`);
  }
  if (head.length < 4) throw refuse('file too short');
  const count = head.readInt32LE(0);
  if (count < 1 || count > MAX_COMPONENTS || head.length < 4 + 8 * count) throw refuse('not a Tesseract traineddata file (bad component table)');
  const offsets: number[] = [];
  for (let i = 0; i < count; i += 1) offsets.push(Number(head.readBigInt64LE(4 + 8 * i)));
  if (offsets.some((o) => o !== -1 && o < 4 + 8 * count)) throw refuse('not a Tesseract traineddata file (bad component offsets)');
  if (count <= TESSDATA_LSTM || offsets[TESSDATA_LSTM] === -1) {
    throw refuse('it has no LSTM model (a legacy-only file such as osd or tessdata 3.x; cablescan runs the LSTM engine)');
  }
}

/** Finds every language's file or throws CS_ERR_TESSDATA_MISSING saying where it looked. */
export function findLanguageSources(lang: string, tessdata?: string, options: { preferTessdata?: boolean } = {}): LanguageSource[] {
  return parseLanguages(lang).map((code) => {
    const folder = tessdata ? path.resolve(tessdata) : undefined;
    const fromFolder = folder ? folderTraineddata(folder, code) : null;
    if (fromFolder && options.preferTessdata) {
      checkTraineddata(code, fromFolder);
      return { lang: code, file: fromFolder, origin: 'tessdata' as const };
    }
    const npm = npmTraineddata(code);
    if (npm.file) {
      checkTraineddata(code, npm.file);
      return { lang: code, file: npm.file, origin: 'npm' as const };
    }
    if (fromFolder) {
      checkTraineddata(code, fromFolder);
      return { lang: code, file: fromFolder, origin: 'tessdata' as const };
    }
    const where = folder
      ? `${code}.traineddata[.gz] in ${folder}`
      : 'no tessdata folder (set --tessdata or CABLESCAN_TESSDATA to a folder with <lang>.traineddata)';
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `no traineddata for language "${code}": looked in ${npm.looked} and ${where}`, {
      retryable: false,
      details: { lang: code, looked: [npm.looked, folder ?? null] },
    });
  });
}

function isGzipName(file: string): boolean {
  return file.endsWith('.gz');
}

/** Whether tesseract.js can read every source straight from one folder with one gzip flag. */
function sharedFolder(sources: LanguageSource[]): { langPath: string; gzip: boolean } | null {
  const dirs = new Set(sources.map((s) => path.dirname(s.file)));
  const gz = new Set(sources.map((s) => isGzipName(s.file)));
  if (dirs.size !== 1 || gz.size !== 1) return null;
  const [langPath] = dirs;
  const [gzip] = gz;
  return { langPath: langPath!, gzip: gzip! };
}

async function linkOrCopy(target: string, linkPath: string): Promise<void> {
  try {
    await symlink(target, linkPath);
  } catch (err) {
    // Symlinks can be forbidden (Windows without developer mode): a copy works everywhere.
    if ((err as NodeJS.ErrnoException).code === 'EPERM') await copyFile(target, linkPath);
    else throw err;
  }
}

async function assembleFolder(sources: LanguageSource[], cacheRoot: string): Promise<string> {
  const fingerprint = createHash('sha256');
  for (const s of sources) {
    const st = await stat(s.file);
    fingerprint.update(`${s.lang}\0${s.file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  const finalDir = path.join(cacheRoot, fingerprint.digest('hex').slice(0, 16));
  if (existsSync(finalDir)) return finalDir;
  await mkdir(cacheRoot, { recursive: true });
  // Build beside the final name, then rename: another process doing the same at the same time
  // either wins the rename or finds the finished folder, never a half-filled one.
  const tmpDir = await mkdtemp(path.join(cacheRoot, '.tmp-'));
  try {
    for (const s of sources) await linkOrCopy(s.file, path.join(tmpDir, `${s.lang}.traineddata`));
    await rename(tmpDir, finalDir);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    if (existsSync(finalDir)) return finalDir;
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `cannot assemble traineddata folder ${finalDir}: ${(err as Error).message}`, {
      cause: err,
      retryable: false,
    });
  }
  return finalDir;
}

export interface ResolveLanguageOptions {
  tessdata?: string;
  /** Take a language from `tessdata` whenever the folder has it (npm only for the rest). */
  preferTessdata?: boolean;
  /** Where assembled folders go; defaults to <os.tmpdir()>/cablescan-tessdata. */
  cacheRoot?: string;
}

/** Locates the traineddata for `lang` and returns the langPath/gzip a tesseract.js worker needs. */
export async function resolveLanguageData(lang: string, options: ResolveLanguageOptions = {}): Promise<LanguageData> {
  const sources = findLanguageSources(lang, options.tessdata, { preferTessdata: options.preferTessdata });
  const canonical = sources.map((s) => s.lang).join('+');
  const shared = sharedFolder(sources);
  if (shared) return { lang: canonical, ...shared, sources };
  const cacheRoot = options.cacheRoot ?? path.join(os.tmpdir(), 'cablescan-tessdata');
  const langPath = await assembleFolder(sources, cacheRoot);
  return { lang: canonical, langPath, gzip: false, sources };
}
