// `cablescan serve` without Redis (the review of an embedded run) and with a
// Redis that does not answer: the server starts either way, /healthz says the
// process is up, /readyz says whether Redis is reachable, /metrics still
// answers, and the queue pages and batch API say why they have nothing to show.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';

const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

const READER = { authorization: 'Bearer reader-token-0001' };

async function server(flags: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const app = await buildServer({
    config: loadConfig({ env: {}, flags: { tokens: { readers: ['grafana:reader-token-0001'] }, ...flags } }),
    logger: silentLogger(),
  });
  apps.push(app);
  return app;
}

test('without Redis configured the server starts, is ready, and the queue pages say there is no Redis', async () => {
  const app = await server();
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { ready: true, redis: 'not configured' });

  for (const url of ['/queues', '/queues/queue/pages']) {
    const page = await app.inject({ url });
    assert.equal(page.statusCode, 503, url);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /No Redis is configured/);
  }
  // Batches need a token before anything else (even to learn there is no Redis).
  assert.equal((await app.inject({ url: '/api/batches' })).statusCode, 401);
  const batches = await app.inject({ url: '/api/batches', headers: READER });
  assert.equal(batches.statusCode, 503);
  assert.equal(batches.json().error.code, 'CS_ERR_REDIS_UNAVAILABLE');
  assert.equal((await app.inject({ url: '/api/batches/some-batch', headers: READER })).statusCode, 503);

  const metrics = await app.inject({ url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  assert.match(metrics.body, /^process_resident_memory_bytes \d+/m);
  assert.doesNotMatch(metrics.body, /cablescan_redis_up/);
  // No operator board without Redis (and without a token).
  assert.equal((await app.inject({ url: '/operator/queues/' })).statusCode, 404);
});

test('with a Redis that does not answer the server still starts; /readyz is 503 and /metrics reports redis_up 0', async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const app = await server({ redisUrl: 'redis://127.0.0.1:1' });
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().redis, 'down');
  const metrics = await app.inject({ url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /^cablescan_redis_up 0$/m);
  const batches = await app.inject({ url: '/api/batches', headers: READER });
  assert.equal(batches.statusCode, 503);
  assert.match(batches.json().error.message, /cannot read the queue/);
});
