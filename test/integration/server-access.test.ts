// The server as seen from the network, without Redis (the queue routes are in
// test/integration/server-security.test.ts): authentication comes before
// validation, ids are plain decimals, guessing tokens or sign-ins runs into
// 429s and leaves log lines, sessions are server-side and Secure behind a
// trusted TLS proxy, and every answer carries the security headers.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { hashFile } from '../../src/ingest/hash.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import { ReviewStore } from '../../src/store/index.ts';
import { record } from '../fixtures/records.ts';
import { page, tempDir, writePageImage } from '../fixtures/stores.ts';

const R1 = 'a1b2c3d4e5f60718';
const ANNA = { authorization: 'Bearer anna-token-0001' };
const READER = { authorization: 'Bearer reader-token-0001' };
const OPERATOR = 'operator-token-0001';
const tokens = { reviewers: ['anna:anna-token-0001'], readers: ['grafana:reader-token-0001'], operator: OPERATOR };

let work: { dir: string; cleanup: () => void };
let store: ReviewStore;
const apps: FastifyInstance[] = [];

/** A server whose log lines are kept, parsed, for the assertions. */
async function server(flags: Record<string, unknown> = {}): Promise<{ app: FastifyInstance; lines: Array<Record<string, unknown>> }> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildServer({
    config: loadConfig({ env: {}, flags: { tokens, ...flags } }),
    logger: createLogger({ level: 'info', destination: sink }),
    store,
  });
  apps.push(app);
  return { app, lines };
}

before(async () => {
  work = tempDir('cablescan-access-');
  mkdirSync(path.join(work.dir, 'scans'));
  await writePageImage(path.join(work.dir, 'scans', 'p1.png'));
  store = await ReviewStore.open(path.join(work.dir, 'cablescan.db'));
  store.saveRecords([record(R1, 'p1')], [page('p1', await hashFile(path.join(work.dir, 'scans', 'p1.png')))], { batch: 'box12', cwd: work.dir });
});

after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await store?.close();
  work?.cleanup();
});

test('authentication comes before validation: an anonymous caller gets 401, never the schema', async () => {
  const { app } = await server();
  const bad = [
    { method: 'POST' as const, url: '/api/fields/1/review', payload: { action: 'explode' } },
    { method: 'POST' as const, url: '/api/fields/abc/review', payload: {} },
    { method: 'GET' as const, url: '/api/queue?limit=abc' },
    { method: 'POST' as const, url: `/api/records/${R1}/split`, payload: { nonsense: true } },
  ];
  for (const request of bad) {
    const res = await app.inject(request);
    assert.equal(res.statusCode, 401, `${request.method} ${request.url}`);
    assert.doesNotMatch(res.body, /must have|must be|required property/, 'no schema detail leaks');
  }
  // With a token the same requests are validated.
  const invalid = await app.inject({ ...bad[0], headers: ANNA });
  assert.equal(invalid.statusCode, 400);
});

test('ids are plain decimals: /api/fields/0x10 is not field 16', async () => {
  const { app } = await server();
  const id = (await store.getRecord(R1))!.fields.find((f) => f.name === 'number')!.id;
  assert.equal((await app.inject({ url: `/api/fields/${id}`, headers: ANNA })).statusCode, 200);
  for (const spelled of [`0x${id.toString(16)}`, `${id}.0`, `0${id}`, `+${id}`, `%20${id}`, `${id}e0`, '1e1', '0', '-1', '99999999999999999999']) {
    const res = await app.inject({ url: `/api/fields/${spelled}`, headers: ANNA });
    assert.equal(res.statusCode, 400, `/api/fields/${spelled} -> ${res.statusCode}`);
  }
  assert.equal((await app.inject({ url: `/api/records/${R1}/pages/0x0/image.jpg`, headers: ANNA })).statusCode, 400);
  assert.equal((await app.inject({ url: `/api/records/${R1}/pages/00/image.jpg`, headers: ANNA })).statusCode, 400);
});

