// Queue benchmark (`npm run bench:queue`): what the Redis queue costs and how it scales.
//  1. Throughput: the same N full-size pages read by 1, then by 2 worker processes
//     (`cablescan worker --concurrency 1` each), pages/min and the scaling factor.
//  2. Overhead: single-page documents enqueued one at a time with an idle, warm worker:
//     dispatch  = enqueue -> the sandboxed processor starts the page,
//     ack       = the processor returns -> the job is completed in Redis,
//     handoff   = the page completed -> its document's processor starts,
//     against the page's OCR time (p50/p95).
// Needs Redis (REDIS_URL or --redis, default redis://127.0.0.1:6379); uses its own queue
// prefix and removes it afterwards. Options: --pages N (default 12), --overhead-pages M (default 8).
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Job, Queue } from 'bullmq';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { renderTextImage } from '../test/fixtures/text-images.ts';
import { enqueueBatch } from '../queues/producer.ts';
import { bullPrefix, DOCUMENT_QUEUE, PAGE_QUEUE, QUEUE_OPTIONS } from '../queues/names.ts';
import type { PageJobResult } from '../queues/payloads.ts';
import { readWindowOutcome } from '../workers/window-job.ts';
import { randomPrefix, removePrefix, startWorkerProcess, stopWorkers, telegramLines, tempDir, type WorkerProcess } from '../test/integration/queue-harness.ts';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    pages: { type: 'string', default: '12' },
    'overhead-pages': { type: 'string', default: '8' },
  },
});
const redisUrl = args.redis ?? loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';
const N = Number(args.pages);
const M = Number(args['overhead-pages']);
const prefix = randomPrefix();
const config = loadConfig({ flags: { redisUrl, queuePrefix: prefix, logLevel: 'silent' } });
const logger = silentLogger();
const connection = { url: redisUrl, maxRetriesPerRequest: null };
const pageQueue = new Queue(PAGE_QUEUE, { ...QUEUE_OPTIONS, connection, prefix: bullPrefix(prefix) });
const documentQueue = new Queue(DOCUMENT_QUEUE, { ...QUEUE_OPTIONS, connection, prefix: bullPrefix(prefix) });

/** A full A4 page at 300 dpi: a telegram heading and a body of ~20 typed lines. */
async function writeFullPage(file: string, n: number): Promise<void> {
  const body = Array.from({ length: 14 }, (_, i) => `${i + 1}. ${telegramLines(n + i)[5]} Reference ${n * 100 + i}.`);
  const { image } = renderTextImage({ lines: [...telegramLines(n).slice(0, 5), ...body, 'Mao Zedong.'], width: 2480, height: 3508, fontPx: 42 });
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png()
    .toFile(file);
}

const quantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
};

