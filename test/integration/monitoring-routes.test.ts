// The monitoring routes against real Redis (127.0.0.1:6379, a private queue
// prefix removed afterwards), with app.inject(). The batches are real BullMQ
// flows made by the queue's own planner and bookkeeping, processed by in-test
// workers that do no OCR (so the test takes seconds): three pages are "read",
// one fails as corrupt input, and a second batch waits with no worker.
// The job-metrics recorder is attached to those workers as `cablescan worker`
// attaches it, so /metrics shows what they recorded through Redis.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FlowProducer, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { countWindow, saveBatch } from '../../queues/batch-store.ts';
import { planFlows } from '../../queues/flow.ts';
import { bullPrefix, DOCUMENT_QUEUE, PAGE_QUEUE } from '../../queues/names.ts';
import type { BatchMeta, DocumentJobData, DocumentJobResult, PageJobData, PageJobResult } from '../../queues/payloads.ts';
import { batchSettingsFrom, sequencesOf } from '../../src/pipeline/index.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { attachJobMetrics } from '../../src/monitoring/job-metrics.ts';
import { buildServer } from '../../src/server/app.ts';
import type { PageSource } from '../../src/types.ts';
import { randomPrefix, redisAnswers, removePrefix, SHARED_REDIS_URL, waitFor } from './queue-harness.ts';

const available = await redisAnswers();
const skip = available ? false : `Redis does not answer at ${SHARED_REDIS_URL}`;
const queuePrefix = randomPrefix();
const prefix = bullPrefix(queuePrefix);
const OPERATOR = 'operator-token-123';
const OUT = '/tmp/cablescan-monitoring-routes-out';
const READER = { authorization: 'Bearer reader-token-0001' };
const config = loadConfig({
  env: {},
  flags: { redisUrl: SHARED_REDIS_URL, queuePrefix, tokens: { reviewers: [], readers: ['grafana:reader-token-0001'], operator: OPERATOR } },
});
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

let app: FastifyInstance;
let redis: Redis;

function source(documentKey: string, pageId: string): PageSource {
  return {
    pageId,
    file: `scans/${pageId}.png`,
    path: `/nowhere/scans/${pageId}.png`,
    pageIndex: 0,
    pageCount: 1,
    format: 'png',
    contentHash: `hash-${pageId}`.padEnd(64, '0'),
    documentKey,
  };
}

async function enqueue(batch: string, pages: PageSource[], failures: BatchMeta['failures'] = []): Promise<void> {
  const plans = planFlows(sequencesOf(pages), { batch, outDir: OUT, settings: batchSettingsFrom(config, '/tmp') });
  const flows = new FlowProducer({ connection, prefix });
  await flows.addBulk(plans.map((p) => p.flow));
  await flows.close();
  const meta: BatchMeta = {
    batch,
    outDir: OUT,
    inputs: ['scans'],
    createdAt: new Date().toISOString(),
    pipelineVersion: 'test',
    settings: batchSettingsFrom(config, '/tmp'),
    pageTotal: 0,
    documentTotal: 0,
    failures,
    skipped: [],
  };
  await saveBatch(
    redis,
    prefix,
    meta,
    plans.map((p) => ({ documentId: p.documentId, pageCount: p.sources.length })),
  );
}

