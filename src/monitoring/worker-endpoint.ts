// `cablescan worker --metrics-port N`: this worker process's own health for
// Prometheus: memory, CPU, event-loop lag, GC (prom-client's default metrics,
// watched because tesseract.js grows over long runs), jobs running now and jobs
// finished by this process. The pipeline metrics (stage durations, confidences,
// pages done) are NOT repeated here: every worker adds them to Redis and
// `cablescan serve` exposes the sum once, so a dashboard never double counts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job, Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

export interface WorkerEndpointOptions {
  workers: { pages: Worker; documents: Worker; active(): Job[] };
  host: string;
  port: number;
  logger: Logger;
  /** Constant labels on every metric (e.g. worker="host:pid"). */
  labels?: Record<string, string>;
}

export interface WorkerEndpoint {
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

export function workerRegistry(options: Pick<WorkerEndpointOptions, 'workers' | 'labels'>): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  collectDefaultMetrics({ register: registry });
  const { workers } = options;
  new Gauge({
    name: 'cablescan_worker_active_jobs',
    help: 'Jobs this worker process is running now, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const jobs = workers.active();
      this.set({ kind: 'page' }, jobs.filter((j) => j.queueName === workers.pages.name).length);
      this.set({ kind: 'document' }, jobs.filter((j) => j.queueName === workers.documents.name).length);
    },
  });
  const finished = new Counter({
    name: 'cablescan_worker_jobs_total',
    help: 'Jobs this worker process finished since it started, by kind and result (completed, failed attempt)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  for (const [worker, kind] of [
    [workers.pages, 'page'],
    [workers.documents, 'document'],
  ] as const) {
    finished.inc({ kind, result: 'completed' }, 0);
    finished.inc({ kind, result: 'failed' }, 0);
    worker.on('completed', () => finished.inc({ kind, result: 'completed' }));
    worker.on('failed', () => finished.inc({ kind, result: 'failed' }));
  }
  return registry;
}

/** Starts the HTTP endpoint (GET /metrics); resolves once it listens. */
export async function startWorkerEndpoint(options: WorkerEndpointOptions): Promise<WorkerEndpoint> {
  const registry = workerRegistry(options);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('cablescan worker: only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        options.logger.warn({ err: (err as Error).message }, 'metrics endpoint failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/metrics`;
  options.logger.info({ metrics: url }, 'worker metrics endpoint listening');
  return {
    url,
    registry,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
