// Monitoring of one `cablescan worker` process: always, its finished jobs are
// added to the Redis-aggregated pipeline metrics (job-metrics.ts); with
// --metrics-port, its own process metrics are served over HTTP too
// (worker-endpoint.ts).
import type { Job, Worker } from 'bullmq';
import { bullPrefix } from '../../queues/names.ts';
import type { Config } from '../config.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { attachJobMetrics } from './job-metrics.ts';
import { startWorkerEndpoint, type WorkerEndpoint } from './worker-endpoint.ts';

export interface WorkerMonitoringOptions {
  workers: { pages: Worker; documents: Worker; active(): Job[] };
  redisUrl: string;
  config: Config;
  logger: Logger;
  /** Serve this process's metrics on this port (0: a free one); none when undefined. */
  metricsPort?: number;
  metricsHost?: string;
  /** The worker's name (host:pid), a constant label of its process metrics. */
  name?: string;
}

export interface WorkerMonitoring {
  endpoint?: WorkerEndpoint;
  /** Writes the last observations and stops the endpoint. */
  close(): Promise<void>;
}

export async function startWorkerMonitoring(options: WorkerMonitoringOptions): Promise<WorkerMonitoring> {
  const recorder = attachJobMetrics(options.workers, { redisUrl: options.redisUrl, prefix: bullPrefix(options.config.queuePrefix), logger: options.logger });
  let endpoint: WorkerEndpoint | undefined;
  if (options.metricsPort !== undefined) {
    const host = options.metricsHost ?? '127.0.0.1';
    // The endpoint is an extra: a busy port must not stop a worker that is already taking jobs, so say it loudly and go on.
    try {
      if (!Number.isInteger(options.metricsPort) || options.metricsPort < 0 || options.metricsPort > 65535) {
        throw new CablescanError(ErrorCode.CONFIG_INVALID, `--metrics-port must be a port number (0-65535), got ${options.metricsPort}`);
      }
      endpoint = await startWorkerEndpoint({
        workers: options.workers,
        host,
        port: options.metricsPort,
        logger: options.logger,
        labels: options.name ? { worker: options.name } : undefined,
      });
    } catch (err) {
      options.logger.error(
        { host, port: options.metricsPort, err: (err as Error).message },
        'worker metrics endpoint not started; the worker goes on without it',
      );
    }
  }
  return {
    endpoint,
    async close() {
      await Promise.allSettled([recorder.close(), endpoint?.close()]);
    },
  };
}
