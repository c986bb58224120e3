// `npm run bench:parity`: do the engines read alike when they read with the same model (issue 20)?
// Runs the whole pipeline (in-process, what `cablescan run` does) with each engine forced and the
// same --model on the corpus crops (each page cut to its ground truth's region plus 2% of the page
// width, as ../shared/corpus/README.md describes) and on the committed samples, then compares:
// - words: per page, the words both read identically (longest common subsequence of the two word
//   sequences) over the longer sequence; summed over pages;
// - fields: every record field's value on the samples (same pages, so the same record ids).
// Target: >= 98% of words identical, identical field values on the samples.
//
// Usage: npm run bench:parity -- [--model best|fast] [--corpus DIR] [--samples DIR] [--keep DIR]
//          [--json FILE] [--concurrency 1] [--limit N]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultModelCache, loadConfig } from '../src/config.ts';
import { cropRegion, readCoverage, writeCrop, orientedSize } from '../src/eval/crop.ts';
import { findEvalPages } from '../src/eval/corpus.ts';
import { silentLogger } from '../src/logger.ts';
import { runInProcess } from '../src/drivers/in-process.ts';
import type { PageResult, TelegramRecord } from '../src/types.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'best' },
    corpus: { type: 'string', default: '../shared/corpus/scans' },
    samples: { type: 'string', default: 'samples' },
    keep: { type: 'string' },
    json: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run bench:parity -- [--model best|fast] [--corpus DIR] [--samples DIR] [--keep DIR] [--json FILE] [--concurrency 1] [--limit N]');
  process.exit(0);
}

const ENGINES = ['tesseract.js', 'tesseract'] as const;
const work = path.resolve(values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'cablescan-parity-')));
const limit = values.limit ? Number(values.limit) : Infinity;

/** The corpus pages cut to their ground truth's region, one folder per language. */
async function makeCrops(): Promise<Array<{ dir: string; lang: string }>> {
  if (!existsSync(values.corpus!)) {
    console.error(`no corpus at ${values.corpus}: samples only`);
    return [];
  }
  const corpus = await findEvalPages(values.corpus!, { cwd: process.cwd(), maxPixels: 200_000_000 });
  const byLang = new Map<string, string>();
  for (const page of corpus.pages.slice(0, limit)) {
    const dir = path.join(work, 'crops', page.lang);
    mkdirSync(dir, { recursive: true });
    byLang.set(page.lang, dir);
    const out = path.join(dir, `${page.pageId}.png`);
    if (existsSync(out)) continue;
    const { width, height } = await orientedSize(page.source.path);
    const region = page.linesFile ? cropRegion((await readCoverage(page.linesFile, width, height)).bbox, width, height) : null;
    await writeCrop(page.source.path, region, out);
  }
  return [...byLang].map(([lang, dir]) => ({ dir, lang }));
}

interface Run {
  pages: Map<string, PageResult>;
  records: TelegramRecord[];
  cpuSeconds: number;
}

