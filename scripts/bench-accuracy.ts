// `npm run bench:accuracy -- DIR`: OCR accuracy on a folder of scans with ground truth
// (NAME.<image ext> + NAME.gt.txt [+ NAME.lines.json], the layout of ../shared/corpus/scans),
// scored as ../shared/corpus/README.md describes. Compares native tesseract (when installed),
// cablescan without preprocessing ("none") and with it ("auto"), each read as a user reads them:
// `cablescan run` on a folder of the crops (--in-process: readPage in this process instead).
// Per page: CER, line recall, CPU. See docs/accuracy.md.
//
// Usage: npm run bench:accuracy -- DIR [--only auto[,none,native]] [--recipe FILE] [--lang eng] [--manifest FILE]
//          [--json FILE] [--markdown FILE] [--keep DIR] [--cache DIR | --no-cache] [--check]
//          [--psm 3] [--concurrency 2] [--native-concurrency N] [--tessdata DIR] [--tesseract BIN] [--in-process]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine } from '../src/create-engine.ts';
import { createLogger } from '../src/logger.ts';
import { formatMarkdown, formatText, runAccuracyBenchmark, VARIANTS, type VariantName } from '../src/eval/index.ts';

const USAGE =
  'usage: npm run bench:accuracy -- DIR [--only auto] [--recipe FILE] [--json FILE] [--markdown FILE] [--keep DIR] [--lang L] [--manifest FILE] [--check]';
const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: 'string' },
    lang: { type: 'string' },
    recipe: { type: 'string' },
    manifest: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    keep: { type: 'string' },
    cache: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    psm: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '2' },
    'native-concurrency': { type: 'string' },
    tessdata: { type: 'string' },
    tesseract: { type: 'string', default: 'tesseract' },
    'in-process': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean) ?? [...VARIANTS];
const unknown = only.filter((v) => !(VARIANTS as readonly string[]).includes(v));
if (unknown.length > 0) {
  console.error(`--only takes ${VARIANTS.join(', ')} (comma-separated); unknown: ${unknown.join(', ')}`);
  process.exit(2);
}

const workDir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-accuracy-'));
const keepDir = values.keep ? path.resolve(values.keep) : undefined;
try {
  const report = await runAccuracyBenchmark({
    dir: positionals[0],
    cwd: process.cwd(),
    lang: values.lang,
    manifest: values.manifest,
    recipe: values.recipe,
    run: only as VariantName[],
    psm: Number(values.psm),
    concurrency: positiveInt('concurrency', values.concurrency),
    nativeConcurrency: positiveInt('native-concurrency', values['native-concurrency'] ?? String(os.availableParallelism())),
    // Languages the npm packages lack (dan) come from Debian's tessdata when it is there.
    tessdata: values.tessdata ?? (existsSync(DEBIAN_TESSDATA) ? DEBIAN_TESSDATA : undefined),
    nativeBinary: values.tesseract,
    env: process.env,
    // With --keep the crops are kept too: they are what every engine read.
    workDir: keepDir ?? workDir,
    cacheDir: values['no-cache'] ? undefined : path.resolve(values.cache ?? path.join(os.tmpdir(), 'cablescan-bench-accuracy-cache')),
    keepDir,
    logger: createLogger({ level: 'warn' }),
    progress: (message) => console.error(`[bench:accuracy] ${message}`),
    createEngine,
    cli: values['in-process'] ? undefined : { bin: fileURLToPath(new URL('../bin/cablescan.js', import.meta.url)) },
  });
  console.log(formatText(report));
  if (values.json) {
    await mkdir(path.dirname(path.resolve(values.json)), { recursive: true });
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (values.markdown) {
    await mkdir(path.dirname(path.resolve(values.markdown)), { recursive: true });
    await writeFile(values.markdown, formatMarkdown(report));
  }
  if (values.check && report.goals.some((g) => g.pass === false)) process.exitCode = 1;
} catch (err) {
  // Bad input (no such folder, bad recipe or manifest) is a message, not a stack trace.
  console.error(`bench:accuracy: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
