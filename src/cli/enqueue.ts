// `cablescan enqueue <inputs...> --out DIR [--batch NAME]`: the producer. Puts the
// batch on the Redis queue and returns at once, printing the batch id on stdout
// (scripts capture it); `cablescan worker` processes do the reading.
import type { Command } from 'commander';
import { checkBeforeWork } from './checks.ts';
import { addBatchOptions, contextFrom, documentsOption, EXIT } from './common.ts';

export function registerEnqueue(program: Command): void {
  const command = program
    .command('enqueue')
    .description('put scans on the Redis queue for `cablescan worker` processes; prints the batch id and returns')
    .argument('[inputs...]', 'image/PDF files, folders (recursive) or glob patterns')
    .requiredOption('-o, --out <dir>', 'output folder, the same path on every worker machine (a shared volume)')
    .option('--batch <name>', 'batch id (default: run-<timestamp>); enqueueing again under it adds only new work')
    .option('--manifest <file>', 'batch manifest (JSON or CSV) naming files, their languages and how their pages group')
    .addOption(documentsOption())
    .option('--redis <url>', 'Redis URL (redis:// or rediss:// for TLS); env REDIS_URL')
    .option(
      '--db <file|url>',
      'review store the workers save records to as documents finish: a SQLite file (default OUT/cablescan.db; one machine) or postgres://... (several); env CABLESCAN_DB, DATABASE_URL',
    )
    .option('--force', 'workers read pages again even when --out already has them')
    .option('--json', 'print a JSON summary instead of the bare batch id');
  addBatchOptions(command).action(async (inputs: string[], _opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals();
    const { config, logger } = contextFrom(opts);
    checkBeforeWork('enqueue', config, { inputs, manifest: opts.manifest });
    // Loaded here, not at the top: every other command would load BullMQ for nothing.
    const { enqueueBatch } = await import('../../queues/producer.ts');
    const result = await enqueueBatch({ inputs, outDir: opts.out, batch: opts.batch, manifest: opts.manifest }, config, logger);
    if (opts.json) {
      const { plans: _plans, meta: _meta, startedAt: _s, ...summary } = result;
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(`${result.batch}\n`);
      process.stderr.write(
        `cablescan: batch ${result.batch}: ${result.pages} pages in ${result.documents} documents; ` +
          `${result.documentsAdded} documents (${result.pagesAdded} pages) added, ${result.documentsExisting} already queued or done` +
          `${result.failures.length ? `; ${result.failures.length} inputs refused (see the worker report)` : ''}\n`,
      );
    }
    process.exitCode = result.failures.length > 0 ? EXIT.failures : EXIT.ok;
  });
}
