// Review server load benchmark (`npm run bench:server`): requests/s and p99 latency of the
// review endpoints under a bounded load (autocannon, a few connections, a few seconds each),
// for this checkout's HEAD and for a baseline (default: the `main` branch), both extracted with
// git archive, in the same run. Both servers run side by side, each in its own process on its own
// fresh store; each scenario is run as pairs, baseline then this checkout or the other way
// round, so the two figures of a pair met the same machine load (this box is shared): the
// ratio reported is the median of the pairs' ratios. Reads cycle through ids; writes confirm
// fields again and again, each at its current version (every answer a 200, each one a chained
// audit entry). The store holds --records records on one real corpus scan (EHRI dataset,
// 300 dpi). Options: --baseline REF (default main),
// --connections N (4), --seconds S (3), --pairs P (5), --records N (3000), --only TEXT (the
// endpoints whose name contains it), --db URL (this checkout's server on a PostgreSQL store,
// postgres://..., in a schema of its own dropped afterwards, instead of SQLite: with
// --baseline HEAD, the same code on SQLite against PostgreSQL).
// Prints a markdown table for docs/benchmarks.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { sharedPath } from '../test/e2e/helpers.ts';

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string', default: 'main' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '3' },
    pairs: { type: 'string', default: '5' },
    records: { type: 'string', default: '3000' },
    only: { type: 'string' },
    db: { type: 'string' },
  },
});
const PG_SCHEMA = `bench_server_${process.pid}`;
const currentDb = args.db ? `${args.db}${args.db.includes('?') ? '&' : '?'}schema=${PG_SCHEMA}` : undefined;
const HERE = path.resolve(import.meta.dirname, '..');
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const PAIRS = Number(args.pairs);
const TOKEN = { authorization: 'Bearer bench-token-0001' };
const scans = sharedPath('corpus', 'scans', 'ehri-dataset', 'english');
if (!existsSync(scans)) {
  process.stderr.write(`bench:server needs the shared corpus at ${scans}\n`);
  process.exit(2);
}
const SCAN = path.join(
  scans,
  readdirSync(scans)
    .filter((f) => f.endsWith('.jpg'))
    .sort()[0]!,
);

const work = mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-server-'));

/**
 * Both trees are extracted the same way (git archive into a temporary folder, on this checkout's
 * node_modules): run from the checkout itself, the same code measured 17% slower than its
 * extracted copy (an A/A run), so a baseline from an archive and "now" from the work tree were not
 * comparable. Uncommitted changes are therefore not measured: commit first.
 */
