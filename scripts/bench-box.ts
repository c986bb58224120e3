// `npm run bench:box`: a box of scans read the way an archivist reads one.
//
// Generates a box (one folder of single-page scans: telegrams of 1-3 pages of every
// profile, despatches, letters, reports, clean / mild / heavy; its seed is used
// neither for fitting the grouping model nor by the tests), runs `cablescan run
// <box> --out <out>` as a user would (a second run reuses the pages already read),
// and scores page grouping, whole documents, kinds and fields against box.json.
// With --corpus, the real scans of ../shared/corpus are run and scored against
// documents.json the same way (one run per folder, in its language).
//
// Usage: npm run bench:box -- [--seed bench-box-2026] [--pages 320] [--keep DIR]
//          [--degradation clean,mild,heavy] [--engine E] [--corpus] [--markdown FILE] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBoxScore, formatReviewBreakdown, scoreBox, type BoxScore, type BoxTruthLike } from '../src/eval/box-score.ts';
import type { TelegramRecord } from '../src/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(REPO, '..', 'shared', 'corpus');
export const BENCH_BOX_SEED = 'bench-box-2026';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: BENCH_BOX_SEED },
    pages: { type: 'string', default: '320' },
    degradation: { type: 'string', default: 'clean,mild,heavy' },
    keep: { type: 'string' },
    engine: { type: 'string' },
    corpus: { type: 'boolean', default: false },
    'no-box': { type: 'boolean', default: false },
    markdown: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: npm run bench:box -- [--seed S] [--pages N] [--keep DIR] [--degradation clean,mild,heavy] [--engine E] [--corpus] [--no-box] [--markdown FILE] [--json FILE]',
  );
  process.exit(0);
}

function run(command: string, args: string[], label: string): number {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  const seconds = (Date.now() - started) / 1000;
  console.error(`${label}: exit ${result.status} in ${seconds.toFixed(0)} s`);
  if (result.status !== 0 && result.status !== 1) throw new Error(`${label} failed (exit ${result.status})`);
  return seconds;
}

function readRecords(out: string): TelegramRecord[] {
  const dir = path.join(out, 'records');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as TelegramRecord);
}

interface PageTiming {
  pages: number;
  /** Median and total of the reading stages (decode, preprocess, OCR, second opinion) per page, as the page JSONs record them. */
  medianMs: number | null;
  totalMs: number;
}

function pageTimings(out: string): PageTiming {
  const dir = path.join(out, 'pages');
  const times = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { timings?: Record<string, number> }).timings ?? {})
    .map((t) =>
      Object.entries(t)
        .filter(([k]) => k !== 'write')
        .reduce((a, [, v]) => a + v, 0),
    )
    .sort((a, b) => a - b);
  return {
    pages: times.length,
    medianMs: times.length ? Math.round(times[Math.floor(times.length / 2)]!) : null,
    totalMs: Math.round(times.reduce((a, b) => a + b, 0)),
  };
}

const cli = (args: string[]): string[] => ['bin/cablescan.js', ...args];

async function benchBox(root: string): Promise<{ score: BoxScore; seconds: number }> {
  const box = path.join(root, 'box');
  const out = path.join(root, 'out');
  if (!existsSync(path.join(box, 'box.json'))) {
    run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/generate-samples.ts',
        '--box',
        '--out',
        box,
        '--pages',
        values.pages!,
        '--seed',
        values.seed!,
        '--degradation',
        values.degradation!,
      ],
      'generate box',
    );
  }
  const engine = values.engine ? ['--engine', values.engine] : [];
  const seconds = run(process.execPath, cli(['run', box, '--out', out, '--no-progress', '--log-level', 'warn', ...engine]), `cablescan run ${box}`);
  const truth = JSON.parse(readFileSync(path.join(box, 'box.json'), 'utf8')) as {
    documents: Array<{ id: string; kind: string; profile: string; degradation: string; pages: string[]; fields: Record<string, string | number> }>;
    pages: Array<{ pageId: string }>;
  };
  const like: BoxTruthLike = { documents: truth.documents, order: truth.pages.map((p) => p.pageId) };
  return { score: scoreBox(like, readRecords(out)), seconds };
}

interface CorpusDocument {
  id: string;
  kind: string;
  pages: string[];
  fields?: Record<string, string | number>;
}

