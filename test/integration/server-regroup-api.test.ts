// Splits, merges and grouping confirmations through the review API (app.inject):
// a box of four pages whose grouping the (timid) model doubts everywhere; a
// reviewer confirms, splits and merges, each with the record version they saw;
// stale versions get 409 and change nothing; records, store, exports, files and
// the audit trail follow; and a re-run of the pipeline over the same pages keeps
// the reviewer's grouping (with the store, and as queue workers do, from files).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { pageIndexPath, recordPath, reviewerBoundaryPath } from '../../src/records/layout.ts';
import { assertValidRecord } from '../../src/records/validate-record.ts';
import { buildServer } from '../../src/server/app.ts';
import { ReviewStore, type GroupingAuditEntry, type StoredField } from '../../src/store/index.ts';
import type { TelegramRecord } from '../../src/types.ts';
import { boxPages, build, timidModel, writePages } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

const ANNA = { authorization: 'Bearer anna-token-0001' };
const BEN = { authorization: 'Bearer ben-token-00002' };
const KEY = 'dir:/scans/box';

let work: { dir: string; cleanup: () => void };
let out: string;
let store: ReviewStore;
let app: FastifyInstance;
/** The records the timid build made: 21340 over 0001-0002, 21341 on 0003, 21342 on 0004. */
let first: { a: string; b: string; c: string };

const config = loadConfig({ env: {}, flags: { tokens: { reviewers: ['anna:anna-token-0001', 'ben:ben-token-00002'] } } });
const pages = boxPages(KEY);

