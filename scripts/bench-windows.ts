// Windows benchmark (`npm run bench:windows`, issue 18): a flat folder of many small distinct
// scans, run as a user runs it.
//  1. Enqueue (`cablescan enqueue`, no worker) folders of each --sizes pages: pages/s, the
//     producer's peak RSS (/usr/bin/time), Redis bytes per queued page (MEMORY USAGE of every key
//     under the run's prefix), and how long `status` (StatusSource.batchStatus) and
//     GET /api/batches take with that batch queued (median of 10).
//  2. Read --read pages with the stand-in engine (`--engine none`): `cablescan run --redis -j 2`
//     (two sandboxed workers) against `cablescan run -j 2`, windows of 500: records identical,
//     telegrams over window edges whole, and what the finished batch leaves in Redis. Four pages
//     in five were read before (their page JSON is seeded: typed telegrams, some over two or
//     three pages, one over every window edge); the fifth is read now (a blank page).
// Needs Redis (REDIS_URL or --redis, default redis://127.0.0.1:6379); uses its own prefixes
// and removes them. Options: --sizes 10000,50000,100000  --read 5000  --keep (keep the files)
// --baseline <checkout> (another tree's enqueue and status on the same folders, first).
import { spawn } from 'node:child_process';
import { cp, link, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { StatusSource } from '../src/monitoring/status.ts';
import { planBatch } from '../src/pipeline/index.ts';
import { buildServer } from '../src/server/app.ts';
import type { TelegramRecord } from '../src/types.ts';
import { bullPrefix } from '../queues/names.ts';
import { redisOptions } from '../queues/connection.ts';
import { telegramTexts, writeReadPages, writeTinyScans } from '../test/fixtures/windowed-folder.ts';
import { CLI, randomPrefix, removePrefix, REPO, tempDir } from '../test/integration/queue-harness.ts';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    sizes: { type: 'string', default: '10000,50000,100000' },
    read: { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
    // Another checkout (with its node_modules) whose `enqueue` and status are measured beside this tree's, on the same folders.
    baseline: { type: 'string' },
    // The largest folder the baseline enqueues (one flow per folder: 100,000 children is what issue 18 is about).
    'baseline-max': { type: 'string', default: '50000' },
  },
});
const redisUrl = args.redis ?? loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';
const sizes = args
  .sizes!.split(',')
  .map(Number)
  .filter((n) => n > 0);
const READ = Number(args.read);
const WINDOW = 500;
const dir = await tempDir('bench-windows');
const prefixes: string[] = [];
const redis = new Redis(redisUrl);

function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cli = CLI,
): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number; cpuSeconds: number; maxRssKb: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M CPU_S=%U+%S', process.execPath, cli, ...argv], {
      cwd: REPO,
      env: { ...process.env, REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve({
        code,
        stdout,
        stderr,
        seconds,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
        maxRssKb: Number(/RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN),
      });
    });
  });
}

