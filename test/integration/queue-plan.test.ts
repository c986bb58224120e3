// The queue's pure parts, no Redis needed: job ids (idempotency rests on them),
// flows, connection options by role, failure reasons, sandbox settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { PageSource } from '../../src/types.ts';
import { PIPELINE_VERSION } from '../../src/version.ts';
import { redactRedisUrl, redisOptions } from '../../queues/connection.ts';
import { PAGE_JOB_OPTIONS, planFlows } from '../../queues/flow.ts';
import { bullPrefix, documentJobId, jobIdFromKey, pageJobId } from '../../queues/names.ts';
import { failureReason, parseFailureReason } from '../../queues/payloads.ts';
import { batchSettingsFrom, sequencesOf } from '../../src/pipeline/index.ts';
import { CablescanError, ErrorCode } from '../../src/errors.ts';
import { sandboxEnv, sandboxExecArgv } from '../../workers/start-workers.ts';

function page(pageId: string, contentHash: string, documentKey = 'dir:/scans/box1'): PageSource {
  return {
    pageId,
    file: `box1/${pageId}.png`,
    path: `/scans/box1/${pageId}.png`,
    pageIndex: 0,
    pageCount: 1,
    format: 'png',
    contentHash,
    documentKey,
    lang: 'eng',
  };
}
const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const settings = batchSettingsFrom(loadConfig({ env: {} }), '/work');

test('job ids are stable, carry the content hash and pipeline version, and contain no ":"', () => {
  const doc = { outDir: '/out', documentKey: 'dir:/scans/box1', pages: [page('0001', H1), page('0002', H2)] };
  const id = documentJobId(doc);
  assert.equal(id, documentJobId({ ...doc, pages: [page('0001', H1), page('0002', H2)] }));
  assert.ok(id.endsWith(`-v${PIPELINE_VERSION}`));
  const pid = pageJobId(id, doc.pages[0]);
  assert.ok(pid.startsWith(`page-${H1.slice(0, 24)}-`));
  assert.ok(pid.endsWith(`-v${PIPELINE_VERSION}`));
  for (const x of [id, pid]) assert.ok(!x.includes(':') && !/^\d+$/.test(x), x);
  assert.equal(jobIdFromKey(`{cablescan}:pages:${pid}`), pid);
});

test('another output folder, scan, page order, name or version is other work', () => {
  const base = { outDir: '/out', documentKey: 'dir:/scans/box1', pages: [page('0001', H1), page('0002', H2)] };
  const id = documentJobId(base);
  const variants = [
    { ...base, outDir: '/out2' },
    { ...base, pages: [page('0001', H1), page('0002', H1)] },
    { ...base, pages: [page('0002', H2), page('0001', H1)] },
    { ...base, pages: [page('0001', H1), page('0003', H2)] },
    { ...base, documentKey: 'dir:/scans/box2' },
    { ...base, version: '9.9.9+r1' },
  ];
  const ids = variants.map(documentJobId);
  assert.equal(new Set([id, ...ids]).size, variants.length + 1);
  // The same scan in two documents is two page jobs (a job has one parent).
  assert.notEqual(pageJobId(id, page('0001', H1)), pageJobId(ids[0], page('0001', H1)));
});

test('a batch becomes one flow per document, pages in order, children that do not block their parent', () => {
  const pages = [page('0001', H1), page('p1', H2, 'file:/scans/a.pdf'), page('0002', H2)];
  const plans = planFlows(sequencesOf(pages), { batch: 'b1', outDir: '/out', settings });
  assert.deepEqual(
    plans.map((p) => p.sources.map((s) => s.pageId)),
    [['0001', '0002'], ['p1']],
  );
  const flow = plans[0].flow;
  assert.equal(flow.queueName, 'documents');
  assert.equal(flow.opts?.jobId, plans[0].documentId);
  assert.deepEqual(
    flow.children?.map((c) => c.opts?.jobId),
    plans[0].pageJobIds,
  );
  assert.deepEqual(
    (flow.data as { pages: Array<{ jobId: string; pageId: string }> }).pages.map((p) => p.pageId),
    ['0001', '0002'],
  );
  assert.equal(flow.children?.[0].opts?.ignoreDependencyOnFailure, true);
  assert.equal(PAGE_JOB_OPTIONS.removeOnFail, false);
  // Payloads stay small: a page job carries paths and settings, not pixels.
  assert.ok(JSON.stringify(flow.children?.[0].data).length < 1500);
});

