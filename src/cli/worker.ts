// `cablescan worker [--concurrency N]`: reads pages and builds records from the
// Redis queue until SIGTERM/SIGINT. The first signal stops taking jobs and lets
// the running ones finish (up to --grace seconds); what is still running then,
// or at a second signal, is handed back to the queue for another worker.
// Start it with `node bin/cablescan.js worker` (or the `cablescan` bin), not via
// npx: wrappers do not pass SIGTERM on.
import os from 'node:os';
import type { Command } from 'commander';
import { DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS } from '../../queues/names.ts';
import { checkBeforeWork } from './checks.ts';
import { addMachineOptions, contextFrom, EXIT, parseInteger } from './common.ts';

export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('process queued pages and documents until stopped (SIGTERM/SIGINT)')
    .option('--redis <url>', 'Redis URL (redis:// or rediss:// for TLS); env REDIS_URL')
    .option(
      '--db <url>',
      'the PostgreSQL review store with its password, for batches enqueued with one (their jobs carry the URL without it); env CABLESCAN_DB, DATABASE_URL',
    )
    .option('--grace <seconds>', 'on SIGTERM, wait this long for running pages before handing them back', parseInteger('--grace'), 60)
    .option(
      '--lock-duration <ms>',
      "BullMQ job lock; a crashed worker's jobs return after about this long",
      parseInteger('--lock-duration'),
      DEFAULT_LOCK_DURATION_MS,
    )
    .option('--stalled-interval <ms>', 'how often to look for jobs of crashed workers', parseInteger('--stalled-interval'), DEFAULT_STALLED_INTERVAL_MS)
    .option(
      '--metrics-port <n>',
      "serve this worker process's metrics (memory, CPU, event loop, jobs) at http://HOST:N/metrics",
      parseInteger('--metrics-port'),
    )
    .option('--metrics-host <host>', 'address for --metrics-port', '127.0.0.1');
  addMachineOptions(command).action(async (_opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals();
    const { config, logger } = contextFrom(opts);
    checkBeforeWork('worker', config);
    // Loaded here, not at the top: BullMQ, ioredis and prom-client cost every other command
    // (an embedded `cablescan run` above all) a few hundred ms of CPU at start.
    const [{ requireRedisUrl }, { startWorkers }, { startWorkerMonitoring }] = await Promise.all([
      import('../../queues/producer.ts'),
      import('../../workers/start-workers.ts'),
      import('../monitoring/worker-monitoring.ts'),
    ]);
    const redisUrl = requireRedisUrl(config, 'worker');
    const handle = startWorkers({
      redisUrl,
      config,
      logger,
      concurrency: config.concurrency,
      lockDurationMs: opts.lockDuration,
      stalledIntervalMs: opts.stalledInterval,
      configFile: opts.config,
      name: `${os.hostname()}:${process.pid}`,
    });
    // Pipeline metrics go to Redis (served by `cablescan serve` at /metrics); --metrics-port adds this process's own.
    const monitoring = await startWorkerMonitoring({
      workers: handle,
      redisUrl,
      config,
      logger,
      metricsPort: opts.metricsPort,
      metricsHost: opts.metricsHost,
      name: `${os.hostname()}:${process.pid}`,
    });

    await new Promise<void>((resolve) => {
      let stopping: ReturnType<typeof handle.stop> | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.warn({ signal }, 'handing running jobs back now');
          stopping.now();
          return;
        }
        logger.warn(
          { signal, running: handle.active().length, graceSeconds: opts.grace },
          'stopping: no new jobs; finishing the running ones (signal again to hand them back now)',
        );
        stopping = handle.stop(opts.grace * 1000);
        stopping.done.then(
          (outcome) => {
            logger.info({ outcome }, outcome === 'finished' ? 'worker stopped' : 'worker stopped; unfinished jobs handed back');
            process.exitCode = EXIT.ok;
            resolve();
          },
          (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            process.exitCode = EXIT.failures;
            resolve();
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    await monitoring.close();
    // Sandboxed children and open handles must not keep a stopped worker alive.
    process.exit();
  });
}