const CORPUS_FOLDERS: Array<{ folder: string; args: string[] }> = [
  { folder: 'ehri-dataset/english', args: [] },
  { folder: 'ehri-dataset/danish', args: ['--lang', 'dan', '--tessdata', '/usr/share/tesseract-ocr/5/tessdata'] },
  { folder: 'tapuscorpus', args: ['--lang', 'fra'] },
];

async function benchCorpus(root: string): Promise<Array<{ folder: string; score: BoxScore }>> {
  const docs = (JSON.parse(readFileSync(path.join(CORPUS, 'documents.json'), 'utf8')) as { documents: CorpusDocument[] }).documents;
  const results: Array<{ folder: string; score: BoxScore }> = [];
  for (const { folder, args } of CORPUS_FOLDERS) {
    const dir = path.join(CORPUS, 'scans', folder);
    const out = path.join(root, 'corpus', folder.replace(/\//g, '__'));
    const engine = values.engine ? ['--engine', values.engine] : [];
    run(process.execPath, cli(['run', dir, '--out', out, '--no-progress', '--log-level', 'warn', ...args, ...engine]), `cablescan run ${folder}`);
    const prefix = `${folder}/`;
    const mine = docs.filter((d) => d.pages[0]!.startsWith(prefix));
    const strip = (p: string): string => p.slice(prefix.length);
    const order = mine.flatMap((d) => d.pages.map(strip)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const like: BoxTruthLike = {
      documents: mine.map((d) => ({ id: d.id, kind: d.kind, degradation: 'real', pages: d.pages.map(strip), fields: d.fields ?? {} })),
      order,
      // documents.json gives header fields, not every field printed.
      fieldsComplete: false,
    };
    results.push({ folder, score: scoreBox(like, readRecords(out)) });
  }
  return results;
}

async function main(): Promise<void> {
  const root = path.resolve(values.keep ?? path.join(os.tmpdir(), `cablescan-bench-box-${values.seed}`));
  await mkdir(root, { recursive: true });
  const sections: string[] = [];
  const json: Record<string, unknown> = { seed: values.seed, pages: Number(values.pages), engine: values.engine ?? 'default' };
  if (!values['no-box']) {
    const { score, seconds } = await benchBox(root);
    const timing = pageTimings(path.join(root, 'out'));
    sections.push(formatBoxScore(`Generated box (seed ${values.seed})`, score));
    sections.push(
      `Run: ${seconds.toFixed(0)} s for ${timing.pages} pages (pages already read in ${root}/out are reused). ` +
        `Reading a page (decode, preprocess, OCR; as first read): median ${timing.medianMs} ms, total ${(timing.totalMs / 1000).toFixed(0)} s.`,
    );
    sections.push(wrongTable(score));
    sections.push(formatReviewBreakdown(score));
    json.box = score;
  }
  if (values.corpus) {
    if (!existsSync(CORPUS)) {
      console.error(`--corpus: ${CORPUS} is not there; skipped`);
    } else {
      for (const { folder, score } of await benchCorpus(root)) {
        sections.push(formatBoxScore(`Corpus ${folder}`, score));
        sections.push(wrongTable(score));
        json.corpus ??= {} as Record<string, BoxScore>;
        (json.corpus as Record<string, BoxScore>)[folder] = score;
      }
    }
  }
  const text = sections.join('\n\n');
  console.log(text);
  if (values.markdown) await writeFile(values.markdown, `${text}\n`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(json, null, 2)}\n`);
}

function wrongTable(score: BoxScore): string {
  const rows = [...score.wrong.map((w) => `| ${w.page} | ${w.truth} | ${w.decided} | ${w.degradation} | ${w.flagged ? 'in review' : '**silent**'} |`)];
  const fields = score.wrongAccepted.slice(0, 30).map((w) => `| ${w.document} | ${w.field} | ${w.expected ?? '(not printed)'} | ${w.got} |`);
  return [
    rows.length ? ['| wrong page decision | truth | decided | scan | held |', '|---|---|---|---|---|', ...rows].join('\n') : 'No wrong page decision.',
    fields.length ? ['| document | accepted field | expected | got |', '|---|---|---|---|', ...fields].join('\n') : 'No wrong field accepted.',
  ].join('\n\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
