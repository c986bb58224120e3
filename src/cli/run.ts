// `cablescan run <inputs...> --out DIR`: the whole pipeline on a batch, embedded
// (no Redis) unless a Redis URL is given.
import path from 'node:path';
import type { Command } from 'commander';
import { runInProcess } from '../drivers/in-process.ts';
import type { ProgressEvent } from '../pipeline/index.ts';
import { ARCHIVAL_FORMAT_NAMES } from '../exports/formats/index.ts';
import { checkBeforeWork } from './checks.ts';
import { addBatchOptions, addMachineOptions, contextFrom, documentsOption, EXIT } from './common.ts';
import { createProgressReporter } from './progress.ts';
import { formatSummary } from './summary.ts';

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('read scans (files, folders, globs) and write records, page text and a report to --out')
    .argument('[inputs...]', 'image/PDF files, folders (recursive) or glob patterns')
    .requiredOption('-o, --out <dir>', 'output folder (records/, pages/, report.json)')
    .option('--manifest <file>', 'batch manifest (JSON or CSV) naming files, their languages and how their pages group')
    .addOption(documentsOption())
    .option('--batch <name>', 'batch name (default: run-<timestamp>)')
    .option('--force', 'read pages again even when --out already has them')
    .option('--db <file|url>', 'review store the records go to: a SQLite file (default OUT/cablescan.db) or postgres://...; env CABLESCAN_DB, DATABASE_URL')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option(
      '--emit <formats>',
      `also write archival files to OUT/exports/ as documents finish: ${ARCHIVAL_FORMAT_NAMES.join(',')} (comma-separated)`,
      (v: string) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
    )
    .option('--redis <url>', 'run through the Redis queue (env REDIS_URL): enqueue, read here too, wait; same outputs')
    .option('--no-local-worker', 'with --redis: only enqueue and wait; `cablescan worker` processes elsewhere read the pages');
  addMachineOptions(addBatchOptions(command)).action(async (inputs: string[], _opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals();
    const { config, logger } = contextFrom(opts, { emit: opts.emit });
    checkBeforeWork('run', config, { inputs, manifest: opts.manifest });
    const tty = Boolean(process.stderr.isTTY) && opts.progress !== false;
    // With a bar on the terminal, info lines would tear it apart: show warnings and
    // errors only, unless the user chose a level.
    const log = tty && !opts.logLevel ? logger.child({}, { level: 'warn' }) : logger;
    const progress = createProgressReporter({ tty, logger: log });

    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(EXIT.interrupted);
      log.warn({ signal }, 'stopping: finishing the pages in flight (press again to quit now)');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const runOptions = {
      inputs,
      outDir: opts.out,
      batch: opts.batch,
      manifest: opts.manifest,
      onProgress: (e: ProgressEvent) => progress.update(e),
      signal: controller.signal,
    };
    // The queue driver (BullMQ, ioredis and the workers) is loaded only for a run that uses it:
    // an embedded run never needs it, and loading it costs a few hundred ms of CPU per process.
    const result = await (config.redisUrl
      ? import('../drivers/queue.ts').then(({ runViaQueue }) =>
          runViaQueue({ ...runOptions, localConcurrency: opts.localWorker === false ? 0 : config.concurrency }, config, log),
        )
      : runInProcess(runOptions, config, log)
    ).finally(() => progress.stop());
    process.stdout.write(`${formatSummary(result.report, path.relative(process.cwd(), path.resolve(opts.out)) || '.')}\n`);
    process.exitCode = result.exitCode;
  });
}
