// Pipeline metrics aggregated through Redis. Stage durations and confidences
// arise in worker processes that come and go (and OCR runs in their sandboxed
// children); Prometheus should not have to find each one. So each worker adds
// its observations to one Redis hash beside the queues (HINCRBY: atomic, no
// read-modify-write), and `cablescan serve` turns the sums into counters and
// histograms at every scrape. The hash holds one field per metric x label set x
// bucket: its size is bounded by label cardinality, not by the number of pages.
//
// Field layout: "<metric>|<label values as a JSON array>|<part>", part being
// "v" (a counter), "b:<upper bound>" (a histogram bucket, NOT cumulative),
// "sum" or "count".
import type { Redis } from 'ioredis';
import { METRIC_LIST, type MetricDef } from './metric-defs.ts';

export const metricsKey = (prefix: string): string => `${prefix}:metrics`;

type Labels = Readonly<Record<string, string | number>>;

function labelsPart(def: MetricDef, labels: Labels): string {
  return JSON.stringify(def.labels.map((l) => String(labels[l] ?? '')));
}

/** Index of the first bucket whose upper bound holds the value; buckets.length means +Inf. */
export function bucketIndex(buckets: readonly number[], value: number): number {
  const i = buckets.findIndex((le) => value <= le);
  return i === -1 ? buckets.length : i;
}

const boundLabel = (buckets: readonly number[], i: number): string => (i < buckets.length ? String(buckets[i]) : '+Inf');

/** Observations of one job, summed in memory and written to Redis in one round trip. */
export class Observations {
  private readonly counts = new Map<string, number>();
  private readonly sums = new Map<string, number>();

  inc(def: MetricDef, labels: Labels = {}, by = 1): this {
    if (def.type !== 'counter') throw new TypeError(`${def.name} is not a counter`);
    this.add(`${def.name}|${labelsPart(def, labels)}|v`, by);
    return this;
  }

  observe(def: MetricDef, labels: Labels, value: number): this {
    if (def.type !== 'histogram' || !def.buckets) throw new TypeError(`${def.name} is not a histogram`);
    if (!Number.isFinite(value)) return this;
    const base = `${def.name}|${labelsPart(def, labels)}|`;
    this.add(`${base}b:${boundLabel(def.buckets, bucketIndex(def.buckets, value))}`, 1);
    this.add(`${base}count`, 1);
    this.sums.set(`${base}sum`, (this.sums.get(`${base}sum`) ?? 0) + value);
    return this;
  }

  /** The increments this holds, by hash field (what write() adds). */
  fields(): Map<string, number> {
    return new Map([...this.counts, ...this.sums]);
  }

  get size(): number {
    return this.counts.size + this.sums.size;
  }

  private add(field: string, by: number): void {
    this.counts.set(field, (this.counts.get(field) ?? 0) + by);
  }

  /** Adds everything to the shared hash (one MULTI: a scrape never sees half a job). */
  async write(redis: Redis, prefix: string): Promise<void> {
    if (this.size === 0) return;
    const key = metricsKey(prefix);
    const multi = redis.multi();
    for (const [field, n] of this.counts) multi.hincrby(key, field, n);
    for (const [field, x] of this.sums) multi.hincrbyfloat(key, field, x);
    const results = (await multi.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }
}

export interface CounterSeries {
  labels: Record<string, string>;
  value: number;
}

export interface HistogramSeries {
  labels: Record<string, string>;
  /** Cumulative counts per upper bound, ending with +Inf. */
  buckets: Array<{ le: string; count: number }>;
  sum: number;
  count: number;
}

export type AggregatedMetric = { def: MetricDef; type: 'counter'; series: CounterSeries[] } | { def: MetricDef; type: 'histogram'; series: HistogramSeries[] };

/** Parses the hash into one entry per known metric (metrics never observed have no series). */
export function parseAggregates(hash: Record<string, string>, defs: readonly MetricDef[] = METRIC_LIST): AggregatedMetric[] {
  const byName = new Map<string, Map<string, Map<string, number>>>();
  for (const [field, raw] of Object.entries(hash)) {
    const first = field.indexOf('|');
    const last = field.lastIndexOf('|');
    if (first <= 0 || last <= first) continue;
    const name = field.slice(0, first);
    const labelsJson = field.slice(first + 1, last);
    const part = field.slice(last + 1);
    const series = byName.get(name) ?? new Map<string, Map<string, number>>();
    byName.set(name, series);
    const parts = series.get(labelsJson) ?? new Map<string, number>();
    series.set(labelsJson, parts);
    parts.set(part, Number(raw));
  }
  return defs.map((def): AggregatedMetric => {
    const series = [...(byName.get(def.name) ?? new Map<string, Map<string, number>>())];
    const labelsOf = (json: string): Record<string, string> | null => {
      try {
        const values = JSON.parse(json) as unknown;
        if (!Array.isArray(values) || values.length !== def.labels.length) return null; // written by another version
        return Object.fromEntries(def.labels.map((l, i) => [l, String(values[i])]));
      } catch {
        return null;
      }
    };
    if (def.type === 'counter') {
      const out: CounterSeries[] = [];
      for (const [json, parts] of series) {
        const labels = labelsOf(json);
        if (labels) out.push({ labels, value: parts.get('v') ?? 0 });
      }
      return { def, type: 'counter', series: out };
    }
    const bounds = def.buckets ?? [];
    const out: HistogramSeries[] = [];
    for (const [json, parts] of series) {
      const labels = labelsOf(json);
      if (!labels) continue;
      let running = 0;
      const buckets = [...bounds.map((_, i) => i), bounds.length].map((i) => {
        const le = boundLabel(bounds, i);
        running += parts.get(`b:${le}`) ?? 0;
        return { le, count: running };
      });
      out.push({ labels, buckets, sum: parts.get('sum') ?? 0, count: parts.get('count') ?? 0 });
    }
    return { def, type: 'histogram', series: out };
  });
}

export async function readAggregates(redis: Redis, prefix: string): Promise<AggregatedMetric[]> {
  return parseAggregates(await redis.hgetall(metricsKey(prefix)));
}
