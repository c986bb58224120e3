// The Redis-aggregated metrics without Redis: observations become hash
// increments, increments from several workers add up, and the sums come out of
// prom-client as valid Prometheus counters and cumulative histograms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketIndex, Observations, parseAggregates } from '../../src/monitoring/aggregate.ts';
import { jobUnit } from '../../src/monitoring/job-log.ts';
import { documentObservations, failureObservations, pageObservations } from '../../src/monitoring/job-metrics.ts';
import { METRICS } from '../../src/monitoring/metric-defs.ts';
import { scrapeRegistry } from '../../src/monitoring/prometheus.ts';
import type { PageResult, TelegramRecord } from '../../src/types.ts';
import { pageJson } from '../fixtures/pages.ts';

/** What HINCRBY/HINCRBYFLOAT of several workers leave in the hash. */
function merged(...all: Observations[]): Record<string, string> {
  const hash = new Map<string, number>();
  for (const obs of all) for (const [field, n] of obs.fields()) hash.set(field, (hash.get(field) ?? 0) + n);
  return Object.fromEntries([...hash].map(([k, v]) => [k, String(v)]));
}

test('bucketIndex puts a value in the first bucket whose bound holds it, else +Inf', () => {
  assert.equal(bucketIndex([1, 2, 5], 0.3), 0);
  assert.equal(bucketIndex([1, 2, 5], 1), 0);
  assert.equal(bucketIndex([1, 2, 5], 1.01), 1);
  assert.equal(bucketIndex([1, 2, 5], 5), 2);
  assert.equal(bucketIndex([1, 2, 5], 7), 3);
});

test('observations from two workers add up into cumulative histogram buckets with sum and count', () => {
  const a = new Observations().observe(METRICS.stageDuration, { stage: 'ocr' }, 0.3).observe(METRICS.stageDuration, { stage: 'ocr' }, 3);
  const b = new Observations().observe(METRICS.stageDuration, { stage: 'ocr' }, 500).observe(METRICS.stageDuration, { stage: 'segment' }, 0.004);
  const metric = parseAggregates(merged(a, b)).find((m) => m.def.name === METRICS.stageDuration.name)!;
  assert.equal(metric.type, 'histogram');
  const ocr = metric.type === 'histogram' ? metric.series.find((s) => s.labels.stage === 'ocr')! : undefined;
  assert.ok(ocr);
  assert.equal(ocr.count, 3);
  assert.ok(Math.abs(ocr.sum - 503.3) < 1e-9);
  const at = (le: string) => ocr.buckets.find((x) => x.le === le)!.count;
  assert.equal(at('0.25'), 0);
  assert.equal(at('0.5'), 1);
  assert.equal(at('5'), 2);
  assert.equal(at('320'), 2);
  assert.equal(at('+Inf'), 3);
  // Buckets never decrease (cumulative), and +Inf equals the count.
  for (let i = 1; i < ocr.buckets.length; i++) assert.ok(ocr.buckets[i].count >= ocr.buckets[i - 1].count);
});

test('counters keep their labels; a label set written by another version is ignored, not misread', () => {
  const a = new Observations().inc(METRICS.pagesFailed, { code: 'CS_ERR_INPUT_CORRUPT' }).inc(METRICS.pagesFailed, { code: 'CS_ERR_INPUT_CORRUPT' });
  const hash = { ...merged(a), 'cablescan_pages_failed_total|["a","b"]|v': '9' };
  const metric = parseAggregates(hash).find((m) => m.def.name === METRICS.pagesFailed.name)!;
  assert.deepEqual(metric.type === 'counter' ? metric.series : null, [{ labels: { code: 'CS_ERR_INPUT_CORRUPT' }, value: 2 }]);
});

test('a counter cannot be observed and a histogram cannot be incremented', () => {
  assert.throws(() => new Observations().observe(METRICS.pagesProcessed, {}, 1), TypeError);
  assert.throws(() => new Observations().inc(METRICS.stageDuration, { stage: 'ocr' }), TypeError);
});

function pageResult(timings: Record<string, number>, confidences: number[]): PageResult {
  const words = confidences.map((c) => ({ text: 'w', confidence: c, bbox: [0, 0, 1, 1] as [number, number, number, number] }));
  return pageJson('p1', { timings, lines: [{ text: 'x', confidence: 90, bbox: [0, 0, 1, 1], paragraph: 0, words }] });
}

test('a page read now records its stage times, word confidences and page confidence; a resumed page only its count', () => {
  const result = {
    pageId: 'p1',
    file: 'a/p1.png',
    contentHash: 'h',
    lang: 'eng',
    outcome: 'read' as const,
    words: 3,
    meanConfidence: 88,
    ocrMs: 1200,
    startedAt: 1000,
    finishedAt: 3500,
  };
  const read = parseAggregates(merged(pageObservations(result, pageResult({ decode: 40, preprocess: 300, ocr: 1200, write: 2 }, [95, 80, 12]))));
  const byName = (n: string) => read.find((m) => m.def.name === n)!;
  const stages = byName(METRICS.stageDuration.name);
  assert.deepEqual(stages.series.map((s) => s.labels.stage).sort(), ['decode', 'ocr', 'page_job', 'preprocess', 'write']);
  const words = byName(METRICS.wordConfidence.name);
  assert.equal(words.type === 'histogram' ? words.series[0].count : 0, 3);
  const pages = byName(METRICS.pagesProcessed.name);
  assert.deepEqual(pages.type === 'counter' ? pages.series : null, [{ labels: { outcome: 'read' }, value: 1 }]);

  const resumed = parseAggregates(merged(pageObservations({ ...result, outcome: 'resumed', ocrMs: 0 }, null)));
  const resumedStages = resumed.find((m) => m.def.name === METRICS.stageDuration.name)!;
  assert.deepEqual(
    resumedStages.series.map((s) => s.labels.stage),
    ['page_job'],
  );
  assert.equal(resumed.find((m) => m.def.name === METRICS.wordConfidence.name)!.series.length, 0);
});

