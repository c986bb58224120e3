// The zero-install OCR engine: tesseract.js 7 (Tesseract 5 compiled to WebAssembly) in worker
// threads. `--engine auto` (the default) takes it where native Tesseract is not installed.
//
// - Models: the same files the native engine reads (models.ts), npm's best_int unpacked in the model
//   cache. Traineddata only from local files; with no langPath tesseract.js would fetch
//   from jsdelivr. The WASM core and the worker script are loaded with require() from
//   node_modules in Node, so nothing else touches the network (checked under `unshare -rn`).
// - A pool of at most `concurrency` workers, each bound to one language set, created lazily,
//   reused, and replaced after `recycleAfter` pages (default 500): a bound on anything that might
//   grow in a very long run; a worker's memory was measured flat over 300 pages without it.
// - PSM is set on purpose for every request: tesseract.js defaults to 6 (single block), which
//   produced thousands of garbage words on noisy pages; the pipeline passes 3 (automatic).
// - Only TSV is requested from recognize, parsed as the native engine's is (tesseract-tsv.ts):
//   one conversion, word confidences alike. Pixels go in as PNM: no compression, nothing to encode.
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import type Tesseract from 'tesseract.js';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OcrResult } from '../types.ts';
import type { OcrEngine, OcrRequest } from './engine.ts';
import { toPnm } from './image-encoding.ts';
import { boundOf, withinTimeout } from './timeout.ts';
import { describeModels, gzipModelHash, ModelResolver, type ModelKind, type ModelSettings } from './models.ts';
import { resolveLanguageData, type LanguageData } from './tessdata.ts';
import { tsvToOcrResult, TSV_HEADER } from './tesseract-tsv.ts';
import { KeyedWorkerPool, PoolClosedError, type PoolStats } from './worker-pool.ts';

const require = createRequire(import.meta.url);
const TESSERACT_JS_VERSION: string = (require('tesseract.js/package.json') as { version: string }).version;
/**
 * tesseract.js, loaded when its first worker starts: `auto` reads with native Tesseract where
 * it is found, and an embedded run that never starts a tesseract.js worker need not load it.
 */
let tesseractModule: typeof Tesseract | undefined;
const loadTesseract = (): typeof Tesseract => (tesseractModule ??= require('tesseract.js') as typeof Tesseract);

export interface TesseractJsEngineOptions {
  /** Maximum number of worker threads (each holds 100-200 MB). */
  concurrency: number;
  /** Pages a worker reads before it is terminated and replaced. */
  recycleAfter: number;
  /** Seconds one call may take before its worker thread is terminated and the call fails (retryable); 0 or absent: no bound. */
  timeoutSeconds?: number;
  /**
   * Which model file reads each language (models.ts): the same files the native engine reads,
   * unpacked in the model cache. Absent, or when the cache cannot be written: the npm packages'
   * gzipped models (and `tessdata` for the rest) read directly, as before issue 20.
   */
  models?: Omit<ModelSettings, 'systemTessdata'>;
  /** The system's models folder (Debian: tessdata_fast), asked for when a language first needs it. */
  systemTessdata?: () => Promise<string | undefined>;
  /** Without `models`: a folder with `<lang>.traineddata[.gz]` for languages the npm packages lack. */
  tessdata?: string;
  /** Without `models`: take languages from `tessdata` first. */
  preferTessdata?: boolean;
  logger: Logger;
  /** Where assembled multi-folder language sets go (default: os.tmpdir()/cablescan-tessdata). */
  tessdataCacheDir?: string;
}

export type TesseractJsEngineStats = PoolStats & {
  /** Pages successfully read. */
  pages: number;
};

export interface TesseractJsEngine extends OcrEngine {
  prepare(lang: string): Promise<void>;
  stats(): TesseractJsEngineStats;
}

