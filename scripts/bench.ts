// `npm run bench`: the speed benchmark (issues 8 and 20). On the bundled samples and, when present, the
// real corpus scans (../shared/corpus/scans/ehri-dataset/english), in ONE run:
//   - pages/min per core of the whole pipeline with the default configuration (`auto`: the native
//     engine where Tesseract 5 is installed, npm's best_int model), with --model fast, and with
//     tesseract.js forced, each against native `tesseract` on the same files reading the same model
//     file (npm's best_int unpacked in the model cache, or Debian's tessdata_fast; one process per
//     core, OMP_THREAD_LIMIT=1), as ratios. Runs are interleaved round by round (A B C, C B A, ...) and
//     each round's ratio is computed from runs made side by side, because absolute times on a
//     shared machine are noise;
//     Each run gives wall-clock pages/min per core and pages per CPU-minute (steady on a loaded machine);
//   - median and p95 ms (wall and CPU) per stage, one page at a time: decode, each preprocessing
//     step, OCR, write, segment + confidence + emit; and non-OCR CPU as a share of OCR CPU (median page);
//   - scaling: N workers against one (tesseract.js), wall clock and CPU efficiency;
//   - RSS of one tesseract.js OCR worker over a long run (a child process with one worker, RSS
//     sampled after every page, minus the process's RSS before the worker started), with the
//     configured recycling and, with --rss-no-recycle, without it; the same run with the native
//     engine (the RSS of its long-lived tesseract process, from /proc); and the peak RSS of one
//     native tesseract process on a full-size page (GNU time).
//
// Usage: npm run bench -- [files or folders...] [--limit N] [--rounds R] [--workers N]
//          [--no-corpus] [--no-native] [--no-scaling] [--no-fast-model] [--rss-pages N] [--rss-scale S]
//          [--rss-recycle-after N] [--rss-no-recycle] [--no-rss] [--no-stages] [--lang L] [--json FILE]
//          [--engines native,native best,auto,auto -2nd,auto fast,tesseract.js,tesseract.js fast,tesseract.js x1]
// Only image files are read (native tesseract cannot read PDF). See docs/benchmarks.md.
// Defaults: samples + corpus, all pages, 2 rounds, workers = cores, 300 RSS pages at scale 0.5.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { defaultModelCache, loadConfig, type Config } from '../src/config.ts';
import { resolveModelSet } from '../src/ocr/models.ts';
import { discoverInputs } from '../src/ingest/index.ts';
import { silentLogger } from '../src/logger.ts';
import { createEngine } from '../src/create-engine.ts';
import type { OcrEngine, OcrRequest } from '../src/ocr/engine.ts';
import { createTesseractCliEngine } from '../src/ocr/tesseract-cli.ts';
import { createTesseractJsEngine } from '../src/ocr/tesseract-js.ts';
import { runInProcess } from '../src/drivers/in-process.ts';
import { resolveRecipe } from '../src/preprocess/index.ts';
import { loadProfiles } from '../src/segment/index.ts';
import { buildRecords, readPageFromScan } from '../src/pipeline/index.ts';
import type { PageResult, PageSource, RawImage } from '../src/types.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(REPO, '../shared/corpus/scans/ehri-dataset/english');
/** Debian's tessdata_fast models: the "tesseract.js fast" run reads with them (--prefer-tessdata). */
const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
// Image files only: native tesseract cannot read PDF, and every engine must read the same pages.
const IMAGE = /\.(png|jpe?g|tiff?|webp|gif)$/i;

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    limit: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    workers: { type: 'string' },
    lang: { type: 'string', default: 'eng' },
    'no-corpus': { type: 'boolean', default: false },
    'no-native': { type: 'boolean', default: false },
    'no-scaling': { type: 'boolean', default: false },
    'no-fast-model': { type: 'boolean', default: false },
    'no-rss': { type: 'boolean', default: false },
    'no-stages': { type: 'boolean', default: false },
    engines: { type: 'string' },
    'rss-pages': { type: 'string', default: '300' },
    'rss-scale': { type: 'string', default: '0.5' },
    'rss-recycle-after': { type: 'string' },
    'rss-no-recycle': { type: 'boolean', default: false },
    'rss-child': { type: 'boolean', default: false },
    'rss-engine': { type: 'string', default: 'tesseract.js' },
    json: { type: 'string' },
  },
});

const cores = os.availableParallelism();

