// `cablescan review stats|audit`: where the review of a store stands, and the
// audit trail of who changed what.
import { Option, type Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { FieldStatus } from '../types.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { reportPath } from '../records/layout.ts';
import { importOutputFolder, openExistingStore, sequencesOfReport, resolveStorePath, ReviewStore, type AuditEntry, type StoreStats } from '../store/index.ts';
import os from 'node:os';
import type { RegroupOutcome, RegroupRequest } from '../regroup/index.ts';
import type { AuditTable, ChainReport, GroupingAuditEntry } from '../store/index.ts';
import { contextFrom, EXIT, parseInteger } from './common.ts';

const STATUS_COLUMNS: readonly FieldStatus[] = ['accepted', 'needs_review', 'missing', 'confirmed', 'corrected', 'absent'];

async function withStore<T>(opts: Record<string, unknown>, fn: (store: ReviewStore) => Promise<T>): Promise<T> {
  const { config } = contextFrom(opts, { db: opts.db });
  const store = await openExistingStore({ out: opts.out as string | undefined, db: config.db });
  try {
    if (typeof opts.batch === 'string' && !(await store.hasBatch(opts.batch))) {
      const known = (await store.facets()).batches.map((b) => b.name);
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch "${opts.batch}" in ${store.file} (batches: ${known.join(', ') || 'none'})`);
    }
    return await fn(store);
  } finally {
    await store.close();
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

const ACTION_NAMES: Record<GroupingAuditEntry['action'], string> = { split: 'split', merge: 'merge', confirm: 'confirm-grouping' };

/** One grouping action as a line: the records before -> after, with their pages, and what became of field decisions. */
export function formatGroupingEntry(e: GroupingAuditEntry): string {
  const records = (list: GroupingAuditEntry['before']) => list.map((r) => `${r.id}[${r.pages.join(',')}]`).join(' + ') || '-';
  const f = e.fields;
  const fields =
    f.carried.length + f.returned.length + f.dropped.length
      ? `; fields: ${f.carried.length} carried, ${f.returned.length} back to review, ${f.dropped.length} left behind`
      : '';
  return `${e.at}  ${e.reviewer}  ${ACTION_NAMES[e.action].padEnd(7)}  at ${e.page}  ${records(e.before)} -> ${records(e.after)}${fields}`;
}

/** Field actions and grouping actions, newest first. */
export function formatAudit(entries: readonly AuditEntry[], grouping: readonly GroupingAuditEntry[] = []): string {
  if (entries.length === 0 && grouping.length === 0) return 'no review actions yet';
  const show = (v: AuditEntry['oldValue']) => (v === null ? '∅' : JSON.stringify(v));
  const lines = [
    ...entries.map((e) => ({
      at: e.at,
      line: `${e.at}  ${e.reviewer}  ${e.action.padEnd(7)}  ${e.recordId}.${e.field}  ${show(e.oldValue)} -> ${show(e.newValue)}  (${e.oldStatus} -> ${e.newStatus}, v${e.version})`,
    })),
    ...grouping.map((e) => ({ at: e.at, line: formatGroupingEntry(e) })),
  ];
  // Stable: equal times keep field actions, then grouping actions, each newest first.
  return lines
    .map((l, i) => ({ ...l, i }))
    .sort((a, b) => (a.at === b.at ? a.i - b.i : a.at < b.at ? 1 : -1))
    .map((l) => l.line)
    .join('\n');
}

const CHAIN_NAMES: Record<AuditTable, string> = { review_actions: 'field review(s)', grouping_actions: 'grouping action(s)' };

/** The verdict of `review audit --verify`: every chain intact (and ending at the expected head, when one is given). */
export function verdict(reports: readonly ChainReport[], expectHead?: string): { ok: boolean; text: string } {
  const broken = reports.find((r) => r.broken);
  if (broken?.broken) return { ok: false, text: `audit trail broken: ${broken.broken.message}\n(${broken.entries - 1} entries before it are intact)` };
  const summary = reports.map((r) => `${r.entries} ${CHAIN_NAMES[r.table]}, head ${r.head}`).join('\n');
  if (expectHead !== undefined && !reports.some((r) => r.head === expectHead)) {
    return {
      ok: false,
      text: `audit trail does not end at ${expectHead}: entries were removed, or the trail was rewritten, since that head was noted\n${summary}`,
    };
  }
  return { ok: true, text: `audit trail intact:\n${summary}` };
}

/** Prints a regrouping's outcome; a refused one sets the exit code (2: does not apply, 1: changed meanwhile or readings missing). */
function reportRegroup(outcome: RegroupOutcome, json: boolean): void {
  if (!outcome.ok) {
    const code =
      outcome.reason === 'conflict'
        ? 'CS_ERR_CONFLICT'
        : outcome.reason === 'unavailable'
          ? 'CS_ERR_READINGS_UNAVAILABLE'
          : outcome.reason === 'invalid'
            ? 'CS_ERR_REGROUP_INVALID'
            : 'CS_ERR_NOT_FOUND';
    process.stderr.write(`cablescan: ${code}: ${outcome.message}\n`);
    process.exitCode = outcome.reason === 'conflict' || outcome.reason === 'unavailable' ? EXIT.failures : EXIT.usage;
    return;
  }
  if (json)
    process.stdout.write(
      `${JSON.stringify({ action: outcome.entry, records: outcome.records, retired: outcome.retired, created: outcome.created, warnings: outcome.warnings }, null, 2)}\n`,
    );
  else {
    process.stdout.write(`${formatGroupingEntry(outcome.entry)}\n`);
    for (const w of outcome.warnings) process.stderr.write(`cablescan: warning: ${w}\n`);
  }
  process.exitCode = EXIT.ok;
}

export function registerReview(program: Command): void {
  const review = program.command('review').description('the review store: progress and audit trail (the UI is `cablescan serve`)');
  const storeOptions = (c: Command) =>
    c
      .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
      .option('--db <file|url>', 'review store: a SQLite file or postgres://...; env CABLESCAN_DB, DATABASE_URL')
      .option('--batch <name>', 'only this batch')
      .option('--json', 'print JSON');

  storeOptions(review.command('stats').description('records and fields by status, review progress per reviewer'))
    .option('--field <name>', 'only this field')
    .option('--profile <name>', 'only this profile')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      await withStore(opts, async (store) => {
        const stats = await store.stats({ batch: opts.batch, field: opts.field, profile: opts.profile });
        process.stdout.write(`${opts.json ? JSON.stringify(stats, null, 2) : formatStats(stats, store.file)}\n`);
      });
      process.exitCode = EXIT.ok;
    });

  review
    .command('import')
    .description("fill the store from an output folder's records/ and pages/ (runs made before the store, or elsewhere)")
    .requiredOption('-o, --out <dir>', 'output folder of `cablescan run`')
    .option('--db <file|url>', 'review store: a SQLite file (default <out>/cablescan.db) or postgres://...; env CABLESCAN_DB, DATABASE_URL')
    .option('--batch <name>', 'batch name for these records (default: the report.json batch, else the folder name)')
    .option('--cwd <dir>', 'where the run was started: page paths in pages/*.json are relative to it (default: here)')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config } = contextFrom(opts, { db: opts.db });
      const outDir = path.resolve(opts.out);
      const batch = opts.batch ?? (await batchOfReport(outDir)) ?? path.basename(outDir);
      const store = await ReviewStore.open(resolveStorePath({ out: outDir, db: config.db })!);
      try {
        // The report's sequences let reviewers regroup the imported records.
        const result = await importOutputFolder(store, outDir, { batch, cwd: path.resolve(opts.cwd ?? '.'), sequences: await sequencesOfReport(outDir) });
        process.stdout.write(`imported ${result.records} record(s) into ${store.file} as batch ${batch}\n`);
        for (const s of result.skipped) process.stdout.write(`  skipped ${s.recordId}: ${s.reason}\n`);
        process.exitCode = result.skipped.length ? EXIT.failures : EXIT.ok;
      } finally {
        await store.close();
      }
    });

  storeOptions(
    review.command('audit').description('review actions, newest first: who, when, which field, old and new value; splits, merges and grouping confirmations'),
  )
    .option('--reviewer <name>', 'only this reviewer')
    .option('--record <id>', 'only this record')
    .option('--limit <n>', 'at most this many of each kind (default 100)', parseInteger('--limit'))
    .addOption(new Option('--kind <kind>', 'only field reviews or only grouping actions').choices(['fields', 'grouping']))
    .option('--verify', 'check the hash chain of the whole trail instead: reports the first entry changed, removed or added behind the store (exit 1)')
    .option(
      '--expect-head <hash>',
      'with --verify: the head hash noted earlier (printed by --verify, logged by the server after each write); a trail rewritten or cut since then no longer ends there',
    )
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      if (opts.expectHead !== undefined && !opts.verify) throw new CablescanError(ErrorCode.CONFIG_INVALID, '--expect-head goes with --verify');
      if (opts.verify) {
        await withStore(opts, async (store) => {
          const reports = await store.verifyAudit();
          const check = verdict(reports, opts.expectHead as string | undefined);
          process.stdout.write(
            `${opts.json ? JSON.stringify({ intact: check.ok, chains: reports, expectHead: opts.expectHead ?? null }, null, 2) : check.text}\n`,
          );
          process.exitCode = check.ok ? EXIT.ok : EXIT.failures;
        });
        return;
      }
      await withStore(opts, async (store) => {
        const filter = { batch: opts.batch, reviewer: opts.reviewer, recordId: opts.record, limit: opts.limit ?? 100 };
        const entries = opts.kind === 'grouping' ? [] : await store.actions(filter);
        const grouping = opts.kind === 'fields' ? [] : await store.groupingActions(filter);
        // JSON: field actions as before, then grouping actions (told apart by `action`: split, merge, confirm).
        process.stdout.write(`${opts.json ? JSON.stringify([...entries, ...grouping], null, 2) : formatAudit(entries, grouping)}\n`);
      });
      process.exitCode = EXIT.ok;
    });

  // Splits, merges and confirmations from the command line: the same as the review page's keys.
  const regroupOptions = (c: Command) =>
    c
      .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
      .option('--db <file|url>', 'review store: a SQLite file or postgres://...; env CABLESCAN_DB, DATABASE_URL')
      .option('--reviewer <name>', 'who decides, for the audit trail (default: your user name)')
      .option(
        '--expect-version <n>',
        "the record's version you looked at (default: as it is now); a record changed since is refused",
        parseInteger('--expect-version'),
      )
      .option('--json', 'print JSON');
  /** The version the person named, or the record's version now (they are looking at it as it is). */
  const regroup = async (opts: Record<string, unknown>, recordId: string, request: (reviewer: string, version: number) => RegroupRequest) => {
    const { config, logger } = contextFrom(opts, { db: opts.db });
    const store = await openExistingStore({ out: opts.out as string | undefined, db: config.db });
    try {
      const reviewer = (opts.reviewer as string | undefined) ?? os.userInfo().username;
      const version = (opts.expectVersion as number | undefined) ?? (await store.recordState(recordId))?.version ?? 1;
      // Loaded here, not at the top: every other command (an embedded `cablescan run` above all) would load it for nothing.
      const { Regrouper } = await import('../regroup/index.ts');
      const outcome = await new Regrouper({ store, config, logger }).regroup(request(reviewer, version));
      reportRegroup(outcome, Boolean(opts.json));
    } finally {
      await store.close();
    }
  };

  regroupOptions(review.command('split').description('split a record at one of its pages: that page starts a new document'))
    .argument('<record>', 'record id')
    .requiredOption('--at <page>', 'page id of the record that starts the new document')
    .action(async (record: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      await regroup(opts, record, (reviewer, version) => ({ action: 'split', recordId: record, version, at: opts.at, reviewer }));
    });

  regroupOptions(review.command('merge').description('merge two neighbouring records of one sequence into one document'))
    .argument('<record>', 'record id')
    .argument('<other>', 'the record just before or after it')
    .action(async (record: string, other: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      await regroup(opts, record, (reviewer, version) => ({ action: 'merge', recordId: record, version, with: other, reviewer }));
    });

  regroupOptions(review.command('confirm-grouping').description("confirm a record's grouping as it is: its fields go back to the normal thresholds"))
    .argument('<record>', 'record id')
    .option('--page <page>', 'confirm only the decision at this page (default: every decision the record depends on)')
    .action(async (record: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      await regroup(opts, record, (reviewer, version) => ({ action: 'confirm', recordId: record, version, page: opts.page, reviewer }));
    });
}
