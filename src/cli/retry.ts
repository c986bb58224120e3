// `cablescan retry [--batch NAME]`: re-queues failed jobs (all, or one batch's),
// rebuilding each affected document so its records include the retried pages.
import type { Command } from 'commander';
import { contextFrom, EXIT } from './common.ts';

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('re-queue failed page and document jobs (fix the cause first: a file, a disk, a setting)')
    .option('--batch <name>', 'only this batch')
    .option('--redis <url>', 'Redis URL; env REDIS_URL')
    .option('--json', 'print the job ids as JSON')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config, logger } = contextFrom(opts);
      // Loaded here, not at the top: every other command would load BullMQ for nothing.
      const { retryFailed } = await import('../../queues/retry.ts');
      const summary = await retryFailed({ batch: opts.batch }, config, logger);
      if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(
          `re-queued ${summary.pagesRetried.length} pages (${summary.documentsRebuilt.length} documents to rebuild) and ${summary.documentsRetried.length} documents\n`,
        );
        for (const s of summary.skipped) process.stdout.write(`  not retried: ${s.jobId}: ${s.reason}\n`);
      }
      process.exitCode = summary.skipped.length > 0 ? EXIT.failures : EXIT.ok;
    });
}
