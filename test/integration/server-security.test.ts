// What the queue board and batch API give away, against real Redis (a private
// queue prefix, removed afterwards) over a real socket: every route that shows
// paths, hosts, inputs or failures refuses a caller without a token; a signed-in
// operator's browser cannot be made to add a job by a page of another origin
// (the attack of issue 25: a form post from another port of the same host);
// the board's pages carry the security headers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { saveBatch } from '../../queues/batch-store.ts';
import { bullPrefix, PAGE_QUEUE } from '../../queues/names.ts';
import type { BatchMeta } from '../../queues/payloads.ts';
import { batchSettingsFrom } from '../../src/pipeline/index.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import { randomPrefix, redisAnswers, removePrefix, SHARED_REDIS_URL } from './queue-harness.ts';
import { Redis } from 'ioredis';

const available = await redisAnswers();
const skip = available ? false : `Redis does not answer at ${SHARED_REDIS_URL}`;
const queuePrefix = randomPrefix();
const prefix = bullPrefix(queuePrefix);
const OPERATOR = 'operator-token-security';
const READER = 'reader-token-security';
const REVIEWER = 'reviewer-token-security';
const config = loadConfig({
  env: {},
  // Every route is tried with wrong tokens from one address: the failure limit (test/unit/server-access.test.ts) is raised out of the way.
  flags: {
    redisUrl: SHARED_REDIS_URL,
    queuePrefix,
    tokens: { reviewers: [`anna:${REVIEWER}`], readers: [`grafana:${READER}`], operator: OPERATOR },
    server: { authFailures: { max: 1000 } },
  },
});

let app: FastifyInstance;
let base: string;
let origin: string;
let queue: Queue;

/** Routes that showed scan paths, output folders, worker hosts, Redis internals or failure messages without a token. */
const LEAKING = [
  '/queues',
  '/queues/',
  '/queues/queue/pages',
  '/queues/api/queues',
  '/queues/api/queues?activeQueue=pages&status=failed&page=1&jobsPerPage=10',
  '/queues/api/redis/stats',
  '/queues/api/queues/pages/page-sec-1/logs',
  '/api/batches',
  '/api/batches/sec-batch',
  '/operator/queues/',
  '/operator/queues/api/queues',
  '/operator/queues/api/redis/stats',
];

before(async () => {
  if (skip) return;
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  queue = new Queue(PAGE_QUEUE, { connection, prefix });
  await queue.add('page', { batch: 'sec-batch', source: { file: '/archive/secret/box1/0001.tif', pageId: 'box1__0001' } }, { jobId: 'page-sec-1' });
  const redis = new Redis(SHARED_REDIS_URL);
  const meta: BatchMeta = {
    batch: 'sec-batch',
    outDir: '/archive/out/secret',
    inputs: ['/archive/secret'],
    createdAt: new Date().toISOString(),
    pipelineVersion: 'test',
    settings: batchSettingsFrom(config, '/tmp'),
    pageTotal: 1,
    documentTotal: 0,
    failures: [{ file: '/archive/secret/x.tif', code: 'CS_ERR_INPUT_CORRUPT', message: '/archive/secret/x.tif: truncated', stage: 'ingest' }],
    skipped: [],
  };
  await saveBatch(redis, prefix, meta, []);
  redis.disconnect();
  app = await buildServer({ config, logger: silentLogger() });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  origin = base;
});

after(async () => {
  await app?.close();
  await queue?.close();
  if (available) await removePrefix(SHARED_REDIS_URL, queuePrefix);
});

