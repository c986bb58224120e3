// Exports from the review store: the writers (JSON array or folder, JSON Lines,
// CSV) and the `cablescan export` / `review stats|audit` commands on a real store.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { csvCell, csvRow, fieldColumns, writeExport } from '../../src/records/writers/index.ts';
import { openExistingStore, ReviewStore } from '../../src/store/index.ts';
import type { TelegramRecord } from '../../src/types.ts';
import { runCli } from '../e2e/helpers.ts';
import { field, page, record, tempDir } from './store-fixtures.ts';

const R1 = '00000000000000b1';
const R2 = '00000000000000b2';

function reviewedStore(dir: string): ReviewStore {
  const store = ReviewStore.open(path.join(dir, 'out', 'cablescan.db'));
  store.saveRecords([record(R1, 'p1', { body: field('He said "yes", then =SUM(A1)\nsecond line', 'accepted', 0.9, 'p1', [10, 300, 700, 600]) })], [page('p1', 'c'.repeat(64))], {
    batch: 'box12',
    cwd: dir,
  });
  store.saveRecords([record(R2, 'p2')], [page('p2', 'd'.repeat(64))], { batch: 'box13', cwd: dir });
  for (const f of store.queue({ batch: 'box12' }).items) {
    const outcome =
      f.name === 'date'
        ? store.review(f.id, { action: 'correct', value: '1951-07-01', version: f.version, reviewer: 'anna' })
        : f.name === 'signature'
          ? store.review(f.id, { action: 'absent', version: f.version, reviewer: 'ben' })
          : store.review(f.id, { action: 'confirm', version: f.version, reviewer: 'anna' });
    assert.ok(outcome.ok);
  }
  return store;
}

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
  const store = reviewedStore(dir);
  try {
    const records = () => store.finalRecords();

    const json = await writeExport(records, { format: 'json', to: path.join(dir, 'all.json') });
    const array = JSON.parse(readFileSync(json.path, 'utf8')) as TelegramRecord[];
    assert.deepEqual(
      array.map((r) => r.id),
      [R1, R2],
    );
    array.forEach((r) => assertValidRecord(r));
    assert.deepEqual(
      Object.fromEntries(Object.entries(array[0].fields).map(([n, f]) => [n, [f.value, f.status]])),
      {
        docType: ['CIPHERED TELEGRAM', 'accepted'],
        number: ['21340', 'confirmed'],
        date: ['1951-07-01', 'corrected'],
        copies: [2, 'accepted'],
        signature: [null, 'absent'],
        body: ['He said "yes", then =SUM(A1)\nsecond line', 'accepted'],
      },
    );
    assert.deepEqual(array[0].review, { needed: [], status: 'done' });
    assert.deepEqual(array[1].review.needed, ['number', 'date', 'signature']);

    const folder = path.join(dir, 'each') + path.sep;
    const perRecord = await writeExport(records, { format: 'json', to: folder });
    assert.ok(perRecord.folder);
    assert.deepEqual(readdirSync(folder).sort(), [`${R1}.json`, `${R2}.json`]);

    const jsonl = await writeExport(() => store.finalRecords({ reviewedOnly: true }), { format: 'jsonl', to: path.join(dir, 'done.jsonl') });
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
    store.close();
    cleanup();
  }
});

test('cablescan export, review stats and review audit on a store', { timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir('cablescan-export-cli-');
  reviewedStore(dir).close();
  mkdirSync(path.join(dir, 'out', 'records'));
  writeFileSync(path.join(dir, 'out', 'records', 'keep.json'), '{}');
  try {
    const csv = await runCli(['export', 'box12.csv', '--out', 'out', '--batch', 'box12'], { cwd: dir });
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /exported 1 record\(s\) as csv to box12\.csv/);
    assert.ok(readFileSync(path.join(dir, 'box12.csv'), 'utf8').includes(R1));

    const json = await runCli(['export', 'reviewed', '--format', 'jsonl', '--db', 'out/cablescan.db', '--reviewed-only'], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(readFileSync(path.join(dir, 'reviewed'), 'utf8').trim().split('\n').length, 1);

    const intoRecords = await runCli(['export', 'out/records/', '--format', 'json', '--out', 'out'], { cwd: dir });
    assert.equal(intoRecords.code, 2);
    assert.match(intoRecords.stderr, /holds what the pipeline wrote/);
    assert.deepEqual(readdirSync(path.join(dir, 'out', 'records')), ['keep.json']);
    assert.throws(() => openExistingStore({ out: path.join(dir, 'elsewhere') }), /no review store at/);
    assert.ok(!existsSync(path.join(dir, 'elsewhere')), 'a mistyped folder is not created');
    const stats = await runCli(['review', 'stats', '--out', 'out'], { cwd: dir });
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /Records: 2 \(1 done, 1 waiting for review\)/);
    assert.match(stats.stdout, /Review: 3 of 6 doubtful fields reviewed, 3 left/);
    assert.match(stats.stdout, /Reviewers: anna 2 field\(s\), 2 action\(s\); ben 1 field\(s\), 1 action\(s\)/);
    assert.match(stats.stdout, /^date\s+0\s+1\s+0\s+0\s+1\s+0$/m);
    const audit = await runCli(['review', 'audit', '--out', 'out', '--reviewer', 'ben'], { cwd: dir });
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /ben {2}absent +00000000000000b1\.signature {2}∅ -> ∅ {2}\(missing -> absent, v1\)/);
    assert.equal(audit.stdout.trim().split('\n').length, 1);
  } finally {
    cleanup();
  }
});