/**
 * CPU seconds used so far by this process (all its threads: main, sharp's, tesseract.js workers)
 * plus its child processes (native tesseract): finished ones from this process's cutime/cstime,
 * running ones (the native engine's long-lived processes, counted in cutime only once they end)
 * from their own /proc/PID/stat. On a machine shared with other work, CPU time per page is far
 * steadier than wall time; Linux only (/proc), 0 for children elsewhere.
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const total = (own.user + own.system) / 1e6 - probeSeconds + childrenCpuSeconds();
  // The /proc scan is the bench's own work, not the pipeline's: left out of every figure.
  const scan = process.cpuUsage(own);
  probeSeconds += (scan.user + scan.system) / 1e6;
  return total;
}
/** CPU seconds the bench has spent scanning /proc so far. */
let probeSeconds = 0;

/** Ids of this process's running child processes (from /proc; none elsewhere). */
function childPids(): string[] {
  const pid = String(process.pid);
  const children: string[] = [];
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry) || entry === pid) continue;
    try {
      if (statFields(entry)[1] === pid) children.push(entry);
    } catch {
      // ended between the listing and the read
    }
  }
  return children;
}

/** Fields of /proc/PID/stat after the command name (index 0 = state, 1 = ppid, 11/12 = utime/stime, 13/14 = cutime/cstime). */
function statFields(pid: string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

function childrenCpuSeconds(): number {
  let ticks = 0;
  try {
    const self = statFields('self');
    ticks += Number(self[13]) + Number(self[14]);
  } catch {
    return 0; // not Linux: children's CPU unknown
  }
  for (const child of childPids()) {
    try {
      const fields = statFields(child);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // it ended after the listing: its CPU is in cutime now
    }
  }
  return ticks / 100; // clock ticks
}

// ---------------------------------------------------------------- statistics and printing
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}
const median = (v: number[]) =>
  quantile(
    [...v].sort((a, b) => a - b),
    0.5,
  );
const p95 = (v: number[]) =>
  quantile(
    [...v].sort((a, b) => a - b),
    0.95,
  );
const mb = (bytes: number) => Math.round(bytes / 1048576);
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

// ---------------------------------------------------------------- RSS child: one worker, many pages
async function rssChild(): Promise<void> {
  const pages = Number(opts['rss-pages']);
  const scale = Number(opts['rss-scale']);
  const config = loadConfig({ env: {} });
  const recycleAfter = opts['rss-no-recycle'] ? pages + 1 : Number(opts['rss-recycle-after'] ?? config.recycleAfter);
  // Real pages (the samples), scaled down so 300 pages finish in minutes; several pages in turn so
  // the worker does not see one image over and over.
  const files = readdirSync(path.join(REPO, 'samples'))
    .filter((f) => /\.(png|jpg)$/.test(f))
    .sort();
  const images: RawImage[] = [];
  for (const f of files) {
    const img = sharp(path.join(REPO, 'samples', f)).greyscale();
    const meta = await img.metadata();
    const { data, info } = await img
      .resize(Math.round(meta.width! * scale))
      .raw()
      .toBuffer({ resolveWithObject: true });
    images.push({ data, width: info.width, height: info.height, channels: 1 });
  }
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  const native = opts['rss-engine'] === 'tesseract';
  const engine = native
    ? createTesseractCliEngine({ concurrency: 1, recycleAfter, logger: silentLogger() })
    : createTesseractJsEngine({ concurrency: 1, recycleAfter, logger: silentLogger() });
  // tesseract.js works in this process: its worker is what the process grew by. The native engine's
  // worker is a tesseract process of its own: its RSS (the largest, should a replaced one still be
  // on its way out).
  const measure = native ? largestChildRss : () => process.memoryUsage().rss - baseline;
  const samples: number[] = [];
  for (let i = 0; i < pages; i += 1) {
    await engine.recognize({ image: images[i % images.length]!, lang: 'eng', psm: 3, dpi: Math.round(300 * scale) });
    samples.push(measure());
    if ((i + 1) % 25 === 0)
      process.stderr.write(`  rss child (${opts['rss-engine']}, recycleAfter ${recycleAfter}): page ${i + 1}/${pages}, ${mb(samples[i]!)} MB\n`);
  }
  const stats = engine.stats();
  await engine.close();
  process.stdout.write(
    JSON.stringify({ engine: opts['rss-engine'], baseline, recycleAfter, scale, samples, stats, size: `${images[0]!.width}x${images[0]!.height}` }) + '\n',
  );
}