test('guessing bearer tokens: 401s up to the limit, then 429 before any token is compared; each failure is logged', async () => {
  const { app, lines } = await server({ server: { authFailures: { max: 5, windowSeconds: 60 } } });
  const from = { remoteAddress: '10.0.0.7' };
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) codes.push((await app.inject({ url: '/api/me', headers: { authorization: `Bearer guess-${i}-xxxxxxxx` }, ...from })).statusCode);
  assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(
    codes.slice(6).every((c) => c === 429),
    `then 429s: ${codes.join(',')}`,
  );
  const limited = await app.inject({ url: '/api/me', headers: ANNA, ...from });
  assert.equal(limited.statusCode, 429, 'while blocked, even a right token is not compared');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal(limited.json().error.code, 'CS_ERR_TOO_MANY_ATTEMPTS');
  // Another address is not affected.
  assert.equal((await app.inject({ url: '/api/me', headers: ANNA, remoteAddress: '10.0.0.8' })).statusCode, 200);

  const failed = lines.filter((l) => l.msg === 'authentication failed');
  assert.ok(failed.length >= 5, `failures logged: ${failed.length}`);
  assert.equal(failed[0].ip, '10.0.0.7');
  assert.equal(failed[0].realm, 'cablescan review');
  assert.equal(failed[0].level, 40);
  assert.ok(lines.some((l) => l.msg === 'authentication refused: too many failures from this address' && l.ip === '10.0.0.7'));
  assert.ok(!JSON.stringify(lines).includes('guess-1-xxxxxxxx'), 'the guessed tokens are not logged');
});

test('rotating addresses inside one IPv6 /64 does not reset the count, even for a right token', async () => {
  const { app } = await server({ server: { authFailures: { max: 5, windowSeconds: 60 } } });
  const codes: number[] = [];
  for (let i = 1; i <= 8; i++)
    codes.push(
      (await app.inject({ url: '/api/me', headers: { authorization: `Bearer guess-${i}-vvvvvvvv` }, remoteAddress: `2001:db8:0:1::${i}` })).statusCode,
    );
  assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.equal(codes.at(-1), 429);
  // A right guess from a fresh address of that /64 is not even compared.
  assert.equal((await app.inject({ url: '/api/me', headers: ANNA, remoteAddress: '2001:db8:0:1::99' })).statusCode, 429);
  assert.equal((await app.inject({ url: '/api/me', headers: ANNA, remoteAddress: '2001:db8:0:2::1' })).statusCode, 200);
});

test('brute-forcing the sign-in form gets 429s and leaves a log line per failure', async () => {
  const { app, lines } = await server();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const codes: number[] = [];
  for (let i = 0; i < 30; i++) {
    codes.push(
      (await app.inject({ method: 'POST', url: '/operator/login', headers: form, payload: `token=guess-${i}-yyyyyyyy`, remoteAddress: '10.0.1.1' })).statusCode,
    );
  }
  // Default limit: 10 failures a minute per address; the 11th is counted, logged and answered 429, the rest are not even compared.
  assert.deepEqual(codes.slice(0, 10), Array(10).fill(401));
  assert.deepEqual(codes.slice(10), Array(20).fill(429));
  const signIn = lines.filter((l) => l.msg === 'authentication failed' && l.realm === 'cablescan sign-in');
  assert.equal(signIn.length, 11);
  assert.ok(signIn.every((l) => l.ip === '10.0.1.1' && l.reason === 'unknown token'));
  // The right token from that address waits too; from another it signs in.
  assert.equal(
    (await app.inject({ method: 'POST', url: '/operator/login', headers: form, payload: `token=${OPERATOR}`, remoteAddress: '10.0.1.1' })).statusCode,
    429,
  );
  const ok = await app.inject({ method: 'POST', url: '/operator/login', headers: form, payload: `token=${OPERATOR}`, remoteAddress: '10.0.1.2' });
  assert.equal(ok.statusCode, 303);
  assert.ok(lines.some((l) => l.msg === 'signed in' && l.role === 'operator' && l.ip === '10.0.1.2'));
});

