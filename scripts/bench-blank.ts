// `npm run bench:blank`: blank and nearly blank pages (issue 26). Generates a seeded set
// (src/samples/sparse-pages.ts: blank pages of white paper, paper grain, speckles, show-through and
// scanner edge shadows; nearly blank pages holding a signature, a page number or a stamp; each as
// a clean, mild and heavy scan), reads every page with each engine, one page at a time, and checks
// what the issue asks: every page finishes; blank pages in under 1 s each and none read as text;
// nearly blank pages' lines found (>= 95%), with their CER; no page over 10x the median page time.
// Plain native tesseract (`tesseract FILE - --psm 3`, its defaults) reads the same pages beside it.
//
// Usage: npm run bench:blank -- [--per-cell 4] [--seed S] [--engines tesseract.js,tesseract]
//          [--no-native] [--keep DIR | --reuse DIR] [--markdown FILE] [--json FILE]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createEngine } from '../src/create-engine.ts';
import { median } from '../src/eval/score.ts';
import { discoverInputs } from '../src/ingest/index.ts';
import { silentLogger } from '../src/logger.ts';
import { resolveRecipe } from '../src/preprocess/index.ts';
import { scoreSparsePage, type SparseScore } from '../src/samples/score-sparse.ts';
import { generateSparsePage, sparsePageSpecs, type SparsePageExpected } from '../src/samples/sparse-pages.ts';
import { readPageFromScan } from '../src/pipeline/index.ts';

const DEFAULT_SEED = 'bench-blank-2026';
const ENGINES = ['tesseract.js', 'tesseract'] as const;
type EngineName = (typeof ENGINES)[number];
/** The issue's targets. */
const BLANK_MAX_SECONDS = 1;
const LINES_FOUND_MIN = 0.95;
const MAX_OVER_MEDIAN = 10;

