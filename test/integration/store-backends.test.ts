// The review store's behaviour, one suite run against both backends: SQLite (the embedded
// default) and PostgreSQL (several machines; 127.0.0.1:5432, each test its own schema).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CablescanError } from '../../src/errors.ts';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { importOutputFolder, LATEST_VERSION, migrate, parseFieldValue, PG_LATEST_VERSION, ReviewStore } from '../../src/store/index.ts';
import type { TelegramRecord } from '../../src/types.ts';
import { field, record } from '../fixtures/records.ts';
import { BACKENDS, pgQuery, type Backend } from '../fixtures/store-backends.ts';
import { page } from '../fixtures/stores.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const P1 = page('p1', 'a'.repeat(64));
const P2 = page('p2', 'b'.repeat(64));
const R1 = '00000000000000a1';
const R2 = '00000000000000a2';

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

/** A test against a fresh store of `backend`, cleaned up whatever happens. */
const withStore = (backend: Backend, fn: (store: ReviewStore, opened: Awaited<ReturnType<Backend['open']>>) => Promise<void>) => async (): Promise<void> => {
  const opened = await backend.open();
  try {
    await fn(opened.store, opened);
  } finally {
    await opened.cleanup();
  }
};

for (const backend of BACKENDS) {
  describe(`review store on ${backend.name}`, () => {
    test(
      'saving the same records twice changes nothing; page paths are resolved against the run cwd',
      withStore(backend, async (store) => {
        const sink = store.recordSink({ batch: 'box12', cwd: '/archive/run' });
        await sink.saveRecords([record('r1', 'p1')], [P1]);
        const first = await store.queue();
        await sink.saveRecords([record('r1', 'p1')], [P1]);
        const second = await store.queue();
        assert.deepEqual(second, first);
        assert.equal(first.total, 3, 'number, date and signature need a person');
        const stored = (await store.getRecord('r1'))!;
        assert.equal(stored.pages[0].path, path.resolve('/archive/run', 'scans/p1.png'));
        assert.deepEqual(stored.batches, ['box12']);
        assert.equal(stored.state.version, 1, 'the same record saved again is not a new version');
        assert.ok(first.items.every((f) => f.version === 1));
      }),
    );

    test(
      'the queue lists needs_review and missing fields, lowest confidence first, filtered by batch, field and profile',
      withStore(backend, async (store) => {
        await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
        await store.saveRecords([record('r2', 'p2', { number: field('777', 'needs_review', 0.3, 'p2', [1, 1, 50, 20]) }, 'us-state')], [P2], {
          batch: 'b',
          cwd: '/',
        });
        const all = await store.queue();
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
          (await store.queue({ batch: 'b' })).items.map((f) => f.recordId),
          ['r2', 'r2', 'r2'],
        );
        assert.deepEqual(
          (await store.queue({ field: 'number' })).items.map((f) => f.value),
          ['777', '21340'],
        );
        assert.equal((await store.queue({ profile: 'us-state' })).total, 3);
        const first = all.items[0].id;
        assert.ok(!(await store.queue({}, { exclude: [first] })).items.some((f) => f.id === first));
        assert.deepEqual((await store.facets()).profiles, ['soviet-cipher', 'us-state']);
        assert.deepEqual((await store.facets()).batches.map((b) => [b.name, b.records]).sort(), [
          ['a', 1],
          ['b', 1],
        ]);
      }),
    );

    test(
      'confirm, correct and absent are applied, audited, and leave the queue; a stale version is a conflict',
      withStore(backend, async (store) => {
        await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
        const byName = new Map((await store.queue()).items.map((f) => [f.name, f]));
        const number = byName.get('number')!;
        const date = byName.get('date')!;
        const signature = byName.get('signature')!;

        const confirmed = await store.review(number.id, { action: 'confirm', version: 1, reviewer: 'anna' });
        assert.ok(confirmed.ok);
        assert.equal(confirmed.field.status, 'confirmed');
        assert.equal(confirmed.field.value, '21340');
        assert.equal(confirmed.field.version, 2);

        const corrected = await store.review(date.id, { action: 'correct', value: ' 1951-07-01 ', version: 1, reviewer: 'ben' });
        assert.ok(corrected.ok);
        assert.equal(corrected.field.status, 'corrected');
        assert.equal(corrected.field.value, '1951-07-01');
        assert.equal(corrected.field.machineValue, '1951-06-30');

        // Ben saw version 1 of the number too; Anna wrote first.
        const late = await store.review(number.id, { action: 'correct', value: '21341', version: 1, reviewer: 'ben' });
        assert.equal(late.ok, false);
        assert.ok(!late.ok && late.reason === 'conflict' && late.field.version === 2 && late.field.reviewedBy === 'anna' && late.field.value === '21340');

        const absent = await store.review(signature.id, { action: 'absent', version: 1, reviewer: 'anna' });
        assert.ok(absent.ok && absent.field.status === 'absent' && absent.field.value === null);

        assert.equal((await store.queue()).total, 0);
        const trail = await store.actions();
        assert.deepEqual(
          trail.map((a) => [a.reviewer, a.field, a.action, a.oldValue, a.newValue, a.oldStatus, a.newStatus, a.version]),
          [
            ['anna', 'signature', 'absent', null, null, 'missing', 'absent', 1],
            ['ben', 'date', 'correct', '1951-06-30', '1951-07-01', 'needs_review', 'corrected', 1],
            ['anna', 'number', 'confirm', '21340', '21340', 'needs_review', 'confirmed', 1],
          ],
        );
        assert.ok(trail.every((a) => !Number.isNaN(Date.parse(a.at))));

        const progress = await store.progress();
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
        const [chain] = await store.verifyAudit();
        assert.equal(chain!.entries, 3);
        assert.equal(chain!.broken, null);
        assert.equal(chain!.head, await store.auditHead('review_actions'));
      }),
    );

    test(
      'reviewers writing the same field at once: one wins, the others get a conflict, the trail has one entry',
      withStore(backend, async (store) => {
        await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
        const number = (await store.queue({ field: 'number' })).items[0]!;
        const outcomes = await Promise.all(
          ['anna', 'ben', 'cleo', 'dan'].map((reviewer, i) =>
            store.review(number.id, { action: 'correct', value: String(21341 + i), version: number.version, reviewer }),
          ),
        );
        assert.equal(outcomes.filter((o) => o.ok).length, 1);
        assert.ok(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.reason === 'conflict'));
        assert.equal((await store.actions({ fieldId: number.id })).length, 1);
        assert.equal((await store.getField(number.id))!.version, number.version + 1);
      }),
    );

    test(
      'invalid corrections are refused with the expected form, and nothing is written',
      withStore(backend, async (store) => {
        await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
        const byName = new Map((await store.queue()).items.map((f) => [f.name, f]));
        const bad = await store.review(byName.get('date')!.id, { action: 'correct', value: '30 June 1951', version: 1, reviewer: 'anna' });
        assert.ok(!bad.ok && bad.reason === 'invalid' && /YYYY-MM-DD/.test(bad.message));
        const nothing = await store.review(byName.get('signature')!.id, { action: 'confirm', version: 1, reviewer: 'anna' });
        assert.ok(!nothing.ok && nothing.reason === 'invalid' && /no value to confirm/.test(nothing.message));
        assert.ok(!(await store.review(999, { action: 'absent', version: 1, reviewer: 'anna' })).ok);
        assert.equal((await store.actions()).length, 0);
        assert.equal((await store.getField(byName.get('date')!.id))!.version, 1);
      }),
    );

    test(
      'a re-run that reads a field differently bumps its version; review decisions survive re-runs',
      withStore(backend, async (store) => {
        const sink = store.recordSink({ batch: 'a', cwd: '/' });
        await sink.saveRecords([record('r1', 'p1')], [P1]);
        const byName = new Map((await store.queue()).items.map((f) => [f.name, f]));
        assert.ok((await store.review(byName.get('date')!.id, { action: 'correct', value: '1951-07-01', version: 1, reviewer: 'anna' })).ok);

        // The re-run reads the number differently and no longer finds the date at all.
        await sink.saveRecords([record('r1', 'p1', { number: field('21840', 'needs_review', 0.5, 'p1', [520, 40, 700, 80]), date: undefined })], [P1]);
        const number = (await store.getField(byName.get('number')!.id))!;
        assert.equal(number.version, 2);
        assert.equal(number.value, '21840');
        const stale = await store.review(number.id, { action: 'confirm', version: 1, reviewer: 'ben' });
        assert.ok(!stale.ok && stale.reason === 'conflict');

        const date = (await store.getField(byName.get('date')!.id))!;
        assert.equal(date.status, 'corrected');
        assert.equal(date.value, '1951-07-01');
        assert.equal(date.inRecord, false);
        const final = (await store.getRecord('r1'))!.record;
        assert.equal(final.fields.date.value, '1951-07-01', 'the person decided: the export keeps it');
      }),
    );

    test(
      'saves of one document from several workers at once leave one record, its fields once, the decisions kept',
      withStore(backend, async (store, opened) => {
        // A retried job beside the one it replaced, and a third: the same records saved concurrently, through other connections.
        await store.saveRecords([record(R1, 'p1'), record(R2, 'p2')], [P1, P2], { batch: 'a', cwd: '/' }, { sequence: true });
        const date = (await store.queue({ field: 'date' })).items.find((f) => f.recordId === R1)!;
        assert.ok((await store.review(date.id, { action: 'correct', value: '1951-07-01', version: date.version, reviewer: 'anna' })).ok);
        const others = await Promise.all([ReviewStore.open(opened.location), ReviewStore.open(opened.location)]);
        try {
          const reread = record(R2, 'p2', { number: field('99999', 'needs_review', 0.4, 'p2', [520, 40, 700, 80]) });
          await Promise.all(
            [store, ...others, store, ...others].map((s) => s.saveRecords([record(R1, 'p1'), reread], [P1, P2], { batch: 'a', cwd: '/' }, { sequence: true })),
          );
        } finally {
          await Promise.all(others.map((s) => s.close()));
        }
        assert.deepEqual(await store.recordIds(), [R1, R2]);
        const r1 = (await store.getRecord(R1))!;
        assert.equal(r1.fields.length, new Set(r1.fields.map((f) => f.name)).size);
        assert.equal(r1.record.fields.date.value, '1951-07-01');
        assert.equal(r1.record.fields.date.status, 'corrected');
        const r2 = (await store.getRecord(R2))!;
        assert.equal(r2.record.fields.number.value, '99999');
        assert.equal(r2.state.version, 2, 'changed once, however many saves carried the change');
        assert.equal((await store.sequence('dir:scans'))!.pages.length, 2);
      }),
    );

    test(
      'a save built with boundary decisions the store no longer holds is refused (CS_ERR_STORE_CHANGED), nothing written',
      withStore(backend, async (store) => {
        await store.saveRecords([record(R1, 'p1')], [P1], { batch: 'a', cwd: '/' }, { sequence: true });
        const stale = [
          {
            page: 'p1',
            contentHash: P1.contentHash,
            previousPage: 'p0',
            previousContentHash: 'e'.repeat(64),
            decision: 'start' as const,
            action: 'split' as const,
            reviewer: 'anna',
            at: 'x',
          },
        ];
        await assert.rejects(
          store.saveRecords([record(R2, 'p1')], [P1], { batch: 'a', cwd: '/' }, { sequence: true, builtWith: stale }),
          (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_STORE_CHANGED' && err.retryable,
        );
        assert.deepEqual(await store.recordIds(), [R1]);
        await store.saveRecords([record(R2, 'p1')], [P1], { batch: 'a', cwd: '/' }, { sequence: true, builtWith: [] });
        assert.deepEqual(await store.recordIds(), [R1, R2]);
      }),
    );

    test(
      'final records apply reviews, stay schema-valid, and --reviewed-only keeps the finished ones',
      withStore(backend, async (store) => {
        const sink = store.recordSink({ batch: 'a', cwd: '/' });
        await sink.saveRecords([record(R1, 'p1'), record(R2, 'p2')], [P1, { ...P2, documentKey: 'dir:scans' }]);
        for (const f of (await store.queue()).items.filter((x) => x.recordId === R1)) {
          const action = f.name === 'signature' ? 'absent' : 'confirm';
          assert.ok((await store.review(f.id, { action, version: f.version, reviewer: 'anna' })).ok);
        }
        const records: TelegramRecord[] = await collect(store.finalRecords());
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
          (await collect(store.finalRecords({ reviewedOnly: true }))).map((r) => r.id),
          [R1],
        );
        assert.deepEqual(await collect(store.finalRecords({ batch: 'nope' })), []);
      }),
    );

    test(
      'an output folder written without the store can be imported, idempotently',
      withStore(backend, async (store, opened) => {
        const out = path.join(opened.dir, 'out');
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
        const before = await store.queue();
        await importOutputFolder(store, out, { batch: 'old-run', cwd: '/scans-root' });
        assert.deepEqual(await store.queue(), before);
        assert.equal((await store.getRecord(good.id))!.pages[0].path, path.resolve('/scans-root', 'scans/p1.png'));
      }),
    );
  });
}