function extract(ref: string, label: string): { root: string; commit: string } {
  const root = path.join(work, `${label}-tree`);
  spawnSync('mkdir', ['-p', root]);
  const archive = spawnSync('sh', ['-c', `git archive ${ref} | tar -x -C ${root}`], { cwd: HERE, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`cannot extract ${ref}: ${archive.stderr}`);
  symlinkSync(path.join(HERE, 'node_modules'), path.join(root, 'node_modules'));
  return { root, commit: spawnSync('git', ['rev-parse', '--short', ref], { cwd: HERE, encoding: 'utf8' }).stdout.trim() };
}
const baselineTree = extract(args.baseline!, 'baseline');
const currentTree = extract('HEAD', 'current');
const baselineRoot = baselineTree.root;
const baselineCommit = baselineTree.commit;
const currentCommit = currentTree.commit;

interface Served {
  child: ChildProcess;
  url: string;
  records: string[];
  fields: number[];
}

async function serve(root: string, label: string, db?: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(HERE, 'scripts', 'bench-server-child.ts'),
      '--root',
      root,
      '--dir',
      path.join(work, label),
      '--scan',
      SCAN,
      '--records',
      args.records!,
      ...(db ? ['--db', db] : []),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${label} server exited (${code})`)));
  });
  return { child, ...(JSON.parse(line) as Omit<Served, 'child'>) };
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Scenario {
  name: string;
  /** The n-th request of a run. */
  request: (s: Served, pair: number) => (n: number) => Request;
}

/** Cycles through a list of GETs. */
const cycle =
  (paths: string[]) =>
  (n: number): Request => ({ method: 'GET', path: paths[n % paths.length]! });

/**
 * Confirms fields over and over, each time at the version it is now: pass k over the pair's own
 * slice of fields confirms each at version k + 1 (the slice is far longer than the requests in
 * flight, so a field's previous confirmation has been answered). Slice 0 is the warm-up's.
 */
function confirmations(fields: number[], pair: number): (n: number) => Request {
  const share = Math.floor(fields.length / (PAIRS + 1));
  const slice = fields.slice(pair * share, (pair + 1) * share);
  return (n) => ({
    method: 'POST',
    path: `/api/fields/${slice[n % slice.length]}/review`,
    body: JSON.stringify({ action: 'confirm', version: 1 + Math.floor(n / slice.length) }),
  });
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /api/queue?limit=50', request: () => cycle(['/api/queue?limit=50']) },
  { name: 'GET /api/fields/:id', request: (s) => cycle(s.fields.slice(0, 200).map((id) => `/api/fields/${id}`)) },
  { name: 'GET /api/records/:id', request: (s) => cycle(s.records.slice(0, 200).map((id) => `/api/records/${id}`)) },
  { name: 'GET /api/fields/:id/crop.png (cached)', request: (s) => cycle(s.fields.slice(0, 50).map((id) => `/api/fields/${id}/crop.png`)) },
  { name: 'POST /api/fields/:id/review (confirm)', request: (s, pair) => confirmations(s.fields, pair) },
];

interface Figure {
  rps: number;
  p99: number;
  errors: number;
  /** The server process's CPU time per answered request (µs): what load on the shared box does not change. */
  cpuUs: number;
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const HEADERS = { ...TOKEN, 'content-type': 'application/json' };

function run(url: string, request: (n: number) => Request, seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: HEADERS,
    requests: [
      {
        setupRequest: (raw: autocannon.Request) => {
          const item = request(next++);
          return { ...raw, method: item.method, path: item.path, body: item.body };
        },
      },
    ],
  });
}

/** One unmeasured second (JIT, SQLite's page cache; the writes on slice 0), then SECONDS measured. */
async function measure(served: Served, scenario: Scenario, pair: number): Promise<Figure> {
  await run(served.url, scenario.request(served, 0), 1);
  const cpuBefore = cpuSeconds(served.child.pid!);
  const result = await run(served.url, scenario.request(served, pair), SECONDS);
  const cpuUs = ((cpuSeconds(served.child.pid!) - cpuBefore) * 1e6) / Math.max(1, result.requests.total);
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts, cpuUs };
}

const figures = new Map<string, { baseline: Figure[]; current: Figure[]; ratios: number[] }>();
const servers = { baseline: await serve(baselineRoot, 'baseline'), current: await serve(currentTree.root, 'current', currentDb) };
try {
  for (const scenario of SCENARIOS.filter((s) => !args.only || s.name.includes(args.only))) {
    const entry = { baseline: [] as Figure[], current: [] as Figure[], ratios: [] as number[] };
    figures.set(scenario.name, entry);
    for (let pair = 1; pair <= PAIRS; pair++) {
      // Alternate which tree goes first, so neither always meets the warmer or the busier machine.
      const order: Array<'baseline' | 'current'> = pair % 2 ? ['baseline', 'current'] : ['current', 'baseline'];
      const got: Partial<Record<'baseline' | 'current', Figure>> = {};
      for (const label of order) {
        got[label] = await measure(servers[label], scenario, pair);
        entry[label].push(got[label]!);
      }
      entry.ratios.push(got.current!.rps / got.baseline!.rps);
      process.stderr.write(
        `${scenario.name} pair ${pair}: baseline ${got.baseline!.rps.toFixed(0)} req/s p99 ${got.baseline!.p99} ms ${got.baseline!.cpuUs.toFixed(0)} µs CPU/req; ` +
          `now ${got.current!.rps.toFixed(0)} req/s p99 ${got.current!.p99} ms ${got.current!.cpuUs.toFixed(0)} µs CPU/req` +
          `${got.baseline!.errors + got.current!.errors ? `; ${got.baseline!.errors + got.current!.errors} errors` : ''}\n`,
      );
    }
  }
} finally {
  for (const served of Object.values(servers)) {
    served.child.kill('SIGTERM');
    await new Promise((resolve) => served.child.once('exit', resolve));
  }
}
rmSync(work, { recursive: true, force: true });
if (args.db) {
  const client = new pg.Client({ connectionString: args.db });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
  await client.end();
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const lines = [
  `Baseline ${args.baseline} (${baselineCommit}, SQLite store) against this checkout (${currentCommit}, ${args.db ? 'PostgreSQL store' : 'SQLite store'}); ${CONNECTIONS} connections; ${PAIRS} pairs per endpoint (${SECONDS} s each after 1 s of warm-up; writes confirm each of ${Math.floor(servers.current.fields.length / (PAIRS + 1))} fields in turn, at its version); medians; ${args.records} records.`,
  '',
  '| endpoint | baseline req/s | baseline p99 ms | baseline CPU µs/req | now req/s | now p99 ms | now CPU µs/req | req/s now/baseline (median of pairs) | CPU/req now/baseline | non-2xx |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [name, { baseline, current, ratios }] of figures) {
  const errors = [...baseline, ...current].reduce((n, f) => n + f.errors, 0);
  const cpu = { baseline: median(baseline.map((f) => f.cpuUs)), current: median(current.map((f) => f.cpuUs)) };
  lines.push(
    `| ${name} | ${median(baseline.map((f) => f.rps)).toFixed(0)} | ${median(baseline.map((f) => f.p99)).toFixed(1)} | ${cpu.baseline.toFixed(0)} | ` +
      `${median(current.map((f) => f.rps)).toFixed(0)} | ${median(current.map((f) => f.p99)).toFixed(1)} | ${cpu.current.toFixed(0)} | ${median(ratios).toFixed(2)} | ${(cpu.current / cpu.baseline).toFixed(2)} | ${errors} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
