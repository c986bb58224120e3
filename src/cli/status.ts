// `cablescan status [--batch NAME] [--watch] [--json]`: what is waiting,
// running and failing on the queue, how fast it goes and when it will finish,
// read from Redis (BullMQ's job sets and the batch bookkeeping). Exit code 1
// when a batch shown has failures, so cron and scripts can alert on it.
import type { Command } from 'commander';
import { requireRedisUrl } from '../../queues/producer.ts';
import { connectMonitor } from '../monitoring/connection.ts';
import { formatStatus } from '../monitoring/format.ts';
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
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config } = contextFrom(opts);
      const redisUrl = requireRedisUrl(config, 'status');
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