async function waitForDocuments(ids: string[]): Promise<void> {
  for (;;) {
    const states = await Promise.all(ids.map((id) => documentQueue.getJobState(id)));
    // A completed document (window) job leaves Redis at once ('unknown'): its result file says it is done.
    if (states.every((s) => s === 'completed' || s === 'failed' || s === 'unknown')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const live = new Set<WorkerProcess>();

async function startWorkers(count: number): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () =>
    startWorkerProcess({ redisUrl, prefix, concurrency: 1, shortLocks: false, args: ['--log-level', 'warn'], env: { CABLESCAN_LOG_LEVEL: 'warn' } }),
  );
  for (const w of workers) {
    live.add(w);
    void w.exited.then(() => live.delete(w));
  }
  await Promise.all(workers.map((w) => Promise.race([w.started, new Promise((r) => setTimeout(r, 3000))])));
  return workers;
}

async function enqueueFlows(inputs: string[], outDir: string) {
  return (await enqueueBatch({ inputs, outDir, keepPlans: true }, config, logger)).plans;
}

async function enqueue(inputs: string[], outDir: string): Promise<string[]> {
  return (await enqueueFlows(inputs, outDir)).map((p) => p.documentId);
}

async function throughput(dir: string, workerCount: number, pagesDir: string): Promise<{ pagesPerMin: number; seconds: number }> {
  const workers = await startWorkers(workerCount);
  try {
    // Warm-up: one page per worker, so every worker has its OCR child and engine up.
    const warm = path.join(dir, `warm-${workerCount}`);
    for (let i = 0; i < workerCount; i++) await writeFullPage(path.join(warm, `w${i}`, 'p.png'), 900 + i);
    await waitForDocuments(await enqueue([warm], path.join(dir, `out-warm-${workerCount}`)));
    const started = Date.now();
    await waitForDocuments(await enqueue([pagesDir], path.join(dir, `out-${workerCount}`)));
    const seconds = (Date.now() - started) / 1000;
    return { pagesPerMin: (N / seconds) * 60, seconds };
  } finally {
    await stopWorkers(workers, 'SIGTERM');
  }
}

async function overhead(dir: string) {
  const workers = await startWorkers(1);
  const rows: Array<{ dispatch: number; ack: number; handoff: number; ocr: number }> = [];
  try {
    await writeFullPage(path.join(dir, 'ov-warm', 'p.png'), 950);
    await waitForDocuments(await enqueue([path.join(dir, 'ov-warm')], path.join(dir, 'out-ov-warm')));
    for (let i = 0; i < M; i++) {
      const folder = path.join(dir, 'ov', String(i));
      await writeFullPage(path.join(folder, 'p.png'), 500 + i);
      await new Promise((r) => setTimeout(r, 300)); // the worker is idle, waiting on Redis
      const [plan] = await enqueueFlows([folder], path.join(dir, 'out-ov'));
      await waitForDocuments([plan.documentId]);
      // A completed document (window) job is gone from Redis: its result file has its times.
      const doc = { returnvalue: (await readWindowOutcome(path.join(dir, 'out-ov'), plan.documentId))! };
      const page = (await Job.fromId(pageQueue, plan.pageJobIds[0]!)) as Job<unknown, PageJobResult>;
      const r = page.returnvalue;
      rows.push({
        dispatch: r.startedAt - page.timestamp,
        ack: (page.finishedOn ?? NaN) - r.finishedAt,
        handoff: doc.returnvalue.startedAt - (page.finishedOn ?? NaN),
        ocr: r.ocrMs,
      });
    }
  } finally {
    await stopWorkers(workers, 'SIGTERM');
  }
  return rows;
}

const dir = await tempDir('bench-queue');
// Ctrl-C: stop the workers and remove the benchmark's queue and files before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await stopWorkers([...live], 'SIGKILL');
    await removePrefix(redisUrl, prefix);
    await rm(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  console.log(`cablescan queue benchmark: ${os.availableParallelism()} cores, Redis ${redisUrl}, prefix {${prefix}}`);
  const pagesDir = path.join(dir, 'pages');
  for (let i = 0; i < N; i++) await writeFullPage(path.join(pagesDir, `${String(i + 1).padStart(3, '0')}.png`), i);
  console.log(`\nthroughput: ${N} pages of 2480x3508 px (A4, 300 dpi), worker processes with --concurrency 1`);
  const one = await throughput(dir, 1, pagesDir);
  console.log(`  1 worker : ${one.pagesPerMin.toFixed(1)} pages/min (${one.seconds.toFixed(1)} s)`);
  const two = await throughput(dir, 2, pagesDir);
  console.log(`  2 workers: ${two.pagesPerMin.toFixed(1)} pages/min (${two.seconds.toFixed(1)} s)`);
  const scaling = two.pagesPerMin / one.pagesPerMin;
  console.log(`  scaling  : ${scaling.toFixed(2)}x (target >= 1.7x)`);

  console.log(`\nqueue overhead: ${M} single-page documents, one at a time, idle warm worker`);
  const rows = await overhead(dir);
  const table = (name: string, values: number[]) =>
    `  ${name.padEnd(28)} p50 ${quantile(values, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(values, 0.95).toFixed(1).padStart(7)} ms`;
  const total = rows.map((r) => r.dispatch + r.ack + r.handoff);
  console.log(
    table(
      'enqueue -> page start',
      rows.map((r) => r.dispatch),
    ),
  );
  console.log(
    table(
      'page end -> job completed',
      rows.map((r) => r.ack),
    ),
  );
  console.log(
    table(
      'page completed -> doc start',
      rows.map((r) => r.handoff),
    ),
  );
  console.log(table('queue overhead per page', total));
  console.log(
    table(
      'OCR per page',
      rows.map((r) => r.ocr),
    ),
  );
  const share50 =
    quantile(total, 0.5) /
    quantile(
      rows.map((r) => r.ocr),
      0.5,
    );
  const share95 =
    quantile(total, 0.95) /
    quantile(
      rows.map((r) => r.ocr),
      0.5,
    );
  console.log(`  overhead / OCR time: ${(share50 * 100).toFixed(2)}% at p50, ${(share95 * 100).toFixed(2)}% at p95 (target < 2%)`);
  console.log(
    `\n${JSON.stringify({ cores: os.availableParallelism(), pages: N, pagesPerMin1: one.pagesPerMin, pagesPerMin2: two.pagesPerMin, scaling, overheadRows: rows, overheadShareP50: share50, overheadShareP95: share95 })}`,
  );
  process.exitCode = scaling >= 1.7 && share95 < 0.02 ? 0 : 1;
} finally {
  await Promise.allSettled([pageQueue.close(), documentQueue.close()]);
  await removePrefix(redisUrl, prefix);
  await rm(dir, { recursive: true, force: true });
}
