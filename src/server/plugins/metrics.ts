// GET /metrics, Prometheus text format (prom-client): the pipeline counters and
// histograms every worker adds to Redis (src/monitoring/aggregate.ts), queue
// depths and live workers read at scrape time, and this server process's own
// default metrics. One scrape target for the whole cluster, however many
// workers come and go.
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { readAggregates, type AggregatedMetric } from '../../monitoring/aggregate.ts';
import type { MonitorConnection } from '../../monitoring/connection.ts';
import { scrapeRegistry, type QueueDepth } from '../../monitoring/prometheus.ts';
import type { Logger } from '../../logger.ts';

export interface MetricsOptions {
  monitor: MonitorConnection | null;
  logger: Logger;
  /** Include process_* and nodejs_* metrics of the server process (default true). */
  processMetrics?: boolean;
  /** An access check (config server.metrics: token); open without one: counts and codes, no paths or hosts. */
  guard?: onRequestHookHandler;
}

export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const processRegistry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: processRegistry });

  app.get('/metrics', options.guard ? { onRequest: options.guard } : {}, async (_request, reply) => {
    const { monitor } = options;
    let aggregates: AggregatedMetric[] | null = null;
    let queues: QueueDepth[] = [];
    let workers: Array<{ queue: string; count: number }> = [];
    let redis: 'up' | 'down' | 'not_configured' = 'not_configured';
    if (monitor) {
      try {
        const [agg, status, live] = await Promise.all([readAggregates(monitor.redis, monitor.prefix), monitor.status.queueStatus(), monitor.status.workers()]);
        aggregates = agg;
        queues = status.map((q) => ({ queue: q.name, counts: q.counts }));
        workers = status.map((q) => ({ queue: q.name, count: live.filter((w) => w.queue === q.name).length }));
        redis = 'up';
      } catch (err) {
        // A scrape without Redis still answers (cablescan_redis_up 0), so the alert is about Redis, not a missing target.
        options.logger.warn({ err: (err as Error).message }, 'metrics: cannot read Redis');
        redis = 'down';
      }
    }
    const merged = Registry.merge([processRegistry, scrapeRegistry({ aggregates, queues, workers, redis })]);
    const text = await merged.metrics();
    return reply.type(merged.contentType).send(text);
  });
};
