// The benchmark driver without real OCR: a stand-in tesseract CLI (a shell script) and an
// engine double. Checks that every variant reads the cropped region, that native runs with
// OMP_THREAD_LIMIT=1 and the page's language, that `run: ['auto']` takes the others from the
// cache, and that a missing tesseract binary is reported, not fatal.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { runAccuracyBenchmark, type AccuracyBenchmarkOptions } from '../../src/eval/benchmark.ts';
import { silentLogger } from '../../src/logger.ts';
import type { OcrEngine, OcrRequest } from '../../src/ocr/engine.ts';
import type { OcrResult } from '../../src/types.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'eval-benchmark-test-'));
const scans = path.join(root, 'scans');
const callsLog = path.join(root, 'native-calls.log');
const fakeTesseract = path.join(root, 'fake-tesseract');
after(() => rmSync(root, { recursive: true, force: true }));

/** Answers every page with the same text and remembers the image sizes it was given. */
class FixedTextEngine implements OcrEngine {
  readonly name = 'fixed-text';
  readonly sizes: string[] = [];
  closed = false;
  constructor(private readonly text: string) {}
  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.sizes.push(`${request.image.width}x${request.image.height} ${request.lang}`);
    return { lines: [], text: this.text, meanConfidence: 90, wordCount: 2, engine: this.name, engineVersion: '1', lang: request.lang, psm: request.psm };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

before(async () => {
  mkdirSync(path.join(scans, 'danish'), { recursive: true });
  const page = (file: string, width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 230, g: 230, b: 230 } } })
      .toColourspace('b-w')
      .withDensity(300)
      .png()
      .toFile(file);
  // 500 px wide: the margin is 10 px; [100, 50, 300, 150] becomes left 90, top 40, 220 x 120.
  await page(path.join(scans, 'a.png'), 500, 400);
  writeFileSync(path.join(scans, 'a.gt.txt'), 'hello\nworld\n');
  writeFileSync(path.join(scans, 'a.lines.json'), JSON.stringify({ width: 500, height: 400, gt_coverage_bbox: [100, 50, 300, 150], lines: [] }));
  // No lines.json: the whole image is read.
  await page(path.join(scans, 'danish', 'b.png'), 300, 200);
  writeFileSync(path.join(scans, 'danish', 'b.gt.txt'), 'hej verden');
  writeFileSync(
    fakeTesseract,
    [
      '#!/bin/sh',
      'case "$1" in',
      '  --version) echo "tesseract 0.0-fake"; exit 0 ;;',
      '  --list-langs) printf "List of available languages in \\"/x\\" (2):\\ndan\\neng\\n"; exit 0 ;;',
      'esac',
      `echo "OMP=$OMP_THREAD_LIMIT $*" >> "${callsLog}"`,
      'echo "hello"; echo "world"',
    ].join('\n'),
  );
  chmodSync(fakeTesseract, 0o755);
});

function options(overrides: Partial<AccuracyBenchmarkOptions>, engines: FixedTextEngine[]): AccuracyBenchmarkOptions {
  return {
    dir: scans,
    cwd: root,
    run: ['native', 'none', 'auto'],
    psm: 3,
    concurrency: 2,
    nativeConcurrency: 2,
    nativeBinary: fakeTesseract,
    env: { PATH: process.env.PATH },
    workDir: mkdtempSync(path.join(root, 'work-')),
    cacheDir: path.join(root, 'cache'),
    logger: silentLogger(),
    progress: () => undefined,
    createEngine: () => {
      const engine = new FixedTextEngine('hello world');
      engines.push(engine);
      return engine;
    },
    ...overrides,
  };
}

test('all variants read the crop; native is single-threaded in the page language; scores per page', async () => {
  const engines: FixedTextEngine[] = [];
  const report = await runAccuracyBenchmark(options({}, engines));
  assert.deepEqual(
    report.pages.map((p) => [p.page, p.lang]),
    [
      ['a.png', 'eng'],
      ['danish/b.png', 'dan'],
    ],
  );
  assert.deepEqual(report.pages[0].crop, { left: 90, top: 40, width: 220, height: 120 });
  assert.equal(report.pages[1].crop, null);

  const calls = readFileSync(callsLog, 'utf8').trim().split('\n').sort();
  assert.equal(calls.length, 2);
  assert.match(calls[0], /^OMP=1 \S+\/crops\/a\.png - -l eng --psm 3$/);
  assert.match(calls[1], /^OMP=1 \S+\/crops\/danish__b\.png - -l dan --psm 3$/);

  // "none" ran first: after one warm-up read per worker and language, it read the crop (not the page).
  const none = engines[0];
  assert.ok(none.closed);
  assert.ok(none.sizes.includes('220x120 eng'), none.sizes.join(', '));
  assert.ok(none.sizes.includes('300x200 dan'), none.sizes.join(', '));
  assert.ok(!none.sizes.some((s) => s.startsWith('500x400')));

  const [a, b] = report.pages;
  for (const v of ['native', 'none', 'auto'] as const) {
    assert.equal(a.variants[v]!.cer, 0, `${v} reads "hello world" on a`);
    assert.equal(a.variants[v]!.cached, false);
  }
  // "hello world" against "hej verden".
  assert.equal(b.variants.none!.distance, 8);
  assert.equal(b.variants.none!.wer, 1);
  assert.equal(report.totals.none!.cer, 8 / (11 + 10));
  assert.equal(report.engines.native, 'tesseract 0.0-fake');
});

