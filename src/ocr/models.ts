// Which model file reads each language, the same for every engine (issue 20: speed may depend on
// the machine, accuracy must not). A language set resolves to one folder of plain
// `<lang>.traineddata` files, which both tesseract.js (langPath, gzip off) and native Tesseract
// (--tessdata-dir) read, so two engines given the same settings load byte-identical models.
//
// Per language, in order:
//   --prefer-tessdata and the --tessdata folder has it  -> that folder's ('custom')
//   --model best (default): npm's 4.0.0_best_int         -> 'best' (unpacked into the model cache)
//   --model fast: the system's folder (Debian's tesseract-ocr-<lang>: tessdata_fast) -> 'fast',
//                 else npm's best_int ('best')
//   then the --tessdata folder ('custom'), then the system's folder ('fast')
// A gzipped file anywhere is unpacked into the cache (native Tesseract cannot read .gz).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CablescanError, ErrorCode } from '../errors.ts';
import { hashFile, modelSetFolder, unpackedModel } from './model-cache.ts';
import { checkTraineddata, NPM_MODEL_FOLDER, parseLanguages } from './tessdata.ts';

const require = createRequire(import.meta.url);

/** `--model`: the model class asked for; every engine reads the same file for it. */
export const MODEL_CHOICES = ['best', 'fast'] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

/** What a language's model is: npm's best_int, the system's (Debian ships tessdata_fast), or a --tessdata folder's. */
export type ModelKind = 'best' | 'fast' | 'custom';

export interface ModelSettings {
  model: ModelChoice;
  /** Folder with `<lang>.traineddata[.gz]` for languages npm lacks (--tessdata). */
  tessdata?: string;
  /** Take a language from `tessdata` whenever the folder has it. */
  preferTessdata?: boolean;
  /** The model cache folder (config `modelCache`). */
  cacheRoot: string;
  /** The system's models folder (native Tesseract's own; Debian: tessdata_fast), when there is one. */
  systemTessdata?: string;
}

export interface ModelFile {
  lang: string;
  kind: ModelKind;
  /** Where it came from, for people: "npm 4.0.0_best_int", "system /usr/share/...", "--tessdata /x". */
  source: string;
  /** A plain `.traineddata` file. */
  file: string;
  /** SHA-256 of the model's bytes (unpacked): the same on every engine that reads it. */
  sha256: string;
}

export interface ModelSet {
  /** Canonical language string, e.g. "eng+fra" (order kept: Tesseract's first language is its primary). */
  lang: string;
  files: ModelFile[];
  /** One folder holding `<lang>.traineddata` for every language of the set. */
  dir: string;
  /** The primary (first) language's model kind: what a page read with this set is calibrated as. */
  kind: ModelKind;
}

/** How a page's model is recorded in its JSON (`ocr.model`, `ocr.models`). */
export function describeModels(set: ModelSet): { model: ModelKind; models: Record<string, { kind: ModelKind; source: string; sha256: string }> } {
  return { model: set.kind, models: Object.fromEntries(set.files.map((f) => [f.lang, { kind: f.kind, source: f.source, sha256: f.sha256.slice(0, 16) }])) };
}

