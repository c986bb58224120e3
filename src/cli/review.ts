// `cablescan review stats|audit`: where the review of a store stands, and the
// audit trail of who changed what.
import type { Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { FieldStatus } from '../types.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { reportPath } from '../records/layout.ts';
import { importOutputFolder, openExistingStore, resolveStorePath, ReviewStore, type AuditEntry, type StoreStats } from '../store/index.ts';
import { contextFrom, EXIT, parseInteger } from './common.ts';

const STATUS_COLUMNS: readonly FieldStatus[] = ['accepted', 'needs_review', 'missing', 'confirmed', 'corrected', 'absent'];

function withStore<T>(opts: Record<string, unknown>, fn: (store: ReviewStore) => T): T {
  const { config } = contextFrom(opts, { db: opts.db });
  const store = openExistingStore({ out: opts.out as string | undefined, db: config.db });
  try {
    if (typeof opts.batch === 'string' && !store.hasBatch(opts.batch)) {
      const known = store.facets().batches.map((b) => b.name);
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch "${opts.batch}" in ${store.file} (batches: ${known.join(', ') || 'none'})`);
    }
    return fn(store);
  } finally {
    store.close();
  }
}

async function batchOfReport(outDir: string): Promise<string | null> {
  try {
    const report = JSON.parse(await readFile(reportPath(outDir), 'utf8')) as { batch?: unknown };
    return typeof report.batch === 'string' ? report.batch : null;
  } catch {
    return null;
  }
}

export function formatStats(stats: StoreStats, file: string): string {
  const { progress } = stats;
  const lines = [
    `Store: ${file}`,
    `Records: ${stats.records} (${stats.recordsDone} done, ${stats.records - stats.recordsDone} waiting for review)`,
    `Review: ${progress.reviewed} of ${progress.total} doubtful fields reviewed, ${progress.remaining} left`,
  ];
  if (progress.reviewers.length) {
    lines.push(`Reviewers: ${progress.reviewers.map((r) => `${r.reviewer} ${r.fields} field(s), ${r.actions} action(s)`).join('; ')}`);
  }
  const head = ['field', ...STATUS_COLUMNS.map((s) => s.replace('_', ' '))];
  const rows = stats.byField.map((f) => [f.field, ...STATUS_COLUMNS.map((s) => String(f.counts[s] ?? 0))]);
  const totals = ['total', ...STATUS_COLUMNS.map((s) => String(stats.byField.reduce((n, f) => n + (f.counts[s] ?? 0), 0)))];
  const table = [head, ...rows, totals];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  lines.push('', ...table.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')));
  return lines.join('\n');
}

export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no review actions yet';
  const show = (v: AuditEntry['oldValue']) => (v === null ? '∅' : JSON.stringify(v));
  return entries
    .map((e) => `${e.at}  ${e.reviewer}  ${e.action.padEnd(7)}  ${e.recordId}.${e.field}  ${show(e.oldValue)} -> ${show(e.newValue)}  (${e.oldStatus} -> ${e.newStatus}, v${e.version})`)
    .join('\n');
}

export function registerReview(program: Command): void {
  const review = program.command('review').description('the review store: progress and audit trail (the UI is `cablescan serve`)');
  const storeOptions = (c: Command) =>
    c
      .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
      .option('--db <file>', 'review store file; env CABLESCAN_DB')
      .option('--batch <name>', 'only this batch')
      .option('--json', 'print JSON');

  storeOptions(review.command('stats').description('records and fields by status, review progress per reviewer'))
    .option('--field <name>', 'only this field')
    .option('--profile <name>', 'only this profile')
    .action((_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      withStore(opts, (store) => {
        const stats = store.stats({ batch: opts.batch, field: opts.field, profile: opts.profile });
        process.stdout.write(`${opts.json ? JSON.stringify(stats, null, 2) : formatStats(stats, store.file)}\n`);
      });
      process.exitCode = EXIT.ok;
    });

  review
    .command('import')
    .description("fill the store from an output folder's records/ and pages/ (runs made before the store, or elsewhere)")
    .requiredOption('-o, --out <dir>', 'output folder of `cablescan run`')
    .option('--db <file>', 'review store file (default <out>/cablescan.db); env CABLESCAN_DB')
    .option('--batch <name>', 'batch name for these records (default: the report.json batch, else the folder name)')
    .option('--cwd <dir>', 'where the run was started: page paths in pages/*.json are relative to it (default: here)')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config } = contextFrom(opts, { db: opts.db });
      const outDir = path.resolve(opts.out);
      const batch = opts.batch ?? (await batchOfReport(outDir)) ?? path.basename(outDir);
      const store = ReviewStore.open(resolveStorePath({ out: outDir, db: config.db })!);
      try {
        const result = await importOutputFolder(store, outDir, { batch, cwd: path.resolve(opts.cwd ?? '.') });
        process.stdout.write(`imported ${result.records} record(s) into ${store.file} as batch ${batch}\n`);
        for (const s of result.skipped) process.stdout.write(`  skipped ${s.recordId}: ${s.reason}\n`);
        process.exitCode = result.skipped.length ? EXIT.failures : EXIT.ok;
      } finally {
        store.close();
      }
    });

  storeOptions(review.command('audit').description('review actions, newest first: who, when, which field, old and new value'))
    .option('--reviewer <name>', 'only this reviewer')
    .option('--record <id>', 'only this record')
    .option('--limit <n>', 'at most this many (default 100)', parseInteger('--limit'))
    .action((_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      withStore(opts, (store) => {
        const entries = store.actions({ batch: opts.batch, reviewer: opts.reviewer, recordId: opts.record, limit: opts.limit ?? 100 });
        process.stdout.write(`${opts.json ? JSON.stringify(entries, null, 2) : formatAudit(entries)}\n`);
      });
      process.exitCode = EXIT.ok;
    });
}
