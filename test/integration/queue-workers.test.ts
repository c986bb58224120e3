// Two worker processes share a 20-page batch on the real Redis: every page is
// read and every document built, each record comes out once, the outputs are
// those of the in-process run, and enqueueing the same batch again adds no work.
// BullMQ delivers a job at least once (a worker starved of CPU past its lock
// duration has its job started again elsewhere), so the tests assert what comes
// out, never how many times a job ran.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, test } from 'node:test';
import {
  listFiles,
  logLines,
  readRecords,
  sharedRedisSuite,
  runCli,
  SHARED_REDIS_URL,
  snapshotQueues,
  startWorkerProcess,
  writeTelegramPages,
  type WorkerProcess,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip, prefix, env } = suite;
let dir = '';
let workers: WorkerProcess[] = [];

before(async () => {
  if (skip) return;
  dir = await suite.tempDir('queue-workers');
  // 20 pages in 4 folders: 4 documents (a folder's single-page scans are one document).
  await writeTelegramPages(path.join(dir, 'in'), 20, 4);
});

test('a 20-page batch over two worker processes: every page read, every document built, each record once, same outputs as the in-process run', {
  skip,
  timeout: 450_000,
}, async () => {
  workers = suite.track(startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix }), startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix }));
  await Promise.all(workers.map((w) => w.started));
  const out = path.join(dir, 'out-queue');
  const run = await runCli(
    ['run', path.join(dir, 'in'), '--out', out, '--redis', SHARED_REDIS_URL, '--no-local-worker', '--batch', 'twenty', '--log-level', 'warn'],
    env,
  );
  assert.equal(run.code, 0, run.stderr);

  const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
  assert.equal(snap.pages.length, 20);
  assert.equal(snap.pageCounts.completed, 20);
  // A completed document (window) job leaves Redis at once; its result file under the output folder stays.
  assert.equal(snap.documents.length, 0);
  const windows = await Promise.all(
    (await listFiles(path.join(out, 'windows'))).map(async (f) => JSON.parse(await readFile(path.join(out, 'windows', f), 'utf8'))),
  );
  assert.equal(windows.length, 4);

  // Both processes worked, and between them read all 20 pages and built the 4 documents.
  const reads = workers.map((w) => logLines(w.log(), 'page read').map((l) => String(l.page)));
  assert.ok(
    reads.every((r) => r.length > 0),
    `pages per worker: ${reads.map((r) => r.length).join(', ')}`,
  );
  assert.deepEqual([...new Set(reads.flat())].sort(), snap.pages.map((j) => String(j.data.source.pageId)).sort());
  const builds = workers.flatMap((w) => logLines(w.log(), 'records built').map((l) => String(l.doc)));
  assert.equal(new Set(builds).size, 4, `documents built: ${builds.join(', ')}`);

  // Each record file belongs to exactly one document's result.
  const recordIds = windows.flatMap((w) => (w.built as { recordIds: string[] }).recordIds);
  assert.equal(new Set(recordIds).size, recordIds.length);
  const files = (await listFiles(path.join(out, 'records'))).map((f) => f.replace(/\.json$/, ''));
  assert.deepEqual(files, [...recordIds].sort());
  assert.equal((await listFiles(path.join(out, 'pages'))).filter((f) => f.endsWith('.json')).length, 20);

  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.batch, 'twenty');
  assert.equal(report.counts.pages, 20);
  assert.equal(report.counts.pagesRead, 20);
  assert.equal(report.counts.records, recordIds.length);
  assert.deepEqual(report.failures, []);

  // The in-process run on the same scans writes the same records and page texts.
  const embeddedOut = path.join(dir, 'out-embedded');
  const embedded = await runCli(['run', path.join(dir, 'in'), '--out', embeddedOut, '-j', '2', '--log-level', 'warn']);
  assert.equal(embedded.code, 0, embedded.stderr);
  const byId = (records: Awaited<ReturnType<typeof readRecords>>) => [...records].sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(byId(await readRecords(out)), byId(await readRecords(embeddedOut)));
  for (const name of (await listFiles(path.join(out, 'pages'))).filter((f) => f.endsWith('.txt'))) {
    assert.equal(await readFile(path.join(out, 'pages', name), 'utf8'), await readFile(path.join(embeddedOut, 'pages', name), 'utf8'), name);
  }
  const embeddedReport = JSON.parse(await readFile(path.join(embeddedOut, 'report.json'), 'utf8'));
  assert.deepEqual(report.counts, embeddedReport.counts);
  assert.deepEqual(report.fields, embeddedReport.fields);
});

test('enqueueing the same batch again adds no work', { skip, timeout: 180_000 }, async () => {
  const before = await snapshotQueues(SHARED_REDIS_URL, prefix);
  assert.equal(before.pageCounts.completed, 20, 'the first test left a finished batch');
  const readsBefore = workers.map((w) => logLines(w.log(), 'page read').length);

  const again = await runCli(
    ['enqueue', path.join(dir, 'in'), '--out', path.join(dir, 'out-queue'), '--batch', 'twenty', '--redis', SHARED_REDIS_URL, '--json'],
    env,
  );
  assert.equal(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout);
  assert.equal(summary.batch, 'twenty');
  assert.equal(summary.pages, 20);
  assert.equal(summary.documentsAdded, 0);
  assert.equal(summary.pagesAdded, 0);
  assert.equal(summary.documentsExisting, 4);

  // Nothing was queued: every job of the batch is the one the first run finished, and none waits.
  const now = await snapshotQueues(SHARED_REDIS_URL, prefix);
  assert.deepEqual(now.pages.map((j) => [j.id, j.finishedOn]).sort(), before.pages.map((j) => [j.id, j.finishedOn]).sort());
  assert.deepEqual(now.documents.map((j) => [j.id, j.finishedOn]).sort(), before.documents.map((j) => [j.id, j.finishedOn]).sort());
  for (const counts of [now.pageCounts, now.documentCounts]) {
    assert.deepEqual([counts.wait, counts.active, counts.delayed, counts.prioritized, counts['waiting-children']], [0, 0, 0, 0, 0]);
  }
  assert.deepEqual(
    workers.map((w) => logLines(w.log(), 'page read').length),
    readsBefore,
  );
});