/** npm's gzipped best_int model for `lang`, or null when no npm package has the language. */
export function npmModel(lang: string): string | null {
  try {
    const dir = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    const file = path.join(dir, NPM_MODEL_FOLDER, `${lang}.traineddata.gz`);
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function inFolder(folder: string | undefined, lang: string): string | null {
  if (!folder) return null;
  for (const name of [`${lang}.traineddata`, `${lang}.traineddata.gz`]) {
    const file = path.join(folder, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there: the next name
    }
  }
  return null;
}

interface Candidate {
  kind: ModelKind;
  file: string;
  source: string;
  /** Cache folder a gzipped file is unpacked into. */
  folder: string;
}

function folderKey(file: string): string {
  return createHash('sha256').update(path.dirname(file)).digest('hex').slice(0, 12);
}

/** The file that reads `lang` under `settings`, or the places looked at when none does. */
export function chooseModel(lang: string, settings: Omit<ModelSettings, 'cacheRoot'>): Candidate | { missing: string[] } {
  const tessdata = settings.tessdata ? path.resolve(settings.tessdata) : undefined;
  const npm = npmModel(lang);
  const fromTessdata = inFolder(tessdata, lang);
  const fromSystem = inFolder(settings.systemTessdata, lang);
  const npmCandidate = npm ? { kind: 'best' as const, file: npm, source: `npm ${NPM_MODEL_FOLDER}`, folder: `npm-${NPM_MODEL_FOLDER}` } : null;
  const tessdataCandidate = fromTessdata
    ? { kind: 'custom' as const, file: fromTessdata, source: `--tessdata ${tessdata}`, folder: `tessdata-${folderKey(fromTessdata)}` }
    : null;
  const systemCandidate = fromSystem
    ? { kind: 'fast' as const, file: fromSystem, source: `system ${settings.systemTessdata}`, folder: `system-${folderKey(fromSystem)}` }
    : null;
  const order = settings.preferTessdata
    ? [tessdataCandidate, ...(settings.model === 'fast' ? [systemCandidate, npmCandidate] : [npmCandidate, systemCandidate])]
    : settings.model === 'fast'
      ? [systemCandidate, npmCandidate, tessdataCandidate]
      : [npmCandidate, tessdataCandidate, systemCandidate];
  const found = order.find((c) => c !== null);
  if (found) return found;
  return {
    missing: [
      npm === null ? `npm package @tesseract.js-data/${lang} (not installed)` : '',
      tessdata ? `${lang}.traineddata[.gz] in ${tessdata}` : 'no --tessdata folder',
      settings.systemTessdata ? `${lang}.traineddata in ${settings.systemTessdata}` : 'no system models folder (native tesseract not found)',
    ].filter(Boolean),
  };
}

const plainHashes = new Map<string, Promise<string>>();

/** SHA-256 of a plain model file, once per process and file version. */
export async function plainHash(file: string): Promise<string> {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  let found = plainHashes.get(key);
  if (!found) {
    found = hashFile(file).then((h) => h.sha256);
    plainHashes.set(key, found);
    found.catch(() => plainHashes.delete(key));
  }
  return found;
}

function isGzip(file: string): boolean {
  return file.endsWith('.gz');
}

/** Finds the model of every language of `lang` and a folder holding them all. Throws CS_ERR_TESSDATA_MISSING naming where it looked. */
export async function resolveModelSet(lang: string, settings: ModelSettings): Promise<ModelSet> {
  const files: ModelFile[] = [];
  for (const code of parseLanguages(lang)) {
    const chosen = chooseModel(code, settings);
    if ('missing' in chosen) {
      throw new CablescanError(ErrorCode.TESSDATA_MISSING, `no model for language "${code}": looked in ${chosen.missing.join(', ')}`, {
        retryable: false,
        details: { lang: code, looked: chosen.missing },
      });
    }
    if (isGzip(chosen.file)) {
      const cached = await unpackedModel(chosen.file, code, settings.cacheRoot, chosen.folder);
      files.push({ lang: code, kind: chosen.kind, source: chosen.source, file: cached.file, sha256: cached.sha256 });
    } else {
      checkTraineddata(code, chosen.file);
      files.push({ lang: code, kind: chosen.kind, source: chosen.source, file: chosen.file, sha256: await plainHash(chosen.file) });
    }
  }
  const dirs = new Set(files.map((f) => path.dirname(f.file)));
  const dir = dirs.size === 1 ? [...dirs][0]! : await modelSetFolder(settings.cacheRoot, files);
  return { lang: files.map((f) => f.lang).join('+'), files, dir, kind: files[0]!.kind };
}

/** The SHA-256 of a gzipped model's unpacked bytes, without a cache (tesseract.js reading npm's .gz directly). */
export async function gzipModelHash(file: string): Promise<string> {
  return createHash('sha256')
    .update(gunzipSync(await readFile(file)))
    .digest('hex');
}

/**
 * Memoises resolveModelSet per language set; a failure is not remembered (the user may install the
 * model and retry). The system's folder is asked for once, when first needed (it may take a probe).
 */
export class ModelResolver {
  private readonly sets = new Map<string, Promise<ModelSet>>();
  private system: Promise<string | undefined> | null = null;

  constructor(
    readonly settings: Omit<ModelSettings, 'systemTessdata'>,
    private readonly systemTessdata: () => Promise<string | undefined> = async () => undefined,
  ) {}

  resolve(lang: string): Promise<ModelSet> {
    let found = this.sets.get(lang);
    if (!found) {
      this.system ??= this.systemTessdata().catch(() => undefined);
      found = this.system.then((systemTessdata) => resolveModelSet(lang, { ...this.settings, systemTessdata }));
      this.sets.set(lang, found);
      found.catch(() => this.sets.delete(lang));
    }
    return found;
  }
}
