// The accuracy benchmark: every page of an evaluation folder is cropped to the region its
// ground truth covers, read by each variant (native tesseract, cablescan without and with
// preprocessing), scored, and summarised. Drivers (scripts/bench-accuracy.ts) pass in
// everything from outside: environment, folders, which variants to run.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { discoverInputs } from '../ingest/index.ts';
import type { Logger } from '../logger.ts';
import type { OcrEngine } from '../ocr/engine.ts';
import { resolveRecipe, type Recipe } from '../preprocess/index.ts';
import type { PageSource } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { cacheKey, ResultCache } from './cache.ts';
import { findEvalPages, type EvalPage } from './corpus.ts';
import { cropRegion, orientedSize, readCoverage, writeCrop, type CropRegion } from './crop.ts';
import { buildReport, type AccuracyReport, type PageOutcome, type VariantOutcome } from './report.ts';
import { lineRecall } from './line-recall.ts';
import {
  nativeHasLanguages,
  probeNativeTesseract,
  runCablescan,
  runCablescanCli,
  runNativeTesseract,
  VARIANTS,
  type NativeTesseract,
  type VariantName,
  type VariantRun,
} from './runners.ts';

/** A variant's result on one page: read now or taken from the cache, or why there is none. */
type PageRun = (VariantRun & { cached?: boolean }) | { error: string };
import { scoreText } from './score.ts';

export interface AccuracyBenchmarkOptions {
  /** The evaluation folder (images with NAME.gt.txt beside them). */
  dir: string;
  cwd: string;
  /** Language for every page the manifest does not cover (default: folder conventions, else eng). */
  lang?: string;
  manifest?: string;
  /** Variants read now; the others come from the cache when it has them. */
  run: readonly VariantName[];
  psm: number;
  /** tesseract.js workers (and concurrent pages) for the cablescan variants. */
  concurrency: number;
  /** Concurrent native tesseract processes (each single-threaded). */
  nativeConcurrency: number;
  /** Recipe of the "auto" variant: "auto" (default) or a recipe JSON file, to compare a candidate recipe. */
  recipe?: string;
  /** Folder with extra traineddata for the cablescan variants (e.g. Debian's, for dan). */
  tessdata?: string;
  nativeBinary: string;
  /** Environment for the native tesseract processes. */
  env: NodeJS.ProcessEnv;
  /** Scratch folder for the crops. */
  workDir: string;
  /** Result cache folder; undefined disables the cache. */
  cacheDir?: string;
  /** When set: page JSON/text of each variant and auto's intermediate images go below it. */
  keepDir?: string;
  logger: Logger;
  /** Progress messages for the person running the benchmark. */
  progress: (message: string) => void;
  /** Creates the OCR engine (default: tesseract.js from config); tests pass a double. */
  createEngine: (config: Config, logger: Logger) => OcrEngine;
  /**
   * When set, the cablescan variants are read as a user reads them: `cablescan run` (this
   * bin/cablescan.js) on a folder of the crops per language, default settings, and their texts
   * taken from its output. Without it they are read in this process with `createEngine`.
   */
  cli?: { bin: string };
}

/** The pipeline's default pixel budget per page. */
const DEFAULT_MAX_PIXELS = loadConfig({ env: {} }).maxPixels;

interface PreparedPage {
  page: EvalPage;
  crop: CropRegion | null;
  /** The cropped image as a PageSource: what every variant reads. */
  source: PageSource;
}

