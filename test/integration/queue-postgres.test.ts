// A reading room without a waiting `run`: `enqueue` into Redis with a PostgreSQL review store,
// two `cablescan worker` processes (one killed with -9 in the middle of the batch) and `serve`,
// as an operator starts them. The workers save each document's records into PostgreSQL as it
// finishes (each folder is one window: its result file says it is done); a reviewer corrects a field through the API; `export` shows the correction;
// `status --write-report` writes report.json. No record is lost or stored twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { dropSchema, freshSchema, pgQuery, TEST_PG_URL } from '../fixtures/store-backends.ts';
import {
  CLI,
  listFiles,
  REPO,
  runCli,
  sharedRedisSuite,
  SHARED_REDIS_URL,
  snapshotQueues,
  startWorkerProcess,
  stopWorkers,
  waitFor,
  writeTelegramPages,
  type WorkerProcess,
} from './queue-harness.ts';

const suite = await sharedRedisSuite();
const { skip, prefix } = suite;
const schema = freshSchema();
const DB = `${TEST_PG_URL}?schema=${schema}`;
const TOKEN = 'anna:anna-token-0001';
let workers: WorkerProcess[] = [];
let server: ReturnType<typeof spawn> | undefined;

after(async () => {
  server?.kill('SIGTERM');
  await stopWorkers(workers);
  await dropSchema(schema);
});