test('a document records its records, field statuses and field confidences (missing fields have no confidence)', () => {
  const record = {
    profile: 'soviet-cipher',
    fields: {
      number: { status: 'accepted', confidence: 0.97 },
      date: { status: 'needs_review', confidence: 0.71 },
      signature: { status: 'missing', confidence: 0 },
    },
  } as unknown as TelegramRecord;
  const obs = documentObservations(
    { documentKey: 'd', pages: ['p1'], telegrams: [], recordIds: ['r1'], timings: { segment: 5, confidence: 2, emit: 3 }, startedAt: 0, finishedAt: 20 },
    [record],
  );
  const all = parseAggregates(merged(obs));
  const fields = all.find((m) => m.def.name === METRICS.fields.name)!;
  assert.deepEqual(fields.series.map((s) => `${s.labels.field}:${s.labels.status}`).sort(), ['date:needs_review', 'number:accepted', 'signature:missing']);
  const conf = all.find((m) => m.def.name === METRICS.fieldConfidence.name)!;
  assert.deepEqual(conf.series.map((s) => s.labels.field).sort(), ['date', 'number']);
});

test('a failed attempt counts as a retry until the last one, which counts as a failure with its code', () => {
  const retry = parseAggregates(merged(failureObservations('page', 'CS_ERR_OCR_FAILED: engine crashed', false)));
  const final = parseAggregates(merged(failureObservations('page', 'CS_ERR_OCR_FAILED: engine crashed', true)));
  assert.equal(retry.find((m) => m.def.name === METRICS.pageRetries.name)!.series.length, 1);
  assert.equal(retry.find((m) => m.def.name === METRICS.pagesFailed.name)!.series.length, 0);
  assert.equal(final.find((m) => m.def.name === METRICS.pagesFailed.name)!.series.length, 1);
  assert.equal(
    parseAggregates(merged(failureObservations('document', 'odd text', true))).find((m) => m.def.name === METRICS.documentsFailed.name)!.series[0].labels.code,
    'CS_ERR_INTERNAL',
  );
});

test('the scrape registry prints Prometheus text: histogram buckets with le, queue gauges, redis_up', async () => {
  const obs = new Observations().observe(METRICS.stageDuration, { stage: 'ocr' }, 2).inc(METRICS.pagesProcessed, { outcome: 'read' }, 4);
  const text = await scrapeRegistry({
    aggregates: parseAggregates(merged(obs)),
    queues: [{ queue: 'pages', counts: { waiting: 7, failed: 1 } }],
    workers: [{ queue: 'pages', count: 2 }],
    redis: 'up',
  }).metrics();
  assert.match(text, /# TYPE cablescan_stage_duration_seconds histogram/);
  assert.match(text, /cablescan_stage_duration_seconds_bucket\{stage="ocr",le="1"\} 0\n/);
  assert.match(text, /cablescan_stage_duration_seconds_bucket\{stage="ocr",le="2"\} 1\n/);
  assert.match(text, /cablescan_stage_duration_seconds_bucket\{stage="ocr",le="\+Inf"\} 1\n/);
  assert.match(text, /cablescan_stage_duration_seconds_count\{stage="ocr"\} 1\n/);
  assert.match(text, /# TYPE cablescan_pages_processed_total counter\ncablescan_pages_processed_total\{outcome="read"\} 4/);
  assert.match(text, /cablescan_queue_jobs\{queue="pages",state="waiting"\} 7/);
  assert.match(text, /cablescan_workers\{queue="pages"\} 2/);
  assert.match(text, /cablescan_redis_up 1/);

  const bare = await scrapeRegistry({ aggregates: null, queues: [], workers: [], redis: 'not_configured' }).metrics();
  assert.doesNotMatch(bare, /cablescan_redis_up/);
  const down = await scrapeRegistry({ aggregates: null, queues: [], workers: [], redis: 'down' }).metrics();
  assert.match(down, /cablescan_redis_up 0/);
});

test('jobUnit names the batch, document, page and stage of a page or document job', () => {
  assert.deepEqual(jobUnit({ data: { batch: 'b1', source: { pageId: 'box1__0001', documentKey: 'box1' } } }), {
    batch: 'b1',
    doc: 'box1',
    page: 'box1__0001',
    stage: 'read',
  });
  assert.deepEqual(jobUnit({ data: { batch: 'b1', documentKey: 'box1', pages: [] } }), { batch: 'b1', doc: 'box1', stage: 'emit' });
  assert.deepEqual(jobUnit(undefined), {});
  assert.deepEqual(jobUnit({ data: 'odd' }), {});
});