/** Runs `fn` over `items` with at most `limit` at a time; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

async function preparePages(pages: EvalPage[], options: AccuracyBenchmarkOptions): Promise<PreparedPage[]> {
  const cropDir = path.join(options.workDir, 'crops');
  await mkdir(cropDir, { recursive: true });
  const written = await mapLimit(pages, 2, async (page) => {
    const size = await orientedSize(page.source.path);
    const crop = page.linesFile ? cropRegion((await readCoverage(page.linesFile, size.width, size.height)).bbox, size.width, size.height) : null;
    const file = path.join(cropDir, `${page.pageId}.png`);
    await writeCrop(page.source.path, crop, file);
    return { page, crop, file };
  });
  const found = await discoverInputs(
    written.map((w) => w.file),
    { cwd: options.cwd, maxPixels: DEFAULT_MAX_PIXELS },
  );
  if (found.failures.length > 0) throw new Error(`cropped images could not be read: ${found.failures.map((f) => f.message).join('; ')}`);
  const byPath = new Map(found.pages.map((s) => [s.path, s]));
  return written.map(({ page, crop, file }) => {
    const source = byPath.get(path.resolve(options.cwd, file));
    if (!source) throw new Error(`cropped image ${file} was not found again`);
    // The crop keeps the scan's pageId, so kept page JSONs and intermediates are named after the scan.
    return { page, crop, source: { ...source, pageId: page.pageId, lang: page.lang } };
  });
}

function versionOf(variant: VariantName, native: NativeTesseract | null, autoRecipe: Recipe, cli: boolean): string {
  if (variant === 'native') return `${native?.version ?? 'absent'} cpu`;
  // A different recipe file must not reuse the results of another one; a CLI run has the CLI's settings.
  const version = cli ? `${PIPELINE_VERSION} cli` : PIPELINE_VERSION;
  return variant === 'auto' ? `${version} ${JSON.stringify(autoRecipe)}` : version;
}

/** Reads tiny blank pages so each tesseract.js worker is started before the timed pages (per language). */
async function warmUp(engine: OcrEngine, lang: string, psm: number, workers: number): Promise<void> {
  const image = { data: Buffer.alloc(64 * 32, 255), width: 64, height: 32, channels: 1 as const };
  await Promise.all(Array.from({ length: workers }, () => engine.recognize({ image, lang, psm, dpi: 300 })));
}

