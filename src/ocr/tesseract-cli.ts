// The native OCR engine: the `tesseract` command (Tesseract 5, e.g. Debian's tesseract-ocr),
// `concurrency` pages at a time. `--engine auto` (the default) picks it when it is installed.
//
// - Readers (tesseract-readers.ts) in the shared keyed pool (worker-pool.ts), one per reading mode
//   (language set, models folder, PSM, inverted retry): long-lived processes fed image files, so a
//   model is loaded once per process, replaced after `recycleAfter` requests or after a failure;
//   without GNU `stdbuf` (coreutils), or for an image with no resolution, one process per call.
// - OMP_THREAD_LIMIT=1 for every process: Tesseract's OpenMP threads fight each other when several
//   processes run side by side (5x slower here); parallelism comes from the pool.
// - Models: the same files tesseract.js reads (models.ts), passed as --tessdata-dir: npm's
//   best_int unpacked into the model cache by default. Without `models`, Tesseract's own folder.
// - TSV output is parsed into the same OcrResult as tesseract.js (see tesseract-tsv.ts).
import type { ChildProcess } from 'node:child_process';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OcrResult } from '../types.ts';
import { recognizeEach, type OcrEngine, type OcrRequest } from './engine.ts';
import path from 'node:path';
import { describeModels, ModelResolver, plainHash, type ModelSet, type ModelSettings } from './models.ts';
import { parseLanguages } from './tessdata.ts';
import { probeTesseractOnce, type TesseractInstallation } from './tesseract-process.ts';
import {
  lazyWorkspace,
  modeKey,
  modeOf,
  OneShotReader,
  StreamingReader,
  type NativeReader,
  type ReaderContext,
  type ReadingMode,
} from './tesseract-readers.ts';
import { tsvToOcrResult, TsvFormatError } from './tesseract-tsv.ts';
import { KeyedWorkerPool, PoolClosedError } from './worker-pool.ts';

export { parseListLangs } from './tesseract-process.ts';
export { splitTsvPages } from './tesseract-readers.ts';

/** Reading modes a page uses at once (the page, its lines, its words): processes kept alive per slot. */
const MODES_PER_SLOT = 3;

export interface TesseractCliEngineOptions {
  /** Maximum number of pages read at once (one tesseract process, one thread each). */
  concurrency: number;
  /**
   * Which model file reads each language (models.ts; the system's folder is Tesseract's own).
   * Absent: `tessdata` as --tessdata-dir when given, else Tesseract's own folder.
   */
  models?: Omit<ModelSettings, 'systemTessdata'>;
  /** Without `models`: a folder with plain `<lang>.traineddata`, passed as --tessdata-dir. */
  tessdata?: string;
  /** The command to run (default "tesseract", looked up on PATH). */
  binary?: string;
  /** Keep processes alive between pages (default true; needs `stdbuf`, else one process per page). */
  streaming?: boolean;
  /** Replace a long-lived process after this many requests (default 500). */
  recycleAfter?: number;
  /** Seconds one call may take before its process is killed and the call fails (retryable); 0 or absent: no bound. */
  timeoutSeconds?: number;
  /** Oldest major version accepted (default 4: the LSTM engine). `--engine auto` asks for 5. */
  minVersion?: number;
  logger: Logger;
}

export type TesseractCliEngineStats = {
  /** Pages successfully read. */
  pages: number;
  /** Tesseract processes started (long-lived ones count once). */
  spawned: number;
  /** Calls that failed (non-zero exit, signal, unreadable output). */
  failed: number;
  busy: number;
  queued: number;
  /** Long-lived tesseract processes running now (reading or waiting for a page). */
  processes: number;
};

export interface TesseractCliEngine extends OcrEngine {
  prepare(lang: string): Promise<void>;
  recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]>;
  stats(): TesseractCliEngineStats;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function asOcrError(err: unknown): CablescanError {
  if (err instanceof PoolClosedError)
    return new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false, cause: err });
  return err instanceof CablescanError ? err : new CablescanError(ErrorCode.OCR_FAILED, `native tesseract failed: ${describe(err)}`, { cause: err });
}