async function get(url: string, headers = ANNA) {
  const res = await app.inject({ url, headers });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

async function post(url: string, payload: Record<string, unknown>, headers = ANNA) {
  return app.inject({ method: 'POST', url, headers, payload });
}

async function recordView(
  id: string,
): Promise<{ record: TelegramRecord; state: { version: number; retiredAt: string | null; replacedBy: string[] | null }; fields: StoredField[] }> {
  return get(`/api/records/${id}`);
}

const versionOf = async (id: string): Promise<number> => (await recordView(id)).state.version;
const liveIds = async () => (await store.recordIds('box')).sort();
/** The records (of `ids`) whose first page is `page`. */
const firstPageIs = async (ids: readonly string[], page: string): Promise<string[]> => {
  const out: string[] = [];
  for (const id of ids) if ((await store.getRecord(id))!.record.source.pages[0] === page) out.push(id);
  return out;
};
const versionsOf = async (ids: readonly string[]): Promise<number[]> => Promise.all(ids.map(async (id) => (await store.recordState(id))!.version));

before(async () => {
  work = tempDir('cablescan-regroup-');
  out = path.join(work.dir, 'out');
  await writePages(out, pages);
  store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  const built = await build(out, store, pages, timidModel());
  assert.deepEqual(
    built.records.map((r) => r.source.pages),
    [['0001', '0002'], ['0003'], ['0004']],
  );
  first = { a: built.records[0]!.id, b: built.records[1]!.id, c: built.records[2]!.id };
  app = await buildServer({ config, logger: silentLogger(), store });
});

after(async () => {
  await app?.close();
  await store?.close();
  work?.cleanup();
});

test('the grouping routes need a reviewer token', async () => {
  const routes: Array<[string, string]> = [
    ['GET', '/api/grouping/queue'],
    ['GET', '/api/grouping/actions'],
    ['GET', `/api/records/${first.a}/grouping`],
    ['POST', `/api/records/${first.a}/split`],
    ['POST', `/api/records/${first.a}/merge`],
    ['POST', `/api/records/${first.a}/confirm-grouping`],
    ['GET', `/api/pages/${'a'.repeat(64)}/image.jpg`],
  ];
  for (const [method, url] of routes) {
    const res = await app.inject({ method: method as 'GET' | 'POST', url, payload: method === 'POST' ? { version: 1, at: '0002', with: first.b } : undefined });
    assert.equal(res.statusCode, 401, `${method} ${url}`);
  }
  assert.equal((await store.groupingActions()).length, 0);
});

test('the grouping queue lists every doubtful boundary, least sure first, with the records on both sides and the two pages to show', async () => {
  const queue = await get('/api/grouping/queue');
  assert.equal(queue.total, 3);
  const byPage = new Map((queue.items as Array<Record<string, any>>).map((t) => [t.page, t]));
  assert.deepEqual([...byPage.keys()].sort(), ['0002', '0003', '0004']);
  const confidences = queue.items.map((t: { confidence: number }) => t.confidence);
  assert.deepEqual(
    confidences,
    [...confidences].sort((x, y) => x - y),
  );
  const join = byPage.get('0002')!;
  assert.equal(join.decision, 'continue');
  assert.equal(join.uncertain, true);
  assert.equal(join.before.id, first.a);
  assert.equal(join.after.id, first.a, 'a continue joins the pages in one record');
  // Images by page content: they stay valid when a split or merge makes new records.
  assert.deepEqual(join.images, { previous: `/api/pages/${pages[0]!.contentHash}/image.jpg`, page: `/api/pages/${pages[1]!.contentHash}/image.jpg` });
  const apart = byPage.get('0003')!;
  assert.equal(apart.decision, 'start');
  assert.deepEqual([apart.previousPage, apart.before.id, apart.after.id], ['0002', first.a, first.b]);
  assert.ok(apart.evidence.length > 0);
  // A record's own list: the boundary before its first page and the one after its last.
  const own = await get(`/api/records/${first.b}/grouping`);
  assert.deepEqual(
    own.items.map((t: { page: string }) => t.page),
    ['0003', '0004'],
  );
  assert.deepEqual([own.state.id, own.state.retiredAt], [first.b, null]);
  // Every field of a doubtful record waits for a person.
  const a = await recordView(first.a);
  assert.equal(a.record.grouping?.status, 'uncertain');
  assert.ok(Object.values(a.record.fields).every((f) => f.status === 'needs_review' && f.reasons.includes('boundary_uncertain')));
});

test('confirming a grouping settles its boundaries: the record is confirmed, its fields go back to the normal thresholds, a field decision stays', async () => {
  // A person corrects a field first; nothing about the grouping may undo it.
  const number = (await recordView(first.a)).fields.find((f) => f.name === 'number')!;
  const corrected = await post(`/api/fields/${number.id}/review`, { action: 'correct', value: '21349', version: number.version });
  assert.equal(corrected.statusCode, 200, corrected.body);

  const version = await versionOf(first.a);
  // One boundary: the record still depends on the doubtful one after its last page.
  const one = await post(`/api/records/${first.a}/confirm-grouping`, { version, page: '0002' });
  assert.equal(one.statusCode, 200, one.body);
  const afterOne = await recordView(first.a);
  assert.equal(afterOne.record.grouping?.status, 'uncertain');
  const decided = afterOne.record.grouping!.decisions.find((d) => d.page === '0002')!;
  assert.deepEqual([decided.rule, decided.decision, decided.uncertain, decided.decidedBy], ['reviewer', 'continue', false, 'anna']);
  assert.ok(afterOne.state.version > version, 'a confirmation bumps the record version');

  // The stale version is refused and nothing is written.
  const actions = (await store.groupingActions()).length;
  const stale = await post(`/api/records/${first.a}/confirm-grouping`, { version });
  assert.equal(stale.statusCode, 409, stale.body);
  assert.equal(stale.json().error.code, 'CS_ERR_CONFLICT');
  assert.match(stale.json().error.message, new RegExp(`version ${version}, now ${afterOne.state.version}`));
  assert.equal(stale.json().error.records[0].id, first.a);
  assert.equal((await store.groupingActions()).length, actions);

  // Every boundary it depends on (0002 and 0003).
  const all = await post(`/api/records/${first.a}/confirm-grouping`, { version: afterOne.state.version }, BEN);
  assert.equal(all.statusCode, 200, all.body);
  const confirmed = await recordView(first.a);
  assert.equal(confirmed.record.grouping?.status, 'confirmed');
  assert.ok(confirmed.record.grouping!.decisions.every((d) => d.rule === 'reviewer' || d.rule === 'first-page'));
  assert.ok(
    Object.values(confirmed.record.fields).every((f) => !f.reasons.includes('boundary_uncertain')),
    'no field is held for the boundary',
  );
  assert.ok(
    Object.values(confirmed.record.fields).some((f) => f.status === 'accepted'),
    'fields are accepted at the normal thresholds again',
  );
  assert.deepEqual([confirmed.record.fields.number!.value, confirmed.record.fields.number!.status], ['21349', 'corrected']);
  assertValidRecord(confirmed.record);
  // The same boundary is the next record's first: it is settled there too, and leaves the queue.
  const queue = await get('/api/grouping/queue');
  assert.deepEqual(
    queue.items.map((t: { page: string }) => t.page),
    ['0004'],
  );

  const trail = await store.groupingActions({ recordId: first.a });
  assert.deepEqual(
    trail.map((e) => [e.action, e.reviewer, e.page]),
    [
      ['confirm', 'ben', '0002'],
      ['confirm', 'anna', '0002'],
    ],
  );
  assert.deepEqual(
    trail[0]!.decisions.map((d) => [d.page, d.was, d.now]),
    [
      ['0002', 'continue', 'continue'],
      ['0003', 'start', 'start'],
    ],
  );
  assert.deepEqual(trail[0]!.replacedBy, {});
});

test('a split rebuilds the record from the stored readings: new ids, the old one retired with replacedBy, field decisions carried where page and box are the same', async () => {
  const view = await recordView(first.a);
  const signature = view.fields.find((f) => f.name === 'signature')!;
  const sig = await post(`/api/fields/${signature.id}/review`, { action: 'confirm', version: signature.version }, BEN);
  assert.equal(sig.statusCode, 200, sig.body);

  const refused = await post(`/api/records/${first.a}/split`, { version: view.state.version, at: '0001' });
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().error.code, 'CS_ERR_REGROUP_INVALID');
  assert.match(refused.json().error.message, /first page/);
  assert.equal((await post(`/api/records/${first.a}/split`, { version: view.state.version, at: '0009' })).statusCode, 400);

  const res = await post(`/api/records/${first.a}/split`, { version: view.state.version, at: '0002' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { action: GroupingAuditEntry; records: TelegramRecord[]; retired: string[]; created: string[] };
  assert.deepEqual(body.retired, [first.a]);
  assert.equal(body.created.length, 2);
  const [left, right] = body.created.map((id) => body.records.find((r) => r.id === id)!).sort((x, y) => x.source.pages[0]!.localeCompare(y.source.pages[0]!));
  assert.deepEqual([left!.source.pages, right!.source.pages], [['0001'], ['0002']]);
  assert.deepEqual(body.action.replacedBy, { [first.a]: [left!.id, right!.id] });
  assert.deepEqual(
    body.action.before.map((r) => r.id),
    [first.a],
  );
  assert.deepEqual(body.action.after.map((r) => r.id).sort(), [left!.id, right!.id].sort());
  assert.deepEqual(body.action.decisions, [{ page: '0002', previousPage: '0001', was: 'continue', wasRule: 'reviewer', wasConfidence: 1, now: 'start' }]);
  for (const r of body.records) assertValidRecord(r);

  // The correction of `number` (page 0001, same box) follows it; it keeps who decided.
  const leftView = await recordView(left!.id);
  const carriedNumber = leftView.fields.find((f) => f.name === 'number')!;
  assert.deepEqual([carriedNumber.value, carriedNumber.status, carriedNumber.reviewedBy], ['21349', 'corrected', 'anna']);
  assert.ok(body.action.fields.carried.some((c) => c.from === `${first.a}.number` && c.to === `${left!.id}.number` && c.status === 'corrected'));
  // The signature decision either follows (same box on 0002) or its field waits again, with the reason.
  const signatureNow = (await recordView(right!.id)).fields.find((f) => f.name === 'signature');
  const carriedSig = body.action.fields.carried.find((c) => c.from === `${first.a}.signature`);
  const returnedSig = body.action.fields.returned.find((c) => c.from === `${first.a}.signature`);
  const droppedSig = body.action.fields.dropped.find((c) => c.from === `${first.a}.signature`);
  assert.equal([carriedSig, returnedSig, droppedSig].filter(Boolean).length, 1, JSON.stringify(body.action.fields));
  if (carriedSig) assert.deepEqual([signatureNow!.status, signatureNow!.reviewedBy], ['confirmed', 'ben']);
  if (returnedSig) assert.deepEqual([signatureNow!.status, signatureNow!.reasons.includes('grouping_changed')], ['needs_review', true]);

  // The old record is history: out of the queue, stats and exports, and says what replaced it.
  const old = await recordView(first.a);
  assert.ok(old.state.retiredAt);
  assert.deepEqual(old.state.replacedBy, [left!.id, right!.id]);
  const queue = await get('/api/queue?limit=500');
  assert.ok(queue.items.every((f: StoredField) => f.recordId !== first.a));
  assert.deepEqual(await liveIds(), [left!.id, right!.id, first.b, first.c].sort());
  const finals: string[] = [];
  for await (const r of store.finalRecords({ batch: 'box' })) finals.push(r.id);
  assert.deepEqual(finals.sort(), await liveIds());
  // A split of a record that is gone is a conflict that names what replaced it.
  const gone = await post(`/api/records/${first.a}/split`, { version: old.state.version, at: '0002' });
  assert.equal(gone.statusCode, 409);
  assert.match(gone.json().error.message, new RegExp(`replaced by ${left!.id}, ${right!.id}`));

  // The output folder follows: record files, page index, the boundary file workers read.
  assert.equal(existsSync(recordPath(out, first.a)), false);
  for (const r of [left!, right!]) assert.ok(existsSync(recordPath(out, r.id)));
  assert.deepEqual(JSON.parse(readFileSync(pageIndexPath(out, '0002'), 'utf8')).records, [right!.id]);
  const boundary = JSON.parse(readFileSync(reviewerBoundaryPath(out, '0002'), 'utf8'));
  assert.deepEqual([boundary.decision, boundary.action, boundary.reviewer, boundary.previousPage], ['start', 'split', 'anna', '0001']);
});

test('a merge joins two neighbouring records; records that are not neighbours, or in other sequences, are refused; a stale version changes nothing', async () => {
  const [left] = await firstPageIs(await liveIds(), '0001');
  const b = await recordView(first.b);
  const c = await recordView(first.c);

  const far = await post(`/api/records/${left}/merge`, { version: await versionOf(left!), with: first.c });
  assert.equal(far.statusCode, 400);
  assert.match(far.json().error.message, /not next to each other \(page 0002 lies between them\)/);
  assert.equal((await post(`/api/records/${first.b}/merge`, { version: b.state.version, with: first.b })).statusCode, 400);
  assert.equal((await post(`/api/records/${first.b}/merge`, { version: b.state.version, with: 'ffffffffffffffff' })).statusCode, 404);

  const before = { actions: (await store.groupingActions()).length, ids: await liveIds() };
  const stale = await post(`/api/records/${first.b}/merge`, { version: b.state.version - 1, with: first.c, withVersion: c.state.version });
  assert.equal(stale.statusCode, 409);
  const staleOther = await post(`/api/records/${first.b}/merge`, { version: b.state.version, with: first.c, withVersion: c.state.version + 5 });
  assert.equal(staleOther.statusCode, 409);
  assert.deepEqual({ actions: (await store.groupingActions()).length, ids: await liveIds() }, before, 'a refused merge writes nothing');

  // From either side: the later record is named here.
  const res = await post(`/api/records/${first.c}/merge`, { version: c.state.version, with: first.b, withVersion: b.state.version }, BEN);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { action: GroupingAuditEntry; records: TelegramRecord[]; retired: string[]; created: string[] };
  assert.deepEqual(body.retired.sort(), [first.b, first.c].sort());
  assert.equal(body.created.length, 1);
  const merged = body.records.find((r) => r.id === body.created[0])!;
  assert.deepEqual(merged.source.pages, ['0003', '0004']);
  assert.equal(merged.grouping?.decisions.find((d) => d.page === '0004')?.rule, 'reviewer');
  assert.deepEqual(body.action.replacedBy, { [first.b]: [merged.id], [first.c]: [merged.id] });
  assert.deepEqual(
    body.action.decisions.map((d) => [d.page, d.was, d.now]),
    [['0004', 'start', 'continue']],
  );
  assert.equal(body.action.reviewer, 'ben');
  assert.deepEqual((await liveIds()).length, 3);
  assert.ok((await liveIds()).includes(merged.id));

  const trail = (await get('/api/grouping/actions')).actions as GroupingAuditEntry[];
  assert.deepEqual(
    trail.map((e) => e.action),
    ['merge', 'split', 'confirm', 'confirm'],
  );
  assert.deepEqual(
    (await get(`/api/grouping/actions?record=${first.c}`)).actions.map((e: GroupingAuditEntry) => e.action),
    ['merge'],
  );
});

test("a re-run of the same pages keeps the reviewers' grouping: with the store, and from the output folder alone as queue workers build", async () => {
  const reviewed = await liveIds();
  const files = readdirSync(path.join(out, 'records')).sort();
  const versions = await versionsOf(reviewed);
  // The pipeline's own model (not the timid one) decides again wherever no person did.
  const rerun = await build(out, store, pages);
  assert.deepEqual(rerun.records.map((r) => r.id).sort(), reviewed);
  assert.deepEqual(
    rerun.records.map((r) => r.source.pages),
    [['0001'], ['0002'], ['0003', '0004']],
  );
  assert.ok(
    rerun.records.every((r) => r.grouping?.status === 'confirmed'),
    JSON.stringify(rerun.records.map((r) => r.grouping?.status)),
  );
  assert.deepEqual(await liveIds(), reviewed, 'the store lists the same records, nothing from the old grouping came back');
  // The regroupings rebuilt only the documents around each boundary; the whole sequence built again
  // gives the very same records, so nobody looking at them gets a conflict.
  assert.deepEqual(await versionsOf(reviewed), versions);
  assert.deepEqual(readdirSync(path.join(out, 'records')).sort(), files);

  const worker = await build(out, undefined, pages);
  assert.deepEqual(worker.records.map((r) => r.id).sort(), reviewed);
  // The corrections are still there.
  const [left] = await firstPageIs(await liveIds(), '0001');
  const number = (await store.getRecord(left!))!.record.fields.number!;
  assert.deepEqual([number.value, number.status], ['21349', 'corrected']);
});