export async function runAccuracyBenchmark(options: AccuracyBenchmarkOptions): Promise<AccuracyReport> {
  const { progress } = options;
  // Resolved first: a bad recipe file fails before any page is read.
  const autoRecipe = resolveRecipe(options.recipe ?? 'auto');
  // No logger for discovery: what it would warn about is reported as "skipped" below.
  const corpus = await findEvalPages(options.dir, { cwd: options.cwd, lang: options.lang, manifest: options.manifest, maxPixels: DEFAULT_MAX_PIXELS });
  for (const s of corpus.skipped) progress(`skipped ${s.file}: ${s.reason}`);
  if (corpus.pages.length === 0) throw new Error(`no scored pages in ${options.dir} (images need a NAME.gt.txt beside them)`);
  progress(`${corpus.pages.length} pages; cropping to the ground-truth coverage`);
  const prepared = await preparePages(corpus.pages, options);

  const native = await probeNativeTesseract(options.nativeBinary, options.env);
  const notes: string[] = [];
  if (!native) {
    const message = `native tesseract not found ("${options.nativeBinary}"): the native column is skipped`;
    progress(message);
    notes.push(message);
  }
  const cache = options.cacheDir ? new ResultCache(options.cacheDir) : null;
  const keyFor = (variant: VariantName, p: PreparedPage) =>
    cacheKey({
      variant,
      imageHash: p.source.contentHash,
      lang: p.page.lang,
      psm: options.psm,
      version: versionOf(variant, native, autoRecipe, options.cli !== undefined),
    });

  const runs = new Map<VariantName, Map<string, PageRun>>(VARIANTS.map((v) => [v, new Map()]));
  const engines: AccuracyReport['engines'] = {};

  for (const variant of VARIANTS) {
    const results = runs.get(variant)!;
    if (!options.run.includes(variant)) {
      let hits = 0;
      for (const p of prepared) {
        const cached = cache ? await cache.get(variant, keyFor(variant, p)) : null;
        if (cached) {
          results.set(p.page.pageId, { ...cached, cached: true });
          engines[variant] ??= cached.engine;
          hits++;
        } else results.set(p.page.pageId, { error: 'not run (no cached result: run this variant once without --only)' });
      }
      progress(`${variant}: ${hits}/${prepared.length} pages from the cache`);
      continue;
    }
    if (variant === 'native') {
      if (!native) {
        for (const p of prepared) results.set(p.page.pageId, { error: 'native tesseract not installed' });
        continue;
      }
      engines.native = native.version;
      progress(`native: ${native.version}, ${options.nativeConcurrency} single-threaded processes`);
      await mapLimit(prepared, options.nativeConcurrency, async (p) => {
        if (!nativeHasLanguages(native, p.page.lang)) {
          results.set(p.page.pageId, { error: `language ${p.page.lang} not installed for native tesseract` });
          return;
        }
        try {
          const result = await runNativeTesseract(native, p.source.path, { lang: p.page.lang, psm: options.psm, env: options.env });
          results.set(p.page.pageId, result);
          await cache?.set(variant, keyFor(variant, p), result);
          progress(`native ${p.page.pageId}: ${(result.ocrMs / 1000).toFixed(1)} s`);
        } catch (err) {
          results.set(p.page.pageId, { error: `native tesseract failed: ${(err as Error).message}` });
        }
      });
      continue;
    }
    const store = async (p: PreparedPage, r: VariantRun) => {
      await cache?.set(variant, keyFor(variant, p), r);
    };
    if (options.cli)
      await runCablescanCliVariant(
        variant,
        variant === 'auto' ? (options.recipe ? path.resolve(options.cwd, options.recipe) : 'auto') : 'none',
        prepared,
        options,
        options.cli.bin,
        results,
        engines,
        store,
      );
    else await runCablescanVariant(variant, variant === 'auto' ? autoRecipe : resolveRecipe('none'), prepared, options, results, engines, store);
  }

  const outcomes: PageOutcome[] = prepared.map((p) => {
    const truth = scoreText('', p.page.gtText);
    const outcome: PageOutcome = {
      pageId: p.page.pageId,
      page: p.page.relativePath,
      lang: p.page.lang,
      crop: p.crop,
      gtChars: truth.gtLength,
      gtWords: truth.gtWords,
      variants: {},
      missing: {},
    };
    for (const variant of VARIANTS) {
      const r = runs.get(variant)!.get(p.page.pageId);
      if (!r) continue;
      if ('error' in r) {
        outcome.missing[variant] = r.error;
        continue;
      }
      const recall = lineRecall(r.text, p.page.gtLines);
      const scored: VariantOutcome = {
        ...scoreText(r.text, p.page.gtText),
        lines: { found: recall.found, total: recall.lines, missing: recall.matches.filter((m) => !m.found).map((m) => m.line) },
        preprocessMs: r.preprocessMs,
        ocrMs: r.ocrMs,
        ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}),
        engine: r.engine,
        cached: r.cached === true,
      };
      if (r.steps) {
        scored.steps = r.steps;
        scored.appliedSteps = r.steps.filter((s) => s.applied).map((s) => s.step);
      }
      outcome.variants[variant] = scored;
    }
    return outcome;
  });
  reportMissing(outcomes, progress);
  if (options.keepDir) await keepTexts(options.keepDir, prepared, runs);
  return buildReport(options.dir, outcomes, engines, notes, autoRecipe.name);
}

/** One line per variant and reason ("native: 22 pages: native tesseract not installed"), not one per page. */
function reportMissing(outcomes: readonly PageOutcome[], progress: (message: string) => void): void {
  const groups = new Map<string, string[]>();
  for (const o of outcomes) {
    for (const [variant, why] of Object.entries(o.missing)) {
      const key = `${variant}: ${why}`;
      groups.set(key, [...(groups.get(key) ?? []), o.pageId]);
    }
  }
  for (const [key, pages] of groups) progress(`no result for ${key} (${pages.length === 1 ? pages[0] : `${pages.length} pages`})`);
}

