// The audit trail is chained by hash. Reviews are written through the real
// server (HTTP, reviewer tokens); then the SQLite file is changed behind the
// server's back, the way someone with write access to it could (dropping the
// append-only triggers first), and `cablescan review audit --verify` must name
// the first entry that no longer fits.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { hashFile } from '../../src/ingest/hash.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import { entryHash, GENESIS_HASH, MIGRATIONS, migrate, ReviewStore, verifyChain } from '../../src/store/index.ts';
import { runCli } from './helpers.ts';
import { field, record } from '../fixtures/records.ts';
import { page, tempDir, writePageImage } from '../fixtures/stores.ts';

const TOKEN = 'anna-token-0001';
const ANNA = { authorization: `Bearer ${TOKEN}` };
const config = loadConfig({ env: {}, flags: { tokens: { reviewers: [`anna:${TOKEN}`] } } });

let work: { dir: string; cleanup: () => void };

after(() => work?.cleanup());
before(() => {
  work = tempDir('cablescan-audit-chain-');
});

/** A store with two records, three reviews written through the server; returns the file. */
async function reviewedStore(name: string): Promise<string> {
  const dir = path.join(work.dir, name);
  mkdirSync(path.join(dir, 'scans'), { recursive: true });
  await writePageImage(path.join(dir, 'scans', 'p1.png'));
  const file = path.join(dir, 'cablescan.db');
  const store = await ReviewStore.open(file);
  const p1 = page('p1', await hashFile(path.join(dir, 'scans', 'p1.png')));
  await store.saveRecords([record('a1b2c3d4e5f60718', 'p1', { number: field('21340', 'needs_review', 0.5, 'p1', [520, 40, 700, 80]) })], [p1], {
    batch: 'box',
    cwd: dir,
  });
  const app: FastifyInstance = await buildServer({ config, logger: silentLogger(), store });
  try {
    const fields = (await app.inject({ url: '/api/records/a1b2c3d4e5f60718', headers: ANNA })).json().fields as Array<{
      id: number;
      name: string;
      version: number;
    }>;
    const byName = (n: string) => fields.find((f) => f.name === n)!;
    const write = async (id: number, body: object) => {
      const res = await app.inject({ method: 'POST', url: `/api/fields/${id}/review`, headers: ANNA, payload: body });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const number = byName('number');
    const first = await write(number.id, { action: 'correct', value: '21341', version: number.version });
    await write(number.id, { action: 'correct', value: '21340', version: first.field.version });
    await write(byName('date').id, { action: 'confirm', version: byName('date').version });
  } finally {
    await app.close();
    await store.close();
  }
  return file;
}

/** Opens the file as an intruder would: no store, triggers dropped. */
function behindTheServer(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER review_actions_no_update; DROP TRIGGER review_actions_no_delete');
    change(db);
  } finally {
    db.close();
  }
}

const verify = (file: string, ...more: string[]) => runCli(['review', 'audit', '--verify', '--db', file, ...more]);

test('an untouched trail verifies, and its head is the one --verify prints', async () => {
  const file = await reviewedStore('untouched');
  const res = await verify(file);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /audit trail intact/);
  assert.match(res.stdout, /3 field review\(s\), head [0-9a-f]{64}/);
  const head = /3 field review\(s\), head ([0-9a-f]{64})/.exec(res.stdout)![1];
  assert.equal((await verify(file, '--expect-head', head)).code, 0);
  const json = JSON.parse((await verify(file, '--json')).stdout);
  assert.equal(json.intact, true);
  assert.equal(json.chains[0].entries, 3);
});

test('an entry edited behind the server is found: --verify names it and exits 1', async () => {
  const file = await reviewedStore('edited');
  behindTheServer(file, (db) => {
    // Pretend the first correction said 21999.
    db.prepare('UPDATE review_actions SET new_value = \'"21999"\' WHERE id = 1').run();
  });
  const res = await verify(file);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /audit trail broken: review_actions entry 1 \(no\. 1\) does not match its hash: it was changed after it was written/);
});

test('an entry deleted from the middle breaks the next link', async () => {
  const file = await reviewedStore('deleted');
  behindTheServer(file, (db) => db.prepare('DELETE FROM review_actions WHERE id = 2').run());
  const res = await verify(file);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /review_actions entry 3 \(no\. 2\) does not follow the entry before it/);
});

