// Hostile-input benchmark (`npm run bench:hostile`, issue 24): what files made to be
// expensive cost a worker. The bench makes them itself (src/samples/hostile.ts):
//   a PDF whose one page is 3390 pt square, a white 14000 x 14000 PNG, strips of
//   30000 x 200 and 200 x 30000, a 500-page TIFF, a 100-page and a 10,000-page PDF.
// Each is enqueued to a fresh `cablescan worker -j 1` (its own queue prefix); the bench
// samples the resident memory of the worker and every process below it (page child,
// tesseract) every 100 ms, and reports the peak, the time until every page is done or
// refused, and the error code. The 10,000-page PDF is read for --window pages (default
// 100) and stopped: its pages per minute against the 100-page PDF's, both through the
// same kind of worker in the same run. Then the PDF renderer alone: pages spread over
// the whole 10,000-page file against the 100-page file's pages (a long PDF used to be
// re-parsed for every page: 1.1-1.2 s a page, quadratic in the file).
// Options: --redis URL, --engine tesseract|tesseract.js (default tesseract), --window N,
// --spread N (pages rendered from the long PDF, default 200), --json FILE,
// --baseline DIR: another checkout (e.g. the commit before issue 24) whose workers read the
// one-page files and whose renderer reads --baseline-pages pages (default 20) of each PDF, in the same run.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { loadConfig } from '../src/config.ts';
import { loadPageImage } from '../src/ingest/index.ts';
import { closePdfRenderers } from '../src/ingest/pdf.ts';
import { silentLogger } from '../src/logger.ts';
import { writeHugePagePdf, writeLongPdf, writeManyPageTiff, writeStrip, writeWhitePng } from '../src/samples/hostile.ts';
import type { PageSource } from '../src/types.ts';
import { enqueueBatch } from '../queues/producer.ts';
import { bullPrefix, PAGE_QUEUE, QUEUE_OPTIONS } from '../queues/names.ts';
import { randomPrefix, removePrefix, startWorkerProcess, stopWorkers, tempDir } from '../test/integration/queue-harness.ts';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    engine: { type: 'string', default: 'tesseract' },
    window: { type: 'string', default: '100' },
    spread: { type: 'string', default: '200' },
    json: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-pages': { type: 'string', default: '20' },
  },
});
const redisUrl = args.redis ?? loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';
const engine = args.engine!;
const WINDOW = Number(args.window);
const SPREAD = Number(args.spread);
const GB = 1024 ** 3;

/** Resident memory of `root` and every process below it, in bytes (Linux /proc). */
async function treeRss(root: number): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = await readFile(`/proc/${entry}/status`, 'utf8');
      parents.set(Number(entry), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
  return total;
}

interface Measured {
  file: string;
  bytes: number;
  pages: number;
  peakRssGb: number;
  seconds: number;
  done: number;
  failed: number;
  codes: string[];
  pagesPerMinute?: number;
  note?: string;
}

/**
 * Enqueues `file` to a fresh worker and waits until `until` pages are done or failed
 * (default: all), sampling the worker tree's memory.
 */
