import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CablescanError } from '../../src/errors.ts';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { importOutputFolder, LATEST_VERSION, migrate, parseFieldValue, ReviewStore } from '../../src/store/index.ts';
import { field, record } from '../fixtures/records.ts';
import { page, tempDir } from '../fixtures/stores.ts';

function openTemp(): { store: ReviewStore; file: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'cablescan.db');
  const store = ReviewStore.open(file);
  return {
    store,
    file,
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
}

const P1 = page('p1', 'a'.repeat(64));
const P2 = page('p2', 'b'.repeat(64));

test('a new store is migrated to the latest version; reopening applies nothing; a newer database is refused', () => {
  const { store, file, cleanup } = openTemp();
  try {
    store.close();
    const db = new Database(file);
    assert.equal(db.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.deepEqual(migrate(db, file), []);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', 'x');
    db.close();
    assert.throws(
      () => ReviewStore.open(file),
      (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_STORE' && /newer than this cablescan knows/.test(err.message),
    );
  } finally {
    cleanup();
  }
});

test('saving the same records twice changes nothing; page paths are resolved against the run cwd', () => {
  const { store, cleanup } = openTemp();
  try {
    const sink = store.recordSink({ batch: 'box12', cwd: '/archive/run' });
    sink.saveRecords([record('r1', 'p1')], [P1]);
    const first = store.queue();
    sink.saveRecords([record('r1', 'p1')], [P1]);
    const second = store.queue();
    assert.deepEqual(second, first);
    assert.equal(first.total, 3, 'number, date and signature need a person');
    const stored = store.getRecord('r1')!;
    assert.equal(stored.pages[0].path, path.resolve('/archive/run', 'scans/p1.png'));
    assert.deepEqual(stored.batches, ['box12']);
    assert.ok(first.items.every((f) => f.version === 1));
  } finally {
    cleanup();
  }
});

test('the queue lists needs_review and missing fields, lowest confidence first, filtered by batch, field and profile', () => {
  const { store, cleanup } = openTemp();
  try {
    store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
    store.saveRecords([record('r2', 'p2', { number: field('777', 'needs_review', 0.3, 'p2', [1, 1, 50, 20]) }, 'us-state')], [P2], { batch: 'b', cwd: '/' });
    const all = store.queue();
    assert.equal(all.total, 6);
    const confidences = all.items.map((f) => f.confidence);
    assert.deepEqual(
      confidences,
      [...confidences].sort((x, y) => x - y),
    );
    assert.deepEqual(
      all.items.slice(0, 3).map((f) => `${f.recordId}.${f.name}`),
      ['r1.signature', 'r2.signature', 'r2.number'],
    );
    assert.ok(all.items.every((f) => f.status === 'needs_review' || f.status === 'missing'));
    assert.deepEqual(
      store.queue({ batch: 'b' }).items.map((f) => f.recordId),
      ['r2', 'r2', 'r2'],
    );
    assert.deepEqual(
      store.queue({ field: 'number' }).items.map((f) => f.value),
      ['777', '21340'],
    );
    assert.equal(store.queue({ profile: 'us-state' }).total, 3);
    const first = all.items[0].id;
    assert.ok(!store.queue({}, { exclude: [first] }).items.some((f) => f.id === first));
    assert.deepEqual(store.facets().profiles, ['soviet-cipher', 'us-state']);
    assert.deepEqual(
      store
        .facets()
        .batches.map((b) => [b.name, b.records])
        .sort(),
      [
        ['a', 1],
        ['b', 1],
      ],
    );
  } finally {
    cleanup();
  }
});

test('confirm, correct and absent are applied, audited, and leave the queue; a stale version is a conflict', () => {
  const { store, cleanup } = openTemp();
  try {
    store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
    const byName = new Map(store.queue().items.map((f) => [f.name, f]));
    const number = byName.get('number')!;
    const date = byName.get('date')!;
    const signature = byName.get('signature')!;

    const confirmed = store.review(number.id, { action: 'confirm', version: 1, reviewer: 'anna' });
    assert.ok(confirmed.ok);
    assert.equal(confirmed.field.status, 'confirmed');
    assert.equal(confirmed.field.value, '21340');
    assert.equal(confirmed.field.version, 2);

    const corrected = store.review(date.id, { action: 'correct', value: ' 1951-07-01 ', version: 1, reviewer: 'ben' });
    assert.ok(corrected.ok);
    assert.equal(corrected.field.status, 'corrected');
    assert.equal(corrected.field.value, '1951-07-01');
    assert.equal(corrected.field.machineValue, '1951-06-30');

    // Ben saw version 1 of the number too; Anna wrote first.
    const late = store.review(number.id, { action: 'correct', value: '21341', version: 1, reviewer: 'ben' });
    assert.equal(late.ok, false);
    assert.ok(!late.ok && late.reason === 'conflict' && late.field.version === 2 && late.field.reviewedBy === 'anna' && late.field.value === '21340');

    const absent = store.review(signature.id, { action: 'absent', version: 1, reviewer: 'anna' });
    assert.ok(absent.ok && absent.field.status === 'absent' && absent.field.value === null);

    assert.equal(store.queue().total, 0);
    const trail = store.actions();
    assert.deepEqual(
      trail.map((a) => [a.reviewer, a.field, a.action, a.oldValue, a.newValue, a.oldStatus, a.newStatus, a.version]),
      [
        ['anna', 'signature', 'absent', null, null, 'missing', 'absent', 1],
        ['ben', 'date', 'correct', '1951-06-30', '1951-07-01', 'needs_review', 'corrected', 1],
        ['anna', 'number', 'confirm', '21340', '21340', 'needs_review', 'confirmed', 1],
      ],
    );
    assert.ok(trail.every((a) => !Number.isNaN(Date.parse(a.at))));

    const progress = store.progress();
    assert.deepEqual(
      { total: progress.total, reviewed: progress.reviewed, reviewers: progress.reviewers },
      {
        total: 3,
        reviewed: 3,
        reviewers: [
          { reviewer: 'anna', fields: 2, actions: 2 },
          { reviewer: 'ben', fields: 1, actions: 1 },
        ],
      },
    );
  } finally {
    cleanup();
  }
});

test('invalid corrections are refused with the expected form, and nothing is written', () => {
  const { store, cleanup } = openTemp();
  try {
    store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
    const byName = new Map(store.queue().items.map((f) => [f.name, f]));
    const bad = store.review(byName.get('date')!.id, { action: 'correct', value: '30 June 1951', version: 1, reviewer: 'anna' });
    assert.ok(!bad.ok && bad.reason === 'invalid' && /YYYY-MM-DD/.test(bad.message));
    const nothing = store.review(byName.get('signature')!.id, { action: 'confirm', version: 1, reviewer: 'anna' });
    assert.ok(!nothing.ok && nothing.reason === 'invalid' && /no value to confirm/.test(nothing.message));
    assert.ok(!store.review(999, { action: 'absent', version: 1, reviewer: 'anna' }).ok);
    assert.equal(store.actions().length, 0);
    assert.equal(store.getField(byName.get('date')!.id)!.version, 1);
  } finally {
    cleanup();
  }
});

test('field values are checked against their normal forms', () => {
  assert.deepEqual(parseFieldValue('time', '9.05'), { ok: true, value: '09:05' });
  assert.equal(parseFieldValue('time', '25:00').ok, false);
  assert.deepEqual(parseFieldValue('copies', '12'), { ok: true, value: 12 });
  assert.equal(parseFieldValue('copies', '0').ok, false);
  assert.deepEqual(parseFieldValue('classification', 'top  secret'), { ok: true, value: 'TOP SECRET' });
  assert.equal(parseFieldValue('number', 'No. 12').ok, false);
  assert.equal(parseFieldValue('date', '1951-02-30').ok, false);
  assert.equal(parseFieldValue('from', '').ok, false);
  assert.equal(parseFieldValue('from', 'a\u0000b').ok, false);
  assert.deepEqual(parseFieldValue('body', 'one\n two'), { ok: true, value: 'one two' });
  assert.equal(parseFieldValue('to', 'x'.repeat(1001)).ok, false);
});

test('a re-run that reads a field differently bumps its version; review decisions survive re-runs', () => {
  const { store, cleanup } = openTemp();
  try {
    const sink = store.recordSink({ batch: 'a', cwd: '/' });
    sink.saveRecords([record('r1', 'p1')], [P1]);
    const byName = new Map(store.queue().items.map((f) => [f.name, f]));
    assert.ok(store.review(byName.get('date')!.id, { action: 'correct', value: '1951-07-01', version: 1, reviewer: 'anna' }).ok);

    // The re-run reads the number differently and no longer finds the date at all.
    sink.saveRecords([record('r1', 'p1', { number: field('21840', 'needs_review', 0.5, 'p1', [520, 40, 700, 80]), date: undefined })], [P1]);
    const number = store.getField(byName.get('number')!.id)!;
    assert.equal(number.version, 2);
    assert.equal(number.value, '21840');
    const stale = store.review(number.id, { action: 'confirm', version: 1, reviewer: 'ben' });
    assert.ok(!stale.ok && stale.reason === 'conflict');

    const date = store.getField(byName.get('date')!.id)!;
    assert.equal(date.status, 'corrected');
    assert.equal(date.value, '1951-07-01');
    assert.equal(date.inRecord, false);
    const final = store.getRecord('r1')!.record;
    assert.equal(final.fields.date.value, '1951-07-01', 'the person decided: the export keeps it');
  } finally {
    cleanup();
  }
});

const R1 = '00000000000000a1';
const R2 = '00000000000000a2';

test('final records apply reviews, stay schema-valid, and --reviewed-only keeps the finished ones', () => {
  const { store, cleanup } = openTemp();
  try {
    const sink = store.recordSink({ batch: 'a', cwd: '/' });
    sink.saveRecords([record(R1, 'p1'), record(R2, 'p2')], [P1, { ...P2, documentKey: 'dir:scans' }]);
    for (const f of store.queue().items.filter((x) => x.recordId === R1)) {
      const action = f.name === 'signature' ? 'absent' : 'confirm';
      assert.ok(store.review(f.id, { action, version: f.version, reviewer: 'anna' }).ok);
    }
    const records = [...store.finalRecords()];
    assert.deepEqual(
      records.map((r) => [r.id, r.review.status]),
      [
        [R1, 'done'],
        [R2, 'pending'],
      ],
    );
    for (const r of records) assertValidRecord(r);
    assert.equal(records[0].fields.signature.status, 'absent');
    assert.equal(records[0].fields.number.status, 'confirmed');
    assert.equal(records[0].fields.docType.status, 'accepted');
    assert.deepEqual(records[1].review.needed, ['number', 'date', 'signature']);
    assert.deepEqual(
      [...store.finalRecords({ reviewedOnly: true })].map((r) => r.id),
      [R1],
    );
    assert.deepEqual([...store.finalRecords({ batch: 'nope' })], []);
  } finally {
    cleanup();
  }
});

test('the audit trail is append-only', () => {
  const { store, file, cleanup } = openTemp();
  try {
    store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
    const f = store.queue().items[0];
    assert.ok(store.review(f.id, { action: 'absent', version: f.version, reviewer: 'anna' }).ok);
    const db = new Database(file);
    try {
      assert.throws(() => db.prepare("UPDATE review_actions SET reviewer = 'mallory'").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM review_actions').run(), /append-only/);
    } finally {
      db.close();
    }
    assert.equal(store.actions()[0].reviewer, 'anna');
  } finally {
    cleanup();
  }
});

test('an output folder written without the store can be imported, idempotently', async () => {
  const { dir, cleanup } = tempDir();
  const store = ReviewStore.open(path.join(dir, 'out', 'cablescan.db'));
  try {
    const out = path.join(dir, 'out');
    mkdirSync(path.join(out, 'records'), { recursive: true });
    mkdirSync(path.join(out, 'pages'));
    const good = record('00000000000000d1', 'p1');
    const orphan = record('00000000000000d2', 'p9');
    writeFileSync(path.join(out, 'records', `${good.id}.json`), JSON.stringify(good));
    writeFileSync(path.join(out, 'records', `${orphan.id}.json`), JSON.stringify(orphan));
    writeFileSync(path.join(out, 'records', 'broken.json'), '{');
    writeFileSync(path.join(out, 'pages', 'p1.json'), JSON.stringify(P1));
    const first = await importOutputFolder(store, out, { batch: 'old-run', cwd: '/scans-root' });
    assert.equal(first.records, 1);
    assert.deepEqual(
      first.skipped.map((s) => s.recordId),
      ['00000000000000d2', 'broken'],
    );
    const before = store.queue();
    await importOutputFolder(store, out, { batch: 'old-run', cwd: '/scans-root' });
    assert.deepEqual(store.queue(), before);
    assert.equal(store.getRecord(good.id)!.pages[0].path, path.resolve('/scans-root', 'scans/p1.png'));
  } finally {
    store.close();
    cleanup();
  }
});
