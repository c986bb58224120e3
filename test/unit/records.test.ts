import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mapBox, unionBoxes } from '../../src/geometry.ts';
import { writeJsonAtomic } from '../../src/records/atomic-write.ts';
import { buildRecord, recordId } from '../../src/records/build-record.ts';
import { buildReport, countStatuses, pageCounts, summariseTimings } from '../../src/records/report.ts';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import type { PageResult, RecordField, TelegramRecord } from '../../src/types.ts';
import { pageJson } from '../fixtures/pages.ts';

const page = (pageId: string, contentHash: string, file = `${pageId}.png`): PageResult =>
  pageJson(pageId, { contentHash, file, documentKey: 'dir:/x', width: 100, height: 100, timings: { decode: 1, preprocess: 2, ocr: 3 } });

const field = (status: RecordField['status'], value: string | null = 'x', confidence = 0.9): RecordField => ({
  value: status === 'missing' ? null : value,
  text: value ?? '',
  confidence: status === 'missing' ? 0 : confidence,
  status,
  page: status === 'missing' ? null : 'a',
  bbox: status === 'missing' ? null : [1, 2, 3, 4],
  reasons: [],
});

test('recordId is 16 hex digits, stable, and depends on the pages and the index', () => {
  const id = recordId(['aa', 'bb'], 0);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(recordId(['aa', 'bb'], 0), id);
  assert.notEqual(recordId(['aa', 'bb'], 1), id);
  assert.notEqual(recordId(['bb', 'aa'], 0), id);
  assert.notEqual(recordId(['aab', 'b'], 0), id, 'hashes are delimited, not concatenated');
});

test('buildRecord follows the contract and validates against the JSON Schema', () => {
  const pages = new Map([
    ['p1', page('p1', 'h1', 'box/p1.png')],
    ['p2', page('p2', 'h2', 'box/p2.png')],
  ]);
  const record = buildRecord(
    {
      profile: 'soviet-cipher',
      profileScore: 0.91234,
      pages: ['p1', 'p2'],
      index: 0,
      text: 'T',
      fields: { number: field('accepted', '21340'), date: field('missing') },
      review: { needed: ['date'], status: 'pending' },
    },
    pages,
  );
  assert.equal(record.id, recordId(['h1', 'h2'], 0));
  assert.deepEqual(record.source, { files: ['box/p1.png', 'box/p2.png'], pages: ['p1', 'p2'] });
  assert.equal(record.profileScore, 0.912);
  assertValidRecord(record);
});

test('the schema refuses records that break the contract', () => {
  const good: TelegramRecord = {
    schemaVersion: 1,
    id: '0123456789abcdef',
    profile: 'generic',
    profileScore: 0.5,
    source: { files: ['a.png'], pages: ['a'] },
    fields: { number: field('accepted') },
    text: '',
    review: { needed: [], status: 'done' },
  };
  assertValidRecord(good);
  const bad = (patch: (r: any) => void) => {
    const copy = structuredClone(good) as any;
    patch(copy);
    assert.throws(
      () => assertValidRecord(copy),
      (e: any) => e.code === 'CS_ERR_RECORD_INVALID',
    );
  };
  bad((r) => (r.id = 'short'));
  bad((r) => (r.fields.number.status = 'maybe'));
  bad((r) => (r.fields.number.confidence = 1.5));
  bad((r) => (r.fields.number.bbox = [1, 2, 3]));
  bad((r) => (r.fields.number = { ...field('missing'), value: 'not null' }));
  bad((r) => (r.extra = true));
  bad((r) => (r.source.files = []));
});

test('atomic writes leave only the final file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-atomic-'));
  const file = path.join(dir, 'records', 'r.json');
  await writeJsonAtomic(file, { a: 1 });
  await writeJsonAtomic(file, { a: 2 });
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { a: 2 });
  assert.deepEqual(readdirSync(path.dirname(file)), ['r.json']);
});

test('boxes map back through an affine transform and are clipped to the page', () => {
  // Output image at 2x scale, shifted by (10, 20) in the original.
  const m: [number, number, number, number, number, number] = [0.5, 0, 10, 0, 0.5, 20];
  assert.deepEqual(mapBox([0, 0, 100, 50], m, 1000, 1000), [10, 20, 60, 45]);
  assert.deepEqual(mapBox([0, 0, 4000, 4000], m, 1000, 1000), [10, 20, 1000, 1000]);
  assert.deepEqual(
    unionBoxes([
      [5, 6, 7, 8],
      [1, 9, 3, 10],
    ]),
    [1, 6, 7, 10],
  );
  assert.equal(unionBoxes([]), null);
});