interface PooledWorker {
  tess: Tesseract.Worker;
  lang: string;
  /** PSM currently set on the worker, so it is only changed when a request asks for another. */
  psm: number | null;
  /** The resolution last set on the worker ('0' = Tesseract's own estimate), null before the first page. */
  dpi: string | null;
  /** Tesseract's inverted retry (`tessedit_do_invert`) as last set, null before the first page. */
  invert: boolean | null;
  /**
   * Settles as `work` does, or rejects if the worker thread dies first (WASM abort, out of memory):
   * a pending job would hang otherwise.
   */
  guard<T>(work: Promise<T>): Promise<T>;
  alive: boolean;
}

/** tesseract.js keeps the node:worker_threads Worker on the object it returns (not in its types). */
function threadOf(worker: Tesseract.Worker): ThreadWorker | undefined {
  return (worker as unknown as { worker?: ThreadWorker }).worker ?? undefined;
}

export interface ThreadWatch {
  /** Settles as `work` does, or rejects with the reason if the thread dies first (or has died). */
  guard<T>(work: Promise<T>): Promise<T>;
  /** Jobs waiting on the thread now (0 between jobs: a finished job leaves nothing behind). */
  pending(): number;
}

/**
 * Fails the jobs of a worker thread that dies ('error': a WASM abort, out of memory; 'exit') instead
 * of leaving them pending for ever. Each job listens only while it runs. (Jobs used to race a
 * promise that settled only at the thread's death: every job left a reaction on it holding the
 * job's whole result, so the main thread kept ~0.3 MB a page until the worker was recycled, and
 * for ever without recycling.)
 */
