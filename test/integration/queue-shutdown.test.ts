// Graceful shutdown: on SIGTERM a worker stops taking jobs and finishes the page it
// is reading; when the grace period is over (or at once with --grace 0) it hands
// the page back to the queue instead of leaving it locked until the lock expires.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Job } from 'bullmq';
import {
  logLines,
  sharedRedisSuite,
  runCli,
  SHARED_REDIS_URL,
  snapshotQueues,
  startWorkerProcess,
  waitFor,
  writeTelegramPages,
  type WorkerProcess,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip } = suite;

async function batchWithWorkerReading(grace: number): Promise<{ prefix: string; worker: WorkerProcess; reading: Job }> {
  const prefix = suite.newPrefix();
  const dir = await suite.tempDir('queue-shutdown');
  await writeTelegramPages(path.join(dir, 'in'), 6, 1);
  // Long locks: a page that was not handed back would stay "active" for a minute.
  const worker = startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix, shortLocks: false, args: ['--grace', String(grace)] });
  suite.track(worker);
  await worker.started;
  const enqueued = await runCli(['enqueue', path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--redis', SHARED_REDIS_URL], {
    CABLESCAN_QUEUE_PREFIX: prefix,
  });
  assert.equal(enqueued.code, 0, enqueued.stderr);
  const reading = await waitFor(
    'the worker to be reading a page',
    async () => {
      const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
      return snap.pages.find((j) => j.processedOn !== undefined && j.finishedOn === undefined);
    },
    240_000,
    50,
  );
  return { prefix, worker, reading };
}

test('SIGTERM: the worker finishes the page it is reading, takes no other, and exits 0', { skip, timeout: 270_000 }, async () => {
  const { prefix, worker, reading } = await batchWithWorkerReading(60);
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0);
  const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
  const job = snap.pages.find((j) => j.id === reading.id)!;
  assert.equal(job.finishedOn !== undefined && job.failedReason === undefined, true, 'the page in progress was finished');
  assert.equal(snap.pageCounts.active, 0);
  assert.ok((snap.pageCounts.wait ?? 0) + (snap.pageCounts.prioritized ?? 0) >= 1, 'the other pages wait for another worker');
  assert.equal(logLines(worker.log(), 'worker stopped').length, 1);
});

test('SIGTERM with --grace 0: the page being read is handed back to the queue at once', { skip, timeout: 270_000 }, async () => {
  const { prefix, worker, reading } = await batchWithWorkerReading(0);
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0);
  const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
  const job = snap.pages.find((j) => j.id === reading.id)!;
  assert.equal(job.finishedOn, undefined, 'not finished');
  assert.equal(snap.pageCounts.active, 0, 'no page left locked by the stopped worker');
  assert.equal(job.attemptsMade, 0, 'handing back is not a failed attempt');
  assert.equal(logLines(worker.log(), 'handed back to the queue').length, 1);

  // Another worker reads it.
  const next = startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix });
  suite.track(next);
  await waitFor(
    'the handed-back page to be read by another worker',
    async () => {
      const s = await snapshotQueues(SHARED_REDIS_URL, prefix);
      const j = s.pages.find((x) => x.id === reading.id)!;
      return j.finishedOn !== undefined && (j.processedBy ?? '').endsWith(`:${next.pid}`);
    },
    240_000,
    200,
  );
});