test("run: ['auto'] reads only auto and takes native and none from the cache", async () => {
  rmSync(callsLog, { force: true });
  const engines: FixedTextEngine[] = [];
  const report = await runAccuracyBenchmark(options({ run: ['auto'] }, engines));
  assert.equal(engines.length, 1, 'one engine, for auto');
  assert.throws(() => readFileSync(callsLog), /ENOENT/, 'native tesseract was not run again');
  for (const p of report.pages) {
    assert.equal(p.variants.native!.cached, true);
    assert.equal(p.variants.none!.cached, true);
    assert.equal(p.variants.auto!.cached, false);
  }
  assert.equal(report.totals.native!.pages, 2);
});

test('without a cache entry or a tesseract binary the variant is missing, with the reason', async () => {
  const engines: FixedTextEngine[] = [];
  const noCache = await runAccuracyBenchmark(options({ run: ['auto'], cacheDir: path.join(root, 'empty-cache') }, engines));
  assert.match(noCache.pages[0].missing.native!, /no cached result/);
  assert.equal(noCache.totals.native, undefined);
  const noBinary = await runAccuracyBenchmark(options({ run: ['native'], nativeBinary: path.join(root, 'no-such-tesseract'), cacheDir: undefined }, engines));
  assert.match(noBinary.notes.join(' '), /native tesseract not found/);
  assert.equal(noBinary.pages[0].missing.native, 'native tesseract not installed');
});

test('a recipe file replaces auto, is named in the report, and a bad one fails before any page is read', async () => {
  const recipeFile = path.join(root, 'grey-only.json');
  writeFileSync(recipeFile, JSON.stringify({ name: 'grey-only', steps: [{ step: 'grey' }] }));
  const engines: FixedTextEngine[] = [];
  const report = await runAccuracyBenchmark(options({ run: ['auto'], recipe: recipeFile }, engines));
  assert.equal(report.autoRecipe, 'grey-only');
  assert.match(report.notes.join(' '), /recipe "grey-only"/);
  assert.deepEqual(
    report.pages[0].variants.auto!.steps!.map((s) => s.step),
    ['grey'],
  );
  writeFileSync(recipeFile, JSON.stringify({ steps: [{ step: 'sharpen-everything' }] }));
  await assert.rejects(runAccuracyBenchmark(options({ run: ['auto'], recipe: recipeFile }, engines)), /unknown step "sharpen-everything"/);
  assert.equal(engines.length, 1, 'no engine was created for the bad recipe');
});

test('with cli, each language folder of crops goes to one `cablescan run` with the user options; texts, line recall and CPU come back per page', async () => {
  // A stand-in for bin/cablescan.js: records its arguments and writes each page's JSON as `run` does.
  const fakeBin = path.join(root, 'fake-cablescan.mjs');
  const argsLog = path.join(root, 'cli-args.log');
  writeFileSync(
    fakeBin,
    [
      "import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';",
      "import path from 'node:path';",
      'const args = process.argv.slice(2);',
      `appendFileSync(${JSON.stringify(argsLog)}, JSON.stringify(args) + '\\n');`,
      "const folder = args[1]; const out = args[args.indexOf('--out') + 1];",
      "mkdirSync(path.join(out, 'pages'), { recursive: true });",
      'for (const f of readdirSync(folder)) {',
      "  const id = f.replace(/\\.png$/, '');",
      "  const text = id.endsWith('b') ? 'hej' : 'hello';",
      "  writeFileSync(path.join(out, 'pages', id + '.json'), JSON.stringify({ text, timings: { preprocess: 5, ocr: 50 }, preprocess: { steps: [] }, ocr: { engine: 'fake', engineVersion: '1' } }));",
      '}',
      'let x = 0; for (let i = 0; i < 2e7; i++) x += i;',
    ].join('\n'),
  );
  const engines: FixedTextEngine[] = [];
  const report = await runAccuracyBenchmark(
    options({ run: ['native', 'auto'], cacheDir: undefined, cli: { bin: fakeBin }, tessdata: '/some/tessdata' }, engines),
  );
  assert.equal(engines.length, 0, 'no engine in this process');
  const calls = readFileSync(argsLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
  assert.equal(calls.length, 2, 'one run per language');
  for (const call of calls) {
    assert.equal(call[0], 'run');
    const lang = call[call.indexOf('--lang') + 1];
    assert.ok(call[1].endsWith(`/cli-auto/${lang}/in`), call[1]);
    assert.equal(call[call.indexOf('--preprocess') + 1], 'auto');
    assert.equal(call[call.indexOf('--tessdata') + 1], '/some/tessdata');
  }
  const [a, b] = report.pages;
  assert.equal(a.variants.auto!.engine, 'fake 1');
  // "hello" against the lines "hello" and "world" (line recall 1 of 2); "hej" against "hej verden" (0 of 1).
  assert.deepEqual(a.variants.auto!.lines!.missing, ['world']);
  assert.deepEqual(a.variants.native!.lines!.missing, [], 'the stand-in tesseract reads both lines');
  assert.deepEqual(a.variants.auto!.lines!.found, 1);
  assert.deepEqual([b.variants.auto!.lines!.found, b.variants.auto!.lines!.total], [0, 1]);
  assert.ok(a.variants.auto!.cpuMs! > 0 && Number.isFinite(a.variants.auto!.cpuMs), "the run's CPU time, shared over its pages");
  assert.ok(Number.isFinite(a.variants.native!.cpuMs));
  const lineGoal = report.goals.find((g) => g.goal.startsWith('no ground-truth line'))!;
  assert.equal(lineGoal.pass, false);
  assert.match(lineGoal.detail, /a: "world"/);
});