function validateRequest(request: OcrRequest): void {
  const { image, psm, dpi } = request;
  const bad = (reason: string) => new CablescanError(ErrorCode.OCR_FAILED, `cannot OCR this image: ${reason}`, { retryable: false });
  if (!image || !(image.width >= 1) || !(image.height >= 1)) throw bad(`empty image (${image?.width}x${image?.height})`);
  if (image.data.length < image.width * image.height * image.channels) throw bad('pixel buffer shorter than width x height x channels');
  if (!Number.isInteger(psm) || psm < 0 || psm > 13) throw bad(`page segmentation mode must be 0..13, got ${psm}`);
  if (dpi !== undefined && !(dpi > 0)) throw bad(`dpi must be positive, got ${dpi}`);
}

/** The models a language set is read with, and the folder passed as --tessdata-dir ('': Tesseract's own). */
interface Models {
  dir: string;
  set: ModelSet;
}

export function createTesseractCliEngine(options: TesseractCliEngineOptions): TesseractCliEngine {
  const { logger } = options;
  const binary = options.binary ?? 'tesseract';
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  if (!(options.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${options.concurrency}`);
  const streaming = options.streaming ?? true;
  const recycleAfter = options.recycleAfter ?? 500;
  if (!(recycleAfter >= 1)) throw new RangeError(`recycleAfter must be >= 1, got ${recycleAfter}`);
  const minVersion = options.minVersion ?? 4;
  const resolver = options.models ? new ModelResolver(options.models, async () => (await installation()).tessdataDir || undefined) : null;
  const running = new Set<ChildProcess>();
  const servers = new Set<StreamingReader>();
  const workspace = lazyWorkspace();
  const counters = { pages: 0, spawned: 0, failed: 0 };
  let closed = false;
  let warnedNoStdbuf = false;

  const ctx: ReaderContext = {
    binary,
    env,
    timeoutSeconds: options.timeoutSeconds,
    running,
    counters,
    workspace: () => workspace.open(),
    closed: () => closed,
  };

  const pool = new KeyedWorkerPool<ReadingMode, NativeReader>(
    {
      async create(mode) {
        if (!mode.streamed) return new OneShotReader(mode, ctx);
        const { sentinel } = await workspace.open();
        const reader = new StreamingReader(mode, ctx, sentinel);
        servers.add(reader);
        return reader;
      },
      async destroy(reader) {
        if (reader instanceof StreamingReader) servers.delete(reader);
        await reader.close();
      },
      healthy: (reader) => reader.alive,
    },
    { capacity: options.concurrency, maxAlive: options.concurrency * MODES_PER_SLOT, recycleAfter, keyOf: modeKey },
  );

  async function installation(): Promise<TesseractInstallation> {
    const probe = await probeTesseractOnce(binary, env);
    if (!probe.found) throw probe.error;
    const found = probe.installation;
    if (found.major < minVersion) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `the native engine needs Tesseract ${minVersion} or later (LSTM engine), found ${found.version}`, {
        retryable: false,
      });
    }
    if (streaming && !found.streams && !warnedNoStdbuf) {
      warnedNoStdbuf = true;
      logger.warn('GNU stdbuf (coreutils) not found: native tesseract runs one process per page, loading its model each time');
    }
    return found;
  }

  async function modelsFor(lang: string, found: TesseractInstallation): Promise<Models> {
    if (resolver) return { ...(await resolver.resolve(lang).then((set) => ({ dir: set.dir, set }))) };
    // Tesseract's own folder, or a fixed one: every language must be there.
    const dir = options.tessdata ?? found.tessdataDir;
    if (!options.tessdata) {
      const missing = parseLanguages(lang).filter((code) => !found.langs.has(code));
      if (missing.length > 0) {
        throw new CablescanError(
          ErrorCode.TESSDATA_MISSING,
          `native tesseract has no traineddata for ${missing.map((m) => `"${m}"`).join(', ')} in ${found.tessdataDir || "Tesseract's tessdata folder"} (installed: ${[...found.langs].join(', ') || 'none'}); install tesseract-ocr-${missing[0]} or point --tessdata at a folder with <lang>.traineddata`,
          { retryable: false, details: { lang, missing, tessdataDir: found.tessdataDir } },
        );
      }
    }
    // What the page JSON records: Tesseract's own folder is the system's ('fast' on Debian), a fixed one 'custom'.
    const files = await Promise.all(
      parseLanguages(lang).map(async (code) => {
        const file = path.join(dir, `${code}.traineddata`);
        const sha256 = await plainHash(file).catch(() => '');
        return {
          lang: code,
          kind: options.tessdata ? ('custom' as const) : ('fast' as const),
          source: options.tessdata ? `--tessdata ${dir}` : `system ${dir}`,
          file,
          sha256,
        };
      }),
    );
    return { dir: options.tessdata ?? '', set: { lang, files, dir, kind: files[0]!.kind } };
  }

  function parseTsv(tsv: string, found: TesseractInstallation, models: Models, mode: ReadingMode): OcrResult {
    try {
      const result = tsvToOcrResult(tsv, { engine: 'tesseract', engineVersion: found.version, lang: mode.lang, psm: mode.psm });
      return { ...result, ...describeModels(models.set) };
    } catch (err) {
      if (err instanceof TsvFormatError)
        throw new CablescanError(ErrorCode.OCR_FAILED, `native tesseract gave unreadable output: ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** Reads requests of one language and PSM in one call to one reader; results in order. */
  async function readBatch(requests: readonly OcrRequest[]): Promise<OcrResult[]> {
    if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine is closed', { retryable: false });
    requests.forEach(validateRequest);
    const first = requests[0]!;
    const found = await installation();
    const models = await modelsFor(first.lang, found);
    // Each image carries its own resolution to a long-lived process; a one-off process takes one --dpi for all.
    const streamed = streaming && found.streams && requests.every((r) => r.dpi !== undefined);
    const mode = modeOf(first, models.dir, streamed);
    const started = process.hrtime.bigint();
    try {
      const tsvs = await pool.run(mode, (reader) => {
        if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false });
        return reader.read(requests);
      });
      const results = tsvs.map((tsv) => parseTsv(tsv, found, models, mode));
      counters.pages += requests.length === 1 ? 1 : 0;
      if (requests.length === 1) logger.debug({ ms: Number(process.hrtime.bigint() - started) / 1e6, words: results[0]!.wordCount }, 'tesseract page read');
      return results;
    } catch (err) {
      counters.failed += 1;
      throw asOcrError(err);
    }
  }

  return {
    name: 'tesseract',

    async prepare(lang: string): Promise<void> {
      await modelsFor(lang, await installation());
    },

    async recognize(request: OcrRequest): Promise<OcrResult> {
      return (await readBatch([request]))[0]!;
    },

    async recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]> {
      if (requests.length === 0) return [];
      const [first] = requests;
      const sameMode = requests.every(
        (r) => r.lang === first!.lang && r.psm === first!.psm && (r.invertedRetry !== false) === (first!.invertedRetry !== false),
      );
      if (requests.length === 1 || !sameMode) return recognizeEach(this, requests);
      // A one-off process takes one --dpi for all its images; a long-lived one reads each image's own.
      const oneDpi = requests.every((r) => r.dpi === first!.dpi);
      const allDpi = requests.every((r) => r.dpi !== undefined);
      if (!oneDpi && !(allDpi && streaming && (await installation()).streams)) return recognizeEach(this, requests);
      return readBatch(requests);
    },

    stats(): TesseractCliEngineStats {
      const p = pool.stats();
      return { ...counters, busy: p.busy, queued: p.queued, processes: [...servers].filter((s) => s.alive).length };
    },

    async close(): Promise<void> {
      closed = true;
      for (const child of running) child.kill('SIGTERM');
      await Promise.all([
        pool.close(),
        ...[...running].map(
          (child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve()))),
        ),
      ]);
      await workspace.remove();
    },
  };
}
