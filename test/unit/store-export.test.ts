// Exports from the review store: the writers (JSON array or folder, JSON Lines,
// CSV) on a real store (the commands: test/e2e/cli-store-export.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { csvCell, csvRow, fieldColumns, writeExport } from '../../src/exports/records/index.ts';
import type { TelegramRecord } from '../../src/types.ts';
import { reviewedStore, tempDir } from '../fixtures/stores.ts';

const R1 = '00000000000000b1';
const R2 = '00000000000000b2';

test('CSV cells are quoted per RFC 4180 and guarded against formulas', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a, b'), '"a, b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('@cmd'), "'@cmd");
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(12), '12');
  assert.deepEqual(fieldColumns(['zeta', 'date', 'number', 'alpha']), ['number', 'date', 'alpha', 'zeta']);
});

test('json, jsonl and csv exports carry final values and statuses; folders get one file per record', async () => {
  const { dir, cleanup } = tempDir('cablescan-export-');
  const store = await reviewedStore(dir, [R1, R2]);
  try {
    const collect = async (items: AsyncIterable<TelegramRecord>) => {
      const out: TelegramRecord[] = [];
      for await (const r of items) out.push(r);
      return out;
    };
    const all = await collect(store.finalRecords());
    const records = () => all;

    const json = await writeExport(records, { format: 'json', to: path.join(dir, 'all.json') });
    const array = JSON.parse(readFileSync(json.path, 'utf8')) as TelegramRecord[];
    assert.deepEqual(
      array.map((r) => r.id),
      [R1, R2],
    );
    array.forEach((r) => assertValidRecord(r));
    assert.deepEqual(Object.fromEntries(Object.entries(array[0].fields).map(([n, f]) => [n, [f.value, f.status]])), {
      docType: ['CIPHERED TELEGRAM', 'accepted'],
      number: ['21340', 'confirmed'],
      date: ['1951-07-01', 'corrected'],
      copies: [2, 'accepted'],
      signature: [null, 'absent'],
      body: ['He said "yes", then =SUM(A1)\nsecond line', 'accepted'],
    });
    assert.deepEqual(array[0].review, { needed: [], status: 'done' });
    assert.deepEqual(array[1].review.needed, ['number', 'date', 'signature']);

    const folder = path.join(dir, 'each') + path.sep;
    const perRecord = await writeExport(records, { format: 'json', to: folder });
    assert.ok(perRecord.folder);
    assert.deepEqual(readdirSync(folder).sort(), [`${R1}.json`, `${R2}.json`]);

    const done = await collect(store.finalRecords({ reviewedOnly: true }));
    const jsonl = await writeExport(() => done, { format: 'jsonl', to: path.join(dir, 'done.jsonl') });
    const lines = readFileSync(jsonl.path, 'utf8').trimEnd().split('\n');
    assert.equal(jsonl.records, 1);
    assert.equal((JSON.parse(lines[0]) as TelegramRecord).id, R1);

    mkdirSync(path.join(dir, 'csvdir'));
    const csv = await writeExport(records, { format: 'csv', to: path.join(dir, 'csvdir') });
    assert.equal(csv.path, path.join(dir, 'csvdir', 'records.csv'));
    const text = readFileSync(csv.path, 'utf8');
    assert.ok(text.startsWith('\ufeffid,profile,profileScore,files,pages,reviewStatus,reviewNeeded,docType,docType_status,number,number_status,'));
    const rows = text.slice(1).split('\r\n');
    assert.equal(rows.length, 4, 'header, two rows, final newline');
    assert.ok(rows[1].includes(',1951-07-01,corrected,'));
    assert.ok(rows[1].includes(`"He said ""yes"", then =SUM(A1)\nsecond line",accepted`));
    assert.ok(rows[1].includes(',,absent'));
    assert.equal(rows[1], csvRow(array[0], fieldColumns(Object.keys(array[0].fields).concat(Object.keys(array[1].fields)))));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left');
  } finally {
    await store.close();
    cleanup();
  }
});

test('records streamed from the store (read again for each pass) give the files the same records in memory give', async () => {
  const { dir, cleanup } = tempDir('cablescan-export-stream-');
  const store = await reviewedStore(dir, [R1, R2]);
  try {
    const inMemory: TelegramRecord[] = [];
    for await (const r of store.finalRecords()) inMemory.push(r);
    let passes = 0;
    const streamed = () => {
      passes += 1;
      return store.finalRecords();
    };
    for (const [format, name] of [
      ['json', 'all.json'],
      ['jsonl', 'all.jsonl'],
      ['csv', 'all.csv'],
    ] as const) {
      const fromStore = await writeExport(streamed, { format, to: path.join(dir, 'streamed', name) });
      const fromMemory = await writeExport(() => inMemory, { format, to: path.join(dir, 'memory', name) });
      assert.equal(fromStore.records, 2, format);
      assert.equal(readFileSync(fromStore.path, 'utf8'), readFileSync(fromMemory.path, 'utf8'), format);
    }
    assert.equal(passes, 4, 'json and jsonl read the store once, csv twice (its columns, then its rows)');
  } finally {
    await store.close();
    cleanup();
  }
});