test('a trail rewritten with fresh hashes passes alone, but not against the head noted before', async () => {
  const file = await reviewedStore('rewritten');
  const noted = /head ([0-9a-f]{64})/.exec((await verify(file)).stdout)![1];
  behindTheServer(file, (db) => {
    db.prepare("UPDATE review_actions SET reviewer = 'mallory'").run();
    let prev = GENESIS_HASH;
    for (const row of db.prepare('SELECT * FROM review_actions ORDER BY id').all() as Array<Record<string, unknown>>) {
      const hash = entryHash('review_actions', prev, row);
      db.prepare('UPDATE review_actions SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id);
      prev = hash;
    }
  });
  assert.equal((await verify(file)).code, 0, 'a consistent rewrite is only visible against an outside note');
  const res = await verify(file, '--expect-head', noted);
  assert.equal(res.code, 1);
  assert.match(res.stdout, new RegExp(`does not end at ${noted}`));
});

test('an entry inserted around the store is refused; with the trigger dropped, --verify finds it', async () => {
  const file = await reviewedStore('inserted');
  const db = new Database(file);
  const insert = `INSERT INTO review_actions (field_id, record_id, field, reviewer, action, old_value, new_value, old_status, new_status, version, at)
    SELECT field_id, record_id, field, 'mallory', action, old_value, new_value, old_status, new_status, version, at FROM review_actions WHERE id = 3`;
  assert.throws(() => db.prepare(insert).run(), /chained by hash/);
  db.exec('DROP TRIGGER review_actions_chained');
  db.prepare(insert).run();
  db.close();
  const res = await verify(file);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /review_actions entry 4 \(no\. 4\) has no hash/);
});

test('a store from before the chain gets its existing entries chained when it is opened', async () => {
  const file = path.join(work.dir, 'old.db');
  const db = new Database(file);
  migrate(
    db,
    file,
    MIGRATIONS.filter((m) => m.version <= 3),
  );
  db.prepare("INSERT INTO records (id, profile, profile_score, record_json, created_at, updated_at) VALUES ('r', 'p', 1, '{}', 'x', 'x')").run();
  db.prepare(
    "INSERT INTO fields (id, record_id, name, position, text, confidence, machine_status, reasons) VALUES (1, 'r', 'number', 0, '', 0.5, 'needs_review', '[]')",
  ).run();
  for (const v of ['"1"', '"2"']) {
    db.prepare(`INSERT INTO review_actions (field_id, record_id, field, reviewer, action, old_value, new_value, old_status, new_status, version, at)
      VALUES (1, 'r', 'number', 'anna', 'correct', NULL, ?, 'needs_review', 'corrected', 1, '2026-01-01T00:00:00Z')`).run(v);
  }
  db.close();
  const store = await ReviewStore.open(file);
  try {
    const [fields, grouping] = await store.verifyAudit();
    assert.equal(fields.entries, 2);
    assert.equal(fields.broken, null);
    assert.notEqual(fields.head, GENESIS_HASH);
    assert.deepEqual(grouping, { table: 'grouping_actions', entries: 0, head: GENESIS_HASH, broken: null });
  } finally {
    await store.close();
  }
});

test('the chain logic alone: reordered entries break the link', () => {
  const rows: Array<Record<string, unknown>> = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= 3; id++) {
    const row: Record<string, unknown> = {
      id,
      action: 'split',
      reviewer: 'anna',
      at: `t${id}`,
      sequence_key: 's',
      page_id: 'p',
      before: '[]',
      after: '[]',
      replaced_by: '{}',
      decisions: '[]',
      fields: '{}',
      versions: '{}',
    };
    row.prev_hash = prev;
    row.hash = entryHash('grouping_actions', prev, row);
    prev = row.hash as string;
    rows.push(row);
  }
  assert.equal(verifyChain('grouping_actions', rows).broken, null);
  const swapped = verifyChain('grouping_actions', [rows[0], rows[2], rows[1]]);
  assert.equal(swapped.broken?.reason, 'link');
  assert.equal(swapped.broken?.id, 3);
});
