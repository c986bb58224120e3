// `cablescan worker --metrics-port`: the worker process's own endpoint, over
// stand-in workers (event emitters with a queue name) so no Redis is needed.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Job, Worker } from 'bullmq';
import { silentLogger } from '../../src/logger.ts';
import { startWorkerEndpoint } from '../../src/monitoring/worker-endpoint.ts';

function standIn(name: string): EventEmitter & { name: string } {
  return Object.assign(new EventEmitter(), { name });
}
const asWorker = (w: EventEmitter): Worker => w as unknown as Worker;

test('the worker endpoint serves process metrics, running jobs and finished jobs of this process', async () => {
  const pages = standIn('pages');
  const documents = standIn('documents');
  let running: Job[] = [];
  const endpoint = await startWorkerEndpoint({
    workers: { pages: asWorker(pages), documents: asWorker(documents), active: () => running },
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    labels: { worker: 'scan1:42' },
  });
  try {
    pages.emit('completed', {}, {});
    pages.emit('completed', {}, {});
    pages.emit('failed', {}, new Error('x'));
    documents.emit('completed', {}, {});
    running = [{ queueName: 'pages' } as Job, { queueName: 'pages' } as Job, { queueName: 'documents' } as Job];

    const res = await fetch(endpoint.url);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^process_resident_memory_bytes\{worker="scan1:42"\} \d+/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds\{worker="scan1:42"\} /m);
    assert.match(text, /^cablescan_worker_jobs_total\{kind="page",result="completed",worker="scan1:42"\} 2$/m);
    assert.match(text, /^cablescan_worker_jobs_total\{kind="page",result="failed",worker="scan1:42"\} 1$/m);
    assert.match(text, /^cablescan_worker_jobs_total\{kind="document",result="completed",worker="scan1:42"\} 1$/m);
    assert.match(text, /^cablescan_worker_jobs_total\{kind="document",result="failed",worker="scan1:42"\} 0$/m);
    assert.match(text, /^cablescan_worker_active_jobs\{kind="page",worker="scan1:42"\} 2$/m);
    assert.match(text, /^cablescan_worker_active_jobs\{kind="document",worker="scan1:42"\} 1$/m);
    // The pipeline metrics are served once, by `cablescan serve`, never per worker.
    assert.doesNotMatch(text, /cablescan_stage_duration_seconds/);

    assert.equal((await fetch(endpoint.url.replace('/metrics', '/'))).status, 404);
  } finally {
    await endpoint.close();
  }
});
