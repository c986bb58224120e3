// Every route of the review API through app.inject(): authentication, input
// validation, the review write with its conflict case, crops rendered from a
// real page image, records, progress and the audit trail.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { hashFile } from '../../src/ingest/hash.ts';
import { silentLogger } from '../../src/logger.ts';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { buildServer } from '../../src/server/app.ts';
import { ReviewStore, type StoredField } from '../../src/store/index.ts';
import { field, record } from '../fixtures/records.ts';
import { page, tempDir, writePageImage } from '../fixtures/stores.ts';

const ANNA = { authorization: 'Bearer anna-token-0001' };
const BEN = { authorization: 'Bearer ben-token-00002' };
const R1 = '0123456789abcdef';
const R2 = 'fedcba9876543210';
// A real page's size (A4 at 300 dpi) with a body and a line across the page: regions larger than a crop may be.
const R3 = '00000000a4a4a4a4';
const A4 = { width: 2480, height: 3508 };
const BODY: [number, number, number, number] = [150, 500, 2330, 3300];

let dir: string;
let cleanup: () => void;
let store: ReviewStore;
let app: FastifyInstance;

// Every route is tried with a bad token below: the failure limit (tested in server-access.test.ts) is raised out of the way.
const config = loadConfig({
  env: {},
  flags: { tokens: { reviewers: ['anna:anna-token-0001', 'ben:ben-token-00002'] }, server: { authFailures: { max: 1000 } } },
});

async function fieldByName(recordId: string, name: string): Promise<StoredField> {
  const res = await app.inject({ url: `/api/records/${recordId}`, headers: ANNA });
  const found = (res.json().fields as StoredField[]).find((f) => f.name === name);
  assert.ok(found, `${recordId} has ${name}`);
  return found;
}

before(async () => {
  ({ dir, cleanup } = tempDir('cablescan-server-'));
  mkdirSync(path.join(dir, 'scans'));
  await writePageImage(path.join(dir, 'scans', 'p1.png'));
  await writePageImage(path.join(dir, 'scans', 'p2.png'), 800, 1001);
  store = await ReviewStore.open(path.join(dir, 'cablescan.db'));
  const p1 = page('p1', await hashFile(path.join(dir, 'scans', 'p1.png')));
  const p2 = { ...page('p2', await hashFile(path.join(dir, 'scans', 'p2.png'))), height: 1001 };
  await store.saveRecords([record(R1, 'p1')], [p1], { batch: 'box12', cwd: dir });
  await store.saveRecords([record(R2, 'p2', { date: field('1950-01-02', 'needs_review', 0.2, 'p2', [100, 120, 400, 160]) }, 'us-state')], [p2], {
    batch: 'box13',
    cwd: dir,
  });
  await writePageImage(path.join(dir, 'scans', 'a4.png'), A4.width, A4.height);
  const a4 = page('a4', await hashFile(path.join(dir, 'scans', 'a4.png')), 'scans/a4.png', A4);
  await store.saveRecords(
    [
      record(R3, 'a4', {
        from: field('The Ambassador in the Union of Soviet Socialist Republics', 'needs_review', 0.5, 'a4', [100, 300, 2400, 360]),
        body: field('A long body.', 'needs_review', 0.4, 'a4', BODY),
        to: field(null, 'missing', 0, null, null),
      }),
    ],
    [a4],
    { batch: 'box14', cwd: dir },
  );
  app = await buildServer({ config, logger: silentLogger(), store });
});

after(async () => {
  await app.close();
  await store.close();
  cleanup();
});

