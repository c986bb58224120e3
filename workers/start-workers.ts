// One worker process = two BullMQ workers on the same connection settings:
// - pages: a sandboxed processor (page-sandbox.ts, forked children, one OCR engine
//   each), `concurrency` children at a time;
// - documents: an in-process processor (buildRecords is light next to OCR).
// Shutdown: stop taking jobs, let the current ones finish within a grace period,
// then hand the rest back to the queue (moved to wait, lock released) so another
// worker takes them at once instead of after the lock expires.
import { fileURLToPath } from 'node:url';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Config } from '../src/config.ts';
import { engineOptionsEnv, ENV_VARS } from '../src/config.ts';
import { forkDiesWithParent } from '../src/child-lifetime.ts';
import type { Logger } from '../src/logger.ts';
import { redactRedisUrl, redisOptions } from '../queues/connection.ts';
import { bullPrefix, DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS, DOCUMENT_QUEUE, PAGE_QUEUE, QUEUE_OPTIONS } from '../queues/names.ts';
import { countWindow } from '../queues/batch-store.ts';
import { Redis } from 'ioredis';
import { createDocumentProcessor } from './document-processor.ts';
import { JobStores } from './job-store.ts';
import { jobUnit } from '../src/monitoring/job-log.ts';

// The lock defaults live in names.ts (no BullMQ there): `cablescan worker`'s options show them
// without loading BullMQ for every other command.
export { DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS } from '../queues/names.ts';
/** A job whose worker died twice during it is failed (a page that kills its worker must not loop forever). */
export const MAX_STALLED_COUNT = 2;

export interface StartWorkersOptions {
  redisUrl: string;
  config: Config;
  logger: Logger;
  /** Pages read at the same time (sandboxed children). */
  concurrency: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Config file the sandboxed children should load too (the worker's --config). */
  configFile?: string;
  /** Base environment of the sandboxed children (default: this process's, passed through unread). */
  env?: NodeJS.ProcessEnv;
  /** Shown in BullMQ as the job's `processedBy`. */
  name?: string;
}

export type StopOutcome = 'finished' | 'handed-back';

export interface WorkerHandle {
  pages: Worker;
  documents: Worker;
  /** Resolves when both workers are connected and waiting for jobs. */
  ready: Promise<void>;
  /** Jobs running now, by job id. */
  active(): Job[];
  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones; what is still
   * running then is handed back to the queue. `now()` on the returned controller
   * skips the rest of the wait (a second Ctrl-C).
   */
  stop(graceMs: number): { done: Promise<StopOutcome>; now(): void };
}

/** The sandboxed children run TypeScript: give them tsx's loader by absolute URL, whatever the cwd. */
export function sandboxExecArgv(parentExecArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parentExecArgv.length; i++) {
    const arg = parentExecArgv[i];
    if ((arg === '--import' || arg === '--require' || arg === '--loader') && /tsx/.test(parentExecArgv[i + 1] ?? '')) {
      i += 1;
      continue;
    }
    if (/^--(import|require|loader)=.*tsx/.test(arg)) continue;
    out.push(arg);
  }
  return [...out, '--import', import.meta.resolve('tsx')];
}

/** The worker's machine settings, handed to its children the way loadConfig reads them. */
export function sandboxEnv(config: Config, base: NodeJS.ProcessEnv, configFile?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Every option `cablescan worker` offers (src/cli/common.ts addMachineOptions) that its
  // children need: given as a flag, it exists only in this process's config.
  const machineKeys = new Set(['tessdata', 'preferTessdata', 'recycleAfter', 'ocrTimeout', 'logLevel', 'engine', 'model', 'modelCache']);
  for (const [name, { key }] of Object.entries(ENV_VARS)) {
    const value = config[key as keyof Config];
    if (machineKeys.has(key) && value !== undefined) env[name] = String(value);
  }
  Object.assign(env, engineOptionsEnv(config));
  if (config.secondOpinion === false) env.CABLESCAN_SECOND_OPINION = 'false';
  if (configFile) env.CABLESCAN_CONFIG = configFile;
  return env;
}

export const PAGE_SANDBOX_FILE = fileURLToPath(new URL('./page-sandbox.ts', import.meta.url));

