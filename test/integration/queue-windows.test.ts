// A flat folder of 2,000 scans planned in windows of 500 (issue 18): a telegram over each
// window's edge (two pages over the first and third, three over the second) is one record,
// and the queue (real Redis, its own prefix, removed afterwards; two sandboxed workers) gives
// the records the in-process run gives. The pages were read before (their page JSON is in the
// output folder: typed telegrams, no OCR), so what runs is planning, queueing and grouping.
import assert from 'node:assert/strict';
import { cp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { runInProcess } from '../../src/drivers/in-process.ts';
import { runViaQueue } from '../../src/drivers/queue.ts';
import { silentLogger } from '../../src/logger.ts';
import { planBatch } from '../../src/pipeline/index.ts';
import { loadBatchCounts } from '../../queues/batch-store.ts';
import { bullPrefix } from '../../queues/names.ts';
import { Redis } from 'ioredis';
import { ReviewStore } from '../../src/store/index.ts';
import { telegramTexts, writeReadPages, writeTinyScans } from '../fixtures/windowed-folder.ts';
import { readRecords, sharedRedisSuite, SHARED_REDIS_URL } from './queue-harness.ts';

const suite = await sharedRedisSuite();
const PAGES = 2000;
const WINDOW = 500;
// First page of each telegram over an edge -> its pages: 499-500, 998-1000, 1499-1500 (page numbers from 1).
const SPANS = new Map([
  [498, 2],
  [997, 3],
  [1498, 2],
]);

test('2,000 pages in windows of 500: a telegram over each edge is one record, the queue and the in-process run give the same records', {
  skip: suite.skip,
  timeout: 900_000,
}, async () => {
  const dir = await suite.tempDir('queue-windows');
  const scans = path.join(dir, 'box');
  await writeTinyScans(scans, PAGES);
  const config = loadConfig({ env: {}, flags: { redisUrl: SHARED_REDIS_URL, queuePrefix: suite.prefix, windowPages: WINDOW, engine: 'none', concurrency: 2 } });
  const logger = silentLogger();
  const plan = await planBatch({ inputs: [scans], outDir: path.join(dir, 'seed'), cwd: dir }, config, logger);
  assert.equal(plan.sequences.length, 1, 'a flat folder is one sequence');
  const sources = plan.sequences[0]!.pages;
  const texts = telegramTexts(PAGES, SPANS);
  assert.equal(texts.length, PAGES);
  await writeReadPages(path.join(dir, 'seed'), sources, texts);
  await cp(path.join(dir, 'seed'), path.join(dir, 'out-inprocess'), { recursive: true });
  await cp(path.join(dir, 'seed'), path.join(dir, 'out-queue'), { recursive: true });

  const inProcess = await runInProcess({ inputs: [scans], outDir: path.join(dir, 'out-inprocess'), cwd: dir, batch: 'windows' }, config, logger);
  assert.equal(inProcess.exitCode, 0, JSON.stringify(inProcess.report.failures));
  assert.equal(inProcess.report.counts.pagesResumed, PAGES);

  const queued = await runViaQueue({ inputs: [scans], outDir: path.join(dir, 'out-queue'), cwd: dir, batch: 'windows', localConcurrency: 2 }, config, logger);
  assert.equal(queued.exitCode, 0, JSON.stringify(queued.report.failures));
  assert.deepEqual(queued.report.counts, inProcess.report.counts);
  assert.deepEqual(queued.report.grouping, inProcess.report.grouping);

  // Four windows, each its own flow, built in order from what the one before carried.
  const windows = (await readdir(path.join(dir, 'out-queue', 'windows'))).filter((f) => f.endsWith('.json'));
  assert.equal(windows.length, PAGES / WINDOW);

  const byId = (records: Awaited<ReturnType<typeof readRecords>>) => [...records].sort((a, b) => a.id.localeCompare(b.id));
  const queueRecords = byId(await readRecords(path.join(dir, 'out-queue')));
  const inProcessRecords = byId(await readRecords(path.join(dir, 'out-inprocess')));
  assert.equal(queueRecords.length, PAGES - 1 - 2 - 1, 'one record per telegram');
  assert.deepEqual(queueRecords, inProcessRecords);

  // Each telegram over an edge is whole: one record with all its pages.
  const pageIds = sources.map((s) => s.pageId);
  for (const [first, length] of SPANS) {
    const pages = pageIds.slice(first, first + length);
    const holding = queueRecords.filter((r) => r.source.pages.some((p) => pages.includes(p)));
    assert.equal(holding.length, 1, `pages ${pages.join(', ')} are in one record`);
    assert.deepEqual(holding[0]!.source.pages, pages);
    assert.equal(holding[0]!.grouping?.status, 'certain');
  }

  // The batch's counters say it is done, counted once per window.
  const redis = new Redis(SHARED_REDIS_URL);
  try {
    const counts = await loadBatchCounts(redis, bullPrefix(suite.prefix), 'windows');
    assert.deepEqual([counts.pagesDone, counts.pagesFailed, counts.documentsDone], [PAGES, 0, PAGES / WINDOW]);
  } finally {
    redis.disconnect();
  }
  const report = JSON.parse(await readFile(path.join(dir, 'out-queue', 'report.json'), 'utf8'));
  assert.equal(report.documents.length, PAGES / WINDOW, 'the report lists what each window built');
  // The review store knows the sequence whole (regrouping works across window edges).
  for (const out of ['out-queue', 'out-inprocess']) {
    const store = await ReviewStore.open(path.join(dir, out, 'cablescan.db'));
    try {
      assert.deepEqual(
        (await store.sequence(sources[0]!.documentKey))?.pages.map((p) => p.pageId),
        pageIds,
        out,
      );
    } finally {
      await store.close();
    }
  }
});
