// `npm run fit:grouping`: fits the page-grouping model (src/group/grouping-model.json)
// on generated boxes whose seeds are not the benchmark's (bench:box) nor the tests'.
//
// Each box is read once with `cablescan run` (pages already read are reused), then
// every page boundary becomes one example: the features of src/group/features.ts
// and whether the page truly starts a document (box.json). The weights are the
// maximum a posteriori logistic model with a Gaussian prior centred on the hand-set
// weights (`prior` in the model file): what the boxes show moves a weight, what they
// never vary (a scan-size change, a file boundary) keeps its prior. The threshold
// below which a decision is held for review is the lowest that flags every wrong
// decision on a box the fit did not see (leave one box out; with one box, on the
// training box), within [--min-threshold, --max-threshold].
//
// Usage: npm run fit:grouping -- [--seeds fit-box-1,fit-box-2] [--pages 320] [--dir DIR]
//          [--lambda 0.5] [--min-threshold 0.8] [--max-threshold 0.97] [--dry-run] [--partial]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { boundaryFeatures, FEATURE_NAMES, pageCues, type Features } from '../src/group/index.ts';
import { MODEL_FILE, sigmoid, type GroupingModelFile, type Weights } from '../src/group/model.ts';
import { loadProfiles } from '../src/segment/index.ts';
import { pageOpenings } from '../src/group/openings.ts';
import type { PageResult } from '../src/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: 'fit-box-1,fit-box-2' },
    pages: { type: 'string', default: '320' },
    degradation: { type: 'string', default: 'clean,mild,heavy' },
    dir: { type: 'string' },
    lambda: { type: 'string', default: '0.5' },
    'min-threshold': { type: 'string', default: '0.8' },
    'max-threshold': { type: 'string', default: '0.97' },
    'dry-run': { type: 'boolean', default: false },
    partial: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run fit:grouping -- [--seeds S1,S2] [--pages N] [--dir DIR] [--lambda L] [--min-threshold T] [--max-threshold T] [--dry-run]');
  process.exit(0);
}

interface Example {
  box: string;
  page: string;
  degradation: string;
  x: Features;
  y: 0 | 1;
}

