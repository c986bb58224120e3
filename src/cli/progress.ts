// Progress for `run`: a bar with pages/s and ETA on a terminal, plain log lines
// (at most one every few seconds) when stderr is a file or a pipe.
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { Logger } from '../logger.ts';
import type { ProgressEvent } from '../pipeline/index.ts';

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  stop(): void;
}

function rate(done: number, startedAt: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? done / seconds : 0;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '--';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function createProgressReporter(options: { tty: boolean; logger: Logger; intervalMs?: number }): ProgressReporter {
  const startedAt = Date.now();
  // Pages/s counts only pages read in this run: resumed pages cost nothing and would flatter the ETA.
  let work = 0;
  if (options.tty) {
    // Loaded only for the terminal's bar: a run logging to a file or a pipe needs none of it.
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {value}/{total} pages | {speed} pages/s | ETA {etaText} | failed {failed}',
        hideCursor: true,
        stream: process.stderr,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(e) {
        if (e.outcome === 'read' || e.outcome === 'failed') work += 1;
        const r = rate(work, startedAt);
        const payload = { speed: r.toFixed(2), etaText: formatEta(r > 0 ? (e.total - e.done) / r : NaN), failed: e.failed };
        if (!started) {
          bar.start(e.total, e.done, payload);
          started = true;
        } else bar.update(e.done, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const interval = options.intervalMs ?? 5000;
  let lastLog = 0;
  return {
    update(e) {
      if (e.outcome === 'read' || e.outcome === 'failed') work += 1;
      const now = Date.now();
      if (e.done !== e.total && now - lastLog < interval) return;
      lastLog = now;
      const r = rate(work, startedAt);
      options.logger.info(
        {
          progress: {
            done: e.done,
            total: e.total,
            failed: e.failed,
            pagesPerSecond: Number(r.toFixed(3)),
            etaSeconds: r > 0 ? Math.round((e.total - e.done) / r) : null,
          },
        },
        `progress ${e.done}/${e.total} pages`,
      );
    },
    stop() {},
  };
}