/** RSS in bytes of this process's largest child process (VmRSS from /proc/PID/status), 0 when none. */
function largestChildRss(): number {
  let largest = 0;
  for (const child of childPids()) {
    try {
      const status = readFileSync(`/proc/${child}/status`, 'utf8');
      largest = Math.max(largest, Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // ended after the listing
    }
  }
  return largest;
}

interface RssRun {
  engine: string;
  recycleAfter: number;
  scale: number;
  size: string;
  samples: number[];
  stats: Record<string, number>;
}

function runRssChild(extra: string[]): Promise<RssRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(REPO, 'scripts/bench.ts'), '--rss-child', ...extra], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as RssRun) : reject(new Error(`RSS child exited ${code}`))));
  });
}

/**
 * RSS per page is noisy (pages differ, the main thread's garbage collector runs when it likes), so
 * flatness is judged on medians of 25-page windows: their spread from page 50 on, and the growth
 * from the window holding page 50 to the last one.
 */
function summariseRss(run: RssRun) {
  const s = run.samples;
  const windows: number[] = [];
  for (let i = 0; i < s.length; i += 25) windows.push(median(s.slice(i, i + 25)));
  const from50 = windows.slice(Math.min(1, windows.length - 1));
  const mid = median(from50);
  return {
    engine: run.engine,
    recycleAfter: run.recycleAfter,
    pages: s.length,
    image: run.size,
    peakMb: mb(Math.max(...s)),
    windowMediansMb: windows.map(mb),
    minFrom50Mb: mb(Math.min(...from50)),
    maxFrom50Mb: mb(Math.max(...from50)),
    spreadFrom50Pct: Math.round(((Math.max(...from50) - Math.min(...from50)) / 2 / mid) * 1000) / 10,
    growth50ToEndPct: Math.round(((windows.at(-1)! - from50[0]!) / from50[0]!) * 1000) / 10,
    workersCreated: run.stats.created ?? run.stats.spawned,
  };
}

// ---------------------------------------------------------------- native tesseract, same files
/**
 * How native tesseract reads a file here: the language, and the models folder (undefined: Debian's
 * own, tessdata_fast; or the model cache's folder of npm's best_int: the same file the pipeline's
 * `--model best` reads).
 */
interface NativeReading {
  lang: string;
  tessdataDir?: string;
}

/** Native tesseract reads `file` (all its pages) the way every native figure here is taken: one thread, PSM 3. */
function nativeRead(file: string, reading: NativeReading): Promise<void> {
  const models = reading.tessdataDir ? ['--tessdata-dir', reading.tessdataDir] : [];
  return new Promise<void>((resolve, reject) =>
    execFile(
      'tesseract',
      [file, 'stdout', '-l', reading.lang, '--psm', '3', ...models],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 << 20 },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

function nativeRun(files: string[], workers: number, reading: NativeReading): Promise<{ seconds: number; cpu: number }> {
  const queue = [...files];
  const started = process.hrtime.bigint();
  const cpu0 = cpuSeconds();
  return Promise.all(
    Array.from({ length: workers }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await nativeRead(f, reading);
    }),
  ).then(() => ({ seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: cpuSeconds() - cpu0 }));
}

function nativePeakRssMb(file: string, lang: string): Promise<number | null> {
  return new Promise((resolve) =>
    execFile(
      '/usr/bin/time',
      ['-f', '%M', 'tesseract', file, 'stdout', '-l', lang, '--psm', '3'],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 << 20 },
      (err, _out, stderr) => {
        const kb = Number(/(\d+)\s*$/.exec(stderr.trim())?.[1]);
        resolve(err || !kb ? null : Math.round(kb / 1024));
      },
    ),
  );
}

// ---------------------------------------------------------------- the pipeline, whole
interface PipelineRun {
  seconds: number;
  cpu: number;
  failures: number;
}