before(async () => {
  if (skip) return;
  redis = new Redis(SHARED_REDIS_URL);
  await enqueue('done-batch', [source('a', 'a1'), source('a', 'a2'), source('a', 'a3'), source('b', 'b1')]);

  const pages = new Worker<PageJobData, PageJobResult>(
    PAGE_QUEUE,
    async (job: Job<PageJobData, PageJobResult>) => {
      const { pageId, file, contentHash } = job.data.source;
      if (pageId === 'a3') throw new UnrecoverableError(`CS_ERR_INPUT_CORRUPT: ${file}: cannot be decoded (truncated PNG)`);
      const startedAt = Date.now();
      return { pageId, file, contentHash, lang: 'eng', outcome: 'read', words: 40, meanConfidence: 87, ocrMs: 1500, startedAt, finishedAt: startedAt + 1800 };
    },
    { connection, prefix },
  );
  const documents = new Worker<DocumentJobData, DocumentJobResult>(
    DOCUMENT_QUEUE,
    async (job) => {
      // As start-workers does: the window's pages counted in the batch's counters once it is built.
      const failed = Object.keys(await job.getIgnoredChildrenFailures()).length;
      const tally = { pages: job.data.pages.length, failed };
      await countWindow(redis, prefix, job.data.batch, job.id!, tally);
      return {
        documentKey: job.data.documentKey,
        pages: [],
        telegrams: [],
        recordIds: [],
        timings: { segment: 3, confidence: 1 },
        startedAt: 0,
        finishedAt: 5,
        tally,
      };
    },
    { connection, prefix },
  );
  const recorder = attachJobMetrics({ pages, documents }, { redisUrl: SHARED_REDIS_URL, prefix, logger: silentLogger() });
  // Wait for the workers' events, not for Redis: a job is completed in Redis a moment before its
  // worker emits 'completed', and the recorder takes its observations from that event. These
  // listeners come after the recorder's, so when they have heard every job, so has the recorder.
  const heard = { pages: 0, documents: 0 };
  pages.on('completed', () => (heard.pages += 1));
  pages.on('failed', () => (heard.pages += 1));
  documents.on('completed', () => (heard.documents += 1));
  await waitFor('the workers to report all four pages and both documents', () => heard.pages === 4 && heard.documents === 2, 120_000, 100);
  await recorder.close();
  await Promise.all([pages.close(), documents.close()]);

  // A second batch that nobody works on, where ingest refused one file.
  await enqueue(
    'waiting-batch',
    [source('c', 'c1'), source('c', 'c2')],
    [{ file: 'scans/c3.tif', code: 'CS_ERR_INPUT_UNSUPPORTED', message: 'scans/c3.tif: TIFF with JPEG-in-TIFF compression is not supported', stage: 'ingest' }],
  );
  app = await buildServer({ config, logger: silentLogger() });
});

after(async () => {
  await app?.close();
  redis?.disconnect();
  if (available) await removePrefix(SHARED_REDIS_URL, queuePrefix);
});

test('/readyz is ready when Redis answers, and /healthz lists the monitoring feature', { skip }, async () => {
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().redis, 'up');
  assert.ok((await app.inject({ url: '/healthz' })).json().features.includes('monitoring'));
});

test('/metrics shows the counters and histograms the workers recorded, and the queue depths', { skip }, async () => {
  const res = await app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  const text = res.body;
  const value = (series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    assert.ok(line, `no ${series} in /metrics`);
    return Number(line.slice(series.length + 1));
  };
  assert.equal(value('cablescan_pages_processed_total{outcome="read"}'), 3);
  assert.equal(value('cablescan_pages_failed_total{code="CS_ERR_INPUT_CORRUPT"}'), 1);
  assert.equal(value('cablescan_documents_processed_total'), 2);
  assert.equal(value('cablescan_stage_duration_seconds_count{stage="ocr"}'), 3);
  assert.equal(value('cablescan_stage_duration_seconds_sum{stage="ocr"}'), 4.5);
  assert.equal(value('cablescan_stage_duration_seconds_bucket{stage="ocr",le="1"}'), 0);
  assert.equal(value('cablescan_stage_duration_seconds_bucket{stage="ocr",le="2"}'), 3);
  assert.equal(value('cablescan_stage_duration_seconds_count{stage="segment"}'), 2);
  assert.equal(value('cablescan_ocr_page_confidence_count'), 3);
  assert.equal(value('cablescan_queue_jobs{queue="pages",state="completed"}'), 3);
  assert.equal(value('cablescan_queue_jobs{queue="pages",state="failed"}'), 1);
  assert.equal(value('cablescan_queue_jobs{queue="pages",state="waiting"}'), 2);
  assert.equal(value('cablescan_queue_jobs{queue="documents",state="waiting-children"}'), 1);
  assert.equal(value('cablescan_workers{queue="pages"}'), 0);
  assert.equal(value('cablescan_redis_up'), 1);
});

test('GET /api/batches lists both batches with progress; the finished one with its failure', { skip }, async () => {
  const res = await app.inject({ url: '/api/batches', headers: READER });
  assert.equal(res.statusCode, 200);
  const batches = res.json().batches as Array<Record<string, any>>;
  assert.deepEqual(
    batches.map((b) => b.batch),
    ['done-batch', 'waiting-batch'],
  );
  const [done, waiting] = batches;
  assert.deepEqual(done.pages, { total: 4, done: 3, failed: 1, active: 0, delayed: 0, waiting: 0 });
  assert.deepEqual(done.documents, { total: 2, done: 2, failed: 0 });
  assert.equal(done.finished, true);
  assert.equal(done.etaSeconds, 0);
  // Counted per minute as pages finish: the three this minute (or, just after it turned, most of them).
  assert.ok(done.pagesPerMinute.m1 > 2 && done.pagesPerMinute.m1 <= 3, String(done.pagesPerMinute.m1));
  assert.deepEqual(done.failures.top, [
    { code: 'CS_ERR_INPUT_CORRUPT', count: 1, stages: ['read'], message: 'scans/a3.png: cannot be decoded (truncated PNG)', files: ['scans/a3.png'] },
  ]);
  assert.deepEqual(waiting.pages, { total: 2, done: 0, failed: 0, active: 0, delayed: 0, waiting: 2 });
  assert.equal(waiting.finished, false);
  assert.equal(waiting.etaSeconds, null);
  assert.deepEqual(waiting.failures.top, [
    {
      code: 'CS_ERR_INPUT_UNSUPPORTED',
      count: 1,
      stages: ['ingest'],
      message: 'scans/c3.tif: TIFF with JPEG-in-TIFF compression is not supported',
      files: ['scans/c3.tif'],
    },
  ]);
});

