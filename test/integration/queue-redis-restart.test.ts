// Redis restarted in the middle of a batch: workers and the waiting `run`
// reconnect, and the batch completes. Uses its own redis-server (AOF on, in a
// temporary folder, on a free port), never the shared one.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  listFiles,
  logLines,
  randomPrefix,
  redisServerBinary,
  snapshotQueues,
  startRunProcess,
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

test('Redis restarted mid-batch: workers reconnect and the batch completes', { skip, timeout: 450_000 }, async () => {
  redis = await startOwnRedis(binary!);
  dir = await tempDir('queue-redis-restart');
  await writeTelegramPages(path.join(dir, 'in'), 12, 3);
  workers = [startWorkerProcess({ redisUrl: redis.url, prefix }), startWorkerProcess({ redisUrl: redis.url, prefix })];
  await Promise.all(workers.map((w) => w.started));

  const out = path.join(dir, 'out');
  const run = startRunProcess({ inDir: path.join(dir, 'in'), outDir: out, redisUrl: redis.url, prefix });

  await waitFor('a few pages to be done', async () => ((await snapshotQueues(redis!.url, prefix)).pageCounts.completed ?? 0) >= 3, 300_000, 100);
  const doneBeforeRestart = (await snapshotQueues(redis.url, prefix)).pageCounts.completed ?? 0;
  await redis.restart(2000);

  assert.equal(await run.exit, 0, run.stderr());
  const snap = await snapshotQueues(redis.url, prefix);
  assert.equal(snap.pageCounts.completed, 12);
  // Completed document (window) jobs leave Redis; each wrote its result file under the output folder.
  assert.equal(snap.documentCounts.completed, 0);
  assert.equal((await listFiles(path.join(out, 'windows'))).length, 3);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.counts.pages, 12);
  assert.deepEqual(report.failures, []);
  assert.equal((await listFiles(path.join(out, 'pages'))).filter((f) => f.endsWith('.json')).length, 12);
  // The restart really fell in the middle of the batch, and the workers lived through it.
  assert.ok(doneBeforeRestart < 12, `only ${doneBeforeRestart} of 12 pages were done when Redis went down`);
  for (const w of workers) assert.equal(w.child.exitCode, null, 'worker still running');
  assert.ok(
    workers.some((w) => logLines(w.log(), 'worker error').length > 0),
    'a worker noticed the lost connection',
  );
});
