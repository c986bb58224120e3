// A small batch through real Redis and a real `cablescan worker` process (real
// OCR on three small rendered telegram pages, one of them a truncated PNG):
// afterwards `cablescan serve`'s /metrics has non-zero counters and histograms
// recorded by the worker through Redis, the worker's own --metrics-port
// endpoint answers, `cablescan status --json` has the right counts and exits 1
// (the batch has a failure), and the worker's log lines for a page (its reading,
// its job's end, a failure) carry the batch, document, page and stage ids.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import {
  freePort,
  sharedRedisSuite,
  runCli,
  SHARED_REDIS_URL,
  startWorkerProcess,
  waitFor,
  writeTelegramPages,
  writeTruncatedPng,
  type WorkerProcess,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip, prefix, env } = suite;
let dir = '';
let workers: WorkerProcess[] = [];

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('a batch run by a real worker shows up in /metrics, the worker endpoint, status --json and the logs', { skip, timeout: 540_000 }, async () => {
  dir = await suite.tempDir('monitoring-batch');
  const scans = path.join(dir, 'scans');
  await writeTelegramPages(scans, 2, 1, 0); // scans/box1/0001.png, 0002.png
  await writeTruncatedPng(path.join(scans, 'box1', '0003.png'));
  const out = path.join(dir, 'out');
  const enqueued = await runCli(['enqueue', scans, '--out', out, '--batch', 'mon-batch', '--redis', SHARED_REDIS_URL], env);
  assert.equal(enqueued.code, 0, enqueued.stderr);

  const metricsPort = await freePort();
  workers = suite.track(startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix, args: ['--metrics-port', String(metricsPort)] }));
  await workers[0].started;

  const config = loadConfig({ env: {}, flags: { redisUrl: SHARED_REDIS_URL, queuePrefix: prefix } });
  const app = await buildServer({ config, logger: silentLogger() });
  try {
    // The document is built once its pages settle; its metrics land just after.
    const text = await waitFor(
      'the document to be counted in /metrics',
      async () => {
        const body = (await app.inject({ url: '/metrics' })).body;
        return metricValue(body, 'cablescan_documents_processed_total') === 1 ? body : undefined;
      },
      150_000,
      500,
    );
    assert.equal(metricValue(text, 'cablescan_pages_processed_total{outcome="read"}'), 2);
    assert.equal(metricValue(text, 'cablescan_pages_failed_total{code="CS_ERR_INPUT_CORRUPT"}'), 1);
    for (const stage of ['decode', 'preprocess', 'ocr', 'page_job', 'segment', 'confidence', 'emit', 'document_job']) {
      assert.equal(
        metricValue(text, `cablescan_stage_duration_seconds_count{stage="${stage}"}`),
        stage === 'decode' || stage === 'preprocess' || stage === 'ocr' || stage === 'page_job' ? 2 : 1,
        stage,
      );
    }
    assert.ok(metricValue(text, 'cablescan_stage_duration_seconds_sum{stage="ocr"}')! > 0);
    assert.ok(metricValue(text, 'cablescan_ocr_word_confidence_count')! > 20, 'every word of two telegrams');
    assert.ok(metricValue(text, 'cablescan_ocr_word_confidence_bucket{le="+Inf"}')! === metricValue(text, 'cablescan_ocr_word_confidence_count'));
    assert.equal(metricValue(text, 'cablescan_ocr_page_confidence_count'), 2);
    const records = text.split('\n').filter((l) => l.startsWith('cablescan_records_emitted_total{'));
    assert.equal(
      records.reduce((n, l) => n + Number(l.split(' ')[1]), 0),
      2,
      'one record per telegram page',
    );
    // Every field of the two records is counted once, by its status.
    const fields = text.split('\n').filter((l) => l.startsWith('cablescan_fields_total{'));
    assert.ok(
      fields.some((l) => l.includes('status="accepted"')),
      fields.join('\n'),
    );
    const perField = new Map<string, number>();
    for (const l of fields) {
      const field = /field="([^"]+)"/.exec(l)![1];
      perField.set(field, (perField.get(field) ?? 0) + Number(l.split(' ')[1]));
    }
    assert.ok(perField.size >= 4, fields.join('\n'));
    // One status per field per record (a field optional in a profile may be absent from one of the two).
    for (const [field, n] of perField) assert.ok(n === 1 || n === 2, `${field}: ${n}`);
    assert.ok((metricValue(text, 'cablescan_field_confidence_count{field="body"}') ?? 0) >= 1);
    assert.equal(metricValue(text, 'cablescan_queue_jobs{queue="pages",state="completed"}'), 2);
    assert.equal(metricValue(text, 'cablescan_queue_jobs{queue="pages",state="failed"}'), 1);
    assert.equal(metricValue(text, 'cablescan_workers{queue="pages"}'), 1);
  } finally {
    await app.close();
  }

  // The worker's own endpoint: its process and its jobs.
  const own = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(own, /^process_resident_memory_bytes\{worker="[^"]+:\d+"\} \d+/m);
  assert.match(own, /^cablescan_worker_jobs_total\{kind="page",result="completed",worker="[^"]+"\} 2$/m);
  assert.match(own, /^cablescan_worker_active_jobs\{kind="page",worker="[^"]+"\} 0$/m);

  const status = await runCli(['status', '--json', '--batch', 'mon-batch', '--redis', SHARED_REDIS_URL], env);
  assert.equal(status.code, 1, `a batch with a failure exits 1: ${status.stderr}`);
  const report = JSON.parse(status.stdout);
  assert.equal(report.batches.length, 1);
  const batch = report.batches[0];
  assert.deepEqual(batch.pages, { total: 3, done: 2, failed: 1, active: 0, delayed: 0, waiting: 0 });
  assert.deepEqual(batch.documents, { total: 1, done: 1, failed: 0 });
  assert.equal(batch.finished, true);
  assert.equal(batch.pagesPerMinute.m15 > 0, true);
  assert.equal(batch.failures.total, 1);
  assert.equal(batch.failures.top[0].code, 'CS_ERR_INPUT_CORRUPT');
  assert.match(batch.failures.top[0].files[0], /0003\.png$/);
  assert.deepEqual(report.queues.find((q: { name: string }) => q.name === 'pages').counts.failed, 1);
  assert.ok(
    report.workers.some((w: { queue: string; name: string }) => w.queue === 'pages' && /:\d+$/.test(w.name)),
    'the live worker is listed',
  );

  const human = await runCli(['status', '--redis', SHARED_REDIS_URL], env);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /batch mon-batch/);
  assert.match(human.stdout, /2\/3 done \(66\.7%\), 1 failed/);
  assert.match(human.stdout, /1 {2}CS_ERR_INPUT_CORRUPT \[read\]/);

  // One grep for a page finds its story, each line naming batch, document, page and stage.
  const lines = workers[0]
    .log()
    .split('\n')
    .filter((l) => l.includes('box1__0001'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const read = lines.find((l) => l.msg === 'page read');
  assert.ok(read, `a "page read" line for box1__0001 in: ${lines.map((l) => l.msg).join(' | ')}`);
  assert.equal(read.batch, 'mon-batch');
  assert.equal(read.page, 'box1__0001');
  assert.equal(read.stage, 'ocr');
  assert.ok(typeof read.doc === 'string' && read.doc.length > 0);
  // The worker's own job lines too: the page's "page done" and the corrupt page's failure.
  const done = lines.find((l) => l.msg === 'page done');
  assert.ok(done, 'a "page done" line for box1__0001');
  assert.deepEqual([done.batch, done.doc, done.page, done.stage], ['mon-batch', read.doc, 'box1__0001', 'read']);
  const failed = workers[0]
    .log()
    .split('\n')
    .filter((l) => l.includes('"final":true'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(failed.length, 1);
  assert.deepEqual([failed[0].batch, failed[0].page, failed[0].stage], ['mon-batch', 'box1__0003', 'read']);
});