test('GET /api/batches/:id gives one batch with every failure; an unknown batch is 404', { skip }, async () => {
  const res = await app.inject({ url: '/api/batches/done-batch', headers: READER });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.batch, 'done-batch');
  assert.equal(body.failures.items.length, 1);
  assert.equal(body.failures.items[0].file, 'scans/a3.png');
  assert.equal(body.failures.items[0].pageId, 'a3');
  assert.match(body.failures.items[0].jobId, /^page-/);
  assert.equal(body.failures.truncated, false);
  const missing = await app.inject({ url: '/api/batches/no-such-batch', headers: READER });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'CS_ERR_NOT_FOUND');
});

test('/queues is a read-only board: it lists the queues and the failed reason, and refuses a retry', { skip }, async () => {
  const html = await app.inject({ url: '/queues', headers: READER });
  assert.equal(html.statusCode, 200);
  assert.match(html.body, /cablescan queues \(read-only\)/);
  const api = await app.inject({ url: '/queues/api/queues?activeQueue=pages&status=failed&page=1&jobsPerPage=10', headers: READER });
  assert.equal(api.statusCode, 200);
  const queues = api.json().queues as Array<{ name: string; readOnlyMode: boolean; jobs: Array<{ failedReason: string }> }>;
  assert.deepEqual(queues.map((q) => q.name).sort(), ['documents', 'pages']);
  const pages = queues.find((q) => q.name === 'pages')!;
  assert.equal(pages.readOnlyMode, true);
  assert.match(pages.jobs[0].failedReason, /^CS_ERR_INPUT_CORRUPT: scans\/a3\.png/);
  const retry = await app.inject({ method: 'PUT', url: '/queues/api/queues/pages/retry/failed', headers: { authorization: `Bearer ${OPERATOR}` } });
  assert.equal(retry.statusCode, 405);
  assert.equal(await redis.zcard(`${prefix}:${PAGE_QUEUE}:failed`), 1);
});

test('the operator board needs the operator token (bearer or sign-in session) and can retry', { skip }, async () => {
  const anonymous = await app.inject({ url: '/operator/queues/api/queues' });
  assert.equal(anonymous.statusCode, 401);
  const browser = await app.inject({ url: '/operator/queues/', headers: { accept: 'text/html' } });
  assert.equal(browser.statusCode, 303);
  assert.equal(browser.headers.location, '/operator/login');
  assert.equal((await app.inject({ url: '/operator/queues/api/queues', headers: { authorization: 'Bearer wrong-token-999' } })).statusCode, 401);

  const wrong = await app.inject({
    method: 'POST',
    url: '/operator/login',
    payload: 'token=nope',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(wrong.statusCode, 401);
  const login = await app.inject({
    method: 'POST',
    url: '/operator/login',
    payload: `token=${OPERATOR}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(login.statusCode, 303);
  const cookie = String(login.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\/;/);
  assert.ok(!cookie.includes(OPERATOR), 'the cookie holds a session id, never the token');
  // A reader's token opens the read-only board only.
  assert.equal((await app.inject({ url: '/operator/queues/api/queues', headers: READER })).statusCode, 403);
  const withCookie = await app.inject({ url: '/operator/queues/api/queues', headers: { cookie: cookie.split(';')[0] } });
  assert.equal(withCookie.statusCode, 200);
  assert.equal((withCookie.json().queues as Array<{ readOnlyMode: boolean }>)[0].readOnlyMode, false);

  const retry = await app.inject({ method: 'PUT', url: '/operator/queues/api/queues/pages/retry/failed', headers: { authorization: `Bearer ${OPERATOR}` } });
  assert.equal(retry.statusCode, 200);
  assert.equal(await redis.zcard(`${prefix}:${PAGE_QUEUE}:failed`), 0);
});
