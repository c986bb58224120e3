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
import { engineFlags, engineOptionsSchema, RUN_ENGINE_CHOICES } from './ocr/engines/index.ts';
import { MODEL_CHOICES } from './ocr/models.ts';

/** A PostgreSQL review store's location (anything else in `db` is a SQLite file). */
const POSTGRES_URL = /^postgres(ql)?:\/\//i;

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
    lang: z
      .string()
      .regex(/^[a-z_]{3,}(\+[a-z_]{3,})*$/i, 'languages look like "eng" or "eng+fra"')
      .default('eng'),
    /** Folder with plain or gzipped <lang>.traineddata for languages the npm packages lack. */
    tessdata: z.string().optional(),
    /** Take a language's model from `tessdata` whenever the folder has it, not from npm. */
    preferTessdata: z.boolean().default(false),
    /**
     * OCR engine (src/ocr/engines/): `auto` (native Tesseract 5+ where it is installed with models for
     * the languages, else tesseract.js), or one of the registered engines, forced; `none` reads no
     * words (benchmarks of the pipeline around OCR, src/ocr/stand-in.ts; never chosen by auto).
     */
    engine: z.enum(RUN_ENGINE_CHOICES).default('auto'),
    /** Model class every engine reads with (src/ocr/models.ts): `best` (npm's 4.0.0_best_int) or `fast` (the system's, Debian: tessdata_fast). */
    model: z.enum(MODEL_CHOICES).default('best'),
    /** Where gzipped models are unpacked, checked by hash (src/ocr/model-cache.ts); default $XDG_CACHE_HOME/cablescan or ~/.cache/cablescan. */
    modelCache: z.string().min(1),
    /** Each engine's own options, under its name (e.g. { "tesseract": { "command": "/opt/tesseract/bin/tesseract" } }). */
    engineOptions: engineOptionsSchema,
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
     * `scales` and read alone; each keeps its most confident reading. Within a budget: the words
     * whose expected gain (measured per model and confidence) is above `minGain`, at most
     * `maxWords` a page. `false` turns it off.
     */
    secondOpinion: z
      .union([
        z.literal(false),
        z
          .object({
            minConfidence: z.number().min(0).max(100).default(80),
            scales: z.array(z.number().min(0.5).max(4)).min(1).default([1.5]),
            maxWords: z.number().int().min(0).default(40),
            /**
             * Re-read only words whose measured expected gain (words put right minus put wrong, per re-read) is above
             * this: the price of a re-read, one word net in 50 (src/ocr/second-opinion.ts). -1: every doubtful word.
             */
            minGain: z.number().min(-1).max(1).default(0.02),
          })
          .strict(),
      ])
      .default({ minConfidence: 80, scales: [1.5], maxWords: 40, minGain: 0.02 }),
    /**
     * Pages read with a fast model: their confident words of three digits or more are read again with npm's best_int
     * model, which repairs the fast model's 3 read as 5 (src/ocr/digit-check.ts). `false` turns it off.
     */
    digitCheck: z
      .union([z.literal(false), z.object({ minConfidence: z.number().min(0).max(100).default(85), maxWords: z.number().int().min(0).default(60) }).strict()])
      .default({ minConfidence: 85, maxWords: 60 }),
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
    /**
     * Review store: a SQLite file (default <out>/cablescan.db), or a PostgreSQL URL
     * (postgres://user:password@host:5432/db, optional ?schema=NAME) shared by several machines.
     * Precedence: --db, then CABLESCAN_DB, then DATABASE_URL (a postgres:// one only), then the config file.
     */
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
  .refine((c) => !c.preferTessdata || c.tessdata !== undefined, {
    message: 'preferTessdata needs a tessdata folder (--tessdata or CABLESCAN_TESSDATA)',
    path: ['preferTessdata'],
  });

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variables cablescan reads, and the config key each sets. */
export const ENV_VARS: Readonly<Record<string, { key: keyof ConfigInput; parse: (v: string) => unknown }>> = {
  CABLESCAN_LANG: { key: 'lang', parse: String },
  CABLESCAN_TESSDATA: { key: 'tessdata', parse: String },
  CABLESCAN_PREFER_TESSDATA: { key: 'preferTessdata', parse: (v) => v === 'true' || v === '1' },
  CABLESCAN_ENGINE: { key: 'engine', parse: String },
  CABLESCAN_MODEL: { key: 'model', parse: String },
  CABLESCAN_MODEL_CACHE: { key: 'modelCache', parse: String },
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
  // Before CABLESCAN_DB, which wins over it; another program's DATABASE_URL (mysql://...) is not ours.
  DATABASE_URL: { key: 'db', parse: (v) => (POSTGRES_URL.test(v) ? v : undefined) },
  CABLESCAN_DB: { key: 'db', parse: String },
  CABLESCAN_EMIT: {
    key: 'emit',
    parse: (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  },
};

/**
 * Tokens from the environment (a container's settings, Docker secrets): each variable, or the
 * file its NAME_FILE variable names (trailing newline dropped). Pairs are separated by commas,
 * spaces or newlines. They replace the config file's list of the same kind.
 */
export const TOKEN_ENV_VARS = {
  CABLESCAN_REVIEWER_TOKENS: 'reviewers',
  CABLESCAN_READER_TOKENS: 'readers',
  CABLESCAN_OPERATOR_TOKEN: 'operator',
} as const;

/** A variable's value, or the contents of the file its NAME_FILE names (a Docker secret). */
function secretFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  const file = env[`${name}_FILE`];
  if ((raw === undefined || raw === '') && file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `${name}_FILE: cannot read ${file}: ${(err as Error).message}`, { file });
    }
  }
  return raw;
}