/** Bytes Redis uses for every key under the prefix (MEMORY USAGE, pipelined). */
async function redisBytes(queuePrefix: string): Promise<{ bytes: number; keys: number }> {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${bullPrefix(queuePrefix)}:*`, 'COUNT', 2000);
    cursor = next;
    if (found.length === 0) continue;
    const p = redis.pipeline();
    for (const k of found) p.memory('USAGE', k, 'SAMPLES', '0');
    for (const [, n] of (await p.exec()) ?? []) bytes += Number(n ?? 0);
    keys += found.length;
  } while (cursor !== '0');
  return { bytes, keys };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(n: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
}

/** A folder of the first `n` scans (hard links: no copy). */
async function folderOf(all: string[], n: number, name: string): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < n; i += 256) await Promise.all(all.slice(i, Math.min(n, i + 256)).map((f) => link(f, path.join(folder, path.basename(f)))));
  return folder;
}

const cleanup = async () => {
  for (const p of prefixes) await removePrefix(redisUrl, p);
  redis.disconnect();
  if (!args.keep) await rm(dir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

try {
  const most = Math.max(READ, ...sizes);
  let t = Date.now();
  const all = await writeTinyScans(path.join(dir, 'all'), most);
  console.log(`generated ${most} tiny PNGs in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  console.log(`\nload average at the start: ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ').slice(0, 3).join(' ')}`);
  console.log(
    '\n| tree | pages | enqueue s | pages/s | CPU s (user+sys) | pages per CPU s | producer peak RSS MB | Redis keys | Redis B/page queued | status ms | /api/batches ms | load |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const trees: Array<{ name: string; cli: string; status: typeof StatusSource }> = [{ name: 'this tree', cli: CLI, status: StatusSource }];
  if (args.baseline) {
    const base = path.resolve(args.baseline);
    const mod = (await import(path.join(base, 'src/monitoring/status.ts'))) as { StatusSource: typeof StatusSource };
    trees.unshift({ name: `baseline (${path.basename(base)})`, cli: path.join(base, 'bin/cablescan.js'), status: mod.StatusSource });
  }
  for (const size of sizes) {
    const folder = await folderOf(all, size, `f${size}`);
    for (const tree of trees.filter((t) => t.cli === CLI || size <= Number(args['baseline-max']))) {
      const prefix = randomPrefix();
      prefixes.push(prefix);
      const env = { CABLESCAN_QUEUE_PREFIX: prefix, CABLESCAN_LOG_LEVEL: 'warn' };
      const out = path.join(dir, `out-${size}-${trees.indexOf(tree)}`);
      const r = await run(['enqueue', folder, '--out', out, '--batch', `b${size}`, '--redis', redisUrl, '--json'], env, tree.cli);
      if (r.code !== 0) throw new Error(`enqueue failed: ${r.stderr}`);
      const summary = JSON.parse(r.stdout) as { pages: number; documents: number };
      const { bytes, keys } = await redisBytes(prefix);
      const config = loadConfig({
        env: {},
        flags: {
          redisUrl,
          queuePrefix: prefix,
          logLevel: 'silent',
          tokens: { reviewers: [], readers: ['bench:reader-token-0001'], operator: 'operator-token-123' },
        },
      });
      const reader = new Redis(redisUrl);
      await reader.ping();
      const status = new tree.status({ redis: reader, connection: redisOptions(redisUrl, 'producer'), prefix: bullPrefix(prefix) });
      const statusMs = await timed(5, () => status.batchStatus(`b${size}`));
      await status.close();
      reader.disconnect();
      let apiMs = Number.NaN;
      if (tree.cli === CLI) {
        const app = await buildServer({ config, logger: silentLogger() });
        apiMs = await timed(10, async () => {
          const res = await app.inject({ url: '/api/batches', headers: { authorization: 'Bearer reader-token-0001' } });
          if (res.statusCode !== 200) throw new Error(`/api/batches: ${res.statusCode} ${res.body}`);
        });
        await app.close();
      }
      console.log(
        `| ${tree.name} | ${summary.pages} | ${r.seconds.toFixed(1)} | ${Math.round(summary.pages / r.seconds)} | ${r.cpuSeconds.toFixed(1)} | ${Math.round(summary.pages / r.cpuSeconds)} | ${(r.maxRssKb / 1024).toFixed(0)} | ${keys} | ${Math.round(bytes / summary.pages)} | ${statusMs.toFixed(1)} | ${Number.isNaN(apiMs) ? '' : apiMs.toFixed(1)} | ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ')[0]} |`,
      );
      await removePrefix(redisUrl, prefix);
      await rm(out, { recursive: true, force: true });
    }
    await rm(folder, { recursive: true, force: true });
  }

  if (READ > 0) {
    const folder = await folderOf(all, READ, `r${READ}`);
    const config = loadConfig({ env: {}, flags: { windowPages: WINDOW } });
    const plan = await planBatch({ inputs: [folder], outDir: path.join(dir, 'seed') }, config, silentLogger());
    const sources = plan.sequences[0]!.pages;
    // A telegram over every window edge (two pages, or three over every other), the others one page.
    const spans = new Map<number, number>();
    for (let edge = WINDOW; edge < READ; edge += WINDOW) spans.set(edge - (edge % (2 * WINDOW) === 0 ? 2 : 1), edge % (2 * WINDOW) === 0 ? 3 : 2);
    const texts = telegramTexts(READ, spans);
    // Every fifth page is left to be read now (a blank page to the stand-in engine), unless it is part of a telegram over an edge.
    const edgePages = new Set([...spans].flatMap(([first, n]) => Array.from({ length: n }, (_, k) => first + k)));
    const seeded = sources.filter((_, i) => i % 5 !== 4 || edgePages.has(i));
    await writeReadPages(
      path.join(dir, 'seed'),
      seeded,
      seeded.map((s) => texts[sources.indexOf(s)]!),
    );
    await cp(path.join(dir, 'seed'), path.join(dir, 'out-inprocess'), { recursive: true });
    await cp(path.join(dir, 'seed'), path.join(dir, 'out-queue'), { recursive: true });
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const env = { CABLESCAN_QUEUE_PREFIX: prefix, CABLESCAN_LOG_LEVEL: 'warn', CABLESCAN_WINDOW_PAGES: String(WINDOW) };
    t = Date.now();
    const inProcess = await run(['run', folder, '--out', path.join(dir, 'out-inprocess'), '-j', '2', '--engine', 'none'], env);
    const queued = await run(['run', folder, '--out', path.join(dir, 'out-queue'), '--redis', redisUrl, '-j', '2', '--engine', 'none', '--batch', 'read'], env);
    for (const r of [inProcess, queued]) if (r.code !== 0) throw new Error(`run failed (${r.code}): ${r.stderr.slice(-2000)}`);
    const records = async (out: string) =>
      Promise.all(
        (await readdir(path.join(out, 'records'))).sort().map(async (f) => JSON.parse(await readFile(path.join(out, 'records', f), 'utf8')) as TelegramRecord),
      );
    const [a, b] = [await records(path.join(dir, 'out-inprocess')), await records(path.join(dir, 'out-queue'))];
    const identical = JSON.stringify(a) === JSON.stringify(b);
    const ids = sources.map((s) => s.pageId);
    const whole = [...spans].every(([first, n]) => {
      const pages = ids.slice(first, first + n);
      const holding = b.filter((r) => r.source.pages.some((p) => pages.includes(p)));
      return holding.length === 1 && JSON.stringify(holding[0]!.source.pages.filter((p) => pages.includes(p))) === JSON.stringify(pages);
    });
    const report = JSON.parse(await readFile(path.join(dir, 'out-queue', 'report.json'), 'utf8'));
    const left = await redisBytes(prefix);
    console.log(`\nread ${READ} pages (${READ - seeded.length} read now by the stand-in engine, ${seeded.length} resumed), windows of ${WINDOW}, -j 2:`);
    console.log('| driver | wall s | pages/s | records | report pages read / resumed |');
    console.log('|---|---:|---:|---:|---:|');
    const ip = JSON.parse(await readFile(path.join(dir, 'out-inprocess', 'report.json'), 'utf8'));
    console.log(
      `| in-process | ${inProcess.seconds.toFixed(1)} | ${Math.round(READ / inProcess.seconds)} | ${a.length} | ${ip.counts.pagesRead} / ${ip.counts.pagesResumed} |`,
    );
    console.log(
      `| queue (2 workers) | ${queued.seconds.toFixed(1)} | ${Math.round(READ / queued.seconds)} | ${b.length} | ${report.counts.pagesRead} / ${report.counts.pagesResumed} |`,
    );
    console.log(`records identical: ${identical}; the ${spans.size} telegrams over window edges whole: ${whole}`);
    console.log(`Redis after the batch finished: ${left.keys} keys, ${left.bytes} B (${(left.bytes / READ).toFixed(1)} B/page)`);
  }
} finally {
  await cleanup();
}