async function runCablescanVariant(
  variant: 'none' | 'auto',
  recipe: Recipe,
  prepared: PreparedPage[],
  options: AccuracyBenchmarkOptions,
  results: Map<string, PageRun>,
  engines: AccuracyReport['engines'],
  store: (p: PreparedPage, r: VariantRun) => Promise<void>,
): Promise<void> {
  const keep = options.keepDir !== undefined;
  const config = loadConfig({
    env: {},
    // Every page here has ground truth to score: one the ink measure took for blank is read anyway
    // (its OCR, not the measure, is what this benchmark compares).
    flags: {
      concurrency: options.concurrency,
      psm: options.psm,
      tessdata: options.tessdata,
      keepIntermediates: keep && variant === 'auto',
      readBlankPages: true,
    },
  });
  const engine = options.createEngine(config, options.logger);
  const outDir = keep ? path.join(options.keepDir!, variant) : undefined;
  options.progress(`${variant}: recipe "${recipe.name}", ${engine.name}, ${config.concurrency} workers`);
  try {
    // Pages grouped by language: each group starts its workers once, before its pages are timed.
    const langs = [...new Set(prepared.map((p) => p.page.lang))];
    for (const lang of langs) {
      const group = prepared.filter((p) => p.page.lang === lang);
      try {
        await engine.prepare?.(lang);
        await warmUp(engine, lang, options.psm, Math.min(config.concurrency, group.length));
      } catch (err) {
        for (const p of group) results.set(p.page.pageId, { error: `${variant}: language ${lang} unavailable: ${(err as Error).message}` });
        continue;
      }
      await mapLimit(group, config.concurrency, async (p) => {
        try {
          const r = await runCablescan(p.source, { config, logger: options.logger.child({ page: p.page.pageId }), engine, recipe, outDir });
          results.set(p.page.pageId, r);
          engines[variant] ??= r.engine;
          await store(p, r);
          options.progress(`${variant} ${p.page.pageId}: preprocess ${r.preprocessMs.toFixed(0)} ms, OCR ${r.ocrMs.toFixed(0)} ms`);
        } catch (err) {
          results.set(p.page.pageId, { error: `${variant} failed: ${(err as Error).message}` });
        }
      });
    }
  } finally {
    await engine.close();
  }
}

/**
 * The cablescan variant as a user runs it: per language, one `cablescan run` of a folder holding
 * the crops (named by pageId, so the run's page ids are the benchmark's).
 */
async function runCablescanCliVariant(
  variant: 'none' | 'auto',
  recipe: string,
  prepared: PreparedPage[],
  options: AccuracyBenchmarkOptions,
  bin: string,
  results: Map<string, PageRun>,
  engines: AccuracyReport['engines'],
  store: (p: PreparedPage, r: VariantRun) => Promise<void>,
): Promise<void> {
  const langs = [...new Set(prepared.map((p) => p.page.lang))];
  for (const lang of langs) {
    const group = prepared.filter((p) => p.page.lang === lang);
    const folder = path.join(options.workDir, `cli-${variant}`, lang, 'in');
    const outDir = options.keepDir ? path.join(options.keepDir, variant, lang) : path.join(options.workDir, `cli-${variant}`, lang, 'out');
    await mkdir(folder, { recursive: true });
    for (const p of group) await copyFile(p.source.path, path.join(folder, `${p.page.pageId}.png`));
    options.progress(`${variant}: cablescan run on ${group.length} ${lang} page(s), recipe ${recipe}`);
    const started = Date.now();
    const read = await runCablescanCli(
      folder,
      group.map((p) => p.page.pageId),
      {
        bin,
        lang,
        recipe,
        // Only languages the npm packages lack come from it (dan), as a user's --tessdata does.
        tessdata: options.tessdata,
        outDir,
        env: options.env,
      },
    );
    for (const p of group) {
      const r = read.get(p.page.pageId)!;
      results.set(p.page.pageId, r);
      if ('error' in r) continue;
      engines[variant] ??= r.engine;
      await store(p, r);
    }
    const cpu = group.reduce((acc, p) => acc + ((results.get(p.page.pageId) as VariantRun).cpuMs ?? 0), 0);
    options.progress(`${variant} ${lang}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${(cpu / 1000).toFixed(1)} s CPU`);
  }
}

/** OCR texts of every variant beside the kept page JSONs: DIR/<variant>/<pageId>.ocr.txt and the GT. */
async function keepTexts(dir: string, prepared: PreparedPage[], runs: Map<VariantName, Map<string, PageRun>>): Promise<void> {
  for (const variant of VARIANTS) {
    for (const p of prepared) {
      const r = runs.get(variant)!.get(p.page.pageId);
      if (!r || 'error' in r) continue;
      await mkdir(path.join(dir, variant), { recursive: true });
      await writeFile(path.join(dir, variant, `${p.page.pageId}.ocr.txt`), r.text);
    }
  }
  await mkdir(path.join(dir, 'gt'), { recursive: true });
  for (const p of prepared) await writeFile(path.join(dir, 'gt', `${p.page.pageId}.gt.txt`), p.page.gtText);
}