test('a session cookie is a random id, never the token; Secure only over TLS, and X-Forwarded-Proto counts only with trustProxy', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const direct = (await server()).app;
  const plain = await direct.inject({
    method: 'POST',
    url: '/operator/login',
    headers: { ...form, 'x-forwarded-proto': 'https' },
    payload: `token=${OPERATOR}`,
  });
  const cookie = String(plain.headers['set-cookie']);
  assert.match(cookie, /^cablescan_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  assert.ok(!cookie.includes(OPERATOR));
  assert.doesNotMatch(cookie, /Secure/, 'a forged X-Forwarded-Proto is ignored without trustProxy');

  const proxied = (await server({ server: { trustProxy: true } })).app;
  const tls = await proxied.inject({
    method: 'POST',
    url: '/operator/login',
    headers: { ...form, 'x-forwarded-proto': 'https' },
    payload: `token=${OPERATOR}`,
  });
  assert.match(String(tls.headers['set-cookie']), /; Secure$/);
  assert.match(String(tls.headers['strict-transport-security']), /max-age=/);
  // Behind the proxy, the failure limit counts the client's address, not the proxy's.
  const codes: number[] = [];
  for (let i = 0; i < 12; i++) {
    codes.push(
      (await proxied.inject({ url: '/api/me', headers: { authorization: `Bearer nope-${i}-zzzzzzzz`, 'x-forwarded-for': '203.0.113.9' } })).statusCode,
    );
  }
  assert.equal(codes.at(-1), 429);
  assert.equal((await proxied.inject({ url: '/api/me', headers: { ...ANNA, 'x-forwarded-for': '203.0.113.10' } })).statusCode, 200);
});

test('a sign-in posted from another origin is refused; a reviewer token cannot use the operator board', async () => {
  const { app } = await server();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const foreign = await app.inject({
    method: 'POST',
    url: '/operator/login',
    headers: { ...form, origin: 'http://127.0.0.1:9999', host: '127.0.0.1:8181' },
    payload: `token=${OPERATOR}`,
  });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.headers['set-cookie'], undefined);
  // Reader and reviewer tokens never get the review writes or the operator board.
  assert.equal((await app.inject({ method: 'POST', url: '/api/fields/1/review', headers: READER, payload: { action: 'absent', version: 1 } })).statusCode, 403);
});

test('/metrics is open by default, and needs a reader, reviewer or operator token with server.metrics = token', async () => {
  assert.equal((await (await server()).app.inject({ url: '/metrics' })).statusCode, 200);
  const { app } = await server({ server: { metrics: 'token' } });
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
  assert.equal((await app.inject({ url: '/metrics', headers: READER })).statusCode, 200);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
});

test('every answer carries the security headers: every HTML page the full set, JSON, images, scripts and errors theirs', async () => {
  const { app } = await server();
  const urls: Array<[string, Record<string, string>]> = [
    ['/', {}],
    ['/review', {}],
    ['/review/app.js', {}],
    ['/review/app.css', {}],
    ['/favicon.ico', {}],
    ['/healthz', {}],
    ['/readyz', {}],
    ['/metrics', {}],
    ['/api/me', {}],
    ['/api/me', ANNA],
    [`/api/records/${R1}`, ANNA],
    [`/api/records/${R1}/pages/0/image.jpg`, ANNA],
    ['/api/fields/0x10', ANNA],
    ['/api/batches', READER],
    ['/operator/login', {}],
    ['/queues', READER],
    ['/queues', { accept: 'text/html' }],
    ['/no/such/page', {}],
  ];
  let pages = 0;
  for (const [url, headers] of urls) {
    const res = await app.inject({ url, headers });
    const where = `${url} (${res.statusCode})`;
    // Every answer: never framed, nothing loaded it does not need, never sniffed.
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, where);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/, where);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', where);
    if (String(res.headers['content-type'] ?? '').startsWith('text/html')) {
      pages++;
      assert.equal(res.headers['x-frame-options'], 'DENY', where);
      assert.match(String(res.headers['referrer-policy']), /^(no-referrer|same-origin)$/, where);
    }
  }
  assert.ok(pages >= 4, `the HTML pages were among them (${pages})`);
  // The plain pages allow no script at all.
  const login = await app.inject({ url: '/operator/login' });
  assert.doesNotMatch(String(login.headers['content-security-policy']), /script-src/);
});
