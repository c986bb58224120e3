// Helpers shared by the commands: turning flags into frozen config, the logger,
// and mapping errors to exit codes.
import { Option, type Command } from 'commander';
import { loadConfig, type Config, type ConfigInput } from '../config.ts';
import { CablescanError } from '../errors.ts';
import { GROUPING_MODES } from '../group/modes.ts';
import { createLogger, type Logger } from '../logger.ts';
import { ENGINES, engineFlags, RUN_ENGINE_CHOICES } from '../ocr/engines/index.ts';
import { MODEL_CHOICES } from '../ocr/models.ts';

export const EXIT = { ok: 0, failures: 1, usage: 2, interrupted: 130 } as const;

export function parseInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new CablescanError('CS_ERR_CONFIG_INVALID', `${name} must be an integer, got "${value}"`);
    return n;
  };
}

/** Options every command takes: where config comes from and how it logs. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'JSON config file (thresholds, languages, profiles folder, tokens); env CABLESCAN_CONFIG')
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .option('--pretty', 'human-readable log lines instead of JSON');
}

/** `--documents`: how the batch's pages group into documents (run, enqueue; it travels with the batch). */
export function documentsOption(): Option {
  return new Option(
    '--documents <mode>',
    'how pages group into documents: auto (decided per page from the evidence, default), file (never across files), folder (a folder is one sequence split at telegram headings), page (every page alone); env CABLESCAN_DOCUMENTS',
  ).choices([...GROUPING_MODES]);
}

/**
 * Settings that travel with a batch (run, enqueue): every worker reads the batch's pages
 * with them, whatever its own configuration says, so they are not worker options.
 */
export function addBatchOptions(command: Command): Command {
  return command
    .option('-l, --lang <langs>', 'OCR language(s), e.g. eng, fra, eng+fra (default eng); env CABLESCAN_LANG')
    .option('--psm <n>', 'Tesseract page segmentation mode (default 3, automatic)', parseInteger('--psm'))
    .option('--preprocess <recipe>', 'auto (default), none, or a recipe JSON file')
    .option('--keep-intermediates', "write each preprocessing step's image to OUT/intermediates/<pageId>/")
    .option('--profile <name>', 'force one telegram profile instead of detecting it')
    .option('--profiles-dir <dir>', 'extra telegram profiles (JSON files)')
    .option('--read-blank-pages', 'read pages measured blank anyway (text too faint to tell from paper grain); env CABLESCAN_READ_BLANK_PAGES')
    .option(
      '--allow-outside-inputs',
      'follow symbolic links, and take manifest entries, that lead outside the input folders (refused by default); env CABLESCAN_ALLOW_OUTSIDE_INPUTS',
    )
    .option(
      '--max-pages-per-file <n>',
      'refuse a PDF or TIFF with more pages (default 10000); env CABLESCAN_MAX_PAGES_PER_FILE',
      parseInteger('--max-pages-per-file'),
    )
    .option(
      '--window-pages <n>',
      "pages of a folder planned, queued and built together (default 500; a telegram over a window's edge is still one record); env CABLESCAN_WINDOW_PAGES",
      parseInteger('--window-pages'),
    );
}

/**
 * Settings of the machine that reads pages (run, worker): which engine and models it has,
 * how many pages it reads at once, and the bounds on each.
 */
