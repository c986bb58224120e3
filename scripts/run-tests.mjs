#!/usr/bin/env node
// Runs the tests with Node's own test runner through tsx, in tiers (one folder each):
//   fast         test/unit         pure stages and small units, no engine, process or server
//   integration  test/integration  real OCR engines, child processes, Redis, servers, big images
//   e2e          test/e2e          the command line as a person runs it
//   browser      test/browser      the review and queue pages in Chromium
// `npm test` runs every tier in one run of the runner, so one summary ends it;
// `npm run test:fast` (test:integration, test:e2e, test:browser) runs one.
//
// The fast tier's files share two processes (each file's tests in a suite named
// after it, its hooks with them): a process of its own costs a file about a second
// of CPU (node, tsx, the imports), more than most of these files take. The other
// tiers keep Node's process per file. --isolated gives the fast files theirs too.
//
// Usage: node scripts/run-tests.mjs [--tier <name>]... [--isolated] [<folder or file filter>...]
// Node 20's --test does not expand globs itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TIERS = { fast: 'test/unit', integration: 'test/integration', e2e: 'test/e2e', browser: 'test/browser' };
// Node's runner sorts the files it is given by path, so this order only decides the listing:
// the fast tier's shared processes (in the temporary folder) start first, then browser, e2e, integration.
const ALL = ['fast', 'browser', 'e2e', 'integration'];
const SHARED_PROCESSES = 2;
// Files run three at a time on two cores: many integration and e2e files spend much of their time
// waiting (a queue's backoffs, a restarted Redis, a killed worker's stalled interval, a browser), and
// a waiting file holds its slot without using a core (docs/decisions.md, issue 21).
// CABLESCAN_TEST_CONCURRENCY sets another number.
const CONCURRENCY = Number(process.env.CABLESCAN_TEST_CONCURRENCY ?? 3);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error(`CABLESCAN_TEST_CONCURRENCY must be a whole number from 1: ${process.env.CABLESCAN_TEST_CONCURRENCY}`);
  process.exit(2);
}
// The longest files, longest first (docs/benchmarks.md, "Test tiers"). By path, the 2,000-page
// windows test started last and ran alone at the end with one slot idle; each of these gets an
// entry in the temporary folder named to sort before everything else, so they start first and
// the short files fill the other slot around them.
const START_FIRST = [
  'test/integration/queue-windows.test.ts',
  'test/e2e/cli-corpus.test.ts',
  'test/integration/queue-failures.test.ts',
  'test/browser/review-grouping.test.ts',
  'test/integration/queue-workers.test.ts',
];

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const args = process.argv.slice(2);
const tiers = [];
const filters = [];
let isolated = false;
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--tier') {
    const tier = args[++i];
    if (!(tier in TIERS)) {
      console.error(`unknown tier ${tier}: one of ${Object.keys(TIERS).join(', ')}`);
      process.exit(2);
    }
    tiers.push(tier);
  } else if (args[i] === '--isolated') isolated = true;
  else filters.push(args[i]);
}

const chosen = (tiers.length ? ALL.filter((t) => tiers.includes(t)) : ALL).map((tier) => ({
  tier,
  files: findTests(TIERS[tier]).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))),
}));
if (chosen.every((t) => t.files.length === 0)) {
  console.error('no test files matched', tiers, filters);
  process.exit(1);
}

/** Files spread over `n` bundles, largest first onto the lightest bundle (size stands in for time). */
function shard(files, n) {
  const bundles = Array.from({ length: n }, () => ({ weight: 0, files: [] }));
  for (const file of [...files].sort((a, b) => statSync(b).size - statSync(a).size)) {
    const lightest = bundles.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.files.push(file);
    lightest.weight += statSync(file).size;
  }
  return bundles.filter((b) => b.files.length).map((b) => b.files.sort());
}

let bundleDir;
const tempDir = () => (bundleDir ??= mkdtempSync(path.join(os.tmpdir(), 'cablescan-tests-')));

/** An entry in the temporary folder that loads `file` in a process of its own, named to sort at `rank`. */
function earlyEntry(file, rank) {
  const entry = path.join(tempDir(), `0${rank}-${path.basename(file, '.test.ts')}.test.mjs`);
  writeFileSync(entry, `// ${file}, started early (scripts/run-tests.mjs)\nawait import(${JSON.stringify(pathToFileURL(path.resolve(file)).href)});\n`);
  return entry;
}

const runnable = [];
for (const { tier, files } of chosen) {
  if (tier !== 'fast' || isolated || files.length < 2) {
    for (const file of files) {
      const rank = START_FIRST.indexOf(file.split(path.sep).join('/'));
      runnable.push(rank >= 0 ? earlyEntry(file, rank) : file);
    }
    continue;
  }
  shard(files, SHARED_PROCESSES).forEach((group, i) => {
    const entry = path.join(tempDir(), `fast-${i + 1}-of-${SHARED_PROCESSES}.test.mjs`);
    const imports = group.map((f) => `describe(${JSON.stringify(f)}, async () => { await import(${JSON.stringify(pathToFileURL(path.resolve(f)).href)}); });`);
    writeFileSync(
      entry,
      [`// ${group.length} fast test files in one process (scripts/run-tests.mjs)`, "import { describe } from 'node:test';", ...imports, ''].join('\n'),
    );
    runnable.push(entry);
  });
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, '--test-reporter=spec', ...runnable], {
  stdio: 'inherit',
});
if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
