// `--engine auto` (the default) through the real CLI, on one clean sample page: with native
// Tesseract 5 on the machine it reads with it; with no `tesseract` on PATH, or an old one, it
// reads with tesseract.js. Either way the summary, report.json and the page JSON say which engine
// and model read the page and why, and the record is right: the README's first command works on
// a machine with nothing but npm.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { ReportSummary } from '../../src/pipeline/index.ts';
import type { PageResult } from '../../src/types.ts';
import { readExpectedSamples, readRecords, runCli } from './helpers.ts';

const nativeVersion = (() => {
  try {
    return /tesseract\s+v?(\d+)\.(\d+)\.(\d+)/.exec(execFileSync('tesseract', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch {
    return null;
  }
})();
const hasNative5 = nativeVersion !== null && Number(nativeVersion[1]) >= 5;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-e2e-auto-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
// One model cache for the file's runs: the first unpacks npm's model, the others check it.
const cache = path.join(scratch, 'cache');
const sample = readExpectedSamples().find((s) => s.name === 'cipher-01-clean')!;

async function run(name: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  const out = path.join(scratch, name);
  const result = await runCli(['run', `samples/${sample.file}`, '--out', out, '--no-progress', '--log-level', 'warn', ...extra], {
    env: { CABLESCAN_MODEL_CACHE: cache, ...env },
  });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as ReportSummary & { pages: Array<{ engine: string; model?: string }> };
  const page = JSON.parse(readFileSync(path.join(out, 'pages', `${sample.pages[0]!.pageId}.json`), 'utf8')) as PageResult;
  const [record] = readRecords(out);
  // The sample's number, date and place are read right, whichever engine read them.
  for (const field of ['number', 'date', 'place']) assert.equal(record!.fields[field]!.value, sample.fields[field], `${name}: ${field}`);
  return { result, report, page };
}

/**
 * A preload that writes, as the process exits, every package code was loaded from (Node's
 * CommonJS cache, where ESM imports of CommonJS packages land too; a package.json read for a
 * version is no load) to $CABLESCAN_TEST_PACKAGES. ESM-only packages (sharp, zod) are not seen.
 * Worker threads write nothing; a child process of the CLI would exit before it, which writes last.
 */
function packageListing(): { env: NodeJS.ProcessEnv; read: () => string[] } {
  const preload = path.join(scratch, 'list-packages.cjs');
  const listing = path.join(scratch, 'packages.txt');
  writeFileSync(
    preload,
    `if (require('node:worker_threads').isMainThread) process.on('exit', () => {
  const found = new Set();
  for (const f of Object.keys(require.cache)) { if (f.endsWith('.json')) continue; const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f); if (m) found.add(m[1]); }
  require('node:fs').writeFileSync(process.env.CABLESCAN_TEST_PACKAGES, [...found].sort().join('\\n'));
});
`,
  );
  return {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(), CABLESCAN_TEST_PACKAGES: listing },
    read: () => readFileSync(listing, 'utf8').split('\n'),
  };
}

test("auto with native Tesseract 5 on the machine: the native engine reads, with npm's best_int model; summary, report and page JSON say so and why; the run loads no queue, server, PostgreSQL or tesseract.js package", {
  skip: hasNative5 ? false : 'native Tesseract 5 is not installed',
}, async () => {
  const packages = packageListing();
  const { result, report, page } = await run('native', packages.env);
  // An embedded run with the native engine needs none of these; each costs every run's start CPU
  // (BullMQ and ioredis alone ~0.4 s). What it does need is there: the listing works.
  const loaded = packages.read();
  for (const needed of ['better-sqlite3', 'pino', 'ajv']) assert.ok(loaded.includes(needed), `${needed} not loaded? ${loaded.join(' ')}`);
  const unneeded = ['bullmq', 'ioredis', 'pg', 'prom-client', 'fastify', 'tesseract.js', 'pino-pretty', 'cli-progress', 'pdf-lib', '@napi-rs/canvas'];
  assert.deepEqual(
    unneeded.filter((p) => loaded.includes(p)),
    [],
  );
  const version = nativeVersion!.slice(1).join('.');
  const reason = 'auto: native Tesseract ' + version + ' found, with models for eng (best)';
  assert.match(
    result.stdout,
    new RegExp(`^OCR: tesseract ${version.replace(/\./g, '\\.')}, model best: 1 page \\(${reason.replace(/[.()]/g, '\\$&')}\\)$`, 'm'),
  );
  assert.deepEqual(report.ocr.engines, [{ engine: 'tesseract', engineVersion: version, model: 'best', reason, pages: 1 }]);
  assert.equal(report.settings.engine, 'auto');
  assert.deepEqual(
    report.pages.map((p) => [p.engine, p.model]),
    [['tesseract', 'best']],
  );
  assert.equal(page.ocr.engine, 'tesseract');
  assert.equal(page.ocr.engineReason, reason);
  assert.deepEqual(page.ocr.models!.eng, { kind: 'best', source: 'npm 4.0.0_best_int', sha256: page.ocr.models!.eng!.sha256 });
  // The model the native engine read is the npm package's, unpacked: its manifest says so.
  const manifest = JSON.parse(readFileSync(path.join(cache, 'models', 'npm-4.0.0_best_int', 'eng.traineddata.json'), 'utf8')) as { sha256: string };
  assert.equal(manifest.sha256.slice(0, 16), page.ocr.models!.eng!.sha256);
});

test('auto with no tesseract on PATH, or Tesseract 4: tesseract.js reads, and the summary says what was passed over', async () => {
  const absent = await run('absent', { PATH: path.join(scratch, 'empty-path') });
  assert.match(
    absent.result.stdout,
    /^OCR: tesseract\.js 7\.\d+\.\d+ \(Tesseract 5\.[^)]*\), model best: 1 page \(auto: tesseract\.js, with models for eng \(best\); not tesseract: no "tesseract" command on PATH\)$/m,
  );
  assert.equal(absent.page.ocr.engine, 'tesseract.js');
  assert.equal(absent.report.ocr.engines[0]!.engine, 'tesseract.js');

  const bin = path.join(scratch, 'old-bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'tesseract'),
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "tesseract 4.1.1"; exit 0; fi\nprintf \'List of available languages in "/x/" (1):\\neng\\n\'\n',
  );
  chmodSync(path.join(bin, 'tesseract'), 0o755);
  const old = await run('old', { PATH: bin });
  assert.match(old.page.ocr.engineReason!, /^auto: tesseract\.js, with models for eng \(best\); not tesseract: native tesseract 4\.1\.1 is older than 5$/);
  // Both engines read npm's model: the same file, by its hash.
  if (hasNative5) {
    const native = JSON.parse(readFileSync(path.join(scratch, 'native', 'pages', `${sample.pages[0]!.pageId}.json`), 'utf8')) as PageResult;
    assert.deepEqual(absent.page.ocr.models, native.ocr.models);
  }
});

test('--engine tesseract with no tesseract on PATH: a usage error before any page is read', async () => {
  const out = path.join(scratch, 'forced');
  const result = await runCli(['run', `samples/${sample.file}`, '--out', out, '--engine', 'tesseract', '--no-progress'], {
    env: { PATH: path.join(scratch, 'empty-path'), CABLESCAN_MODEL_CACHE: cache },
  });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /CS_ERR_CONFIG_INVALID: .*needs the native "tesseract" command/);
});
