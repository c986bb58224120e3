// `cablescan status [--batch NAME] [--watch] [--json]`: what is waiting,
// running and failing on the queue, how fast it goes and when it will finish,
// read from Redis (BullMQ's job sets and the batch bookkeeping). Exit code 1
// when a batch shown has failures, so cron and scripts can alert on it.
// `--batch NAME --write-report` writes the batch's OUT/report.json instead, as a waiting
// `run --redis` would have (queue mode without a waiting run: see docs/queue.md).
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { StatusReport } from '../monitoring/status.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { contextFrom, EXIT, parseInteger } from './common.ts';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The batch planned again from what enqueue remembered (inputs, manifest, folder) and watched
 * to the end by the queue driver with no worker of its own: the documents already done settle
 * at once; nothing is queued twice (job ids follow the pages).
 */
async function writeReport(batch: string, redisUrl: string, config: Config, logger: Logger): Promise<number> {
  const [{ connectRedis }, { loadBatchMeta }, { bullPrefix }, { runViaQueue }] = await Promise.all([
    import('../../queues/connection.ts'),
    import('../../queues/batch-store.ts'),
    import('../../queues/names.ts'),
    import('../drivers/queue.ts'),
  ]);
  const redis = await connectRedis(redisUrl, 'producer');
  let meta;
  try {
    meta = await loadBatchMeta(redis, bullPrefix(config.queuePrefix), batch);
  } finally {
    redis.disconnect();
  }
  if (!meta) throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch named "${batch}" in this queue`);
  if (!meta.cwd)
    throw new CablescanError(
      ErrorCode.CONFIG_INVALID,
      `batch "${batch}" was enqueued by a cablescan that did not remember its folder: run \`cablescan run --redis ... --no-local-worker\` with its inputs instead`,
    );
  const result = await runViaQueue(
    { inputs: meta.inputs, outDir: meta.outDir, batch, manifest: meta.manifest, cwd: meta.cwd, localConcurrency: 0 },
    // The windows it was planned in, so their job ids are the ones queued.
    { ...config, force: false, ...(meta.windowPages ? { windowPages: meta.windowPages } : {}) },
    logger.child({ batch }),
  );
  process.stdout.write(`cablescan: report of batch ${batch} written to ${meta.outDir}/report.json\n`);
  return result.exitCode;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('queues, live workers and batches: pages done, pages/min, ETA, top failure reasons (exit 1 when a batch has failures)')
    .option('--batch <name>', 'only this batch')
    .option('--limit <n>', 'without --batch, show the N most recent batches', parseInteger('--limit'), 20)
    .option('--watch', 'refresh until Ctrl-C')
    .option('--interval <seconds>', 'refresh interval with --watch', parseInteger('--interval'), 2)
    .option('--json', 'print JSON (one object; with --watch one object per line per refresh)')
    .option('--redis <url>', 'Redis URL; env REDIS_URL')
    .option('--write-report', "with --batch: write the batch's OUT/report.json (waits for the documents still queued or running)")
    .option('--db <file|url>', 'with --write-report: the review store the batch was enqueued with; env CABLESCAN_DB, DATABASE_URL')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config, logger } = contextFrom(opts, { db: opts.db });
      // Loaded here, not at the top: BullMQ and ioredis cost every other command (an embedded
      // `cablescan run` above all) a few hundred ms of CPU at start.
      const { requireRedisUrl } = await import('../../queues/producer.ts');
      const redisUrl = requireRedisUrl(config, 'status');
      if (opts.writeReport) {
        if (opts.batch === undefined) throw new CablescanError(ErrorCode.CONFIG_INVALID, '--write-report goes with --batch NAME');
        process.exitCode = await writeReport(opts.batch as string, redisUrl, config, logger);
        return;
      }
      const [{ connectMonitor }, { formatStatus }] = await Promise.all([import('../monitoring/connection.ts'), import('../monitoring/format.ts')]);
      const monitor = await connectMonitor(redisUrl, config.queuePrefix);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const clear = !opts.json && process.stdout.isTTY;
      let last: StatusReport | undefined;
      try {
        do {
          last = await monitor.status.report({ batch: opts.batch, limit: opts.limit });
          if (opts.batch !== undefined && last.batches.length === 0) {
            throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch named "${opts.batch}" in this queue (prefix ${monitor.prefix})`);
          }
          const text = opts.json ? `${JSON.stringify(last, null, opts.watch ? undefined : 2)}\n` : formatStatus(last);
          process.stdout.write(opts.watch && clear ? `\x1b[2J\x1b[H${text}` : text);
          if (opts.watch) await sleep(Math.max(1, opts.interval) * 1000, controller.signal);
        } while (opts.watch && !controller.signal.aborted);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await monitor.close();
      }
      process.exitCode = last?.hasFailures ? EXIT.failures : EXIT.ok;
    });
}
