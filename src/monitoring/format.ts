// `cablescan status` for people: queues, workers, then one block per batch with
// its progress bar, pace, ETA and top failure reasons.
import { formatDuration } from './throughput.ts';
import type { BatchStatus, StatusReport } from './status.ts';

const SHOWN_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

function bar(done: number, failed: number, total: number, width = 30): string {
  if (total <= 0) return `[${' '.repeat(width)}]`;
  const d = Math.round((done / total) * width);
  const f = Math.min(width - d, Math.round((failed / total) * width));
  return `[${'#'.repeat(d)}${'x'.repeat(f)}${'.'.repeat(width - d - f)}]`;
}

function pct(n: number, total: number): string {
  return total > 0 ? `${((n / total) * 100).toFixed(1)}%` : '-';
}

function formatBatch(b: BatchStatus): string[] {
  const p = b.pages;
  const lines = [
    `batch ${b.batch}  (created ${b.createdAt}, out ${b.outDir})`,
    `  pages     ${bar(p.done, p.failed, p.total)} ${p.done}/${p.total} done (${pct(p.done, p.total)}), ${p.failed} failed, ${p.active} active, ${p.delayed} retrying, ${p.waiting} waiting`,
    `  documents ${b.documents.done}/${b.documents.total} built, ${b.documents.failed} failed`,
    `  pace      ${b.pagesPerMinute.m1} / ${b.pagesPerMinute.m5} / ${b.pagesPerMinute.m15} pages/min (1 / 5 / 15 min)`,
    `  eta       ${b.finished ? 'finished' : b.etaSeconds === null ? 'unknown (nothing finished in the last 15 min)' : formatDuration(b.etaSeconds)}`,
  ];
  if (b.failures.total > 0) {
    lines.push(`  failures  ${b.failures.total}:`);
    for (const g of b.failures.top) {
      lines.push(`    ${String(g.count).padStart(5)}  ${g.code} [${g.stages.join(',')}]  ${g.message}`);
      if (g.files.length > 0) lines.push(`           e.g. ${g.files.join(', ')}`);
    }
  }
  return lines;
}

export function formatStatus(report: StatusReport): string {
  const lines: string[] = [`cablescan status  ${report.generatedAt}  (queue prefix ${report.prefix})`, ''];
  const width = Math.max(...report.queues.map((q) => q.name.length), 5);
  lines.push(`${'queue'.padEnd(width)}  ${SHOWN_STATES.map((s) => s.padStart(9)).join(' ')}`);
  for (const q of report.queues) lines.push(`${q.name.padEnd(width)}  ${SHOWN_STATES.map((s) => String(q.counts[s] ?? 0).padStart(9)).join(' ')}`);
  lines.push('');
  const names = [...new Set(report.workers.map((w) => w.name))];
  lines.push(names.length === 0 ? 'workers: none connected' : `workers: ${names.length} live`);
  for (const name of names) {
    const w = report.workers.filter((x) => x.name === name);
    const age = w[0].ageSeconds;
    lines.push(`  ${name}  queues ${w.map((x) => x.queue).join(', ')}${age !== undefined ? `  up ${formatDuration(age)}` : ''}`);
  }
  lines.push('');
  if (report.batches.length === 0) lines.push('no batches');
  for (const b of report.batches) lines.push(...formatBatch(b), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
