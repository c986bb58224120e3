// Turns what Redis holds into Prometheus text with prom-client. The aggregated
// counters and histograms are not prom-client Counter/Histogram objects (their
// values were summed by many processes; prom-client cannot be told "this bucket
// holds 12"), so they are registered as custom metrics that hand prom-client
// their values; queue depths and live workers are ordinary Gauges set per scrape.
import { Gauge, Registry, type Metric } from 'prom-client';
import type { AggregatedMetric } from './aggregate.ts';

interface ValueLine {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

function valuesOf(metric: AggregatedMetric): ValueLine[] {
  const name = metric.def.name;
  if (metric.type === 'counter') return metric.series.map((s) => ({ metricName: name, labels: s.labels, value: s.value }));
  return metric.series.flatMap((s) => [
    ...s.buckets.map((b) => ({ metricName: `${name}_bucket`, labels: { ...s.labels, le: b.le }, value: b.count })),
    { metricName: `${name}_sum`, labels: s.labels, value: s.sum },
    { metricName: `${name}_count`, labels: s.labels, value: s.count },
  ]);
}

/** A read-only prom-client metric over values computed elsewhere. */
function staticMetric(metric: AggregatedMetric): Metric {
  const values = valuesOf(metric);
  const object = {
    name: metric.def.name,
    help: metric.def.help,
    type: metric.type,
    aggregator: 'sum',
    collect: () => undefined,
    get: async () => ({ name: metric.def.name, help: metric.def.help, type: metric.type, aggregator: 'sum', values }),
  };
  return object as unknown as Metric;
}

export interface QueueDepth {
  queue: string;
  counts: Record<string, number>;
}

export interface ScrapeInput {
  /** Null when Redis is not configured or did not answer. */
  aggregates: AggregatedMetric[] | null;
  queues: QueueDepth[];
  workers: Array<{ queue: string; count: number }>;
  redis: 'up' | 'down' | 'not_configured';
}

/** One scrape's metrics, in a fresh registry (nothing stale survives from the last scrape). */
export function scrapeRegistry(input: ScrapeInput): Registry {
  const registry = new Registry();
  for (const metric of input.aggregates ?? []) registry.registerMetric(staticMetric(metric));

  const depth = new Gauge({
    name: 'cablescan_queue_jobs',
    help: 'Jobs in each cablescan queue, by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
  });
  for (const q of input.queues) for (const [state, n] of Object.entries(q.counts)) depth.set({ queue: q.queue, state }, n);

  const workers = new Gauge({
    name: 'cablescan_workers',
    help: 'Live BullMQ workers connected to each queue (one per worker process)',
    labelNames: ['queue'],
    registers: [registry],
  });
  for (const w of input.workers) workers.set({ queue: w.queue }, w.count);

  const up = new Gauge({
    name: 'cablescan_redis_up',
    help: '1 when the server reached Redis for this scrape, 0 when it did not; absent when no Redis is configured',
    registers: [registry],
  });
  if (input.redis !== 'not_configured') up.set(input.redis === 'up' ? 1 : 0);
  else registry.removeSingleMetric('cablescan_redis_up');
  return registry;
}