const { values } = parseArgs({
  options: {
    'per-cell': { type: 'string', default: '4' },
    seed: { type: 'string', default: DEFAULT_SEED },
    engines: { type: 'string', default: ENGINES.join(',') },
    'no-native': { type: 'boolean', default: false },
    keep: { type: 'string' },
    reuse: { type: 'string' },
    markdown: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE =
  'usage: npm run bench:blank -- [--per-cell 4] [--seed S] [--engines tesseract.js,tesseract] [--no-native] [--keep DIR | --reuse DIR] [--markdown FILE] [--json FILE]';
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const perCell = Number(values['per-cell']);
const engines = values.engines!.split(',').map((e) => e.trim()) as EngineName[];
if (!Number.isInteger(perCell) || perCell < 1 || engines.some((e) => !ENGINES.includes(e)) || (values.keep && values.reuse)) {
  console.error(USAGE);
  process.exit(2);
}

/** /proc/PID/stat fields after the command name (11/12 utime/stime, 13/14 cutime/cstime, 1 ppid). */
function statFields(pid: string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/**
 * CPU seconds of this process (tesseract.js worker threads included) and its children (the native
 * engine's tesseract processes), as scripts/bench.ts counts them: on a machine shared with other
 * work, a page's CPU time is steadier than its wall time. Linux only; elsewhere, this process's.
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let ticks = 0;
  try {
    const self = statFields('self');
    ticks += Number(self[13]) + Number(self[14]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || entry === String(process.pid)) continue;
      try {
        const fields = statFields(entry);
        if (fields[1] === String(process.pid)) ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // ended between the listing and the read: its CPU is in cutime now
      }
    }
  } catch {
    ticks = 0;
  }
  return (own.user + own.system) / 1e6 + ticks / 100;
}

interface PageRun {
  name: string;
  kind: string;
  level: string;
  engine: string;
  finished: boolean;
  error?: string;
  seconds: number;
  cpuSeconds: number;
  verdict?: string;
  readAs?: string;
  text: string;
  score: SparseScore;
}

function nativeText(file: string): Promise<{ text: string; seconds: number; error?: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(
      'tesseract',
      [file, '-', '--psm', '3'],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, timeout: 600_000, maxBuffer: 16 << 20 },
      (err, stdout) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ text: stdout ?? '', seconds, error: err ? err.message.split('\n')[0] : undefined });
      },
    );
  });
}

async function makeSet(dir: string): Promise<SparsePageExpected[]> {
  const specs = sparsePageSpecs({ seed: values.seed!, perCell });
  await mkdir(dir, { recursive: true });
  const expected: SparsePageExpected[] = [];
  for (const spec of specs) {
    const page = await generateSparsePage(spec);
    await writeFile(path.join(dir, page.file), page.image);
    expected.push(page.expected);
  }
  await writeFile(path.join(dir, 'expected.json'), JSON.stringify({ seed: values.seed, perCell, pages: expected }, null, 1));
  return expected;
}

interface Summary {
  engine: string;
  pages: number;
  finished: number;
  blank: {
    pages: number;
    maxSeconds: number;
    medianSeconds: number;
    over1s: number;
    maxCpuSeconds: number;
    over1sCpu: number;
    readAsText: number;
    verdictBlank: number;
  };
  nearlyBlank: { pages: number; lines: number; linesFound: number; cer: number; medianSeconds: number; maxSeconds: number };
  medianSeconds: number;
  maxSeconds: number;
  maxOverMedian: number;
  /** The same in CPU time (steadier on a shared machine). */
  maxOverMedianCpu: number;
  byKind: Array<{
    kind: string;
    level: string;
    pages: number;
    medianSeconds: number;
    maxSeconds: number;
    linesFound: number;
    lines: number;
    readAsText: number;
    cer: number;
  }>;
}

function summarise(engine: string, runs: PageRun[]): Summary {
  const blanks = runs.filter((r) => r.score.blank);
  const sparse = runs.filter((r) => !r.score.blank);
  const times = runs.map((r) => r.seconds);
  const med = median(times);
  const sum = (rs: PageRun[], f: (s: SparseScore) => number) => rs.reduce((n, r) => n + f(r.score), 0);
  const groups = new Map<string, PageRun[]>();
  for (const r of runs) groups.set(`${r.kind}\t${r.level}`, [...(groups.get(`${r.kind}\t${r.level}`) ?? []), r]);
  return {
    engine,
    pages: runs.length,
    finished: runs.filter((r) => r.finished).length,
    blank: {
      pages: blanks.length,
      maxSeconds: Math.max(0, ...blanks.map((r) => r.seconds)),
      medianSeconds: median(blanks.map((r) => r.seconds)),
      over1s: blanks.filter((r) => r.seconds >= BLANK_MAX_SECONDS).length,
      maxCpuSeconds: Math.max(0, ...blanks.map((r) => r.cpuSeconds)),
      over1sCpu: blanks.filter((r) => r.cpuSeconds >= BLANK_MAX_SECONDS).length,
      readAsText: blanks.filter((r) => r.score.readLength > 0).length,
      verdictBlank: blanks.filter((r) => r.verdict === 'blank').length,
    },
    nearlyBlank: {
      pages: sparse.length,
      lines: sum(sparse, (s) => s.lines),
      linesFound: sum(sparse, (s) => s.linesFound),
      cer:
        sum(sparse, (s) => s.distance) /
        Math.max(
          1,
          sum(sparse, (s) => s.gtLength),
        ),
      medianSeconds: median(sparse.map((r) => r.seconds)),
      maxSeconds: Math.max(0, ...sparse.map((r) => r.seconds)),
    },
    medianSeconds: med,
    maxSeconds: Math.max(...times),
    maxOverMedian: Math.max(...times) / med,
    maxOverMedianCpu: Math.max(...runs.map((r) => r.cpuSeconds)) / median(runs.map((r) => r.cpuSeconds)),
    byKind: [...groups.entries()].map(([key, rs]) => {
      const [kind, level] = key.split('\t') as [string, string];
      return {
        kind,
        level,
        pages: rs.length,
        medianSeconds: median(rs.map((r) => r.seconds)),
        maxSeconds: Math.max(...rs.map((r) => r.seconds)),
        linesFound: sum(rs, (s) => s.linesFound),
        lines: sum(rs, (s) => s.lines),
        readAsText: rs.filter((r) => r.score.blank && r.score.readLength > 0).length,
        cer:
          sum(rs, (s) => s.distance) /
          Math.max(
            1,
            sum(rs, (s) => s.gtLength),
          ),
      };
    }),
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const sec = (v: number) => v.toFixed(2);
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function markdown(summaries: Summary[], header: string): string {
  const out = [
    header,
    '',
    '| reader | pages finished | blank: median / max s | blank pages >= 1 s (CPU) | blank pages read as text | nearly blank: lines found | nearly blank CER | median page s | max / median (CPU) |',
    '| :-- | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const s of summaries) {
    out.push(
      `| ${s.engine} | ${s.finished}/${s.pages} | ${sec(s.blank.medianSeconds)} / ${sec(s.blank.maxSeconds)} | ${s.blank.over1s} (${s.blank.over1sCpu}) | ${s.blank.readAsText} | ${s.nearlyBlank.linesFound}/${s.nearlyBlank.lines} (${pct(s.nearlyBlank.linesFound / Math.max(1, s.nearlyBlank.lines))}) | ${pct(s.nearlyBlank.cer)} | ${sec(s.medianSeconds)} | ${s.maxOverMedian.toFixed(1)}x (${s.maxOverMedianCpu.toFixed(1)}x) |`,
    );
  }
  out.push(
    '',
    'Targets (cablescan engines): every page finishes; blank pages < 1 s each, none read as text; lines found >= 95%; max page time <= 10x the median.',
    '',
  );
  for (const s of summaries.filter((x) => !x.engine.startsWith('plain'))) {
    const found = s.nearlyBlank.linesFound / Math.max(1, s.nearlyBlank.lines);
    out.push(
      `- ${s.engine}: every page finishes: ${mark(s.finished === s.pages)}; blank < 1 s: ${mark(s.blank.over1s === 0)}; none read as text: ${mark(s.blank.readAsText === 0)}; lines found: ${mark(found >= LINES_FOUND_MIN)}; no page over 10x median: ${mark(s.maxOverMedian <= MAX_OVER_MEDIAN)}`,
    );
  }
  out.push(
    '',
    '| reader | kind | scan | pages | median s | max s | lines found | CER | blank read as text |',
    '| :-- | :-- | :-- | --: | --: | --: | --: | --: | --: |',
  );
  for (const s of summaries) {
    for (const k of s.byKind)
      out.push(
        `| ${s.engine} | ${k.kind} | ${k.level} | ${k.pages} | ${sec(k.medianSeconds)} | ${sec(k.maxSeconds)} | ${k.lines ? `${k.linesFound}/${k.lines}` : ''} | ${k.lines ? pct(k.cer) : ''} | ${k.lines ? '' : k.readAsText} |`,
      );
  }
  return out.join('\n');
}

const loadavg = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ');

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const keepDir = values.keep ?? values.reuse;
  const root = keepDir ? path.resolve(keepDir) : mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-blank-'));
  const setDir = path.join(root, 'set');
  try {
    let expected: SparsePageExpected[];
    let seed = values.seed!;
    let cells = perCell;
    if (values.reuse && existsSync(path.join(setDir, 'expected.json'))) {
      const set = JSON.parse(readFileSync(path.join(setDir, 'expected.json'), 'utf8')) as { seed: string; perCell: number; pages: SparsePageExpected[] };
      ({ seed, perCell: cells, pages: expected } = set);
    } else {
      const t = Date.now();
      expected = await makeSet(setDir);
      console.error(`generated ${expected.length} pages in ${((Date.now() - t) / 1000).toFixed(0)} s (seed ${values.seed}, ${perCell} per kind and scan)`);
    }
    const logger = silentLogger();
    const ingest = await discoverInputs(
      expected.map((e) => path.join(setDir, e.file)),
      { cwd: process.cwd(), lang: 'eng', maxPixels: 1e9, logger },
    );
    const byFile = new Map(expected.map((e) => [e.file, e]));
    const recipe = resolveRecipe('auto');
    const summaries: Summary[] = [];
    const allRuns: PageRun[] = [];
    for (const engineName of engines) {
      const config = loadConfig({ flags: { engine: engineName, concurrency: 1 } });
      const engine = createEngine(config, logger);
      const runs: PageRun[] = [];
      try {
        await engine.prepare?.('eng');
        // Worker start and model load are not a page's time.
        await readPageFromScan(ingest.pages.find((p) => byFile.get(path.basename(p.file))!.kind === 'signature')!, { config, logger, engine, recipe });
        for (const source of ingest.pages) {
          const exp = byFile.get(path.basename(source.file))!;
          const started = process.hrtime.bigint();
          const cpu = cpuSeconds();
          let run: PageRun;
          try {
            const page = await readPageFromScan(source, { config, logger, engine, recipe });
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            run = {
              name: exp.name,
              kind: exp.kind,
              level: exp.level,
              engine: engineName,
              finished: true,
              seconds,
              cpuSeconds: cpuSeconds() - cpu,
              verdict: page.ink?.verdict,
              readAs: page.ocr.readAs,
              text: page.text,
              score: scoreSparsePage(
                exp,
                page.text,
                page.lines.map((l) => l.text),
              ),
            };
          } catch (err) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            run = {
              name: exp.name,
              kind: exp.kind,
              level: exp.level,
              engine: engineName,
              finished: false,
              error: (err as Error).message,
              seconds,
              cpuSeconds: cpuSeconds() - cpu,
              text: '',
              score: scoreSparsePage(exp, '', []),
            };
          }
          runs.push(run);
          console.error(
            `${engineName.padEnd(12)} ${exp.name.padEnd(24)} ${sec(run.seconds).padStart(6)} s ${sec(run.cpuSeconds).padStart(6)} CPU-s  ${(run.verdict ?? 'FAILED').padEnd(12)} ${JSON.stringify(run.text).slice(0, 60)}${run.error ? `  ${run.error}` : ''}`,
          );
        }
      } finally {
        await engine.close();
      }
      summaries.push(summarise(engineName, runs));
      allRuns.push(...runs);
    }
    if (!values['no-native']) {
      const runs: PageRun[] = [];
      for (const exp of expected) {
        const cpu = cpuSeconds();
        const read = await nativeText(path.join(setDir, exp.file));
        const lines = read.text.split('\n').filter((l) => l.trim());
        runs.push({
          name: exp.name,
          kind: exp.kind,
          level: exp.level,
          engine: 'plain tesseract',
          finished: !read.error,
          error: read.error,
          seconds: read.seconds,
          cpuSeconds: cpuSeconds() - cpu,
          text: read.text,
          score: scoreSparsePage(exp, read.text, lines),
        });
        console.error(`${'plain'.padEnd(12)} ${exp.name.padEnd(24)} ${sec(read.seconds).padStart(6)} s  ${JSON.stringify(read.text.trim()).slice(0, 60)}`);
      }
      summaries.push(summarise('plain tesseract (native, --psm 3)', runs));
      allRuns.push(...runs);
    }
    const header = `Blank and nearly blank pages: ${expected.length} generated pages (seed \`${seed}\`, ${cells} per kind and scan level), one page at a time, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 16)}Z; load average (1 / 5 / 15 min) ${loadAtStart} at the start, ${loadavg()} at the end.`;
    const md = markdown(summaries, header);
    console.log(md);
    if (values.markdown) await writeFile(values.markdown, md + '\n');
    if (values.json) await writeFile(values.json, JSON.stringify({ summaries, runs: allRuns }, null, 1));
  } finally {
    if (!keepDir) rmSync(root, { recursive: true, force: true });
  }
}

await main();
