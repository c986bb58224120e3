// Shared by the queue integration tests and the queue benchmark: small real
// telegram pages, a private queue prefix per test, worker processes started the
// way an operator starts them (`node bin/cablescan.js worker`), and cleanup that
// runs even when a test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { renderTextImage } from '../fixtures/text-images.ts';
import type { TelegramRecord } from '../../src/types.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(REPO, 'bin', 'cablescan.js');
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** True when the shared Redis answers (tests skip with a message otherwise). */
export async function redisAnswers(url = SHARED_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A queue prefix no other test uses (the CLI wraps it in a {hash tag}). */
export function randomPrefix(): string {
  return `cstest-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under `{prefix}`: the queues, the jobs, the batch bookkeeping. */
export async function removePrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  let removed = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await client.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // the Redis of a test may already be gone; nothing to clean there
  } finally {
    client.disconnect();
  }
  return removed;
}

export async function countKeys(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  } finally {
    client.disconnect();
  }
}

export async function tempDir(name: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `cablescan-${name}-`));
}

/** A short telegram, different on every page (number, date, body), so every page is its own record. */
export function telegramLines(n: number): string[] {
  const places = ['Peking', 'Moscow', 'Canberra', 'Washington', 'London'];
  const bodies = [
    'The enemy has moved two divisions north of the river.',
    'Request instructions on the grain shipment before Friday.',
    'The delegation arrives on the morning train with six people.',
    'Confirm receipt of the cipher tables sent last week.',
  ];
  return [
    'CIPHERED TELEGRAM',
    `No. ${21300 + n}`,
    `From: ${places[n % places.length]}`,
    'To: Cde. Filippov',
    `${(n % 27) + 1} June 1951`,
    bodies[n % bodies.length],
    `Message ${n + 1} ends here.`,
    'Mao Zedong.',
  ];
}

/**
 * Writes `pages` small PNG telegrams into `folders` sub-folders of `dir` (each folder is
 * one document); telegram and file numbers start after `first`.
 */
export async function writeTelegramPages(dir: string, pages: number, folders = 1, first = 0): Promise<string[]> {
  const files: string[] = [];
  for (let i = first; i < first + pages; i++) {
    const folder = path.join(dir, `box${(i % folders) + 1}`);
    await mkdir(folder, { recursive: true });
    const { image } = renderTextImage({ lines: telegramLines(i), width: 1300, fontPx: 30, x: 80, y: 80 });
    const file = path.join(folder, `${String(i + 1).padStart(4, '0')}.png`);
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
      .png()
      .toFile(file);
    files.push(file);
  }
  return files;
}

/** A PNG whose header is fine (ingest accepts it) but whose pixel data is cut off. */
export async function writeTruncatedPng(file: string): Promise<void> {
  const { image } = renderTextImage({ lines: telegramLines(99), width: 1300, fontPx: 30, x: 80, y: 80 });
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png()
    .toBuffer();
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, png.subarray(0, Math.floor(png.length / 3)));
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the worker logged (JSON lines). */
  log(): string;
  /** Resolves when the worker logged `worker started`. */
  started: Promise<void>;
  exited: Promise<number | null>;
}

export interface RunProcess {
  /** Exit code of `cablescan run` once it has finished. */
  exit: Promise<number | null>;
  /** What it printed on stderr so far (for assertion messages). */
  stderr(): string;
}

/** Starts `cablescan run IN --out OUT --redis URL --no-local-worker`: a producer that only enqueues and waits for workers. */
export function startRunProcess(options: { inDir: string; outDir: string; redisUrl: string; prefix: string }): RunProcess {
  const child = spawn(
    process.execPath,
    [CLI, 'run', options.inDir, '--out', options.outDir, '--redis', options.redisUrl, '--no-local-worker', '--log-level', 'warn'],
    {
      cwd: REPO,
      env: { ...process.env, CABLESCAN_QUEUE_PREFIX: options.prefix, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { exit: new Promise((resolve) => child.on('exit', resolve)), stderr: () => err };
}

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency?: number;
  /** Short locks so a killed worker's jobs come back within seconds (default true). */
  shortLocks?: boolean;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Another checkout's bin/cablescan.js (a benchmark's baseline); default this one's. */
  cli?: string;
}

/** Starts `node bin/cablescan.js worker` as an operator would, with short locks so a crash is recovered fast. */
export function startWorkerProcess(options: WorkerOptions): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      options.cli ?? CLI,
      'worker',
      '--redis',
      options.redisUrl,
      '--concurrency',
      String(options.concurrency ?? 1),
      ...(options.shortLocks === false ? [] : ['--lock-duration', '4000', '--stalled-interval', '1000']),
      '--log-level',
      'info',
      ...(options.args ?? []),
    ],
    {
      cwd: REPO,
      env: { ...process.env, CABLESCAN_QUEUE_PREFIX: options.prefix, REDIS_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
    if (output.includes('"worker started"')) onStarted();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, pid: child.pid!, log: () => output, started, exited };
}

/** Kills worker processes (and their sandboxed children, which exit when their parent's IPC closes). */
export async function stopWorkers(workers: WorkerProcess[], signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
      await w.exited;
    }),
  );
}

/** What a test file against the shared Redis needs, and the clean-up of all of it. */
export interface SharedRedisSuite {
  /** The reason the file's tests skip (the shared Redis does not answer), or false. */
  skip: string | false;
  /** The file's own queue prefix, and the CLI environment that selects it. */
  prefix: string;
  env: NodeJS.ProcessEnv;
  /** Another prefix, removed with the file's. */
  newPrefix(): string;
  /** A temporary folder, removed after the file. */
  tempDir(name: string): Promise<string>;
  /** Worker processes killed after the file (even when a test failed). */
  track(...workers: WorkerProcess[]): WorkerProcess[];
}

/** Registers the file's clean-up with `after`: workers killed, prefixes and folders removed. */
export async function sharedRedisSuite(): Promise<SharedRedisSuite> {
  const available = await redisAnswers();
  const prefixes = [randomPrefix()];
  const dirs: string[] = [];
  const workers: WorkerProcess[] = [];
  after(async () => {
    await stopWorkers(workers);
    if (available) for (const p of prefixes) await removePrefix(SHARED_REDIS_URL, p);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return {
    skip: available ? false : `Redis does not answer at ${SHARED_REDIS_URL}`,
    prefix: prefixes[0],
    env: { CABLESCAN_QUEUE_PREFIX: prefixes[0] },
    newPrefix: () => {
      const p = randomPrefix();
      prefixes.push(p);
      return p;
    },
    tempDir: async (name) => {
      const d = await tempDir(name);
      dirs.push(d);
      return d;
    },
    track: (...started) => {
      workers.push(...started);
      return started;
    },
  };
}

/** Runs the CLI to completion and returns its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, REDIS_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function readRecords(outDir: string): Promise<TelegramRecord[]> {
  const dir = path.join(outDir, 'records');
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as TelegramRecord));
}

export async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).sort();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SHUTDOWN: the AOF is flushed) and starts it again on the same port and folder. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerBinary(): string | null {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  return null;
}

/** Starts a private redis-server with AOF persistence on a free port (never the shared one). */
export async function startOwnRedis(binary: string): Promise<OwnRedis> {
  const dir = await tempDir('redis');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  const launch = async () => {
    server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--save', ''], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${port} did not start`);
  };
  const halt = async () => {
    if (!server || server.exitCode !== null) return;
    const gone = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM'); // redis-server shuts down cleanly on SIGTERM, flushing the AOF
    await gone;
  };
  await launch();
  return {
    url,
    port,
    dir,
    async restart(downMs = 1500) {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface QueueSnapshot {
  pages: Job[];
  documents: Job[];
  pageCounts: Record<string, number>;
  documentCounts: Record<string, number>;
}

/** Every job of the test's queues, with their counts per state. */
export async function snapshotQueues(url: string, prefix: string): Promise<QueueSnapshot> {
  const opts = { connection: { url, maxRetriesPerRequest: null }, prefix: `{${prefix}}` };
  const pages = new Queue('pages', opts);
  const documents = new Queue('documents', opts);
  try {
    const states = ['completed', 'failed', 'active', 'wait', 'delayed', 'waiting-children', 'prioritized'] as const;
    const [pageJobs, documentJobs, pageCounts, documentCounts] = await Promise.all([
      pages.getJobs([...states], 0, -1),
      documents.getJobs([...states], 0, -1),
      pages.getJobCounts(...states),
      documents.getJobCounts(...states),
    ]);
    return { pages: pageJobs as Job[], documents: documentJobs as Job[], pageCounts, documentCounts };
  } finally {
    await Promise.all([pages.close(), documents.close()]);
  }
}

/** JSON log lines of a process whose msg equals `msg`. */
export function logLines(log: string, msg: string): Array<Record<string, unknown>> {
  return log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter((l) => l.msg === msg);
}

/** The pids of a process's direct children (Linux /proc). */
export async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 180_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