async function read(engine: (typeof ENGINES)[number], inputs: Array<{ dir: string; lang: string; name: string }>): Promise<Run> {
  const pages = new Map<string, PageResult>();
  const records: TelegramRecord[] = [];
  const started = process.cpuUsage();
  for (const input of inputs) {
    const outDir = path.join(work, 'out', engine, input.name);
    const flags = {
      engine,
      model: values.model,
      lang: input.lang,
      concurrency: Number(values.concurrency),
      logLevel: 'silent',
      modelCache: defaultModelCache(process.env),
    };
    const config = loadConfig({ env: {}, flags });
    const result = await runInProcess({ inputs: [input.dir], outDir, batch: `parity-${engine}`, keepRecords: true }, config, silentLogger());
    records.push(...result.records);
    for (const file of readdirSync(path.join(outDir, 'pages')).filter((f) => f.endsWith('.json'))) {
      const page = JSON.parse(readFileSync(path.join(outDir, 'pages', file), 'utf8')) as PageResult;
      pages.set(`${input.name}/${page.pageId}`, page);
    }
  }
  const cpu = process.cpuUsage(started);
  return { pages, records, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Longest common subsequence of two word sequences (the words both engines read the same, in order). */
export function commonWords(a: readonly string[], b: readonly string[]): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

const words = (page: PageResult): string[] => page.lines.flatMap((l) => l.words.map((w) => w.text));

async function main(): Promise<void> {
  const crops = await makeCrops();
  const inputs = [...crops.map((c) => ({ ...c, name: `corpus-${c.lang}` })), { dir: path.resolve(values.samples!), lang: 'eng', name: 'samples' }];
  const runs = new Map<string, Run>();
  for (const engine of ENGINES) {
    console.error(`[parity] ${engine}, --model ${values.model}: ${inputs.map((i) => i.name).join(', ')}`);
    runs.set(engine, await read(engine, inputs));
  }
  const [js, native] = ENGINES.map((e) => runs.get(e)!);
  const perPage: Array<{ page: string; words: number; identical: number; models: string }> = [];
  const totals = { corpus: { words: 0, identical: 0 }, samples: { words: 0, identical: 0 } };
  for (const [key, a] of js!.pages) {
    const b = native!.pages.get(key);
    if (!b) throw new Error(`${key}: read by tesseract.js only`);
    const [wa, wb] = [words(a), words(b)];
    const n = Math.max(wa.length, wb.length);
    const same = commonWords(wa, wb);
    const models =
      JSON.stringify(a.ocr.models) === JSON.stringify(b.ocr.models) ? 'same' : `${JSON.stringify(a.ocr.models)} vs ${JSON.stringify(b.ocr.models)}`;
    perPage.push({ page: key, words: n, identical: same, models });
    const bucket = key.startsWith('samples/') ? totals.samples : totals.corpus;
    bucket.words += n;
    bucket.identical += same;
  }
  const fieldDiffs: string[] = [];
  let fields = 0;
  const sampleRecords = (run: Run) =>
    new Map(run.records.filter((r) => r.source.files.some((f) => f.includes(path.basename(path.resolve(values.samples!))))).map((r) => [r.id, r]));
  const [ra, rb] = [sampleRecords(js!), sampleRecords(native!)];
  for (const [id, a] of ra) {
    const b = rb.get(id);
    if (!b) {
      fieldDiffs.push(`${id}: record only from tesseract.js`);
      continue;
    }
    for (const [name, f] of Object.entries(a.fields)) {
      fields += 1;
      const other = b.fields[name];
      if (JSON.stringify(other?.value) !== JSON.stringify(f.value))
        fieldDiffs.push(`${id} ${name}: ${JSON.stringify(f.value)} vs ${JSON.stringify(other?.value)}`);
    }
  }
  for (const id of rb.keys()) if (!ra.has(id)) fieldDiffs.push(`${id}: record only from native`);
  const share = (t: { words: number; identical: number }) => (t.words ? t.identical / t.words : 1);
  const all = { words: totals.corpus.words + totals.samples.words, identical: totals.corpus.identical + totals.samples.identical };
  const summary = {
    model: values.model,
    pages: perPage.length,
    words: {
      corpus: { ...totals.corpus, share: share(totals.corpus) },
      samples: { ...totals.samples, share: share(totals.samples) },
      all: { ...all, share: share(all) },
    },
    fields: { compared: fields, different: fieldDiffs.length, differences: fieldDiffs },
    cpuSeconds: { 'tesseract.js': js!.cpuSeconds, tesseract: native!.cpuSeconds },
    modelsDiffer: perPage.filter((p) => p.models !== 'same').map((p) => `${p.page}: ${p.models}`),
    perPage,
  };
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(`model ${values.model}: ${perPage.length} pages`);
  console.log(
    `words identical: corpus crops ${pct(share(totals.corpus))} (${totals.corpus.identical}/${totals.corpus.words}), samples ${pct(share(totals.samples))} (${totals.samples.identical}/${totals.samples.words}), all ${pct(share(all))}   target >= 98%`,
  );
  console.log(
    `sample fields: ${fields - fieldDiffs.length}/${fields} identical${fieldDiffs.length ? `; different: ${fieldDiffs.join('; ')}` : ''}   target: all`,
  );
  for (const p of perPage.filter((x) => x.identical < x.words)) console.log(`  ${p.page}: ${p.identical}/${p.words}`);
  if (summary.modelsDiffer.length) console.log(`models differ on: ${summary.modelsDiffer.join('; ')}`);
  if (values.json) await writeFile(path.resolve(values.json), `${JSON.stringify(summary, null, 2)}\n`);
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