async function throughWorker(file: string, until?: number, checkout?: string): Promise<Measured> {
  const prefix = randomPrefix();
  const out = await tempDir('bench-hostile-out');
  const worker = startWorkerProcess({
    redisUrl,
    prefix,
    concurrency: 1,
    shortLocks: false,
    args: ['--engine', engine],
    ...(checkout ? { cli: path.join(checkout, 'bin', 'cablescan.js') } : {}),
  });
  const queue = new Queue(PAGE_QUEUE, { ...QUEUE_OPTIONS, connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: bullPrefix(prefix) });
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await treeRss(worker.pid));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await worker.started;
    const config = loadConfig({ flags: { redisUrl, queuePrefix: prefix, logLevel: 'silent' } });
    const t0 = Date.now();
    // The baseline's own producer: discovery (what it refuses) is part of what is compared.
    const enqueue = checkout ? ((await import(path.join(checkout, 'queues/producer.ts'))) as { enqueueBatch: typeof enqueueBatch }).enqueueBatch : enqueueBatch;
    const enqueued = await enqueue({ inputs: [file], outDir: out }, config, silentLogger());
    const codes: string[] = enqueued.failures.map((f) => f.code);
    const target = Math.min(until ?? enqueued.pages, enqueued.pages);
    let counts = { completed: 0, failed: 0 };
    while (counts.completed + counts.failed < target) {
      await new Promise((r) => setTimeout(r, 250));
      const c = await queue.getJobCounts('completed', 'failed');
      counts = { completed: c.completed ?? 0, failed: c.failed ?? 0 };
      if (worker.child.exitCode !== null) throw new Error(`the worker died: ${worker.log().slice(-2000)}`);
    }
    const seconds = (Date.now() - t0) / 1000;
    for (const job of await queue.getFailed(0, 20)) {
      const code = /^(CS_ERR_[A-Z_]+)/.exec(job.failedReason ?? '')?.[1] ?? 'unknown';
      if (!codes.includes(code)) codes.push(code);
    }
    return {
      file: path.basename(file),
      bytes: (await readFile(file)).length,
      pages: enqueued.pages,
      peakRssGb: peak / GB,
      seconds,
      done: counts.completed,
      failed: counts.failed + enqueued.failures.length,
      codes,
      ...(until ? { pagesPerMinute: (counts.completed / seconds) * 60, note: `first ${target} of ${enqueued.pages} pages` } : {}),
    };
  } finally {
    sampling = false;
    await sampler;
    await stopWorkers([worker], 'SIGTERM');
    await queue.close();
    await removePrefix(redisUrl, prefix);
    await rm(out, { recursive: true, force: true });
  }
}

/** Renders `count` pages spread evenly over a PDF of `pageCount` pages, as a worker would load them. */
type Loader = (source: PageSource, options: { maxPixels: number; budgetPixels?: number; pdfDpi: number }) => Promise<unknown>;

async function renderSpread(
  file: string,
  pageCount: number,
  count: number,
  load: Loader = loadPageImage,
): Promise<{ pages: number; seconds: number; pagesPerMinute: number }> {
  const t0 = Date.now();
  const n = Math.min(count, pageCount);
  for (let i = 0; i < n; i++) {
    const pageIndex = Math.floor((i * pageCount) / n);
    const source: PageSource = {
      pageId: `p${pageIndex}`,
      file: path.basename(file),
      path: file,
      pageIndex,
      pageCount,
      format: 'pdf',
      contentHash: '',
      documentKey: '',
    };
    await load(source, { maxPixels: 200_000_000, budgetPixels: 40_000_000, pdfDpi: 300 });
  }
  const seconds = (Date.now() - t0) / 1000;
  await closePdfRenderers();
  return { pages: n, seconds, pagesPerMinute: (n / seconds) * 60 };
}

