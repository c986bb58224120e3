// `npm run bench`: speed of the embedded pipeline on the bundled samples (or the
// folders given): pages/min, median and p95 ms per stage, peak RSS.
// Usage: npm run bench [-- <inputs...>] [--concurrency N]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { runPipeline } from '../src/pipeline.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: 'string' }, lang: { type: 'string' }, tessdata: { type: 'string' } },
});
const inputs = positionals.length > 0 ? positionals : ['samples'];
const config = loadConfig({
  env: {},
  flags: {
    force: true,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    lang: values.lang,
    tessdata: values.tessdata,
  },
});
const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-'));
const started = process.hrtime.bigint();
const { report } = await runPipeline({ inputs, outDir: out, batch: 'bench' }, config, silentLogger());
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
rmSync(out, { recursive: true, force: true });

const pages = report.counts.pagesRead;
const rows = Object.entries(report.timings).map(([stage, t]) => [stage, String(t.count), t.medianMs.toFixed(0), t.p95Ms.toFixed(0)]);
const width = [12, 6, 10, 8];
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' ');
console.log(`cablescan bench: ${pages} pages from ${inputs.join(' ')}, concurrency ${config.concurrency}, ${os.cpus().length} cores`);
console.log(`pages/min: ${((pages / seconds) * 60).toFixed(2)} (${seconds.toFixed(1)} s wall, including worker start)`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process and its OCR worker threads)`);
console.log(line(['stage', 'count', 'median ms', 'p95 ms']));
for (const row of rows) console.log(line(row));
if (report.failures.length > 0) console.log(`failures: ${report.failures.length}`, report.failures.map((f) => `${f.file}: ${f.code}`));