/**
 * CABLESCAN_DB_PASSWORD (or _FILE, a Docker secret) fills in the password of a PostgreSQL store
 * URL given without one, so the password need not sit in a compose file or a job's data.
 */
function withDbPassword(db: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof db !== 'string' || !POSTGRES_URL.test(db)) return db;
  const password = secretFromEnv(env, 'CABLESCAN_DB_PASSWORD')?.replace(/\r?\n$/, '');
  if (!password) return db;
  try {
    const url = new URL(db);
    if (url.password) return db;
    url.password = password;
    return url.toString();
  } catch {
    return db;
  }
}

function tokensFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const tokens: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(TOKEN_ENV_VARS)) {
    const raw = secretFromEnv(env, name);
    if (raw === undefined || raw.trim() === '') continue;
    tokens[key] = key === 'operator' ? raw.trim() : raw.split(/[\s,]+/).filter(Boolean);
  }
  return tokens;
}

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
    const reason =
      (err as Error).message === 'top level must be an object' ? (err as Error).message : at ? `a syntax error at character ${at}` : 'a syntax error';
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `config file ${file} is not valid JSON: ${reason}`, { file });
  }
}

function withoutUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** The model cache when none is configured: $XDG_CACHE_HOME/cablescan, else ~/.cache/cablescan. */
export function defaultModelCache(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'cablescan');
}

type EngineOptionsInput = Record<string, Record<string, unknown>>;

/** Engine options from the engines' own environment variables (e.g. CABLESCAN_TESSERACT_COMMAND). */
function engineOptionsFromEnv(env: NodeJS.ProcessEnv): EngineOptionsInput {
  const out: EngineOptionsInput = {};
  for (const { engine, flag } of engineFlags()) {
    const raw = flag.env ? env[flag.env] : undefined;
    if (raw !== undefined && raw !== '') (out[engine] ??= {})[flag.key] = raw;
  }
  return out;
}

/** The engines' own options that have an environment variable, as variables (for a worker's sandboxed children). */
export function engineOptionsEnv(config: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { engine, flag } of engineFlags()) {
    const value = (config.engineOptions as Record<string, Record<string, unknown>>)[engine]?.[flag.key];
    if (flag.env && value !== undefined) out[flag.env] = String(value);
  }
  return out;
}

/** Engine options merged per engine and key (a flag for one option keeps the file's others). */
function mergeEngineOptions(...layers: unknown[]): EngineOptionsInput | undefined {
  const out: EngineOptionsInput = {};
  let any = false;
  for (const layer of layers) {
    if (!layer || typeof layer !== 'object' || Array.isArray(layer)) continue;
    for (const [engine, opts] of Object.entries(layer as Record<string, unknown>)) {
      any = true;
      // Not an object: left for the schema to refuse with its path.
      if (!opts || typeof opts !== 'object' || Array.isArray(opts)) (out as Record<string, unknown>)[engine] = opts;
      else out[engine] = { ...(out[engine] ?? {}), ...withoutUndefined(opts as Record<string, unknown>) };
    }
  }
  return any ? out : undefined;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const configFile = options.configFile ?? env.CABLESCAN_CONFIG;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  if (configFile && typeof fromFile.tessdata === 'string') fromFile.tessdata = path.resolve(path.dirname(configFile), fromFile.tessdata);
  if (configFile && typeof fromFile.profilesDir === 'string') fromFile.profilesDir = path.resolve(path.dirname(configFile), fromFile.profilesDir);
  if (configFile && typeof fromFile.db === 'string' && !POSTGRES_URL.test(fromFile.db)) fromFile.db = path.resolve(path.dirname(configFile), fromFile.db);
  if (configFile && typeof fromFile.modelCache === 'string') fromFile.modelCache = path.resolve(path.dirname(configFile), fromFile.modelCache);

  const fromEnv: Record<string, unknown> = {};
  for (const [name, { key, parse }] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? undefined : parse(raw);
    if (value !== undefined) fromEnv[key] = value;
  }
  const envTokens = tokensFromEnv(env);
  if (Object.keys(envTokens).length) fromEnv.tokens = { ...((fromFile.tokens as Record<string, unknown> | undefined) ?? {}), ...envTokens };
  // Behind a TLS proxy in a container (docker-compose.yml): server.trustProxy without a config file.
  const trustProxy = env.CABLESCAN_TRUST_PROXY;
  if (trustProxy) {
    fromEnv.server = {
      ...((fromFile.server as Record<string, unknown> | undefined) ?? {}),
      trustProxy: trustProxy === 'true' ? true : trustProxy === 'false' ? false : trustProxy,
    };
  }
  const flags = withoutUndefined(options.flags ?? {});
  const merged: Record<string, unknown> = { modelCache: defaultModelCache(env), ...fromFile, ...fromEnv, ...flags };
  const engineOptions = mergeEngineOptions(fromFile.engineOptions, engineOptionsFromEnv(env), flags.engineOptions);
  if (engineOptions) merged.engineOptions = engineOptions;
  merged.db = withDbPassword(merged.db, env);
  if (merged.db === undefined) delete merged.db;
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `invalid configuration: ${problems}`, { file: configFile });
  }
  return deepFreeze(result.data);
}
