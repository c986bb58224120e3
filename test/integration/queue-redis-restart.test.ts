// Redis restarted in the middle of a batch: workers and the waiting `run`
// reconnect, and the batch completes. Uses its own redis-server (AOF on, in a
// temporary folder, on a free port), never the shared one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  CLI,
  listFiles,
  logLines,
  randomPrefix,
  redisServerBinary,
  REPO,
  snapshotQueues,
  startOwnRedis,
  startWorkerProcess,
  stopWorkers,
  tempDir,
  waitFor,
  writeTelegramPages,
  type OwnRedis,
  type WorkerProcess,
} from './queue-harness.ts';

const binary = redisServerBinary();
const skip = binary ? false : 'redis-server is not installed: this test needs its own Redis to restart';
if (!binary) console.log('# skipped: redis-server binary not found (apt-get install redis-server)');
const prefix = randomPrefix();
let dir = '';
let redis: OwnRedis | undefined;
let workers: WorkerProcess[] = [];

after(async () => {
  await stopWorkers(workers);
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Redis restarted mid-batch: workers reconnect and the batch completes', { skip, timeout: 150_000 }, async () => {
  redis = await startOwnRedis(binary!);
  dir = await tempDir('queue-redis-restart');
  await writeTelegramPages(path.join(dir, 'in'), 12, 3);
  workers = [startWorkerProcess({ redisUrl: redis.url, prefix }), startWorkerProcess({ redisUrl: redis.url, prefix })];
  await Promise.all(workers.map((w) => w.started));

  const out = path.join(dir, 'out');
  const run = spawn(process.execPath, [CLI, 'run', path.join(dir, 'in'), '--out', out, '--redis', redis.url, '--no-local-worker', '--log-level', 'warn'], {
    cwd: REPO,
    env: { ...process.env, CABLESCAN_QUEUE_PREFIX: prefix, REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let runErr = '';
  run.stderr.on('data', (d: Buffer) => (runErr += d.toString()));
  const runExit = new Promise<number | null>((resolve) => run.on('exit', resolve));

  await waitFor('a few pages to be done', async () => ((await snapshotQueues(redis!.url, prefix)).pageCounts.completed ?? 0) >= 3, 90_000, 100);
  const doneBeforeRestart = (await snapshotQueues(redis.url, prefix)).pageCounts.completed ?? 0;
  await redis.restart(2000);

  assert.equal(await runExit, 0, runErr);
  const snap = await snapshotQueues(redis.url, prefix);
  assert.equal(snap.pageCounts.completed, 12);
  assert.equal(snap.documentCounts.completed, 3);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.counts.pages, 12);
  assert.deepEqual(report.failures, []);
  assert.equal((await listFiles(path.join(out, 'pages'))).filter((f) => f.endsWith('.json')).length, 12);
  // The restart really fell in the middle of the batch, and the workers lived through it.
  assert.ok(doneBeforeRestart < 12, `only ${doneBeforeRestart} of 12 pages were done when Redis went down`);
  for (const w of workers) assert.equal(w.child.exitCode, null, 'worker still running');
  assert.ok(workers.some((w) => logLines(w.log(), 'worker error').length > 0), 'a worker noticed the lost connection');
});