/** `cablescan serve --db DB --port 0`; resolves with its address once it listens. */
function startServe(): Promise<string> {
  server = spawn(process.execPath, [CLI, 'serve', '--db', DB, '--port', '0', '--log-level', 'warn'], {
    cwd: REPO,
    env: { ...process.env, CABLESCAN_QUEUE_PREFIX: prefix, REDIS_URL: '', CABLESCAN_REVIEWER_TOKENS: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /review at (http:\/\/[^/\s]+)\/review/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

test('enqueue + two workers (one killed -9) + serve on Redis and PostgreSQL: every record stored once, a correction reaches the export', {
  skip,
  timeout: 600_000,
}, async () => {
  const dir = await suite.tempDir('queue-postgres');
  await writeTelegramPages(path.join(dir, 'in'), 16, 4);
  const env = { CABLESCAN_QUEUE_PREFIX: prefix, CABLESCAN_DB: DB };
  const [victim] = (workers = suite.track(
    startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix, env }),
    startWorkerProcess({ redisUrl: SHARED_REDIS_URL, prefix, env }),
  ));
  await Promise.all(workers.map((w) => w.started));

  const out = path.join(dir, 'out');
  const enqueued = await runCli(['enqueue', path.join(dir, 'in'), '--out', out, '--batch', 'box', '--db', DB, '--redis', SHARED_REDIS_URL], {
    CABLESCAN_QUEUE_PREFIX: prefix,
  });
  assert.equal(enqueued.code, 0, enqueued.stderr);
  assert.equal(enqueued.stdout.trim(), 'box');

  // The victim dies while reading a page, after some documents were saved. (A completed document
  // job, a window of its folder, leaves Redis at once: its result file under OUT/windows says it is done.)
  const victimName = `:${victim!.pid}`;
  const windowsDone = async () => (await listFiles(path.join(out, 'windows')).catch(() => [])).filter((f) => f.endsWith('.json'));
  await waitFor(
    'the victim to be reading a page after a document was saved',
    async () => {
      const snap = await snapshotQueues(SHARED_REDIS_URL, prefix);
      if ((await windowsDone()).length < 1) return undefined;
      return snap.pages.find((j) => (j.processedBy ?? '').endsWith(victimName) && j.finishedOn === undefined && j.processedOn !== undefined);
    },
    300_000,
    100,
  );
  victim!.child.kill('SIGKILL');
  await victim!.exited;

  let last = '';
  const results = await waitFor(
    'every document to be done',
    async () => {
      const s = await snapshotQueues(SHARED_REDIS_URL, prefix);
      // A document that failed will not complete: say why at once instead of waiting out the time.
      const failed = s.documents.find((d) => d.failedReason && (d.attemptsMade ?? 0) >= (d.opts.attempts ?? 1));
      if (failed) throw new Error(`document ${failed.id} failed: ${failed.failedReason}`);
      const done = await windowsDone();
      last = `pages ${JSON.stringify(s.pageCounts)}, documents ${JSON.stringify(s.documentCounts)}, windows written ${done.length}`;
      return done.length === 4 ? done : undefined;
    },
    480_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (${last})`);
  });
  // What the documents made (each window's result file), against what PostgreSQL holds.
  const built = await Promise.all(
    results.map(async (f) => (JSON.parse(await readFile(path.join(out, 'windows', f), 'utf8')) as { built: { recordIds: string[]; stored?: boolean } }).built),
  );
  const made = built.flatMap((b) => b.recordIds).sort();
  assert.ok(
    built.every((b) => b.stored === true),
    'the workers saved the records themselves',
  );
  assert.equal(new Set(made).size, made.length);
  const stored = (await pgQuery<{ id: string }>('SELECT id FROM records WHERE retired_at IS NULL ORDER BY id', [], schema)).map((r) => r.id);
  assert.deepEqual(stored, made, 'every record of every document is in PostgreSQL, once');
  const files = (await listFiles(path.join(out, 'records')))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
  assert.deepEqual(stored, files);
  assert.deepEqual(await pgQuery('SELECT record_id, name FROM fields GROUP BY record_id, name HAVING COUNT(*) > 1', [], schema), []);
  assert.deepEqual(await pgQuery('SELECT record_id FROM record_pages GROUP BY record_id, position HAVING COUNT(*) > 1', [], schema), []);
  const pagesStored = await pgQuery<{ n: number }>('SELECT COUNT(DISTINCT rp.content_hash)::int AS n FROM record_pages rp', [], schema);
  assert.equal(pagesStored[0]!.n, 16, 'every page is in a stored record');

  // A reviewer corrects a field through the API of `serve`, which reads the same database.
  const base = await startServe();
  const headers = { authorization: 'Bearer anna-token-0001', 'content-type': 'application/json' };
  const queue = (await (await fetch(`${base}/api/queue?limit=500`, { headers })).json()) as {
    total: number;
    items: Array<{ id: number; recordId: string; name: string; version: number }>;
  };
  assert.ok(queue.total > 0, 'some fields wait for a person');
  const target = queue.items.find((f) => f.name !== 'signature') ?? queue.items[0]!;
  const value = target.name === 'date' ? '1951-07-01' : target.name === 'number' || target.name === 'outgoingNumber' ? '12345' : 'Corrected by Anna';
  const reviewed = await fetch(`${base}/api/fields/${target.id}/review`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ action: 'correct', value, version: target.version }),
  });
  assert.equal(reviewed.status, 200, await reviewed.clone().text());
  const again = await fetch(`${base}/api/fields/${target.id}/review`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ action: 'correct', value, version: target.version }),
  });
  assert.equal(again.status, 409, 'the version the reviewer saw is gone');

  const exported = await runCli(['export', path.join(dir, 'export.json'), '--db', DB, '--batch', 'box']);
  assert.equal(exported.code, 0, exported.stderr);
  const records = JSON.parse(await readFile(path.join(dir, 'export.json'), 'utf8')) as Array<{
    id: string;
    fields: Record<string, { value: unknown; status: string }>;
  }>;
  assert.deepEqual(records.map((r) => r.id).sort(), made);
  const field = records.find((r) => r.id === target.recordId)!.fields[target.name]!;
  assert.deepEqual([field.value, field.status], [value, 'corrected']);

  // report.json without a waiting run: written on demand, from the queue and the files.
  const report = await runCli(['status', '--batch', 'box', '--write-report', '--db', DB, '--redis', SHARED_REDIS_URL], { CABLESCAN_QUEUE_PREFIX: prefix });
  assert.equal(report.code, 0, report.stderr);
  const written = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
  assert.equal(written.counts.pages, 16);
  assert.equal(written.counts.pagesFailed, 0);
  assert.deepEqual(written.failures, []);
  assert.equal(
    (await pgQuery<{ n: number }>('SELECT COUNT(*)::int AS n FROM records', [], schema))[0]!.n,
    made.length,
    'writing the report stored nothing twice',
  );
});
