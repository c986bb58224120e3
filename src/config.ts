// Configuration is read once, validated with zod, frozen, and passed down in
// `deps`. This module is the only place that reads process.env.
//
// Precedence (later wins): built-in defaults < config file (--config / CABLESCAN_CONFIG)
// < environment variables (CABLESCAN_*, REDIS_URL) < command-line flags.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CablescanError, ErrorCode } from './errors.ts';
import { ARCHIVAL_FORMAT_NAMES, exportOptionsSchema } from './exports/formats/index.ts';
import { GROUPING_MODES } from './group/modes.ts';

const thresholdsSchema = z
  .object({
    /** A field whose confidence reaches this is accepted without review. */
    accept: z.number().min(0).max(1).default(0.8),
    /** Per-field overrides of `accept`, e.g. { "body": 0.6 }. */
    fields: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** A body covering less than this share of the page text is flagged. */
    minBodyCoverage: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const configSchema = z
  .object({
    /** OCR language(s), tesseract style: "eng", "eng+fra". */
    lang: z.string().regex(/^[a-z_]{3,}(\+[a-z_]{3,})*$/i, 'languages look like "eng" or "eng+fra"').default('eng'),
    /** Folder with plain or gzipped <lang>.traineddata for languages the npm packages lack. */
    tessdata: z.string().optional(),
    /** Take a language's model from `tessdata` whenever the folder has it, not from npm (speed: Debian's tessdata_fast). */
    preferTessdata: z.boolean().default(false),
    /**
     * OCR engine: tesseract.js (default, nothing to install) or the native tesseract CLI (faster);
     * `none` reads no words (benchmarks of the pipeline around OCR, src/ocr/stand-in.ts).
     */
    engine: z.enum(['tesseract.js', 'tesseract', 'none']).default('tesseract.js'),
    /** Number of OCR workers (default: CPU cores). */
    concurrency: z.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism())),
    /** Replace an OCR worker after this many pages: a bound on anything that might grow in a very long run (memory measured flat over 300 pages without it). */
    recycleAfter: z.number().int().min(1).default(500),
    /**
     * Pages of a sequence planned, queued and built together (src/pipeline/windows.ts): a flat
     * folder of 100,000 scans is 200 windows, each its own queue flow; a telegram over a
     * window's edge is still one record.
     */
    windowPages: z.number().int().min(1).max(100_000).default(500),
    /**
     * Seconds one OCR call may take before its process or worker is stopped; 0: no bound at all. Each
     * page's call gets a tighter budget of its own (src/ocr/page-budget.ts), capped by this; a page
     * past it is read line by line instead (src/ocr/recognize-page.ts). A hung call would otherwise
     * hold its engine slot for ever.
     */
    ocrTimeout: z.number().min(0).default(600),
    /**
     * Read pages the ink measure finds blank anyway (src/preprocess/ink.ts): for text too faint to
     * tell from the paper's grain (a faded carbon copy). Off: a blank page is recorded, not read.
     */
    readBlankPages: z.boolean().default(false),
    /** Tesseract page segmentation mode. 3 = automatic, like the tesseract CLI. */
    psm: z.number().int().min(0).max(13).default(3),
    /** "auto" (measured per page), "none", or a path to a recipe JSON file. */
    preprocess: z.string().default('auto'),
    /**
     * Second reading of doubtful words (below `minConfidence`): cut out, enlarged by each of
     * `scales` and read alone; each keeps its most confident reading. `false` turns it off.
     */
    secondOpinion: z
      .union([
        z.literal(false),
        z.object({ minConfidence: z.number().min(0).max(100).default(80), scales: z.array(z.number().min(0.5).max(4)).min(1).default([1.5]), maxWords: z.number().int().min(0).default(40) }).strict(),
      ])
      .default({ minConfidence: 80, scales: [1.5], maxWords: 40 }),
    keepIntermediates: z.boolean().default(false),
    /** Archival formats `run` writes to <out>/exports/ as each document's records are built (see src/exports). */
    emit: z.array(z.enum(ARCHIVAL_FORMAT_NAMES)).default([]),
    /** Options of the export formats that have their own (src/exports/formats/), e.g. { "pdf": { "imageQuality": 70 } }. */
    exportOptions: exportOptionsSchema,
    force: z.boolean().default(false),
    /** How pages group into documents: decided from the evidence (auto), by file, by folder (split at headings), or one per page. */
    documents: z.enum(GROUPING_MODES).default('auto'),
    /** Force one telegram profile instead of detecting it per telegram. */
    profile: z.string().optional(),
    /** Extra profile files (JSON) beside the shipped ones. */
    profilesDir: z.string().optional(),
    /** Telegram dates outside this period are flagged. */
    period: z
      .object({ from: z.string().date().default('1850-01-01'), to: z.string().date().default('2000-12-31') })
      .strict()
      .default({ from: '1850-01-01', to: '2000-12-31' }),
    thresholds: thresholdsSchema.default({ accept: 0.8, fields: {}, minBodyCoverage: 0.5 }),
    /** Pixel limit per page; images declaring more are refused (decompression bombs). */
    maxPixels: z.number().int().min(1).default(200_000_000),
    /**
     * Pixels a page is decoded to at most, so a page's memory is bounded whatever it declares: a
     * PDF page is rendered at a resolution lowered to fit, a larger image is shrunk while it is
     * decoded. 40 Mpx holds an A2 sheet at 300 dpi (35 Mpx); a 300 dpi letter page is 8.4 Mpx.
     */
    pagePixelBudget: z.number().int().min(1_000_000).default(40_000_000),
    /** Files with more pages are refused (CS_ERR_INPUT_TOO_LARGE): a few bytes can declare a million pages. */
    maxPagesPerFile: z.number().int().min(1).default(10_000),
    /** Follow symbolic links, and take manifest entries, that lead outside the input folders (refused by default). */
    allowOutsideInputs: z.boolean().default(false),
    /** PDF rasterisation resolution. */
    pdfDpi: z.number().int().min(72).max(1200).default(300),
    redisUrl: z.string().url().optional(),
    /** Review store (SQLite file); default <out>/cablescan.db. */
    db: z.string().min(1).optional(),
    /** BullMQ queue prefix; wrapped in a {hash tag} so a Redis Cluster keeps a queue on one slot. */
    queuePrefix: z.string().default('cablescan'),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    pretty: z.boolean().default(false),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /**
         * Behind a TLS-terminating proxy: trust its X-Forwarded-* headers (fastify's trustProxy:
         * true, or the proxy's addresses, comma separated), so the client's address is rate limited and
         * the session cookie is marked Secure. Off by default: a direct client could forge them.
         */
        trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
        /** /metrics: `open` (a Prometheus scrape needs no token) or `token` (any reader, reviewer or operator token). */
        metrics: z.enum(['open', 'token']).default('open'),
        /** Failed sign-ins and bad tokens allowed per client address and window before 429s. */
        authFailures: z
          .object({ max: z.number().int().min(1).default(10), windowSeconds: z.number().int().min(1).default(60) })
          .strict()
          .default({ max: 10, windowSeconds: 60 }),
        /** Operator sessions end this long after sign-in. */
        sessionHours: z.number().positive().max(168).default(12),
        /** Decoded pages (bytes) and rendered crops (bytes) the review server keeps, and pages decoded at once. */
        pageCacheMB: z.number().positive().default(200),
        cropCacheMB: z.number().positive().default(32),
        decodeConcurrency: z.number().int().min(1).max(64).default(2),
      })
      .strict()
      .prefault({}),
    /**
     * Tokens: reviewers ("name:token" pairs; review API, and read access to the monitoring),
     * readers ("name:token" pairs; read-only: queue board, batches, metrics) and the operator's
     * (the writable board).
     */
    tokens: z
      .object({
        reviewers: z.array(z.string().regex(/^[^:]+:.{8,}$/)).default([]),
        readers: z.array(z.string().regex(/^[^:]+:.{8,}$/)).default([]),
        operator: z.string().min(8).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => !c.preferTessdata || c.tessdata !== undefined, { message: 'preferTessdata needs a tessdata folder (--tessdata or CABLESCAN_TESSDATA)', path: ['preferTessdata'] });

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variables cablescan reads, and the config key each sets. */
export const ENV_VARS: Readonly<Record<string, { key: keyof ConfigInput; parse: (v: string) => unknown }>> = {
  CABLESCAN_LANG: { key: 'lang', parse: String },
  CABLESCAN_TESSDATA: { key: 'tessdata', parse: String },
  CABLESCAN_PREFER_TESSDATA: { key: 'preferTessdata', parse: (v) => v === 'true' || v === '1' },
  CABLESCAN_ENGINE: { key: 'engine', parse: String },
  CABLESCAN_CONCURRENCY: { key: 'concurrency', parse: Number },
  CABLESCAN_RECYCLE_AFTER: { key: 'recycleAfter', parse: Number },
  CABLESCAN_WINDOW_PAGES: { key: 'windowPages', parse: Number },
  CABLESCAN_OCR_TIMEOUT: { key: 'ocrTimeout', parse: Number },
  // Only "off" can be said this way (the settings object lives in the config file).
  CABLESCAN_SECOND_OPINION: { key: 'secondOpinion', parse: (v) => (v === 'false' || v === '0' ? false : undefined) },
  CABLESCAN_READ_BLANK_PAGES: { key: 'readBlankPages', parse: (v) => v === 'true' || v === '1' },
  CABLESCAN_PSM: { key: 'psm', parse: Number },
  CABLESCAN_PREPROCESS: { key: 'preprocess', parse: String },
  CABLESCAN_PROFILE: { key: 'profile', parse: String },
  CABLESCAN_DOCUMENTS: { key: 'documents', parse: String },
  CABLESCAN_PROFILES_DIR: { key: 'profilesDir', parse: String },
  CABLESCAN_LOG_LEVEL: { key: 'logLevel', parse: String },
  CABLESCAN_QUEUE_PREFIX: { key: 'queuePrefix', parse: String },
  CABLESCAN_MAX_PIXELS: { key: 'maxPixels', parse: Number },
  CABLESCAN_PAGE_PIXEL_BUDGET: { key: 'pagePixelBudget', parse: Number },
  CABLESCAN_MAX_PAGES_PER_FILE: { key: 'maxPagesPerFile', parse: Number },
  CABLESCAN_ALLOW_OUTSIDE_INPUTS: { key: 'allowOutsideInputs', parse: (v) => v === 'true' || v === '1' },
  REDIS_URL: { key: 'redisUrl', parse: String },
  CABLESCAN_DB: { key: 'db', parse: String },
  CABLESCAN_EMIT: { key: 'emit', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
};

export interface LoadConfigOptions {
  /** Values from command-line flags (undefined entries are ignored). */
  flags?: Partial<Record<keyof ConfigInput, unknown>>;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file; defaults to env CABLESCAN_CONFIG. */
  configFile?: string;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `cannot read config file ${file}: ${(err as Error).message}`, { file });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    // JSON.parse's message quotes the text around the error: say where, not what.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const reason = (err as Error).message === 'top level must be an object' ? (err as Error).message : at ? `a syntax error at character ${at}` : 'a syntax error';
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `config file ${file} is not valid JSON: ${reason}`, { file });
  }
}

function withoutUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const configFile = options.configFile ?? env.CABLESCAN_CONFIG;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  if (configFile && typeof fromFile.tessdata === 'string') fromFile.tessdata = path.resolve(path.dirname(configFile), fromFile.tessdata);
  if (configFile && typeof fromFile.profilesDir === 'string') fromFile.profilesDir = path.resolve(path.dirname(configFile), fromFile.profilesDir);
  if (configFile && typeof fromFile.db === 'string') fromFile.db = path.resolve(path.dirname(configFile), fromFile.db);

  const fromEnv: Record<string, unknown> = {};
  for (const [name, { key, parse }] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? undefined : parse(raw);
    if (value !== undefined) fromEnv[key] = value;
  }
  const merged = { ...fromFile, ...fromEnv, ...withoutUndefined(options.flags ?? {}) };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `invalid configuration: ${problems}`, { file: configFile });
  }
  return deepFreeze(result.data);
}
