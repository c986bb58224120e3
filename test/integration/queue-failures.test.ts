// Bad input and transient trouble on the queue: a corrupt scan fails at once
// (UnrecoverableError, no retries) with a readable reason while the rest of the
// batch completes; a scan missing on the worker is retried with backoff and then
// fails; `cablescan retry` re-queues it once it is back, and its document is
// rebuilt with it.
import assert from 'node:assert/strict';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  listFiles,
  readRecords,
  sharedRedisSuite,
  runCli,
  SHARED_REDIS_URL,
  snapshotQueues,
  startWorkerProcess,
  waitFor,
  writeTelegramPages,
  writeTruncatedPng,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip, prefix, env } = suite;
let dir = '';

test('a corrupt scan fails at once with its reason, a missing one after retries; retry brings the missing one back into its document', {
  skip,
  timeout: 450_000,
}, async () => {
  dir = await suite.tempDir('queue-failures');
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  await writeTelegramPages(a, 3, 1, 0); // a/box1/0001..0003
  const corrupt = path.join(a, 'box1', '0004.png');
  await writeTruncatedPng(corrupt);
  const [, missing] = await writeTelegramPages(b, 2, 1, 10); // b/box1/0011, 0012
  const out = path.join(dir, 'out');

  const enqueued = await runCli(['enqueue', a, b, '--out', out, '--batch', 'bad-input', '--redis', SHARED_REDIS_URL, '--json'], env);
  assert.equal(enqueued.code, 0, enqueued.stderr);
  assert.equal(JSON.parse(enqueued.stdout).pagesAdded, 6);
  // The scan disappears after it was enqueued (an unmounted volume, say).
  const hidden = `${missing}.away`;
  await rename(missing, hidden);

  suite.track(startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix }));
  // Both documents finish: the failed pages do not block them.
  const snap = await waitFor(
    'both documents to be built',
    async () => {
      const s = await snapshotQueues(SHARED_REDIS_URL, prefix);
      return s.documentCounts.completed === 2 ? s : undefined;
    },
    400_000,
    250,
  );

  assert.equal(snap.pageCounts.completed, 4);
  assert.equal(snap.pageCounts.failed, 2);
  const corruptJob = snap.pages.find((j) => j.data.source.file === corrupt)!;
  assert.equal(corruptJob.attemptsMade, 1, 'bad input is not retried');
  assert.match(corruptJob.failedReason, /^CS_ERR_INPUT_CORRUPT: .*0004\.png.*cannot be decoded/);
  const missingJob = snap.pages.find((j) => j.data.source.file === missing)!;
  assert.equal(missingJob.attemptsMade, 5, 'a missing file is retried (5 attempts, exponential backoff)');
  assert.match(missingJob.failedReason, /^CS_ERR_INPUT_NOT_FOUND: .*0012\.png: not found/);
  // What each document (window) was built from: its result file under the output folder.
  const docPages = async () =>
    Promise.all(
      (await listFiles(path.join(out, 'windows'))).map(
        async (f) => JSON.parse(await readFile(path.join(out, 'windows', f), 'utf8')).built.pages.length as number,
      ),
    ).then((n) => n.sort());
  assert.deepEqual(await docPages(), [1, 3], 'each document was built from the pages that were read');

  // The operator puts the scan back.
  await rename(hidden, missing);

  // `run` on the same inputs adds no work, waits, and reports the failures with their reasons.
  const run = await runCli(['run', a, b, '--out', out, '--batch', 'bad-input', '--redis', SHARED_REDIS_URL, '--no-local-worker', '--log-level', 'error'], env);
  assert.equal(run.code, 1, 'failures give exit code 1');
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.counts.pages, 6);
  assert.equal(report.counts.pagesFailed, 2);
  assert.deepEqual(report.failures.map((f: { code: string; stage: string }) => `${f.code} ${f.stage}`).sort(), [
    'CS_ERR_INPUT_CORRUPT read',
    'CS_ERR_INPUT_NOT_FOUND read',
  ]);
  assert.ok(report.failures.every((f: { message: string; pageId: string }) => f.message.length > 0 && f.pageId));
  assert.match(run.stdout, /Failures \(2\)/);

  // ... and retries the batch.
  const recordsBefore = (await readRecords(out)).flatMap((r) => r.source.pages);
  assert.ok(!recordsBefore.includes('box1__0012'));
  const retried = await runCli(['retry', '--batch', 'bad-input', '--redis', SHARED_REDIS_URL, '--json'], env);
  assert.equal(retried.code, 0, retried.stderr);
  const summary = JSON.parse(retried.stdout);
  assert.equal(summary.pagesRetried.length, 2);
  assert.equal(summary.documentsRebuilt.length, 2);

  // A rebuilt document whose pages were all read leaves Redis (its file says what it built); the
  // one whose corrupt page failed again stays, for the next retry.
  const final = await waitFor(
    'the retried pages to settle and the documents to be rebuilt',
    async () => {
      const s = await snapshotQueues(SHARED_REDIS_URL, prefix);
      const c = s.documentCounts;
      return c.completed === 1 && c.wait + c.active + c['waiting-children'] + c.delayed === 0 && s.pageCounts.completed === 5 && s.pageCounts.failed === 1
        ? s
        : undefined;
    },
    240_000,
    250,
  );
  assert.deepEqual(await docPages(), [2, 3]);
  const back = final.pages.find((j) => j.data.source.file === missing)!;
  assert.equal(back.returnvalue.outcome, 'read');
  const stillBad = final.pages.find((j) => j.data.source.file === corrupt)!;
  assert.equal(stillBad.attemptsMade, 1, 'the retried corrupt scan failed again at once');
  assert.match(stillBad.failedReason, /^CS_ERR_INPUT_CORRUPT: /);
  const pagesInRecords = (await readRecords(out)).flatMap((r) => r.source.pages);
  assert.ok(pagesInRecords.includes('box1__0012'), 'the rebuilt document has a record with the page that came back');
});