function run(args: string[], label: string): void {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  console.error(`${label}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0 && result.status !== 1) throw new Error(`${label} failed`);
}

function examplesOf(seed: string, root: string): Example[] {
  const box = path.join(root, seed, 'box');
  const out = path.join(root, seed, 'out');
  if (!existsSync(path.join(box, 'box.json'))) {
    run(
      ['--import', 'tsx', 'scripts/generate-samples.ts', '--box', '--out', box, '--pages', values.pages!, '--seed', seed, '--degradation', values.degradation!],
      `generate ${seed}`,
    );
  }
  // --partial: fit on the pages already read (a preview while a box is still being read).
  if (!values.partial) run(['bin/cablescan.js', 'run', box, '--out', out, '--no-progress', '--log-level', 'warn'], `cablescan run ${seed}`);
  const truth = JSON.parse(readFileSync(path.join(box, 'box.json'), 'utf8')) as {
    documents: Array<{ id: string; degradation: string; pages: string[] }>;
    pages: Array<{ pageId: string; document: string }>;
  };
  const docOf = new Map(truth.pages.map((p) => [p.pageId, p.document]));
  const degradationOf = new Map(truth.documents.map((d) => [d.id, d.degradation]));
  const pageFiles = new Set(readdirSync(path.join(out, 'pages')));
  // A page that could not be read (or, with --partial, is not read yet) is left out: the boundary
  // across it is labelled by the documents of the pages on either side, as a person would judge it.
  const pages: PageResult[] = truth.pages
    .filter((p) => pageFiles.has(`${p.pageId}.json`))
    .map((p) => JSON.parse(readFileSync(path.join(out, 'pages', `${p.pageId}.json`), 'utf8')) as PageResult);
  const profiles = loadProfiles({}).filter((p) => p.kind === 'telegram');
  const examples: Example[] = [];
  let previous: ReturnType<typeof pageCues> | null = null;
  let previousPage: PageResult | null = null;
  let afterBlank = false;
  for (const page of pages) {
    const c = pageCues(page);
    if (c.blank || c.nearlyBlank) {
      afterBlank = afterBlank || (c.blank && previous !== null);
      continue;
    }
    if (previous && previousPage) {
      const { opening, heading } = pageOpenings(page, profiles);
      const x = boundaryFeatures({ previous, current: c, opening, heading, afterBlank });
      const y = docOf.get(page.pageId) !== docOf.get(previousPage.pageId) ? 1 : 0;
      examples.push({ box: seed, page: page.pageId, degradation: degradationOf.get(docOf.get(page.pageId)!) ?? '?', x, y });
    }
    previous = c;
    previousPage = page;
    afterBlank = false;
  }
  return examples;
}

type Vector = number[];
const KEYS = ['bias', ...FEATURE_NAMES] as const;

function row(x: Features): Vector {
  return [1, ...FEATURE_NAMES.map((n) => x[n])];
}

/** Solves A v = b (Gaussian elimination with partial pivoting; A is small and positive definite). */
function solve(a: number[][], b: Vector): Vector {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  return m.map((r, i) => r[n]! / r[i]!);
}

/**
 * MAP logistic regression: Newton steps on log-loss + lambda * |w - prior|^2. The bias is pulled
 * only lightly (how often a box's pages start documents is for the data to say).
 */
function fit(examples: readonly Example[], prior: Vector, lambda: number): Vector {
  let w = [...prior];
  const pull = (j: number): number => (j === 0 ? lambda / 100 : lambda);
  for (let iter = 0; iter < 50; iter++) {
    const n = w.length;
    const grad = w.map((wi, j) => 2 * pull(j) * (wi - prior[j]!));
    const hess = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 * pull(i) : 0)));
    for (const e of examples) {
      const x = row(e.x);
      const p = sigmoid(x.reduce((s, xi, j) => s + xi * w[j]!, 0));
      const r = p * (1 - p);
      for (let i = 0; i < n; i++) {
        grad[i]! += (p - e.y) * x[i]!;
        if (x[i] === 0) continue;
        for (let j = 0; j < n; j++) hess[i]![j]! += r * x[i]! * x[j]!;
      }
    }
    const step = solve(hess, grad);
    w = w.map((wi, j) => wi - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return w.map((v) => Math.round(v * 1000) / 1000);
}

function confidenceOf(e: Example, w: Vector): { start: boolean; confidence: number } {
  const p = sigmoid(row(e.x).reduce((s, xi, j) => s + xi * w[j]!, 0));
  return { start: p >= 0.5, confidence: p >= 0.5 ? p : 1 - p };
}

function evaluate(examples: readonly Example[], w: Vector, threshold: number) {
  let right = 0;
  let flagged = 0;
  let silent = 0;
  for (const e of examples) {
    const { start, confidence } = confidenceOf(e, w);
    const ok = start === (e.y === 1);
    if (ok) right++;
    if (confidence < threshold) flagged++;
    else if (!ok) silent++;
  }
  return { n: examples.length, right, flagged, silent };
}

async function main(): Promise<void> {
  const root = path.resolve(values.dir ?? path.join(os.tmpdir(), 'cablescan-fit-grouping'));
  const seeds = values
    .seeds!.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const file = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as GroupingModelFile;
  const prior = KEYS.map((k) => file.prior[k]);
  const lambda = Number(values.lambda);
  const examples = seeds.flatMap((seed) => examplesOf(seed, root));
  console.log(`${examples.length} page boundaries from ${seeds.length} box(es): ${examples.filter((e) => e.y === 1).length} starts`);

  // Leave one box out: what the fit does on a box it has not seen, and how sure it was when wrong.
  const heldOutWrong: number[] = [];
  if (seeds.length > 1) {
    for (const held of seeds) {
      const w = fit(
        examples.filter((e) => e.box !== held),
        prior,
        lambda,
      );
      const test = examples.filter((e) => e.box === held);
      const r = evaluate(test, w, 0.9);
      for (const e of test) {
        const d = confidenceOf(e, w);
        if (d.start !== (e.y === 1)) heldOutWrong.push(d.confidence);
      }
      console.log(`held out ${held}: ${r.right}/${r.n} right, ${r.flagged} flagged at 0.9, ${r.silent} silent errors`);
    }
  }
  const w = fit(examples, prior, lambda);
  const min = Number(values['min-threshold']);
  const max = Number(values['max-threshold']);
  const trainingWrong = examples
    .map((e) => ({ e, ...confidenceOf(e, w) }))
    .filter((d) => d.start !== (d.e.y === 1))
    .map((d) => d.confidence);
  const wrongConfidences = seeds.length > 1 ? [...heldOutWrong, ...trainingWrong] : trainingWrong;
  const needed = wrongConfidences.length ? Math.max(...wrongConfidences) + 0.001 : min;
  const threshold = Math.round(Math.min(max, Math.max(min, needed)) * 1000) / 1000;
  for (const t of [0.8, 0.85, 0.9, 0.95, threshold]) {
    const r = evaluate(examples, w, t);
    console.log(`threshold ${t}: ${r.right}/${r.n} right, flagged ${r.flagged} (${((100 * r.flagged) / r.n).toFixed(1)}%), silent errors ${r.silent}`);
  }
  const weights = Object.fromEntries(KEYS.map((k, j) => [k, w[j]!])) as Weights;
  console.log('weights:', JSON.stringify(weights));
  // The boundaries the fit is least sure of, with what fired: where a cue is missing.
  const doubtful = examples.map((e) => ({ e, ...confidenceOf(e, w) })).filter((d) => d.confidence < threshold || d.start !== (d.e.y === 1));
  for (const d of doubtful.sort((a, b) => a.confidence - b.confidence).slice(0, 40)) {
    const fired = FEATURE_NAMES.filter((n) => d.e.x[n])
      .map((n) => `${n}=${Math.round(d.e.x[n] * 100) / 100}`)
      .join(' ');
    console.log(
      `  ${d.e.box} ${d.e.page} truth ${d.e.y ? 'start' : 'continue'} decided ${d.start ? 'start' : 'continue'} ${d.confidence.toFixed(3)} ${d.e.degradation}: ${fired}`,
    );
  }
  const train = evaluate(examples, w, threshold);
  const next: GroupingModelFile = {
    ...file,
    version: file.version + 1,
    fit: {
      seeds,
      pagesPerBox: Number(values.pages),
      degradations: values.degradation,
      boundaries: examples.length,
      starts: examples.filter((e) => e.y === 1).length,
      lambda,
      trainingRight: train.right,
      trainingFlagged: train.flagged,
      date: new Date().toISOString().slice(0, 10),
    },
    uncertainBelow: threshold,
    weights,
  };
  if (values['dry-run']) return;
  await writeFile(fileURLToPath(MODEL_FILE), `${JSON.stringify(next, null, 2)}\n`);
  console.log(`wrote ${fileURLToPath(MODEL_FILE)} (version ${next.version}, threshold ${threshold})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
