// The page job: a thin adapter over readPage (load + preprocess + OCR), the same
// function the in-process run calls. It runs in a sandboxed child process (see
// page-sandbox.ts), so OCR never blocks the worker's event loop and BullMQ's lock
// renewal keeps running however long a page takes.
//
// The child keeps one OCR engine (a tesseract.js pool of 1) for its whole life:
// BullMQ hands the same child job after job, and the engine recycles its
// tesseract worker every `recycleAfter` pages (CABLESCAN_RECYCLE_AFTER).
import { access } from 'node:fs/promises';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { loadConfig, type Config } from '../src/config.ts';
import { CablescanError, ErrorCode, toCablescanError } from '../src/errors.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { createEngine, readPage, reportPage, resolveRecipe, type OcrEngine, type Recipe } from '../src/pipeline/index.ts';
import { failureReason, type PageJobData, type PageJobResult } from '../queues/payloads.ts';
import { readConfig, setupError } from './job-config.ts';

export interface PageContext {
  engine: OcrEngine;
  logger: Logger;
  recipeFor(preprocess: string): Recipe;
}

/**
 * A scan that was there at enqueue time and is not now is most likely a volume
 * not (yet) mounted on this machine: retry (with backoff, maybe elsewhere) rather
 * than fail the page as bad input.
 */
async function assertVisible(source: PageJobData['source']): Promise<void> {
  try {
    await access(source.path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return; // readPage reports other problems precisely
    throw new CablescanError(
      ErrorCode.INPUT_NOT_FOUND,
      `${source.file}: not found at ${source.path} on this worker (inputs must be at the same path on every worker machine)`,
      { file: source.file, retryable: true },
    );
  }
}

/**
 * Reads one page (or finds it already read under the output folder) and summarises it.
 * `enqueuedAt` (the job's timestamp) tells a page an earlier attempt of this job
 * wrote from one an earlier run did.
 */
export async function processPage(data: PageJobData, ctx: PageContext, config: Config = readConfig(data.read), enqueuedAt?: number): Promise<PageJobResult> {
  const startedAt = Date.now();
  const { source, outDir } = data;
  const logger = ctx.logger.child({ batch: data.batch, doc: source.documentKey, page: source.pageId });
  let recipe: Recipe;
  try {
    recipe = ctx.recipeFor(data.read.preprocess);
  } catch (err) {
    throw setupError(err);
  }
  const { page, outcome } = await readPage(source, { config, logger, engine: ctx.engine, outDir, recipe, beforeRead: assertVisible, enqueuedAt });
  return {
    pageId: source.pageId,
    file: source.file,
    contentHash: source.contentHash,
    lang: page.lang,
    outcome,
    words: page.ocr.wordCount,
    meanConfidence: page.ocr.meanConfidence,
    ocrMs: outcome === 'resumed' ? 0 : (page.timings.ocr ?? 0),
    startedAt,
    finishedAt: Date.now(),
    report: reportPage(page),
  };
}

/**
 * Maps any failure to what BullMQ needs: bad input (a CablescanError with
 * retryable: false) becomes UnrecoverableError, so it fails at once; anything
 * else is retried with backoff. Either way the reason reads "<code>: <message>".
 */
export function toJobError(err: unknown, file: string): Error {
  let e = toCablescanError(err, ErrorCode.INTERNAL, file);
  // Every reason names its file, whichever stage failed (an engine's own message does not).
  if (!e.message.includes(file)) e = new CablescanError(e.code, `${file}: ${e.message}`, { file, retryable: e.retryable, cause: err, details: e.details });
  const reason = failureReason(e);
  return e.retryable ? new Error(reason) : new UnrecoverableError(reason);
}

// ---- the sandboxed child's long-lived state -------------------------------------------------

let context: PageContext | undefined;

function childContext(): PageContext {
  if (context) return context;
  // The worker passes its machine settings (tessdata, recycling, log level) down
  // through the environment; loadConfig stays the only reader of it.
  const machine = loadConfig({ flags: { concurrency: 1 } });
  const logger = createLogger({ level: machine.logLevel, pretty: machine.pretty }).child({ role: 'page-sandbox' });
  const recipes = new Map<string, Recipe>();
  context = {
    engine: createEngine(machine, logger),
    logger,
    recipeFor(preprocess) {
      let recipe = recipes.get(preprocess);
      if (!recipe) recipes.set(preprocess, (recipe = resolveRecipe(preprocess)));
      return recipe;
    },
  };
  return context;
}

export default async function pageJob(job: SandboxedJob<PageJobData, PageJobResult>): Promise<PageJobResult> {
  try {
    return await processPage(job.data, childContext(), undefined, job.timestamp);
  } catch (err) {
    throw toJobError(err, job.data.source.file);
  }
}