// ---------- what each backend does its own way: migrations, the append-only trail ----------

describe('review store on sqlite: migrations and the append-only trail', () => {
  test(
    'a new store is migrated to the latest version; reopening applies nothing; a newer database is refused',
    withStore(BACKENDS[0]!, async (store, opened) => {
      await store.close();
      const db = new Database(opened.location);
      assert.equal(db.pragma('user_version', { simple: true }), LATEST_VERSION);
      assert.deepEqual(migrate(db, opened.location), []);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', 'x');
      db.close();
      await assert.rejects(
        ReviewStore.open(opened.location),
        (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_STORE' && /newer than this cablescan knows/.test(err.message),
      );
    }),
  );

  test(
    'the audit trail is append-only',
    withStore(BACKENDS[0]!, async (store, opened) => {
      await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
      const f = (await store.queue()).items[0];
      assert.ok((await store.review(f.id, { action: 'absent', version: f.version, reviewer: 'anna' })).ok);
      const db = new Database(opened.location);
      try {
        assert.throws(() => db.prepare("UPDATE review_actions SET reviewer = 'mallory'").run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM review_actions').run(), /append-only/);
      } finally {
        db.close();
      }
      assert.equal((await store.actions())[0].reviewer, 'anna');
    }),
  );
});

describe('review store on postgres: migrations and the append-only trail', () => {
  const schemaOf = (location: string) => new URL(location).searchParams.get('schema')!;

  test(
    'a new store is migrated to the latest version; opening it again (several at once) applies nothing; a newer database is refused',
    withStore(BACKENDS[1]!, async (store, opened) => {
      const schema = schemaOf(opened.location);
      const again = await Promise.all([ReviewStore.open(opened.location), ReviewStore.open(opened.location), ReviewStore.open(opened.location)]);
      await Promise.all(again.map((s) => s.close()));
      const versions = await pgQuery<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version', [], schema);
      assert.deepEqual(
        versions.map((v) => v.version),
        [PG_LATEST_VERSION],
      );
      await pgQuery("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 'x')", [PG_LATEST_VERSION + 1], schema);
      await assert.rejects(
        ReviewStore.open(opened.location),
        (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_STORE' && /newer than this cablescan knows/.test(err.message),
      );
      assert.equal(store.kind, 'postgres');
    }),
  );

  test(
    'the audit trail is append-only',
    withStore(BACKENDS[1]!, async (store, opened) => {
      await store.saveRecords([record('r1', 'p1')], [P1], { batch: 'a', cwd: '/' });
      const f = (await store.queue()).items[0];
      assert.ok((await store.review(f.id, { action: 'absent', version: f.version, reviewer: 'anna' })).ok);
      const schema = schemaOf(opened.location);
      await assert.rejects(pgQuery("UPDATE review_actions SET reviewer = 'mallory'", [], schema), /append-only/);
      await assert.rejects(pgQuery('DELETE FROM review_actions', [], schema), /append-only/);
      assert.equal((await store.actions())[0].reviewer, 'anna');
    }),
  );

  test('a server that does not answer is CS_ERR_STORE_UNAVAILABLE, with the password left out of the message', async () => {
    await assert.rejects(
      ReviewStore.open('postgres://cablescan:s3cret@127.0.0.1:1/test'),
      (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_STORE_UNAVAILABLE' && err.retryable && !err.message.includes('s3cret'),
    );
  });
});