export function startWorkers(options: StartWorkersOptions): WorkerHandle {
  const { config, logger } = options;
  const prefix = bullPrefix(config.queuePrefix);
  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const stalledInterval = options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS;
  const common = {
    prefix,
    lockDuration,
    stalledInterval,
    maxStalledCount: MAX_STALLED_COUNT,
    ...(options.name ? { name: options.name } : {}),
  };
  const pages = new Worker(PAGE_QUEUE, PAGE_SANDBOX_FILE, {
    ...common,
    connection: redisOptions(options.redisUrl, 'worker'),
    concurrency: options.concurrency,
    useWorkerThreads: false,
    workerForkOptions: {
      // The page children die with this process, even under kill -9 (src/child-lifetime.ts).
      ...forkDiesWithParent(sandboxExecArgv(process.execArgv)),
      env: sandboxEnv(config, options.env ?? process.env, options.configFile),
    },
  });
  const documentQueue = new Queue(DOCUMENT_QUEUE, { ...QUEUE_OPTIONS, prefix, connection: redisOptions(options.redisUrl, 'worker') });
  documentQueue.on('error', () => undefined); // the workers below log the same connection's troubles
  const stores = new JobStores(config.db);
  const processDocument = createDocumentProcessor({ logger, queue: documentQueue, stores });
  const counter = new Redis(redisOptions(options.redisUrl, 'worker'));
  counter.on('error', () => undefined);
  const documents = new Worker(
    DOCUMENT_QUEUE,
    async (job: Job, token?: string) => {
      try {
        const result = await processDocument(job, token);
        // The batch's counters (status, /api/batches): counted once per window, however often it is built;
        // a count that cannot be written fails the job, which is built again and counted then.
        if (result.tally) await countWindow(counter, prefix, job.data.batch, job.id!, result.tally);
        return result;
      } catch (err) {
        // A window waiting for the one before goes back to the queue without an event: it no longer runs here.
        if (err instanceof DelayedError) {
          running.delete(`document:${job.id}`);
          notifyIfIdle();
        }
        throw err;
      }
    },
    {
      ...common,
      connection: redisOptions(options.redisUrl, 'worker'),
      concurrency: options.concurrency,
    },
  );

  const running = new Map<string, Job>();
  for (const [worker, kind] of [
    [pages, 'page'],
    [documents, 'document'],
  ] as const) {
    worker.on('active', (job) => {
      running.set(`${kind}:${job.id}`, job);
      logger.debug({ ...jobUnit(job), job: job.id, kind }, 'job started');
    });
    worker.on('completed', (job) => {
      running.delete(`${kind}:${job.id}`);
      logger.info({ ...jobUnit(job), job: job.id, kind, ms: job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined }, `${kind} done`);
    });
    worker.on('failed', (job, err) => {
      if (job) running.delete(`${kind}:${job.id}`);
      const final = !job || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      logger[final ? 'error' : 'warn']({ ...jobUnit(job), job: job?.id, kind, attempt: job?.attemptsMade, final }, err.message);
    });
    worker.on('stalled', (jobId) => logger.warn({ job: jobId, kind }, 'job stalled (its worker stopped renewing the lock); it goes back to the queue'));
    // Connection errors while Redis restarts: ioredis reconnects, BullMQ resumes; log
    // (the same error at most every 10 s, each connection retries several times a second), never crash.
    let last = { message: '', at: 0 };
    worker.on('error', (err) => {
      const now = Date.now();
      if (err.message === last.message && now - last.at < 10_000) return;
      last = { message: err.message, at: now };
      logger.warn({ kind, err: err.message }, 'worker error');
    });
  }
  logger.info({ redis: redactRedisUrl(options.redisUrl), prefix, concurrency: options.concurrency, lockDuration }, 'worker started');

  const ready = Promise.all([pages.waitUntilReady(), documents.waitUntilReady()]).then(() => undefined);
  ready.catch(() => undefined); // callers that await it see the error; nobody else must crash on it

  // Resolves when no job runs in this process (checked at every job end).
  const idleWaiters = new Set<() => void>();
  const notifyIfIdle = () => {
    if (running.size > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  };
  for (const worker of [pages, documents]) {
    worker.on('completed', notifyIfIdle);
    worker.on('failed', notifyIfIdle);
  }
  const idle = () =>
    new Promise<void>((resolve) => {
      if (running.size === 0) resolve();
      else idleWaiters.add(resolve);
    });

  const stop = (graceMs: number) => {
    let skip: () => void = () => undefined;
    const skipped = new Promise<'timeout'>((resolve) => {
      skip = () => resolve('timeout');
    });
    // (setTimeout would fire at once for Infinity: Node clamps delays above 2^31-1 ms to 1 ms.)
    const timer = Number.isFinite(graceMs) ? setTimeout(skip, Math.max(0, graceMs)) : undefined;
    const done = (async (): Promise<StopOutcome> => {
      // No new jobs. (pause(true) does not wait for Redis: a worker that cannot reach
      // Redis must still stop at once when it has nothing running.)
      await Promise.all([pages.pause(true), documents.pause(true)]);
      const first = await Promise.race([idle().then(() => 'finished' as const), skipped]);
      if (timer) clearTimeout(timer);
      let outcome: StopOutcome = 'finished';
      if (first === 'timeout' && running.size > 0) {
        outcome = 'handed-back';
        await Promise.all(
          [...running.values()].map(async (job) => {
            try {
              if (job.token) await job.moveToWait(job.token);
              logger.warn({ ...jobUnit(job), job: job.id }, 'handed back to the queue');
            } catch (err) {
              logger.warn(
                { ...jobUnit(job), job: job.id, err: (err as Error).message },
                'could not hand the job back; it returns to the queue when its lock expires',
              );
            }
          }),
        );
      }
      // Closing waits for Redis and for the sandboxed children; do not let that hold a
      // stopping worker forever (children exit on their own when this process ends).
      const closed = Promise.allSettled([pages.close(outcome === 'handed-back'), documents.close(outcome === 'handed-back'), documentQueue.close()]).finally(
        () => counter.disconnect(),
      );
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await stores.close();
      return outcome;
    })();
    return { done, now: skip };
  };

  return { pages, documents, ready, active: () => [...running.values()], stop };
}