export function addMachineOptions(command: Command): Command {
  const engines = ENGINES.map((e) => `${e.name} (${e.summary})`).join(', ');
  command
    .option('--tessdata <dir>', 'folder with <lang>.traineddata for languages the npm packages lack (e.g. /usr/share/tesseract-ocr/5/tessdata)')
    .option('--prefer-tessdata', 'take every language the --tessdata folder has from it, not from npm or the system; env CABLESCAN_PREFER_TESSDATA')
    .addOption(
      new Option(
        '--engine <name>',
        `OCR engine: auto (default: the native one where Tesseract 5+ is installed with the languages' models, else tesseract.js), ${engines}; none reads no words (benchmarks only); env CABLESCAN_ENGINE`,
      ).choices([...RUN_ENGINE_CHOICES]),
    )
    .addOption(
      new Option(
        '--model <class>',
        "models every engine reads with: best (default, npm's 4.0.0_best_int) or fast (the system's, Debian's tesseract-ocr-<lang>: tessdata_fast; npm's for languages it lacks); env CABLESCAN_MODEL",
      ).choices([...MODEL_CHOICES]),
    )
    .option(
      '--model-cache <dir>',
      'where gzipped models are unpacked, checked by hash (default $XDG_CACHE_HOME/cablescan or ~/.cache/cablescan); env CABLESCAN_MODEL_CACHE',
    );
  // Each engine's own options (src/ocr/engines/): e.g. --tesseract-command.
  for (const { flag } of engineFlags()) command.option(flag.flag, flag.description);
  return command
    .option('-j, --concurrency <n>', 'OCR workers (default: CPU cores)', parseInteger('--concurrency'))
    .option('--no-second-opinion', 'do not re-read doubtful words one by one (faster, mostly with --engine tesseract; config key secondOpinion)')
    .option('--recycle-after <n>', 'restart an OCR worker after this many pages', parseInteger('--recycle-after'))
    .option(
      '--ocr-timeout <seconds>',
      'the most an OCR call may take (default 600); each page gets a tighter budget from its size and text lines, and a page past it is read line by line instead; 0: no limit; env CABLESCAN_OCR_TIMEOUT',
      parseInteger('--ocr-timeout'),
    );
}

export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** The engines' own options given as flags, under each engine's name (undefined when none was). */
function engineOptionsFrom(opts: Record<string, unknown>): Record<string, Record<string, unknown>> | undefined {
  const out: Record<string, Record<string, unknown>> = {};
  for (const { engine, flag } of engineFlags()) {
    const value = opts[new Option(flag.flag).attributeName()];
    if (value !== undefined) (out[engine] ??= {})[flag.key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Reads config once (defaults < file < env < flags), freezes it, and creates the logger. */
export function contextFrom(opts: Record<string, unknown>, extraFlags: Partial<Record<keyof ConfigInput, unknown>> = {}): CommandContext {
  const config = loadConfig({
    configFile: opts.config as string | undefined,
    flags: {
      lang: opts.lang,
      tessdata: opts.tessdata,
      preferTessdata: opts.preferTessdata,
      engine: opts.engine,
      model: opts.model,
      modelCache: opts.modelCache,
      engineOptions: engineOptionsFrom(opts),
      concurrency: opts.concurrency,
      psm: opts.psm,
      preprocess: opts.preprocess,
      keepIntermediates: opts.keepIntermediates,
      // commander sets `secondOpinion: true` unless --no-second-opinion is given: only the "no" is a flag.
      secondOpinion: opts.secondOpinion === false ? false : undefined,
      profile: opts.profile,
      profilesDir: opts.profilesDir,
      recycleAfter: opts.recycleAfter,
      ocrTimeout: opts.ocrTimeout,
      readBlankPages: opts.readBlankPages,
      maxPagesPerFile: opts.maxPagesPerFile,
      windowPages: opts.windowPages,
      allowOutsideInputs: opts.allowOutsideInputs,
      logLevel: opts.logLevel,
      pretty: opts.pretty,
      force: opts.force,
      documents: opts.documents,
      redisUrl: opts.redis,
      db: opts.db,
      ...extraFlags,
    },
  });
  const logger = createLogger({ level: config.logLevel, pretty: config.pretty });
  return { config, logger };
}

/** Prints an error for a person and returns the exit code. */
export function reportFatal(err: unknown): number {
  if (err instanceof CablescanError) {
    process.stderr.write(`cablescan: ${err.code}: ${err.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`cablescan: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failures;
}