/** The whole pipeline (runInProcess, as `cablescan run` drives it) on the files, into a scratch folder. */
async function pipelineRun(files: string[], config: Config): Promise<PipelineRun> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-'));
  try {
    const started = process.hrtime.bigint();
    const cpu0 = cpuSeconds();
    const { report } = await runInProcess({ inputs: files, outDir: out, batch: 'bench', cwd: REPO }, config, silentLogger());
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: cpuSeconds() - cpu0, failures: report.failures.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** CPU seconds of one native `tesseract` process reading `file` (all its pages), as the throughput runs call it. */
async function nativeFileCpu(file: string, reading: NativeReading): Promise<number> {
  const c = cpuSeconds();
  await nativeRead(file, reading);
  return cpuSeconds() - c;
}

/**
 * Stage costs, measured one page at a time with one worker so each stage's CPU can be told apart:
 * CPU of readPage minus the CPU of its OCR calls (wrapped: the page read and the second opinion's
 * word re-reads, counted apart) is the non-OCR work of the page; it is
 * split between decode / each preprocessing step / write by their wall-clock shares. The first
 * page is read once before measuring, so worker start is not counted.
 *
 * With `pairedLang`, also native tesseract on each file right next to the
 * pipeline's reading of it (which goes first alternates file by file). The throughput runs put
 * ~20 s between the two sides of a ratio, and this machine's speed moves by 10-20% within a
 * minute; a pair a second or two apart shares the machine's state. What it covers: readPage
 * (decode, preprocess, OCR, second opinion, write) and segment + confidence + emit, not ingest
 * hashing and the review store, and one page at a time.
 */
async function stagePass(sources: PageSource[], config: Config, pairedLang?: NativeReading) {
  const inner = createEngine({ ...config, concurrency: 1 }, silentLogger());
  const ocrCpu: number[] = [];
  // Every OCR call is timed; the engine's batch call (the native engine reads all of a page's
  // word crops in one process) stays a batch, as in a real run.
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const c = cpuSeconds();
    try {
      return await call();
    } finally {
      ocrCpu.push(cpuSeconds() - c);
    }
  };
  const engine: OcrEngine = {
    name: inner.name,
    recognize: (request) => timed(() => inner.recognize(request)),
    ...(inner.recognizeMany ? { recognizeMany: (requests: readonly OcrRequest[]) => timed(() => inner.recognizeMany!(requests)) } : {}),
    close: () => inner.close(),
  };
  const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-stages-'));
  const deps = { config, logger: silentLogger(), engine, outDir: out, recipe: resolveRecipe(config.preprocess) };
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, v: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  const nonOcrShare: number[] = [];
  const nonOcrWallShare: number[] = [];
  /**
   * Per file: native tesseract's CPU and the pipeline's (its pages' readPage), seconds; the
   * pipeline's split into the page's first OCR call, its further calls (line recovery, seal rows,
   * the digit check, the second opinion) and the rest (decode, ink measure, preprocessing, write).
   */
  const paired = new Map<string, { native: number; pipeline: number; ocrPage: number; ocrMore: number; nonOcr: number }>();
  let segmentCpu = 0;
  try {
    await readPageFromScan(sources[0]!, deps);
    const pages: PageResult[] = [];
    for (const source of sources) {
      let pair = paired.get(source.path);
      const nativeFirst = paired.size % 2 === 0;
      if (pairedLang && !pair) {
        pair = { native: nativeFirst ? await nativeFileCpu(source.path, pairedLang) : 0, pipeline: 0, ocrPage: 0, ocrMore: 0, nonOcr: 0 };
        paired.set(source.path, pair);
      }
      const c = cpuSeconds();
      const firstCall = ocrCpu.length;
      const page = await readPageFromScan(source, deps);
      const total = (cpuSeconds() - c) * 1000;
      if (pair) {
        pair.pipeline += total / 1000;
        // The native side goes after the file's last page when the pipeline went first.
        const last = !sources.some((other) => other.path === source.path && other.pageIndex > source.pageIndex);
        if (last && pair.native === 0) pair.native = await nativeFileCpu(source.path, pairedLang!);
      }
      // The first call reads the page; any further ones are the second opinion's re-reads.
      const calls = ocrCpu.slice(firstCall).map((v) => v * 1000);
      const ocr = calls.reduce((a, b) => a + b, 0);
      if (pair) {
        pair.ocrPage += (calls[0] ?? 0) / 1000;
        pair.ocrMore += (ocr - (calls[0] ?? 0)) / 1000;
        pair.nonOcr += Math.max(0, total - ocr) / 1000;
      }
      add(cpu, 'ocr: page', calls[0] ?? 0);
      add(cpu, 'ocr: second opinion', ocr - (calls[0] ?? 0));
      add(wall, 'ocr: page', page.timings.ocr ?? 0);
      add(wall, 'ocr: second opinion', page.timings.secondOpinion ?? 0);
      pages.push(page);
      const t = page.timings;
      const parts: Array<[string, number]> = [
        ['decode', t.decode ?? 0],
        ['ink measure', t.ink ?? 0],
        ...page.preprocess.steps.map((st): [string, number] => [`  preprocess: ${st.step}`, st.ms]),
        ['write', t.write ?? 0],
      ];
      const partsWall = parts.reduce((a, [, v]) => a + v, 0) || 1;
      const nonOcr = Math.max(0, total - ocr);
      for (const [k, v] of parts) {
        add(wall, k, v);
        add(cpu, k, (nonOcr * v) / partsWall);
      }
      add(wall, 'preprocess (all)', t.preprocess ?? 0);
      add(cpu, 'preprocess (all)', (nonOcr * page.preprocess.steps.reduce((a, st) => a + st.ms, 0)) / partsWall);
      add(wall, 'ocr (all calls)', (t.ocr ?? 0) + (t.secondOpinion ?? 0));
      add(cpu, 'ocr (all calls)', ocr);
      nonOcrShare.push(nonOcr / ocr);
      // The same in elapsed time, which the "10% of OCR time" may also mean: decode,
      // preprocessing and write against the OCR calls, on the clock. It leaves out what other
      // threads do meanwhile (sharp's pool, V8's background GC and compiler, a worker's clean-up).
      nonOcrWallShare.push(partsWall / ((t.ocr ?? 0) + (t.secondOpinion ?? 0)));
    }
    const profiles = loadProfiles({ profilesDir: config.profilesDir });
    const byDoc = new Map<string, PageResult[]>();
    for (const p of pages) (byDoc.get(p.documentKey) ?? byDoc.set(p.documentKey, []).get(p.documentKey)!).push(p);
    for (const docPages of byDoc.values()) {
      const c = cpuSeconds();
      const built = await buildRecords(docPages, { config, logger: silentLogger(), outDir: out, profiles });
      segmentCpu += cpuSeconds() - c;
      add(cpu, 'segment + confidence + emit (per document)', (cpuSeconds() - c) * 1000);
      add(
        wall,
        'segment + confidence + emit (per document)',
        Object.values(built.timings).reduce((a, b) => a + b, 0),
      );
    }
  } finally {
    await engine.close();
    rmSync(out, { recursive: true, force: true });
  }
  const pairs = [...paired.values()];
  const nativeTotal = pairs.reduce((a, p) => a + p.native, 0);
  const pipelineTotal = pairs.reduce((a, p) => a + p.pipeline, 0) + segmentCpu;
  // Pages per CPU-minute relative to native: native's CPU over the pipeline's, for all files, and per file.
  const pairedRatio = pairs.length ? nativeTotal / pipelineTotal : null;
  const perFile = pairs.map((p) => p.native / p.pipeline);
  return { wall, cpu, nonOcrShare, nonOcrWallShare, pairedRatio, perFile, nativeTotal, pipelineTotal, files: [...paired] };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const inputs = positionals.length > 0 ? positionals : ['samples', ...(!opts['no-corpus'] && existsSync(CORPUS) ? [CORPUS] : [])];
  const workers = Number(opts.workers ?? cores);
  const rounds = Number(opts.rounds);
  const lang = opts.lang!;
  const ingest = await discoverInputs(inputs, { cwd: REPO, lang, maxPixels: 200_000_000, logger: silentLogger() });
  let files = [...new Set(ingest.pages.map((p) => p.path))].filter((f) => IMAGE.test(f));
  if (opts.limit) files = files.slice(0, Number(opts.limit));
  const pageCount = ingest.pages.filter((p) => files.includes(p.path)).length;
  const hasNative = !opts['no-native'] && (await new Promise<boolean>((r) => execFile('tesseract', ['--version'], (e) => r(!e))));
  const modelCache = defaultModelCache(process.env);
  const base = { force: true, lang, concurrency: workers, logLevel: 'silent', modelCache } as const;
  const hasFastModel = !opts['no-fast-model'] && existsSync(path.join(DEBIAN_TESSDATA, `${lang}.traineddata`));
  // Native tesseract with Debian's model (tessdata_fast), and with npm's best_int: the very file the
  // pipeline reads with --model best, unpacked in the model cache.
  const nativeFast: NativeReading = { lang };
  const nativeBest: NativeReading = {
    lang,
    tessdataDir: (await resolveModelSet(lang, { model: 'best', cacheRoot: modelCache, systemTessdata: DEBIAN_TESSDATA })).dir,
  };

  console.log(`cablescan bench: ${pageCount} pages in ${files.length} files (${inputs.join(', ')}), ${workers} workers, ${cores} cores, ${rounds} rounds`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (other processes on the machine make absolute times noise; ratios are paired per round)`,
  );

  // --engines: only the runs named (the stage pass follows the same list).
  const only = opts.engines ? new Set(opts.engines.split(',').map((e) => e.trim())) : null;
  const chosen = (name: string) => !only || only.has(name);
  // `auto` is the default configuration: on a machine with Tesseract 5 it reads with the native
  // engine and npm's best_int model, so it is set against native tesseract with that model file.
  type Kind = 'native' | 'native best' | 'auto' | 'auto -2nd' | 'auto fast' | 'tesseract.js' | 'tesseract.js fast' | 'tesseract.js x1';
  type PipelineKind = Exclude<Kind, 'native' | 'native best'>;
  const kinds = (
    [
      ...(hasNative ? (['native best', 'auto', 'auto -2nd'] as Kind[]) : []),
      ...(hasNative && hasFastModel ? (['native', 'auto fast'] as Kind[]) : []),
      'tesseract.js' as Kind,
      ...(hasFastModel ? (['tesseract.js fast'] as Kind[]) : []),
      ...(!opts['no-scaling'] && workers > 1 ? (['tesseract.js x1'] as Kind[]) : []),
    ] as Kind[]
  ).filter(chosen);
  const configOf: Record<PipelineKind, Config> = {
    auto: loadConfig({ env: {}, flags: { ...base } }),
    // The pipeline's own overhead around the OCR: the same without the second opinion.
    'auto -2nd': loadConfig({ env: {}, flags: { ...base, secondOpinion: false } }),
    'auto fast': loadConfig({ env: {}, flags: { ...base, model: 'fast' } }),
    'tesseract.js': loadConfig({ env: {}, flags: { ...base, engine: 'tesseract.js' } }),
    'tesseract.js x1': loadConfig({ env: {}, flags: { ...base, engine: 'tesseract.js', concurrency: 1 } }),
    'tesseract.js fast': loadConfig({ env: {}, flags: { ...base, engine: 'tesseract.js', model: 'fast' } }),
  };
  /** The native run each pipeline run is set against: the one reading with the same model file. */
  const baselineOf: Record<PipelineKind, 'native' | 'native best'> = {
    auto: 'native best',
    'auto -2nd': 'native best',
    'auto fast': 'native',
    'tesseract.js': 'native best',
    'tesseract.js x1': 'native best',
    'tesseract.js fast': 'native',
  };
  // Two measures per run: wall-clock pages/min divided by the workers (what a user sees, on an idle
  // machine), and pages per CPU-minute (steady on a loaded machine: it counts only the cycles this
  // work used, OCR and every other stage alike). On an idle machine with every core busy they agree.
  const perRound: Array<Partial<Record<Kind, number>>> = [];
  const perRoundCpu: Array<Partial<Record<Kind, number>>> = [];
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? kinds : [...kinds].reverse();
    const ppm: Partial<Record<Kind, number>> = {};
    const ppmCpu: Partial<Record<Kind, number>> = {};
    for (const kind of order) {
      let measured: { seconds: number; cpu: number };
      if (kind === 'native' || kind === 'native best') measured = await nativeRun(files, workers, kind === 'native' ? nativeFast : nativeBest);
      else {
        const run = await pipelineRun(files, configOf[kind]);
        if (run.failures > 0) console.log(`  ${kind}: ${run.failures} failures`);
        measured = run;
      }
      const used = kind === 'tesseract.js x1' ? 1 : workers;
      ppm[kind] = ((pageCount / measured.seconds) * 60) / used;
      ppmCpu[kind] = (pageCount / measured.cpu) * 60;
      console.log(
        `  round ${r + 1} ${kind.padEnd(17)} ${measured.seconds.toFixed(1).padStart(7)} s wall ${measured.cpu.toFixed(1).padStart(7)} s CPU  ` +
          `${ppm[kind]!.toFixed(2)} pages/min per core (wall), ${ppmCpu[kind]!.toFixed(2)} pages per CPU-minute`,
      );
    }
    perRound.push(ppm);
    perRoundCpu.push(ppmCpu);
  }

  const ratio = (a: Kind, b: Kind, rows = perRound) => rows.filter((p) => p[a] && p[b]).map((p) => p[a]! / p[b]!);
  const fmt = (v: number[]) => (v.length ? `${median(v).toFixed(2)}x (rounds: ${v.map((x) => x.toFixed(2)).join(', ')})` : 'n/a');
  const summary: Record<string, unknown> = { pages: pageCount, files: files.length, workers, cores, rounds, loadavg: os.loadavg(), perRound, perRoundCpu };
  console.log('\nthroughput (median of rounds; each pipeline run against native tesseract with the same model file):');
  const ppmRows = [['run', 'pages/min/core (wall)', 'vs native', 'pages/CPU-min', 'vs native', 'native run']];
  for (const kind of kinds) {
    const wall = perRound.map((p) => p[kind]!).filter(Boolean);
    const cpu = perRoundCpu.map((p) => p[kind]!).filter(Boolean);
    const against = kind === 'native' || kind === 'native best' ? kind : baselineOf[kind];
    const vs = (rows: typeof perRound) => (against === kind ? '1.00x' : kinds.includes(against) ? median(ratio(kind, against, rows)).toFixed(2) + 'x' : '-');
    ppmRows.push([
      kind,
      median(wall).toFixed(2),
      kind === 'tesseract.js x1' ? '-' : vs(perRound),
      median(cpu).toFixed(2),
      kind === 'tesseract.js x1' ? '-' : vs(perRoundCpu),
      against,
    ]);
  }
  console.log(table(ppmRows));
  const report = (label: string, kind: PipelineKind, target: string) => {
    const against = baselineOf[kind];
    if (!kinds.includes(kind) || !kinds.includes(against)) return;
    console.log(`${label} / ${against}: wall ${fmt(ratio(kind, against))}, CPU ${fmt(ratio(kind, against, perRoundCpu))}   ${target}`);
    summary[`${kind} vs ${against}`] = { wall: ratio(kind, against), cpu: ratio(kind, against, perRoundCpu) };
  };
  report('auto (the default: native engine, --model best)', 'auto', 'target >= 0.9x');
  report('auto --no-second-opinion', 'auto -2nd', '');
  report('--model fast', 'auto fast', 'target >= 0.9x');
  report('--engine tesseract.js', 'tesseract.js', '(no target: reported as it is)');
  report('--engine tesseract.js --model fast', 'tesseract.js fast', '');
  if (kinds.includes('tesseract.js x1')) {
    // pages/min per core x workers = total pages/min; scaling = total(N) / total(1). Wall clock only:
    // on a machine whose cores are taken by other work this ratio cannot reach N.
    const scaling = perRound.map((p) => (p['tesseract.js']! * workers) / p['tesseract.js x1']!);
    console.log(`${workers} workers / 1 worker (tesseract.js, total pages/min, wall): ${fmt(scaling)}   target >= 1.7x (needs ${workers} idle cores)`);
    // The CPU side of scaling, which a loaded machine can still measure: pages per CPU-minute with N
    // workers over one worker. 1.0 means N workers waste nothing by running side by side (memory
    // bandwidth, the shared main thread); wall scaling on an idle machine cannot exceed N times it.
    const cpuEfficiency = perRoundCpu.map((p) => p['tesseract.js']! / p['tesseract.js x1']!);
    console.log(`CPU efficiency, ${workers} workers / 1 worker (pages per CPU-minute): ${fmt(cpuEfficiency)}`);
    summary.scaling = scaling;
    summary.scalingCpuEfficiency = cpuEfficiency;
  }

  const sources = ingest.pages.filter((p) => files.includes(p.path));
  // `auto -2nd` only when asked for by name: it is the pipeline's overhead alone (the same OCR work
  // as native), which its paired figure measures.
  const staged = opts['no-stages']
    ? []
    : ([
        ['tesseract.js', configOf['tesseract.js'], nativeBest],
        ...(hasNative ? [['auto', configOf.auto, nativeBest]] : []),
        ...(hasNative && hasFastModel && only?.has('auto fast') ? [['auto fast', configOf['auto fast'], nativeFast]] : []),
        ...(hasNative && only?.has('auto -2nd') ? [['auto -2nd', configOf['auto -2nd'], nativeBest]] : []),
      ] as Array<[string, Config, NativeReading]>);
  for (const [name, config, pairedWith] of staged.filter(([name]) => chosen(name))) {
    const pairs = hasNative && (chosen('native best') || chosen('native'));
    const {
      wall,
      cpu,
      nonOcrShare,
      nonOcrWallShare,
      pairedRatio,
      perFile,
      nativeTotal,
      pipelineTotal,
      files: perFileCpu,
    } = await stagePass(sources, config, pairs ? pairedWith : undefined);
    console.log(`\nstages, engine ${name}: ${sources.length} pages read one at a time (ms; CPU split between non-OCR stages by their wall shares):`);
    const rows = [['stage', 'count', 'median wall', 'p95 wall', 'median CPU', 'p95 CPU']];
    for (const [stage, v] of wall) {
      const c = cpu.get(stage)!;
      rows.push([stage, String(v.length), median(v).toFixed(0), p95(v).toFixed(0), median(c).toFixed(0), p95(c).toFixed(0)]);
    }
    console.log(table(rows));
    console.log(`non-OCR CPU (decode + preprocess + write) / OCR CPU, median page: ${(median(nonOcrShare) * 100).toFixed(1)}%   target <= 10%`);
    console.log(`non-OCR time / OCR time (elapsed, the same stages), median page: ${(median(nonOcrWallShare) * 100).toFixed(1)}%`);
    summary[`nonOcrWallShare:${name}`] = median(nonOcrWallShare);
    summary[`stages:${name}`] = Object.fromEntries(
      [...wall].map(([k, v]) => [
        k.trim(),
        { count: v.length, medianWall: median(v), p95Wall: p95(v), medianCpu: median(cpu.get(k)!), p95Cpu: p95(cpu.get(k)!) },
      ]),
    );
    summary[`nonOcrShare:${name}`] = median(nonOcrShare);
    if (pairedRatio !== null) {
      const sorted = [...perFile].sort((a, b) => a - b);
      console.log(
        `paired with native (${pairedWith.tessdataDir ? "npm's best_int" : "Debian's model"}) file by file (one page at a time): pipeline ${pipelineTotal.toFixed(1)} s CPU, native ${nativeTotal.toFixed(1)} s CPU -> ` +
          `pages per CPU-minute ${pairedRatio.toFixed(2)}x native (per file: median ${median(perFile).toFixed(2)}x, ${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)}x)`,
      );
      summary[`paired:${name}`] = { ratio: pairedRatio, perFileMedian: median(perFile), nativeCpu: nativeTotal, pipelineCpu: pipelineTotal };
      // Per file: where the pipeline's CPU goes beside native's (the per-page figures).
      const fileRows = [['file', 'native s', 'pipeline s', 'ocr: page', 'ocr: more', 'non-OCR', 'ratio']];
      for (const [file, p] of perFileCpu) {
        fileRows.push([
          path.basename(file),
          ...[p.native, p.pipeline, p.ocrPage, p.ocrMore, p.nonOcr].map((v) => v.toFixed(2)),
          `${(p.native / p.pipeline).toFixed(2)}x`,
        ]);
      }
      console.log(table(fileRows));
      summary[`pairedFiles:${name}`] = Object.fromEntries(perFileCpu.map(([file, p]) => [path.basename(file), p]));
    }
  }

  if (!opts['no-rss']) {
    const extra = [
      '--rss-pages',
      opts['rss-pages']!,
      '--rss-scale',
      opts['rss-scale']!,
      ...(opts['rss-recycle-after'] ? ['--rss-recycle-after', opts['rss-recycle-after']] : []),
    ];
    const runs = [
      await runRssChild(extra),
      ...(opts['rss-no-recycle'] ? [await runRssChild([...extra, '--rss-no-recycle'])] : []),
      ...(hasNative ? [await runRssChild([...extra, '--rss-engine', 'tesseract'])] : []),
    ];
    console.log(
      `\nRSS of one OCR worker, ${runs[0]!.samples.length} pages of ${runs[0]!.size} px (tesseract.js: process RSS minus its RSS before the worker started; tesseract: its tesseract process's RSS):`,
    );
    const rows = [['engine', 'recycleAfter', 'workers', 'peak MB', 'window medians from page 50, MB', 'spread', 'growth 50 -> last']];
    const summaries = runs.map(summariseRss);
    for (const s of summaries) {
      rows.push([
        s.engine,
        String(s.recycleAfter),
        String(s.workersCreated),
        String(s.peakMb),
        `${s.minFrom50Mb}..${s.maxFrom50Mb}`,
        `±${s.spreadFrom50Pct}%`,
        `${s.growth50ToEndPct >= 0 ? '+' : ''}${s.growth50ToEndPct}%`,
      ]);
    }
    console.log(table(rows));
    for (const s of summaries) console.log(`  ${s.engine}, recycleAfter ${s.recycleAfter}: median MB of each 25 pages: ${s.windowMediansMb.join(' ')}`);
    console.log('  targets: <= 350 MB per worker, flat (±10%) from page 50 on');
    summary.rss = summaries;
    if (hasNative) {
      const sample = files.find((f) => /seed-21340\.png$/.test(f)) ?? files[0]!;
      const peak = await nativePeakRssMb(sample, lang);
      console.log(`native tesseract, one process on ${path.basename(sample)}: peak RSS ${peak ?? '?'} MB`);
      summary.nativePeakRssMb = peak;
    }
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify(summary, null, 2) + '\n');
}

if (opts['rss-child']) await rssChild();
else await main();