test('workers retry Redis forever, producers fail fast, rediss:// turns TLS on', () => {
  const worker = redisOptions('redis://:s3cret@redis.example:6390/2', 'worker');
  assert.equal(worker.maxRetriesPerRequest, null);
  assert.equal(worker.enableOfflineQueue, true);
  assert.equal(worker.host, 'redis.example');
  assert.equal(worker.port, 6390);
  assert.equal(worker.db, 2);
  assert.equal(worker.password, 's3cret');
  assert.equal(worker.tls, undefined);
  assert.equal(typeof worker.retryStrategy(100), 'number');
  const producer = redisOptions('rediss://user:pw@redis.example', 'producer');
  assert.equal(producer.maxRetriesPerRequest, 1);
  assert.equal(producer.enableOfflineQueue, false);
  assert.deepEqual(producer.tls, { servername: 'redis.example' });
  assert.equal(producer.port, 6379);
  assert.equal(producer.retryStrategy(10), null);
  assert.equal(redactRedisUrl('redis://:s3cret@h:1'), 'redis://:***@h:1');
  assert.throws(() => redisOptions('http://h', 'worker'), /redis:\/\/ or rediss:\/\//);
});

test('the queue prefix is a Redis Cluster hash tag', () => {
  assert.equal(bullPrefix('cablescan'), '{cablescan}');
  assert.equal(bullPrefix('{already}'), '{already}');
  assert.throws(() => bullPrefix('a{b'));
});

test('failed reasons read "<code>: <message>" and parse back', () => {
  const reason = failureReason(new CablescanError(ErrorCode.INPUT_CORRUPT, 'scans/7.png: the image cannot be decoded'));
  assert.equal(reason, 'CS_ERR_INPUT_CORRUPT: scans/7.png: the image cannot be decoded');
  assert.deepEqual(parseFailureReason(reason), { code: 'CS_ERR_INPUT_CORRUPT', message: 'scans/7.png: the image cannot be decoded' });
  assert.deepEqual(parseFailureReason('job stalled more than allowable limit'), { code: ErrorCode.INTERNAL, message: 'job stalled more than allowable limit' });
});

test("sandboxed children load TypeScript by absolute URL and get the worker's machine settings", () => {
  const argv = sandboxExecArgv(['--import', 'tsx', '--max-old-space-size=2048']);
  assert.deepEqual(argv.slice(0, 1), ['--max-old-space-size=2048']);
  assert.equal(argv[1], '--import');
  assert.match(argv[2], /^file:\/\/.*tsx/);
  const config = loadConfig({
    env: {},
    flags: { tessdata: '/opt/tessdata', preferTessdata: true, recycleAfter: 7, ocrTimeout: 30, secondOpinion: false, lang: 'fra' },
  });
  const env = sandboxEnv(config, { PATH: '/bin' }, '/etc/cablescan.json');
  // What the child makes of it: the worker's flags, as if given to it.
  const child = loadConfig({ env: { ...env, CABLESCAN_CONFIG: undefined } });
  assert.deepEqual([child.preferTessdata, child.ocrTimeout, child.secondOpinion, child.recycleAfter], [true, 30, false, 7]);
  assert.equal(env.PATH, '/bin');
  assert.equal(env.CABLESCAN_TESSDATA, '/opt/tessdata');
  assert.equal(env.CABLESCAN_RECYCLE_AFTER, '7');
  assert.equal(env.CABLESCAN_CONFIG, '/etc/cablescan.json');
  assert.equal(env.CABLESCAN_LANG, undefined, 'reading settings travel with the batch, not the worker');
});
