import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mapBox, unionBoxes } from '../../src/geometry.ts';
import { writeJsonAtomic } from '../../src/records/atomic-write.ts';
import { buildRecord, recordId } from '../../src/records/build-record.ts';
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