const dir = await tempDir('bench-hostile');
try {
  const files = {
    hugePage: path.join(dir, 'page-3390pt.pdf'),
    whitePng: path.join(dir, 'white-14000px.png'),
    stripWide: path.join(dir, 'strip-30000x200.png'),
    stripTall: path.join(dir, 'strip-200x30000.png'),
    tiff: path.join(dir, 'pages-500.tif'),
    pdf100: path.join(dir, 'pages-100.pdf'),
    pdf10k: path.join(dir, 'pages-10000.pdf'),
  };
  await writeHugePagePdf(files.hugePage);
  await writeWhitePng(files.whitePng, 14000);
  await writeStrip(files.stripWide, 30000, 200);
  await writeStrip(files.stripTall, 200, 30000);
  await writeManyPageTiff(files.tiff, 500);
  await writeLongPdf(files.pdf100, 100);
  await writeLongPdf(files.pdf10k, 10_000);
  console.log(`bench:hostile: engine ${engine}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`);

  const rows: Measured[] = [];
  for (const file of [files.hugePage, files.whitePng, files.stripWide, files.stripTall, files.tiff, files.pdf100]) {
    const row = await throughWorker(file);
    if (file === files.pdf100) row.pagesPerMinute = (row.done / row.seconds) * 60;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const long = await throughWorker(files.pdf10k, WINDOW);
  rows.push(long);
  console.log(JSON.stringify(long));
  const short = rows.find((r) => r.file === path.basename(files.pdf100))!;
  const workerRatio = long.pagesPerMinute! / short.pagesPerMinute!;

  const render100 = await renderSpread(files.pdf100, 100, 100);
  const render10k = await renderSpread(files.pdf10k, 10_000, SPREAD);
  const renderRatio = render10k.pagesPerMinute / render100.pagesPerMinute;

  console.log('\n| file | size | pages | peak RSS, worker + children | time | done / failed | error code |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const size = r.bytes >= 1 << 20 ? `${(r.bytes / (1 << 20)).toFixed(1)} MB` : r.bytes >= 1024 ? `${(r.bytes / 1024).toFixed(0)} KB` : `${r.bytes} B`;
    console.log(
      `| ${r.file}${r.note ? ` (${r.note})` : ''} | ${size} | ${r.pages} | ${r.peakRssGb.toFixed(2)} GB | ${r.seconds.toFixed(1)} s | ${r.done} / ${r.failed} | ${r.codes.join(', ') || '-'} |`,
    );
  }
  console.log(
    `\nthrough a worker: ${long.pagesPerMinute!.toFixed(1)} pages/min on the 10,000-page PDF vs ${short.pagesPerMinute!.toFixed(1)} on the 100-page PDF: ${workerRatio.toFixed(2)}x`,
  );
  console.log(
    `rendering alone: ${render10k.pages} pages spread over the 10,000-page PDF ${render10k.pagesPerMinute.toFixed(1)} pages/min vs all 100 of the 100-page PDF ${render100.pagesPerMinute.toFixed(1)}: ${renderRatio.toFixed(2)}x`,
  );
  const over = rows.filter((r) => r.peakRssGb > 1);
  console.log(
    `targets: peak RSS <= 1 GB each: ${over.length === 0 ? 'met' : `NOT met (${over.map((r) => r.file).join(', ')})`}; long PDF within 20%: ${workerRatio >= 0.8 && renderRatio >= 0.8 ? 'met' : 'NOT met'}`,
  );
  let baseline: Record<string, unknown> | undefined;
  if (args.baseline) {
    const checkout = path.resolve(args.baseline);
    console.log(`\nbaseline: ${checkout}`);
    const baseRows: Measured[] = [];
    for (const file of [files.hugePage, files.whitePng, files.stripWide, files.stripTall]) {
      const row = await throughWorker(file, undefined, checkout);
      baseRows.push(row);
      console.log(JSON.stringify(row));
    }
    const old = (await import(path.join(checkout, 'src/ingest/index.ts'))) as { loadPageImage: Loader };
    const n = Number(args['baseline-pages']);
    const old100 = await renderSpread(files.pdf100, 100, n, old.loadPageImage);
    const old10k = await renderSpread(files.pdf10k, 10_000, n, old.loadPageImage);
    console.log('| file | peak RSS before / now | time before / now | error code before / now |');
    console.log('|---|---|---|---|');
    for (const before of baseRows) {
      const now = rows.find((r) => r.file === before.file)!;
      console.log(
        `| ${before.file} | ${before.peakRssGb.toFixed(2)} / ${now.peakRssGb.toFixed(2)} GB | ${before.seconds.toFixed(1)} / ${now.seconds.toFixed(1)} s | ${before.codes.join(', ') || (before.failed ? 'failed' : '-')} / ${now.codes.join(', ') || '-'} |`,
      );
    }
    console.log(
      `rendering before: ${n} pages spread over the 10,000-page PDF ${old10k.pagesPerMinute.toFixed(1)} pages/min vs ${n} of the 100-page PDF ${old100.pagesPerMinute.toFixed(1)}: ${(old10k.pagesPerMinute / old100.pagesPerMinute).toFixed(2)}x; now ${renderRatio.toFixed(2)}x`,
    );
    baseline = { checkout, rows: baseRows, render100: old100, render10k: old10k };
  }
  if (args.json) await writeFile(args.json, JSON.stringify({ engine, rows, workerRatio, render100, render10k, renderRatio, baseline }, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
