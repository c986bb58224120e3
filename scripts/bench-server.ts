// Review server load benchmark (`npm run bench:server`): requests/s and p99 latency of the
// review endpoints under a bounded load (autocannon, a few connections, a few seconds each),
// for this checkout and for a baseline (default: the `main` branch, extracted with git
// archive), in the same run, alternating, each round on a fresh store and server process.
// The store holds --records records on one real corpus scan (EHRI dataset, 300 dpi).
// Options: --baseline REF (default main), --connections N (4), --seconds S (5), --rounds R (2),
// --records N (1500). Prints a markdown table for docs/benchmarks.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sharedPath } from '../test/e2e/helpers.ts';

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string', default: 'main' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    records: { type: 'string', default: '1500' },
  },
});
const HERE = path.resolve(import.meta.dirname, '..');
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const TOKEN = { authorization: 'Bearer bench-token-0001' };
const scans = sharedPath('corpus', 'scans', 'ehri-dataset', 'english');
if (!existsSync(scans)) {
  process.stderr.write(`bench:server needs the shared corpus at ${scans}\n`);
  process.exit(2);
}
const SCAN = path.join(scans, readdirSync(scans).filter((f) => f.endsWith('.jpg')).sort()[0]!);

const work = mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-server-'));
const baselineRoot = path.join(work, 'baseline');
spawnSync('mkdir', ['-p', baselineRoot]);
const archive = spawnSync('sh', ['-c', `git archive ${args.baseline} | tar -x -C ${baselineRoot}`], { cwd: HERE, encoding: 'utf8' });
if (archive.status !== 0) throw new Error(`cannot extract ${args.baseline}: ${archive.stderr}`);
// The baseline's own sources on this checkout's packages (a superset of the baseline's).
symlinkSync(path.join(HERE, 'node_modules'), path.join(baselineRoot, 'node_modules'));
const baselineCommit = spawnSync('git', ['rev-parse', '--short', args.baseline], { cwd: HERE, encoding: 'utf8' }).stdout.trim();
const currentCommit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).stdout.trim();

interface Served {
  child: ChildProcess;
  url: string;
  records: string[];
  fields: number[];
}

async function serve(root: string, label: string, round: number): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'scripts', 'bench-server-child.ts'), '--root', root, '--dir', path.join(work, `${label}-${round}`), '--scan', SCAN, '--records', args.records!], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${label} server exited (${code})`)));
  });
  return { child, ...(JSON.parse(line) as Omit<Served, 'child'>) };
}

interface Scenario {
  name: string;
  /** The requests, in turn; `amount` caps a scenario that uses each item once (writes). */
  paths: (s: Served) => Array<{ method: 'GET' | 'POST'; path: string; body?: string }>;
  once?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /api/queue?limit=50', paths: () => [{ method: 'GET', path: '/api/queue?limit=50' }] },
  { name: 'GET /api/fields/:id', paths: (s) => s.fields.slice(0, 200).map((id) => ({ method: 'GET', path: `/api/fields/${id}` })) },
  { name: 'GET /api/records/:id', paths: (s) => s.records.slice(0, 200).map((id) => ({ method: 'GET', path: `/api/records/${id}` })) },
  { name: 'GET /api/fields/:id/crop.png (cached)', paths: (s) => s.fields.slice(0, 50).map((id) => ({ method: 'GET', path: `/api/fields/${id}/crop.png` })) },
  {
    name: 'POST /api/fields/:id/review (each field once)',
    paths: (s) => s.fields.map((id) => ({ method: 'POST', path: `/api/fields/${id}/review`, body: JSON.stringify({ action: 'confirm', version: 1 }) })),
    once: true,
  },
];

interface Figure {
  rps: number;
  p99: number;
  errors: number;
}

async function load(served: Served, scenario: Scenario): Promise<Figure> {
  const items = scenario.paths(served);
  // Warm: one of each kind, so a first decode is not what is measured.
  await fetch(`${served.url}${items[0]!.path}`, { method: items[0]!.method, headers: { ...TOKEN, 'content-type': 'application/json' }, body: scenario.once ? undefined : items[0]!.body });
  let next = scenario.once ? 1 : 0;
  const run = (options: { amount: number } | { duration: number }) =>
    autocannon({
      url: served.url,
      connections: CONNECTIONS,
      ...options,
      headers: { ...TOKEN, 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request: autocannon.Request) => {
            const item = items[next++ % items.length]!;
            return { ...request, method: item.method, path: item.path, body: item.body };
          },
        },
      ],
    });
  // One unmeasured second first (JIT, SQLite page cache); the writes warm on their own first items.
  if (!scenario.once) await run({ duration: 1 });
  else await run({ amount: Math.min(200, Math.floor(items.length / 4)) });
  const result = await run(scenario.once ? { amount: items.length - next } : { duration: SECONDS });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts };
}

const figures = new Map<string, { baseline: Figure[]; current: Figure[] }>();
for (let round = 1; round <= ROUNDS; round++) {
  // Alternate the order between rounds, so neither tree always runs on a warmer machine.
  const order: Array<['baseline' | 'current', string]> = round % 2 ? [['baseline', baselineRoot], ['current', HERE]] : [['current', HERE], ['baseline', baselineRoot]];
  for (const [label, root] of order) {
    const served = await serve(root, label, round);
    try {
      for (const scenario of SCENARIOS) {
        const figure = await load(served, scenario);
        const entry = figures.get(scenario.name) ?? { baseline: [], current: [] };
        entry[label].push(figure);
        figures.set(scenario.name, entry);
        process.stderr.write(`round ${round} ${label.padEnd(8)} ${scenario.name}: ${figure.rps.toFixed(0)} req/s, p99 ${figure.p99} ms${figure.errors ? `, ${figure.errors} errors` : ''}\n`);
      }
    } finally {
      served.child.kill('SIGTERM');
      await new Promise((resolve) => served.child.once('exit', resolve));
    }
  }
}
rmSync(work, { recursive: true, force: true });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const lines = [
  `Baseline ${args.baseline} (${baselineCommit}) against this checkout (${currentCommit}); ${CONNECTIONS} connections, ${SECONDS} s per read scenario, ${ROUNDS} rounds alternating, mean of rounds; ${args.records} records.`,
  '',
  '| endpoint | baseline req/s | baseline p99 ms | now req/s | now p99 ms | req/s now/baseline | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [name, { baseline, current }] of figures) {
  const b = { rps: mean(baseline.map((f) => f.rps)), p99: mean(baseline.map((f) => f.p99)) };
  const c = { rps: mean(current.map((f) => f.rps)), p99: mean(current.map((f) => f.p99)) };
  const errors = [...baseline, ...current].reduce((n, f) => n + f.errors, 0);
  lines.push(`| ${name} | ${b.rps.toFixed(0)} | ${b.p99.toFixed(1)} | ${c.rps.toFixed(0)} | ${c.p99.toFixed(1)} | ${(c.rps / b.rps).toFixed(2)} | ${errors} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
