// Pure parts of `cablescan status`: pages/min windows, ETA, failure grouping,
// and the terminal rendering of a status report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topFailureReasons } from '../../src/monitoring/failures.ts';
import { formatStatus } from '../../src/monitoring/format.ts';
import type { StatusReport } from '../../src/monitoring/status.ts';
import { etaSeconds, formatDuration, pagesPerMinute, pagesPerMinuteFromBuckets } from '../../src/monitoring/throughput.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const ago = (seconds: number) => NOW - seconds * 1000;

test('pages/min counts finishes inside each window ending now', () => {
  // 2 in the last minute, 10 in the last 5, 30 in the last 15; one older; one from a clock ahead of ours.
  const times = [
    ago(10),
    ago(50),
    ...Array.from({ length: 8 }, (_, i) => ago(90 + i * 20)),
    ...Array.from({ length: 20 }, (_, i) => ago(400 + i * 20)),
    ago(3600),
    NOW + 5000,
  ];
  assert.deepEqual(pagesPerMinute(times, NOW), { m1: 2, m5: 2, m15: 2 });
  assert.deepEqual(pagesPerMinute([], NOW), { m1: 0, m5: 0, m15: 0 });
  assert.deepEqual(pagesPerMinute([ago(30), ago(200), ago(800)], NOW), { m1: 1, m5: 0.4, m15: 0.2 });
});

test('pages/min from counts per minute (kept as pages finish): the minute under way whole, the oldest in part', () => {
  const minute = Math.floor(NOW / 60_000);
  const at = (m: number, count: number): [number, number] => [minute - m, count];
  // NOW is on a minute's edge: the minute under way has just begun, the one before counts whole in m1.
  const buckets = new Map([at(0, 3), at(1, 6), at(3, 10), at(10, 30), at(20, 99), at(-1, 7)]);
  assert.deepEqual(pagesPerMinuteFromBuckets(buckets, NOW), { m1: 9, m5: 3.8, m15: 3.27 });
  // Half a minute later, half of the oldest minute of each window is still inside it.
  assert.deepEqual(pagesPerMinuteFromBuckets(new Map([at(0, 4), at(1, 6)]), NOW + 30_000), { m1: 7, m5: 2, m15: 0.67 });
  assert.deepEqual(pagesPerMinuteFromBuckets(new Map(), NOW), { m1: 0, m5: 0, m15: 0 });
});

test('ETA uses the 5-minute pace, falls back to 15 then 1 minute, and is unknown without any pace', () => {
  assert.equal(etaSeconds(100, { m1: 50, m5: 10, m15: 2 }), 600);
  assert.equal(etaSeconds(100, { m1: 0, m5: 0, m15: 4 }), 1500);
  assert.equal(etaSeconds(100, { m1: 0, m5: 0, m15: 0 }), null);
  assert.equal(etaSeconds(0, { m1: 0, m5: 0, m15: 0 }), 0);
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(724), '12m 04s');
  assert.equal(formatDuration(3 * 3600 + 5 * 60 + 10), '3h 05m');
});

test('failures group by code, most frequent first, with a sample message and a few distinct example files', () => {
  const groups = topFailureReasons(
    [
      { code: 'CS_ERR_INPUT_CORRUPT', message: 'a.png: cannot be decoded', file: 'a.png', stage: 'read' },
      { code: 'CS_ERR_INPUT_NOT_FOUND', message: 'x.png: not found', file: 'x.png', stage: 'read' },
      { code: 'CS_ERR_INPUT_CORRUPT', message: 'b.png: cannot be decoded', file: 'b.png', stage: 'read' },
      { code: 'CS_ERR_INPUT_CORRUPT', message: 'b.png: cannot be decoded', file: 'b.png', stage: 'read' },
      { code: 'CS_ERR_INPUT_CORRUPT', message: 'c.tif: bad', file: 'c.tif', stage: 'ingest' },
      { code: 'CS_ERR_INPUT_CORRUPT', message: 'd.tif: bad', file: 'd.tif', stage: 'ingest' },
      { code: 'CS_ERR_AAA', message: 'tie', stage: 'emit' },
    ],
    2,
  );
  assert.deepEqual(groups, [
    { code: 'CS_ERR_INPUT_CORRUPT', count: 5, stages: ['read', 'ingest'], message: 'a.png: cannot be decoded', files: ['a.png', 'b.png', 'c.tif'] },
    { code: 'CS_ERR_AAA', count: 1, stages: ['emit'], message: 'tie', files: [] },
  ]);
});

test('the terminal view shows queues, workers, progress, pace, ETA and failure reasons', () => {
  const report: StatusReport = {
    generatedAt: '2026-11-27T12:00:00.000Z',
    prefix: '{cablescan}',
    queues: [
      { name: 'pages', counts: { waiting: 40, active: 2, delayed: 1, completed: 55, failed: 2 } },
      { name: 'documents', counts: { waiting: 0, active: 0, delayed: 0, completed: 3, failed: 0 } },
    ],
    workers: [
      { queue: 'pages', name: 'scan1:4242', ageSeconds: 125 },
      { queue: 'documents', name: 'scan1:4242', ageSeconds: 125 },
    ],
    batches: [
      {
        batch: 'box12',
        createdAt: '2026-11-27T11:00:00.000Z',
        outDir: '/data/out',
        inputs: ['/data/box12'],
        pages: { total: 100, done: 55, failed: 2, active: 2, delayed: 1, waiting: 40 },
        documents: { total: 10, done: 3, failed: 0 },
        pagesPerMinute: { m1: 4, m5: 3.5, m15: 3.2 },
        etaSeconds: 737,
        finished: false,
        failures: {
          total: 2,
          top: [
            {
              code: 'CS_ERR_INPUT_CORRUPT',
              count: 2,
              stages: ['read'],
              message: 'box12/0042.tif: cannot be decoded',
              files: ['box12/0042.tif', 'box12/0043.tif'],
            },
          ],
        },
      },
    ],
    hasFailures: true,
  };
  const text = formatStatus(report);
  assert.match(text, /^pages\s+40\s+2\s+1\s+55\s+2$/m);
  assert.match(text, /workers: 1 live\n {2}scan1:4242 {2}queues pages, documents {2}up 2m 05s/);
  assert.match(text, /55\/100 done \(55\.0%\), 2 failed, 2 active, 1 retrying, 40 waiting/);
  assert.match(text, /4 \/ 3\.5 \/ 3\.2 pages\/min/);
  assert.match(text, /eta {7}12m 17s/);
  assert.match(text, /2 {2}CS_ERR_INPUT_CORRUPT \[read\] {2}box12\/0042\.tif: cannot be decoded\n\s+e\.g\. box12\/0042\.tif, box12\/0043\.tif/);
  assert.match(formatStatus({ ...report, workers: [], batches: [] }), /workers: none connected[\s\S]*no batches/);
});
