// `npm run bench:regroup`: what a reviewer's split, merge or confirmation costs on
// a box-sized sequence, against building the whole sequence again (what the pipeline
// does for a folder, and what a regrouping would cost if it did the same).
//
// The sequence is made of real readings: the page JSON of a run (`--from OUT`, or
// the samples read here with the native engine), repeated under new ids and content
// hashes until it has --pages pages, all in one folder. Records are built as a run
// builds them (store, files); then confirmations, splits and merges are timed
// through the same Regrouper the API and the command line use.
//
// Usage: npm run bench:regroup -- [--pages 320] [--from OUT] [--repeat 5] [--keep DIR]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { writeJsonAtomic } from '../src/records/atomic-write.ts';
import { recordBuildSettings } from '../src/records/build-settings.ts';
import { pageJsonPath } from '../src/records/layout.ts';
import { readPageJson } from '../src/records/page-store.ts';
import { Regrouper, type RegroupRequest } from '../src/regroup/index.ts';
import { loadProfiles } from '../src/segment/index.ts';
import { buildRecords } from '../src/pipeline/index.ts';
import { ReviewStore } from '../src/store/index.ts';
import type { PageResult } from '../src/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '320' },
    from: { type: 'string' },
    repeat: { type: 'string', default: '5' },
    keep: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run bench:regroup -- [--pages N] [--from OUT] [--repeat N] [--keep DIR]');
  process.exit(0);
}

const root = values.keep ? path.resolve(values.keep) : mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-regroup-'));
const config = loadConfig({ env: {} });
const profiles = loadProfiles({});
const logger = silentLogger();
const KEY = 'dir:/bench/box';

function readings(): string {
  if (values.from) return path.resolve(values.from);
  const out = path.join(root, 'samples-out');
  const run = spawnSync(
    process.execPath,
    [path.join(REPO, 'bin', 'cablescan.js'), 'run', path.join(REPO, 'samples'), '--out', out, '--engine', 'tesseract', '--no-progress', '--log-level', 'warn'],
    { stdio: 'inherit' },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`reading the samples failed (exit ${run.status})`);
  return out;
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const source = readings();
  const ids = readdirSync(path.join(source, 'pages'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
  const originals: PageResult[] = [];
  for (const id of ids) originals.push((await readPageJson(source, id))!);
  const wanted = Number(values.pages);
  const out = path.join(root, 'out');
  const pages: PageResult[] = [];
  for (let copy = 0; pages.length < wanted; copy++) {
    for (const p of originals) {
      if (pages.length === wanted) break;
      const pageId = `${String(copy).padStart(3, '0')}-${p.pageId}`;
      const contentHash = createHash('sha256').update(`${copy}:${p.contentHash}`).digest('hex');
      pages.push({ ...p, pageId, contentHash, documentKey: KEY });
    }
  }
  for (const p of pages) await writeJsonAtomic(pageJsonPath(out, p.pageId), p);

  const store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  try {
    const sink = store.recordSink({ batch: 'bench', cwd: REPO, outDir: out, build: recordBuildSettings(config, REPO) });
    const wholeTimes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = process.hrtime.bigint();
      await buildRecords(pages, { config, logger, profiles, outDir: out, store: sink });
      wholeTimes.push(ms(t));
    }
    const regrouper = new Regrouper({ store, config, logger });
    const times: Record<'confirm' | 'split' | 'merge', number[]> = { confirm: [], split: [], merge: [] };
    const repeat = Number(values.repeat);
    for (let k = 0; k < repeat; k++) {
      // A place in the box, away from the last regrouping.
      const records = await store.sequenceRecords(KEY);
      const at = Math.floor(((k + 0.5) / repeat) * (records.length - 2));
      const multi = records.slice(at).find((r) => r.pages.length > 1) ?? records.find((r) => r.pages.length > 1);
      const run = async (kind: keyof typeof times, request: RegroupRequest) => {
        const t = process.hrtime.bigint();
        const outcome = await regrouper.regroup(request);
        times[kind].push(ms(t));
        if (!outcome.ok) throw new Error(`${kind}: ${outcome.message}`);
      };
      const a = records[at]!;
      await run('confirm', { action: 'confirm', recordId: a.id, version: a.version, reviewer: 'bench' });
      if (multi) {
        const state = (await store.recordState(multi.id))!;
        await run('split', { action: 'split', recordId: multi.id, version: state.version, at: multi.pages[1]!, reviewer: 'bench' });
      }
      const now = await store.sequenceRecords(KEY);
      const i = Math.min(now.length - 2, at + 2);
      const [x, y] = [now[i]!, now[i + 1]!];
      if (!x.pages.some((p) => y.pages.includes(p))) await run('merge', { action: 'merge', recordId: x.id, version: x.version, with: y.id, reviewer: 'bench' });
    }
    const whole = median(wholeTimes);
    const records = (await store.sequenceRecords(KEY)).length;
    console.log(
      `\nA sequence of ${pages.length} pages (${originals.length} real readings repeated), ${records} records; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log('| | median ms | runs | vs. building the whole sequence |');
    console.log('|---|---|---|---|');
    console.log(`| whole sequence built (the run's buildRecords) | ${whole.toFixed(0)} | ${wholeTimes.length} | 1 |`);
    for (const [kind, xs] of Object.entries(times)) {
      if (xs.length)
        console.log(
          `| ${kind} (Regrouper: rebuild, store transaction, files) | ${median(xs).toFixed(0)} | ${xs.length} | ${(median(xs) / whole).toFixed(3)} |`,
        );
    }
  } finally {
    await store.close();
    if (!values.keep) rmSync(root, { recursive: true, force: true });
  }
}

await main();