test('the report counts field statuses, failures and stage timings', () => {
  const rec = (id: string, fields: Record<string, RecordField>): TelegramRecord => ({
    schemaVersion: 1,
    id,
    profile: 'generic',
    profileScore: 0.5,
    source: { files: ['a.png'], pages: ['a'] },
    fields,
    text: '',
    review: { needed: [], status: 'done' },
  });
  const r1 = rec('1111111111111111', { number: field('accepted'), date: field('needs_review', 'x', 0.4) });
  const r2 = rec('2222222222222222', { number: field('missing'), date: field('accepted') });
  const { total, byField } = countStatuses([r1, r2]);
  assert.deepEqual(total, { accepted: 2, needs_review: 1, missing: 1 });
  assert.deepEqual(byField.number, { accepted: 1, needs_review: 0, missing: 1 });

  const t = summariseTimings([{ ocr: 100 }, { ocr: 300 }, { ocr: 200, decode: 5 }]);
  assert.equal(t.ocr.medianMs, 200);
  assert.equal(t.ocr.totalMs, 600);
  assert.equal(t.decode.count, 1);

  const report = buildReport({
    batch: 'b',
    inputs: ['x'],
    startedAt: new Date(0),
    finishedAt: new Date(2000),
    interrupted: false,
    settings: {},
    pageTotal: 3,
    pages: [
      { page: page('a', 'h'), outcome: 'read' },
      { page: page('b', 'h2'), outcome: 'resumed' },
    ],
    failures: [{ file: 'bad.png', pageId: 'bad', code: 'CS_ERR_INPUT_CORRUPT', message: 'bad.png: truncated', stage: 'read' }],
    skipped: [{ file: 'notes.txt', reason: 'not an image or PDF' }],
    documents: [],
    records: [r1, r2] as TelegramRecord[],
    buildTimings: [{ segment: 4 }],
    lowCoverageThreshold: 0.5,
  });
  assert.equal(report.counts.pagesRead, 1);
  assert.equal(report.counts.pagesResumed, 1);
  assert.equal(report.counts.pagesFailed, 1);
  assert.equal(report.counts.pages, 3);
  assert.equal(report.counts.filesSkipped, 1);
  assert.equal(report.durationMs, 2000);
  assert.equal(report.timings.ocr.count, 1, 'resumed pages do not count in stage timings');
  assert.equal(report.timings.segment.count, 1);
  assert.equal(report.lowestConfidenceRecords[0].recordId, r1.id, 'lowest mean confidence first');
});

test('page counts add up: files that failed before becoming pages count once, as failed pages; an interruption leaves pages not reached', () => {
  const read = (id: string) => ({ page: page(id, `h-${id}`), outcome: 'read' as const });
  // 1 page read; 3 files refused at ingest (empty, not an image, too large), one of them twice.
  const ingest = (id: string) => ({ file: `${id}.png`, pageId: id, code: 'CS_ERR_INPUT_CORRUPT', message: `${id}.png: bad`, stage: 'ingest' });
  const counts = pageCounts({ pageTotal: 1, pages: [read('good')], failures: [ingest('x'), ingest('y'), ingest('z'), { ...ingest('z'), stage: 'read' }] });
  assert.deepEqual(counts, { pages: 4, pagesRead: 1, pagesResumed: 0, pagesFailed: 3, pagesNotReached: 0 });
  // 5 pages to read, 2 read, 1 failed reading, the rest not reached; a document-level failure has no page.
  const interrupted = pageCounts({
    pageTotal: 5,
    pages: [read('a'), read('b')],
    failures: [
      { file: 'c.png', pageId: 'c', code: 'CS_ERR_OCR_FAILED', message: 'c.png: timed out', stage: 'read' },
      { file: 'a.png', code: 'CS_ERR_INTERNAL', message: 'records for a', stage: 'emit' },
    ],
  });
  assert.deepEqual(interrupted, { pages: 5, pagesRead: 2, pagesResumed: 0, pagesFailed: 1, pagesNotReached: 2 });
});