test('every formerly leaking route refuses a caller without a token, and a wrong one', { skip }, async () => {
  for (const url of LEAKING) {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-a-token-at-all' },
      { cookie: `cablescan_operator=${OPERATOR}` },
      { cookie: 'cablescan_session=forged-session-id' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${base}${url}`, { headers, redirect: 'manual' });
      const body = await res.text();
      assert.equal(res.status, 401, `${url} ${JSON.stringify(headers)}`);
      assert.doesNotMatch(body, /\/archive|redis_version|box1__0001|sec-batch/, `${url} leaks`);
    }
    // A browser without a session is sent to sign in, and still sees nothing.
    const page = await fetch(`${base}${url}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    if (page.status === 303) assert.equal(page.headers.get('location'), '/operator/login');
    else assert.equal(page.status, 401, url);
  }
});

test('a reader token is enough to read them; only the operator reaches the writable board', { skip }, async () => {
  const reader = { authorization: `Bearer ${READER}` };
  const stats = await fetch(`${base}/queues/api/redis/stats`, { headers: reader });
  assert.equal(stats.status, 200);
  assert.ok('version' in ((await stats.json()) as object));
  const batches = await fetch(`${base}/api/batches/sec-batch`, { headers: { authorization: `Bearer ${REVIEWER}` } });
  assert.equal(batches.status, 200);
  assert.equal((await fetch(`${base}/operator/queues/api/queues`, { headers: reader })).status, 403);
  assert.equal((await fetch(`${base}/operator/queues/api/queues`, { headers: { authorization: `Bearer ${OPERATOR}` } })).status, 200);
});

async function operatorSession(): Promise<string> {
  const res = await fetch(`${base}/operator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: `token=${OPERATOR}`,
    redirect: 'manual',
  });
  assert.equal(res.status, 303);
  return res.headers.get('set-cookie')!.split(';')[0];
}

test("a page of another origin cannot add a job through a signed-in operator's browser", { skip }, async () => {
  const cookie = await operatorSession();
  const add = `${base}/operator/queues/api/queues/pages/add`;
  const before = await queue.count();
  // Issue 25's attack: a form on another port of the same host.
  const attacks: Array<[Record<string, string>, string]> = [
    [{ cookie, origin: 'http://127.0.0.1:9999', 'content-type': 'application/x-www-form-urlencoded' }, 'name=x&data=y'],
    [{ cookie, origin: 'http://127.0.0.1:9999', 'content-type': 'application/json' }, JSON.stringify({ name: 'x', data: {} })],
    [{ cookie, origin: 'null', 'content-type': 'application/json' }, JSON.stringify({ name: 'x', data: {} })],
    [{ cookie, referer: 'http://127.0.0.1:9999/evil.html', 'content-type': 'text/plain' }, '{"name":"x","data":{}}'],
    // No Origin and no Referer: not a browser on our page; a script should use a bearer token.
    [{ cookie, 'content-type': 'application/json' }, JSON.stringify({ name: 'x', data: {} })],
  ];
  for (const [headers, body] of attacks) {
    const res = await fetch(add, { method: 'POST', headers, body });
    assert.equal(res.status, 403, `${JSON.stringify(headers)} -> ${res.status}`);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'CS_ERR_CROSS_ORIGIN');
  }
  // A form body from our own origin is refused too: session writes are JSON.
  const form = await fetch(add, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x&data=y' });
  assert.equal(form.status, 415);
  assert.equal(await queue.count(), before, 'no job was added');

  // The board's own page (same origin, JSON) still works.
  const own = await fetch(add, {
    method: 'POST',
    headers: { cookie, origin, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'from-board', data: { note: 'operator' } }),
  });
  assert.equal(own.status, 200, await own.clone().text());
  assert.equal(await queue.count(), before + 1);
});

test('signing out ends the session on the server: the cookie no longer opens anything', { skip }, async () => {
  const cookie = await operatorSession();
  assert.equal((await fetch(`${base}/operator/queues/api/queues`, { headers: { cookie } })).status, 200);
  const out = await fetch(`${base}/operator/logout`, { method: 'POST', headers: { cookie, origin } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${base}/operator/queues/api/queues`, { headers: { cookie } })).status, 401);
});

test('the board pages carry the full set of security headers, their assets and API a CSP and nosniff', { skip }, async () => {
  const reader = { authorization: `Bearer ${READER}` };
  const html = await fetch(`${base}/queues`, { headers: reader });
  assert.equal(html.status, 200);
  const text = await html.text();
  const asset = /src="(static\/js\/[^"]+\.js)"/.exec(text)?.[1];
  assert.ok(asset, 'the board page names its scripts');
  const cookie = await operatorSession();
  const pages: Array<[string, Record<string, string>]> = [
    ['/queues', reader],
    ['/queues/queue/pages', reader],
    [`/queues/${asset}`, reader],
    ['/queues/api/queues', reader],
    ['/queues/api/redis/stats', reader],
    ['/operator/queues/', { cookie }],
    ['/operator/queues/api/queues', { cookie }],
    ['/operator/login', {}],
    ['/queues/api/queues', {}],
  ];
  const htmlPages: string[] = [];
  for (const [url, headers] of pages) {
    const res = await fetch(`${base}${url}`, { headers });
    const where = `${url} (${res.status})`;
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, where);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, where);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', where);
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      htmlPages.push(url);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', where);
      assert.match(res.headers.get('referrer-policy') ?? '', /^(no-referrer|same-origin)$/, where);
      assert.match(csp, /script-src 'self'|^(?!.*script-src)/, where);
    }
    await res.arrayBuffer();
  }
  assert.deepEqual(htmlPages, ['/queues', '/queues/queue/pages', '/operator/queues/', '/operator/login']);
});
