// kill -9 of a worker process in the middle of a batch: its job's lock expires,
// another worker takes the job over, and the batch completes with every page
// read and one record per telegram. The killed worker's sandboxed OCR child
// does not outlive it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  childPids,
  isAlive,
  listFiles,
  readRecords,
  sharedRedisSuite,
  SHARED_REDIS_URL,
  snapshotQueues,
  startRunProcess,
  startWorkerProcess,
  waitFor,
  writeTelegramPages,
  type WorkerProcess,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip, prefix } = suite;
let dir = '';
let workers: WorkerProcess[] = [];

test('kill -9 of a worker mid-batch: the batch completes, no page lost, one record per telegram', { skip, timeout: 450_000 }, async () => {
  dir = await suite.tempDir('queue-crash');
  await writeTelegramPages(path.join(dir, 'in'), 20, 4);
  const [victim, survivor] = (workers = suite.track(
    startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix }),
    startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix }),
  ));
  await Promise.all(workers.map((w) => w.started));

  const out = path.join(dir, 'out');
  const run = startRunProcess({ inDir: path.join(dir, 'in'), outDir: out, redisUrl: SHARED_REDIS_URL, prefix });

  // Wait until the victim is in the middle of a page, after some pages are done.
  const victimName = `:${victim.pid}`;
  const inFlight = await waitFor(
    'the victim to be reading a page',
    async () => {
      const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
      if ((snap.pageCounts.completed ?? 0) < 3) return undefined;
      return snap.pages.find((j) => (j.processedBy ?? '').endsWith(victimName) && j.finishedOn === undefined && j.processedOn !== undefined);
    },
    300_000,
    100,
  );
  const sandboxChildren = await childPids(victim.pid);
  assert.ok(sandboxChildren.length > 0, 'the victim runs its OCR in a sandboxed child process');
  victim.child.kill('SIGKILL');
  await victim.exited;

  const code = await run.exit;
  assert.equal(code, 0, run.stderr());

  // The orphaned OCR child noticed its parent is gone and exited.
  await waitFor("the killed worker's sandboxed children to exit", () => sandboxChildren.every((pid) => !isAlive(pid)), 10_000);

  const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
  assert.equal(snap.pageCounts.completed, 20);
  // Completed document (window) jobs leave Redis; their result files stay under the output folder.
  assert.equal(snap.documentCounts.completed, 0);
  const windows = await Promise.all(
    (await listFiles(path.join(out, 'windows'))).map(async (f) => JSON.parse(await readFile(path.join(out, 'windows', f), 'utf8'))),
  );
  assert.equal(windows.length, 4);
  const retaken = snap.pages.find((j) => j.id === inFlight.id)!;
  // At least twice: BullMQ may start a job again whenever a lock runs out (at-least-once).
  assert.ok((retaken.attemptsStarted ?? 0) >= 2, `the page the victim was reading was started again elsewhere (started ${retaken.attemptsStarted} times)`);
  assert.ok(retaken.processedBy?.endsWith(`:${survivor.pid}`), `taken over by the survivor, not ${retaken.processedBy}`);

  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.counts.pages, 20);
  assert.equal(report.counts.pagesFailed, 0);
  assert.deepEqual(report.failures, []);
  assert.equal((await listFiles(path.join(out, 'pages'))).filter((f) => f.endsWith('.json')).length, 20);

  // One record per telegram: the files are exactly the documents' records, no page
  // is in two records, and every page is in one.
  const recordIds = windows.flatMap((w) => (w.built as { recordIds: string[] }).recordIds);
  assert.equal(new Set(recordIds).size, recordIds.length);
  const records = await readRecords(out);
  assert.deepEqual(records.map((r) => r.id).sort(), [...recordIds].sort());
  const pagesInRecords = records.flatMap((r) => r.source.pages);
  assert.equal(new Set(pagesInRecords).size, pagesInRecords.length, 'no page is in two records');
  assert.equal(pagesInRecords.length, 20, 'every page is in a record');
});
