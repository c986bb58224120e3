// Pages per minute over sliding windows, and the ETA they imply. Computed on
// read from the pages' finish times (BullMQ keeps every completed job in a
// sorted set scored by its finish time), so nothing has to be counted while the
// batch runs and every terminal that asks gets the same answer.

export const WINDOWS_MINUTES = [1, 5, 15] as const;

export interface Throughput {
  /** Pages finished per minute over the last 1, 5 and 15 minutes. */
  m1: number;
  m5: number;
  m15: number;
}

/** Pages per minute in each window ending at `now` (epoch ms). */
export function pagesPerMinute(finishTimes: Iterable<number>, now: number): Throughput {
  const counts = [0, 0, 0];
  for (const t of finishTimes) {
    const ageMinutes = (now - t) / 60_000;
    if (ageMinutes < 0) continue; // a worker clock ahead of ours: not yet "in the past"
    WINDOWS_MINUTES.forEach((w, i) => {
      if (ageMinutes <= w) counts[i] += 1;
    });
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return { m1: round(counts[0] / 1), m5: round(counts[1] / 5), m15: round(counts[2] / 15) };
}

/**
 * Seconds until the remaining pages are done at the recent pace: the 5-minute
 * rate (steady, yet recent), else the 15- or 1-minute one. Null when nothing
 * finished lately (no pace to extrapolate), 0 when nothing remains.
 */
export function etaSeconds(remainingPages: number, rate: Throughput): number | null {
  if (remainingPages <= 0) return 0;
  const perMinute = rate.m5 > 0 ? rate.m5 : rate.m15 > 0 ? rate.m15 : rate.m1;
  if (perMinute <= 0) return null;
  return Math.round((remainingPages / perMinute) * 60);
}

/** "3h 05m", "12m 04s", "45s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/**
 * Pages per minute from counts per epoch minute (queues/batch-store.ts keeps them as pages
 * finish): the minute under way counts whole, the one before it for the part of it still inside
 * the window.
 */
export function pagesPerMinuteFromBuckets(perMinute: ReadonlyMap<number, number>, now: number): Throughput {
  const current = Math.floor(now / 60_000);
  const elapsed = (now % 60_000) / 60_000;
  const rate = (w: number) => {
    let n = 0;
    for (const [minute, count] of perMinute) {
      const age = current - minute;
      if (age < 0 || age > w) continue;
      n += age === w ? count * (1 - elapsed) : count;
    }
    return Math.round((n / w) * 100) / 100;
  };
  return { m1: rate(1), m5: rate(5), m15: rate(15) };
}