test('health and the review page are public; the page carries a strict CSP', async () => {
  const health = await app.inject({ url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json().features, ['review']);
  const html = await app.inject({ url: '/review' });
  assert.equal(html.statusCode, 200);
  assert.match(html.headers['content-type'] as string, /text\/html/);
  assert.match(html.body, /<script type="module" src="\/review\/app\.js"><\/script>/);
  assert.match(html.headers['content-security-policy'] as string, /script-src 'self'/);
  assert.equal((await app.inject({ url: '/review/app.css' })).statusCode, 200);
  // Every module the page loads, following their imports, is served as JavaScript.
  const seen = new Set<string>();
  const load = async (url: string): Promise<void> => {
    if (seen.has(url)) return;
    seen.add(url);
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.match(res.headers['content-type'] as string, /text\/javascript/, url);
    for (const m of res.body.matchAll(/^import [^']+ from '([^']+)';$/gm)) await load(new URL(m[1]!, `http://x${url}`).pathname);
  };
  await load('/review/app.js');
  assert.ok(seen.size >= 7, `modules served: ${[...seen].join(', ')}`);
  const root = await app.inject({ url: '/' });
  assert.equal(root.statusCode, 302);
  assert.equal(root.headers.location, '/review');
});

test('every API route refuses a request without a token, or with an unknown one', async () => {
  const routes: Array<[string, string]> = [
    ['GET', '/api/me'],
    ['GET', '/api/facets'],
    ['GET', '/api/queue'],
    ['GET', '/api/progress'],
    ['GET', '/api/fields/1'],
    ['GET', '/api/fields/1/actions'],
    ['GET', '/api/fields/1/crop.png'],
    ['POST', '/api/fields/1/review'],
    ['GET', `/api/records/${R1}`],
    ['GET', `/api/records/${R1}/pages/0/image.jpg`],
    ['GET', '/api/actions'],
  ];
  for (const [method, url] of routes) {
    for (const headers of [{}, { authorization: 'Bearer not-a-reviewer-token' }, { authorization: 'Basic YW5uYTp4' }]) {
      const res = await app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers,
        payload: method === 'POST' ? { action: 'absent', version: 1 } : undefined,
      });
      assert.equal(res.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`);
      assert.equal(res.json().error.code, 'CS_ERR_UNAUTHORIZED');
      assert.match(res.headers['www-authenticate'] as string, /^Bearer/);
    }
  }
  assert.equal((await store.actions()).length, 0, 'nothing was written');
  const me = await app.inject({ url: '/api/me', headers: BEN });
  assert.deepEqual(me.json(), { reviewer: 'ben' });
});

test('facets, queue (lowest confidence first, filters, skipped ids) and progress', async () => {
  const facets = (await app.inject({ url: '/api/facets', headers: ANNA })).json();
  assert.deepEqual(facets.profiles, ['soviet-cipher', 'us-state']);
  assert.deepEqual(facets.batches.map((b: { name: string }) => b.name).sort(), ['box12', 'box13', 'box14']);

  const queue = (await app.inject({ url: '/api/queue', headers: ANNA })).json();
  assert.equal(queue.total, 12);
  const conf = queue.items.map((i: StoredField) => i.confidence);
  assert.deepEqual(
    conf,
    [...conf].sort((a: number, b: number) => a - b),
  );
  assert.ok(
    queue.items.every((i: StoredField & { cropUrl: string; crop: string }) =>
      i.bbox
        ? i.cropUrl === `/api/fields/${i.id}/crop.png?v=${i.version}` && i.crop === 'box'
        : i.cropUrl === `/api/fields/${i.id}/zone.png?v=${i.version}` && i.crop !== 'box',
    ),
  );

  const box13 = (await app.inject({ url: '/api/queue?batch=box13&field=date', headers: ANNA })).json();
  assert.deepEqual(
    box13.items.map((i: StoredField) => [i.recordId, i.name, i.value]),
    [[R2, 'date', '1950-01-02']],
  );
  const profile = (await app.inject({ url: '/api/queue?profile=us-state&limit=1', headers: ANNA })).json();
  assert.equal(profile.items.length, 1);
  assert.equal(profile.total, 3);
  const first = queue.items[0].id;
  const skipping = (await app.inject({ url: `/api/queue?exclude=${first}`, headers: ANNA })).json();
  assert.ok(!skipping.items.some((i: StoredField) => i.id === first));

  for (const bad of ['field=..%2Fetc', 'limit=0', 'limit=501', 'exclude=1;2', 'profile=a%20b']) {
    const res = await app.inject({ url: `/api/queue?${bad}`, headers: ANNA });
    assert.equal(res.statusCode, 400, bad);
    assert.equal(res.json().error.code, 'CS_ERR_BAD_REQUEST');
  }
  const progress = (await app.inject({ url: '/api/progress?batch=box12', headers: ANNA })).json();
  assert.deepEqual(progress, { total: 3, reviewed: 0, remaining: 3, reviewers: [] });
});

test('crops are rendered from the original page with context, cache headers and size limits', async () => {
  const number = await fieldByName(R1, 'number');
  const res = await app.inject({ url: `/api/fields/${number.id}/crop.png?v=1`, headers: ANNA });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'image/png');
  assert.match(res.headers['cache-control'] as string, /private, max-age=\d+/);
  const etag = res.headers.etag as string;
  assert.ok(etag);
  const { data, info } = await sharp(res.rawPayload).greyscale().raw().toBuffer({ resolveWithObject: true });
  // Box [520,40,700,80] with context: wider and taller than the box, within the page.
  assert.ok(info.width > 180 && info.width <= 800, `width ${info.width}`);
  assert.ok(info.height > 40 && info.height <= 1000, `height ${info.height}`);
  const dark = data.filter((v) => v < 64).length;
  assert.ok(dark > 1000, `the ink of the field is in the crop (${dark} dark pixels)`);

  const again = await app.inject({ url: `/api/fields/${number.id}/crop.png`, headers: { ...ANNA, 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);

  const signature = await fieldByName(R1, 'signature');
  const none = await app.inject({ url: `/api/fields/${signature.id}/crop.png`, headers: ANNA });
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().error.code, 'CS_ERR_NO_BOX');
  assert.equal((await app.inject({ url: '/api/fields/99999/crop.png', headers: ANNA })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/fields/..%2F..%2Fetc%2Fpasswd/crop.png', headers: ANNA })).statusCode, 400);
});

test('a body or a line across a real-size page is cropped whole, scaled to fit, with its outline where the box is', async () => {
  for (const name of ['body', 'from']) {
    const f = await fieldByName(R3, name);
    const res = await app.inject({ url: `/api/fields/${f.id}/crop.png`, headers: ANNA });
    assert.equal(res.statusCode, 200, `${name}: ${res.body.slice(0, 200)}`);
    const { info } = await sharp(res.rawPayload).toBuffer({ resolveWithObject: true });
    assert.ok(info.width <= 1600 && info.height <= 2400 && info.width * info.height <= 2_600_000, `${name}: ${info.width}x${info.height}`);
  }
  // The body's region (box plus context: x 0-2480, y 380-3420) is shrunk as a whole; the
  // outline's left edge lies 4 px outside the box, at the crop's scale.
  const body = await fieldByName(R3, 'body');
  const crop = (await app.inject({ url: `/api/fields/${body.id}/crop.png`, headers: ANNA })).rawPayload;
  const { data, info } = await sharp(crop).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const scale = info.width / A4.width;
  assert.ok(Math.abs(info.height - Math.round(3040 * scale)) <= 1, `the region keeps its proportions (${info.width}x${info.height})`);
  const orange = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return data[i]! > 200 && data[i + 1]! > 70 && data[i + 1]! < 150 && data[i + 2]! < 90;
  };
  const edge = Math.round((BODY[0] - 4) * scale);
  const middle = Math.round(((BODY[1] + BODY[3]) / 2 - 380) * scale);
  assert.ok(
    [-2, -1, 0, 1, 2].some((d) => orange(edge + d, middle)),
    `outline at x=${edge}`,
  );
  assert.ok(!orange(Math.round(edge / 2), middle), 'nothing drawn left of the box');
});

test('a field that was not found shows the zone where its profile looks for it', async () => {
  // soviet-cipher reads `to` in the header: the header fields' lines (y 40-160) and a few lines around them.
  const to = await fieldByName(R3, 'to');
  assert.equal(to.bbox, null);
  const header = await app.inject({ url: `/api/fields/${to.id}/zone.png`, headers: ANNA });
  assert.equal(header.statusCode, 200, header.body.slice(0, 200));
  assert.equal(header.headers['x-cablescan-zone'], 'header; page=1');
  const head = await sharp(header.rawPayload).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.ok(head.info.height < head.info.width / 2, `a band across the top of the page, not the page (${head.info.width}x${head.info.height})`);
  assert.ok(head.data.filter((v) => v < 64).length > 1000, 'the header lines are in it');
  // The signature is read in the closing lines: below the body.
  const signature = await fieldByName(R3, 'signature');
  const closing = await app.inject({ url: `/api/fields/${signature.id}/zone.png`, headers: ANNA });
  assert.equal(closing.statusCode, 200);
  assert.equal(closing.headers['x-cablescan-zone'], 'closing; page=1');
  assert.equal((await app.inject({ url: `/api/fields/${signature.id}/crop.png`, headers: ANNA })).json().error.code, 'CS_ERR_NO_BOX');
});

test('a scan that changed or vanished since it was read gives no crop, and says why', async () => {
  const date = await fieldByName(R2, 'date');
  const file = path.join(dir, 'scans', 'p2.png');
  await sharp({ create: { width: 800, height: 1001, channels: 3, background: '#fff' } })
    .png()
    .toFile(`${file}.new`);
  rmSync(file);
  const gone = await app.inject({ url: `/api/fields/${date.id}/crop.png`, headers: ANNA });
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.json().error.code, 'CS_ERR_PAGE_UNAVAILABLE');
  assert.equal(gone.json().error.reason, 'not_found');
  writeFileSync(file, await sharp(`${file}.new`).png().toBuffer());
  const changed = await app.inject({ url: `/api/fields/${date.id}/crop.png`, headers: ANNA });
  assert.equal(changed.statusCode, 410);
  assert.equal(changed.json().error.reason, 'changed');
  assert.doesNotMatch(changed.body, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path leaks');
});

test('review writes: confirm, correct, invalid input, and the conflict when two reviewers saw the same version', async () => {
  const number = await fieldByName(R1, 'number');
  const date = await fieldByName(R1, 'date');

  const confirm = await app.inject({
    method: 'POST',
    url: `/api/fields/${number.id}/review`,
    headers: ANNA,
    payload: { action: 'confirm', version: number.version },
  });
  assert.equal(confirm.statusCode, 200);
  assert.equal(confirm.json().field.status, 'confirmed');
  assert.equal(confirm.json().action.reviewer, 'anna');

  // Ben loaded the same version before Anna wrote: he gets a conflict and the value as it is now.
  const late = await app.inject({
    method: 'POST',
    url: `/api/fields/${number.id}/review`,
    headers: BEN,
    payload: { action: 'correct', value: '21341', version: number.version },
  });
  assert.equal(late.statusCode, 409);
  const error = late.json().error;
  assert.equal(error.code, 'CS_ERR_CONFLICT');
  assert.equal(error.current.value, '21340');
  assert.equal(error.current.reviewedBy, 'anna');
  assert.equal(error.current.version, number.version + 1);
  assert.match(error.message, /changed by anna/);

  const invalid = await app.inject({
    method: 'POST',
    url: `/api/fields/${date.id}/review`,
    headers: BEN,
    payload: { action: 'correct', value: '31 June 1951', version: date.version },
  });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.code, 'CS_ERR_INVALID_VALUE');
  for (const payload of [
    { action: 'delete', version: 1 },
    { action: 'confirm' },
    { action: 'correct', version: date.version },
    { action: 'confirm', version: 0 },
    'not json',
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/fields/${date.id}/review`,
      headers: { ...BEN, 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
  }
  const tooBig = await app.inject({
    method: 'POST',
    url: `/api/fields/${date.id}/review`,
    headers: BEN,
    payload: { action: 'correct', value: 'x'.repeat(70_000), version: date.version },
  });
  assert.equal(tooBig.statusCode, 413);
  assert.equal(
    (await app.inject({ method: 'POST', url: '/api/fields/99999/review', headers: BEN, payload: { action: 'absent', version: 1 } })).statusCode,
    404,
  );

  const correct = await app.inject({
    method: 'POST',
    url: `/api/fields/${date.id}/review`,
    headers: BEN,
    payload: { action: 'correct', value: '1951-07-01', version: date.version },
  });
  assert.equal(correct.statusCode, 200);
  assert.equal(correct.json().field.status, 'corrected');

  const history = (await app.inject({ url: `/api/fields/${date.id}/actions`, headers: ANNA })).json().actions;
  assert.deepEqual(
    history.map((a: { reviewer: string; action: string; oldValue: unknown; newValue: unknown }) => [a.reviewer, a.action, a.oldValue, a.newValue]),
    [['ben', 'correct', '1951-06-30', '1951-07-01']],
  );
  const trail = (await app.inject({ url: '/api/actions?batch=box12', headers: ANNA })).json().actions;
  assert.deepEqual(
    trail.map((a: { reviewer: string; field: string; action: string }) => [a.reviewer, a.field, a.action]),
    [
      ['ben', 'date', 'correct'],
      ['anna', 'number', 'confirm'],
    ],
  );
  assert.deepEqual((await app.inject({ url: '/api/actions?reviewer=anna', headers: ANNA })).json().actions.length, 1);
  const progress = (await app.inject({ url: '/api/progress?batch=box12', headers: ANNA })).json();
  assert.equal(progress.reviewed, 2);
  assert.deepEqual(
    progress.reviewers.map((r: { reviewer: string; fields: number }) => [r.reviewer, r.fields]),
    [
      ['anna', 1],
      ['ben', 1],
    ],
  );
  const one = (await app.inject({ url: `/api/fields/${date.id}`, headers: ANNA })).json();
  assert.equal(one.value, '1951-07-01');
  assert.equal(one.reviewedBy, 'ben');
});

test('the record view data: final record, pages by position, page image', async () => {
  const res = await app.inject({ url: `/api/records/${R1}`, headers: ANNA });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assertValidRecord(body.record);
  assert.deepEqual(body.batches, ['box12']);
  assert.deepEqual(body.pages, [{ position: 0, pageId: 'p1', file: 'scans/p1.png', path: 'p1.png', pageIndex: 0, pageCount: 1, width: 800, height: 1000 }]);
  assert.ok(!JSON.stringify(body).includes(dir), 'absolute paths stay on the server');
  const image = await app.inject({ url: `/api/records/${R1}/pages/0/image.jpg`, headers: ANNA });
  assert.equal(image.statusCode, 200);
  assert.equal(image.headers['content-type'], 'image/jpeg');
  const meta = await sharp(image.rawPayload).metadata();
  assert.deepEqual([meta.width, meta.height], [800, 1000]);
  assert.equal((await app.inject({ url: `/api/records/${R1}/pages/3/image.jpg`, headers: ANNA })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/records/0000000000000000', headers: ANNA })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/records/..%2Fsecret', headers: ANNA })).statusCode, 400);
  assert.equal((await app.inject({ url: '/api/nothing', headers: ANNA })).json().error.code, 'CS_ERR_NOT_FOUND');
});

test('without reviewer tokens every API call is refused; without a store there is no review at all', async () => {
  const locked = await buildServer({ config: loadConfig({ env: {} }), logger: silentLogger(), store });
  try {
    const res = await locked.inject({ url: '/api/queue', headers: ANNA });
    assert.equal(res.statusCode, 401);
  } finally {
    await locked.close();
  }
  const bare = await buildServer({ config, logger: silentLogger() });
  try {
    assert.equal((await bare.inject({ url: '/review' })).statusCode, 404);
    assert.deepEqual((await bare.inject({ url: '/healthz' })).json().features, []);
  } finally {
    await bare.close();
  }
});