export function watchThread(thread: Pick<EventEmitter, 'once'> | undefined, onDeath: () => void): ThreadWatch {
  let death: CablescanError | null = null;
  const waiting = new Set<(err: CablescanError) => void>();
  const bury = (err: CablescanError) => {
    if (death) return;
    death = err;
    onDeath();
    for (const fail of waiting) fail(err);
    waiting.clear();
  };
  thread?.once('error', (err: unknown) => bury(new CablescanError(ErrorCode.OCR_FAILED, `tesseract.js worker crashed: ${describe(err)}`, { cause: err })));
  thread?.once('exit', (code: unknown) => bury(new CablescanError(ErrorCode.OCR_FAILED, `tesseract.js worker exited (code ${code})`)));
  return {
    guard: <T>(work: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        if (death) {
          work.catch(() => undefined);
          reject(death);
          return;
        }
        waiting.add(reject);
        work.then(resolve, reject).finally(() => waiting.delete(reject));
      }),
    pending: () => waiting.size,
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

function validateRequest(request: OcrRequest): void {
  const { image, psm, dpi } = request;
  const bad = (reason: string) => new CablescanError(ErrorCode.OCR_FAILED, `cannot OCR this image: ${reason}`, { retryable: false });
  if (!image || !(image.width >= 1) || !(image.height >= 1)) throw bad(`empty image (${image?.width}x${image?.height})`);
  if (image.data.length < image.width * image.height * image.channels) throw bad('pixel buffer shorter than width x height x channels');
  if (!Number.isInteger(psm) || psm < 0 || psm > 13) throw bad(`page segmentation mode must be 0..13, got ${psm}`);
  if (dpi !== undefined && !(dpi > 0)) throw bad(`dpi must be positive, got ${dpi}`);
}

/** A language set's models as the page JSON records them (`ocr.model`, `ocr.models`). */
type ModelInfo = ReturnType<typeof describeModels>;

/** Where tesseract.js reads a language set from, and what the page JSON says of it. */
interface LanguageModels {
  data: LanguageData;
  info: ModelInfo;
}

async function describeDirect(data: LanguageData): Promise<ModelInfo> {
  const kinds: Record<string, ModelKind> = { npm: 'best', tessdata: 'custom' };
  const models = await Promise.all(
    data.sources.map(
      async (s) =>
        [
          s.lang,
          {
            kind: kinds[s.origin]!,
            source: s.origin === 'npm' ? 'npm 4.0.0_best_int' : `--tessdata ${path.dirname(s.file)}`,
            sha256: (s.file.endsWith('.gz') ? await gzipModelHash(s.file) : '').slice(0, 16),
          },
        ] as const,
    ),
  );
  return { model: models[0]![1].kind, models: Object.fromEntries(models) };
}

export function createTesseractJsEngine(options: TesseractJsEngineOptions): TesseractJsEngine {
  const { logger } = options;
  const languages = new Map<string, Promise<LanguageModels>>();
  const resolver = options.models ? new ModelResolver(options.models, options.systemTessdata) : null;
  let pages = 0;
  let closed = false;

  async function direct(lang: string): Promise<LanguageModels> {
    const data = await resolveLanguageData(lang, {
      tessdata: options.models?.tessdata ?? options.tessdata,
      preferTessdata: options.models?.preferTessdata ?? options.preferTessdata,
      cacheRoot: options.tessdataCacheDir,
    });
    return { data, info: await describeDirect(data) };
  }

  async function resolveModels(lang: string): Promise<LanguageModels> {
    if (!resolver) return direct(lang);
    try {
      const set = await resolver.resolve(lang);
      const data: LanguageData = {
        lang: set.lang,
        langPath: set.dir,
        gzip: false,
        sources: set.files.map((f) => ({ lang: f.lang, file: f.file, origin: f.kind === 'custom' ? 'tessdata' : 'npm' })),
      };
      return { data, info: describeModels(set) };
    } catch (err) {
      // A machine whose cache folder cannot be written still reads (npm's .gz directly): the zero-install promise.
      if (!(err instanceof CablescanError && err.code === ErrorCode.MODEL_CACHE)) throw err;
      logger.warn({ err: err.message, lang }, 'model cache not writable: tesseract.js reads the npm models directly');
      return direct(lang);
    }
  }

  function languageData(lang: string): Promise<LanguageModels> {
    let found = languages.get(lang);
    if (!found) {
      found = resolveModels(lang);
      languages.set(lang, found);
      // A missing language is not remembered: the user may install it and retry in the same process.
      found.catch(() => languages.delete(lang));
    }
    return found;
  }

  async function startWorker(data: LanguageData): Promise<PooledWorker> {
    const started = process.hrtime.bigint();
    // While starting, tesseract.js swallows load/initialize rejections (its createWorker promise
    // would never settle); errorHandler is the only signal, so it fails the start explicitly.
    let failStart: (err: unknown) => void = () => undefined;
    const startFailed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    let ready = false;
    const tesseract = loadTesseract();
    const created = tesseract.createWorker(data.lang, tesseract.OEM.LSTM_ONLY, {
      langPath: data.langPath,
      gzip: data.gzip,
      // The default ('write') caches traineddata in the current directory and trusts it next time.
      cacheMethod: 'none',
      logger: () => undefined,
      errorHandler: (err: unknown) => {
        if (!ready) failStart(err);
        else logger.debug({ err: describe(err), lang: data.lang }, 'tesseract.js job error');
      },
    });
    let tess: Tesseract.Worker;
    try {
      tess = await Promise.race([created, startFailed]);
    } catch (err) {
      throw new CablescanError(
        ErrorCode.OCR_FAILED,
        `tesseract.js could not start for "${data.lang}" (traineddata: ${data.sources.map((s) => s.file).join(', ')}): ${describe(err)}`,
        { cause: err, retryable: false },
      );
    }
    ready = true;
    // Tesseract prints diagnostics ("Estimating resolution as ...") to stderr, which would
    // interleave with our JSON logs.
    await tess.setParameters({ debug_file: '/dev/null' });

    const pooled: PooledWorker = { tess, lang: data.lang, psm: null, dpi: null, invert: null, guard: (work) => work, alive: true };
    pooled.guard = watchThread(threadOf(tess), () => {
      pooled.alive = false;
    }).guard;
    logger.debug({ lang: data.lang, ms: Number(process.hrtime.bigint() - started) / 1e6, sources: data.sources }, 'tesseract.js worker started');
    return pooled;
  }

  const pool = new KeyedWorkerPool<LanguageData, PooledWorker>(
    {
      create: startWorker,
      destroy: async (w) => {
        await w.tess.terminate();
      },
      healthy: (w) => w.alive,
    },
    { capacity: options.concurrency, recycleAfter: options.recycleAfter, keyOf: (d) => d.lang },
  );

  async function readWith(worker: PooledWorker, request: OcrRequest, lang: string, info: ModelInfo): Promise<OcrResult> {
    if (worker.psm !== request.psm) {
      await worker.guard(worker.tess.setParameters({ tessedit_pageseg_mode: String(request.psm) as Tesseract.PSM }));
      worker.psm = request.psm;
    }
    // The resolution is set on the worker and kept, like the page segmentation mode: passed with
    // each call, tesseract.js sets it and restores it afterwards, which cost ~8 ms wall and ~15 ms
    // CPU per call, most of the time of a second-opinion word (issue 8). 0 is Tesseract's default:
    // estimate the resolution itself.
    const dpi = request.dpi === undefined ? '0' : String(Math.round(request.dpi));
    if (worker.dpi !== dpi) {
      await worker.guard(worker.tess.setParameters({ user_defined_dpi: dpi }));
      worker.dpi = dpi;
    }
    // As the native engine does (engine.ts, invertedRetry): the second opinion's word crops are
    // read without the inverted retry, so both engines read them alike.
    const invert = request.invertedRetry !== false;
    if (worker.invert !== invert) {
      await worker.guard(worker.tess.setParameters({ tessedit_do_invert: invert ? '1' : '0' }));
      worker.invert = invert;
    }
    // Terminating the thread is the only way to stop a WebAssembly call; the pool then replaces
    // the worker, as after any failed job.
    // TSV, not `blocks`: the native engine's output, parsed by the same code (tesseract-tsv.ts).
    const result = await withinTimeout(
      worker.guard(worker.tess.recognize(toPnm(request.image), {}, { text: false, tsv: true })),
      boundOf(request.timeoutSeconds, options.timeoutSeconds),
      'its tesseract.js worker',
      () => {
        worker.alive = false;
        void worker.tess.terminate();
      },
    );
    const tsv = result.data.tsv ?? '';
    const read = tsvToOcrResult(tsv.startsWith('level\t') ? tsv : `${TSV_HEADER}\n${tsv}`, {
      engine: 'tesseract.js',
      engineVersion: `${TESSERACT_JS_VERSION} (Tesseract ${result.data.version})`,
      lang,
      psm: request.psm,
    });
    return { ...read, ...info };
  }

  return {
    name: 'tesseract.js',

    async prepare(lang: string): Promise<void> {
      await languageData(lang);
    },

    async recognize(request: OcrRequest): Promise<OcrResult> {
      if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine is closed', { retryable: false });
      validateRequest(request);
      const { data, info: models } = await languageData(request.lang);
      try {
        const result = await pool.run(data, async (worker, info) => {
          const r = await readWith(worker, request, request.lang, models);
          if (info.uses + 1 >= options.recycleAfter) logger.debug({ lang: data.lang, pages: info.uses + 1 }, 'recycling tesseract.js worker');
          return r;
        });
        pages += 1;
        return result;
      } catch (err) {
        if (err instanceof CablescanError) throw err;
        if (err instanceof PoolClosedError)
          throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false });
        throw new CablescanError(ErrorCode.OCR_FAILED, `tesseract.js failed: ${describe(err)}`, { cause: err });
      }
    },

    stats(): TesseractJsEngineStats {
      return { ...pool.stats(), pages };
    },

    async close(): Promise<void> {
      closed = true;
      await pool.close();
    },
  };
}
