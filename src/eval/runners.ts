// The OCR variants the accuracy benchmark compares, each reading the same (cropped) image:
//   native  the tesseract CLI (Debian's Tesseract 5.3, the project's reference), one thread;
//   none    cablescan's readPage with the "none" recipe (tesseract.js on the decoded page);
//   auto    cablescan's readPage with the "auto" recipe (measured preprocessing).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PageResult, PageSource, StepReport } from '../types.ts';
import { readPageFromScan, type ReadPageDeps } from '../pipeline/index.ts';

export const VARIANTS = ['native', 'none', 'auto'] as const;
export type VariantName = (typeof VARIANTS)[number];

export interface VariantRun {
  text: string;
  /** Time spent preprocessing (0 for native and "none"). */
  preprocessMs: number;
  /** Time spent in OCR; for native, the whole process (model load included). */
  ocrMs: number;
  /** Preprocessing steps as the page JSON records them (cablescan variants only). */
  steps?: StepReport[];
  /** Engine name and version, e.g. "tesseract 5.3.0" or "tesseract.js 7.0.0". */
  engine: string;
  /**
   * CPU time (user + system, ms) the page cost: native, its process; a `cablescan run` of a
   * folder, the run's CPU divided evenly over its pages (pages share workers, so no finer split).
   */
  cpuMs?: number;
}

interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `binary args` through /bin/sh and reports the CPU time (user + system) it and its children
 * used: the shell's `times` builtin prints its children's times last, and Node has no other way to
 * read a child's resource usage.
 */
function runTimed(binary: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ExecResult & { cpuMs: number }> {
  const script = '"$@"; status=$?; times; exit $status';
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', script, 'sh', binary, ...args],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          reject(Object.assign(err, { stderr }));
          return;
        }
        // `times` prints two lines ("0m0.00s 0m0.00s" for the shell, then its children) to stdout.
        const lines = stdout.trimEnd().split('\n');
        const children = lines.pop() ?? '';
        lines.pop();
        const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
        resolve({ stdout: lines.length ? `${lines.join('\n')}\n` : '', stderr, cpuMs: seconds.length === 2 ? (seconds[0] + seconds[1]) * 1000 : Number.NaN });
      },
    );
  });
}

function run(binary: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

export interface NativeTesseract {
  binary: string;
  /** First line of `tesseract --version`, e.g. "tesseract 5.3.0". */
  version: string;
  /** Languages its default tessdata folder has. */
  languages: string[];
}

/** Finds the tesseract CLI; null when it is not installed (the benchmark then skips "native"). */
export async function probeNativeTesseract(binary: string, env: NodeJS.ProcessEnv): Promise<NativeTesseract | null> {
  try {
    const version = await run(binary, ['--version'], env, 30_000);
    const langs = await run(binary, ['--list-langs'], env, 30_000);
    const firstLine = (version.stdout || version.stderr).split('\n')[0].trim();
    // "List of available languages in "/usr/share/...": 4" then one per line.
    const languages = langs.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
    return { binary, version: firstLine, languages };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** True when every language of "eng+fra" is installed for the CLI. */
export function nativeHasLanguages(native: NativeTesseract, lang: string): boolean {
  return lang.split('+').every((code) => native.languages.includes(code));
}

export interface NativeRunOptions {
  lang: string;
  psm: number;
  /** Environment for the child; OMP_THREAD_LIMIT=1 is always set on top of it. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * `OMP_THREAD_LIMIT=1 tesseract IMAGE - -l LANG --psm N`: default settings otherwise, as the
 * corpus README's reference. One thread, because parallel OpenMP runs were 5x slower here.
 */
export async function runNativeTesseract(native: NativeTesseract, imageFile: string, options: NativeRunOptions): Promise<VariantRun> {
  const started = process.hrtime.bigint();
  const { stdout, cpuMs } = await runTimed(
    native.binary,
    [imageFile, '-', '-l', options.lang, '--psm', String(options.psm)],
    { ...options.env, OMP_THREAD_LIMIT: '1' },
    options.timeoutMs ?? 600_000,
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { text: stdout, preprocessMs: 0, ocrMs: ms, engine: native.version, cpuMs };
}

export interface CablescanCliOptions {
  /** bin/cablescan.js of the checkout being measured. */
  bin: string;
  lang: string;
  /** --preprocess: auto, none or a recipe file. */
  recipe: string;
  tessdata?: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * `cablescan run FOLDER --out OUT --lang L [--tessdata DIR] --preprocess R`, default settings
 * otherwise: the pages read exactly as a user's run reads them (engine, second opinion, ink
 * measure, budgets), then each page's text and timings taken from OUT/pages/<pageId>.json.
 */
export async function runCablescanCli(
  folder: string,
  pageIds: readonly string[],
  options: CablescanCliOptions,
): Promise<Map<string, VariantRun | { error: string }>> {
  const args = [
    options.bin,
    'run',
    folder,
    '--out',
    options.outDir,
    '--lang',
    options.lang,
    '--preprocess',
    options.recipe,
    '--no-progress',
    '--log-level',
    'error',
  ];
  if (options.tessdata) args.push('--tessdata', options.tessdata);
  let cpuMs = Number.NaN;
  let failure: string | undefined;
  try {
    ({ cpuMs } = await runTimed(process.execPath, args, options.env, options.timeoutMs ?? 3_600_000));
  } catch (err) {
    // A run with failed pages exits non-zero; the pages it did read are still good.
    failure = `cablescan run failed: ${((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').slice(-3).join(' ')}`;
  }
  const results = new Map<string, VariantRun | { error: string }>();
  for (const pageId of pageIds) {
    try {
      const page = JSON.parse(await readFile(path.join(options.outDir, 'pages', `${pageId}.json`), 'utf8')) as PageResult;
      results.set(pageId, {
        text: page.text,
        preprocessMs: page.timings.preprocess ?? 0,
        ocrMs: (page.timings.ocr ?? 0) + (page.timings.secondOpinion ?? 0),
        steps: page.preprocess.steps,
        engine: `${page.ocr.engine} ${page.ocr.engineVersion}`,
        cpuMs: cpuMs / pageIds.length,
      });
    } catch (err) {
      results.set(pageId, { error: failure ?? `no page JSON after cablescan run: ${(err as Error).message}` });
    }
  }
  return results;
}

/** cablescan's own read of one page (load + preprocess + OCR), with the recipe in `deps`. */
export async function runCablescan(source: PageSource, deps: ReadPageDeps): Promise<VariantRun> {
  const page = await readPageFromScan(source, deps);
  return {
    text: page.text,
    preprocessMs: page.timings.preprocess ?? 0,
    ocrMs: page.timings.ocr ?? 0,
    steps: page.preprocess.steps,
    engine: `${page.ocr.engine} ${page.ocr.engineVersion}`,
  };
}
