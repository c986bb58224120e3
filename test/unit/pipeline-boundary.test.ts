// The import rule of docs/DESIGN.md: the drivers (src/drivers/, the BullMQ side in queues/ and
// workers/) reach the stages only through src/pipeline/index.ts, and the pipeline never reaches
// back into a driver, the CLI or the server. Imports are read with TypeScript's own scanner
// (static, dynamic, type-only and re-exports alike).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const REPO = path.resolve(import.meta.dirname, '../..');

/** Where a driver may import from besides its own side: the door, and what every part shares. */
const DRIVER_ENTRY_POINTS = [
  'src/pipeline/index.ts',
  'src/types.ts',
  'src/config.ts',
  'src/errors.ts',
  'src/logger.ts',
  'src/version.ts',
  'src/child-lifetime.ts',
];
/** Folders a driver may import anything from: the drivers themselves, and operations (metrics, job logs). */
const DRIVER_FOLDERS = ['src/drivers/', 'queues/', 'workers/', 'src/monitoring/'];
const DRIVERS = ['src/drivers', 'queues', 'workers'];
/** What the pipeline must not import: it is below all of these. */
const ABOVE_PIPELINE = ['src/drivers/', 'queues/', 'workers/', 'src/cli/', 'src/server/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f))
    .map((f) => path.join(dir, f));
}

/** The repository-relative files a source file imports (relative specifiers only; packages are not ours). */
function importsOf(file: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      path
        .relative(REPO, path.resolve(REPO, path.dirname(file), spec))
        .split(path.sep)
        .join('/'),
    );
}

function driverViolations(file: string, text: string): string[] {
  return importsOf(file, text)
    .filter((target) => !DRIVER_ENTRY_POINTS.includes(target) && !DRIVER_FOLDERS.some((folder) => target.startsWith(folder)))
    .map((target) => `${file} imports ${target}`);
}

function pipelineViolations(file: string, text: string): string[] {
  return importsOf(file, text)
    .filter((target) => ABOVE_PIPELINE.some((folder) => target.startsWith(folder)))
    .map((target) => `${file} imports ${target}`);
}

test('the rule sees every kind of import, and flags a driver that reaches a stage', () => {
  const text = [
    "import { discoverInputs } from '../src/ingest/index.ts';",
    "import type { Recipe } from '../src/preprocess/recipe.ts';",
    "export { readPageJson } from '../src/records/page-store.ts';",
    "const m = await import('../src/stages.ts');",
    "import { planBatch } from '../src/pipeline/index.ts';",
    "import { PAGE_QUEUE } from './names.ts';",
    "import { Queue } from 'bullmq';",
  ].join('\n');
  assert.deepEqual(driverViolations('queues/example.ts', text), [
    'queues/example.ts imports src/ingest/index.ts',
    'queues/example.ts imports src/preprocess/recipe.ts',
    'queues/example.ts imports src/records/page-store.ts',
    'queues/example.ts imports src/stages.ts',
  ]);
  // The door's own modules are not a way round it.
  assert.deepEqual(driverViolations('src/drivers/x.ts', "import { readPage } from '../pipeline/read-page.ts';"), [
    'src/drivers/x.ts imports src/pipeline/read-page.ts',
  ]);
  assert.deepEqual(pipelineViolations('src/pipeline/x.ts', "import { startWorkers } from '../../workers/start-workers.ts';"), [
    'src/pipeline/x.ts imports workers/start-workers.ts',
  ]);
});

test('drivers (src/drivers, queues, workers) import the stages only through src/pipeline/index.ts', () => {
  const files = DRIVERS.flatMap(sourceFiles);
  assert.ok(
    files.some((f) => f.startsWith('src/drivers/')) && files.some((f) => f.startsWith('queues/')) && files.some((f) => f.startsWith('workers/')),
    'the driver folders were found',
  );
  const violations = files.flatMap((f) => driverViolations(f, readFileSync(path.join(REPO, f), 'utf8')));
  assert.deepEqual(violations, []);
});

test('the pipeline never imports a driver, the CLI or the server', () => {
  const files = sourceFiles('src/pipeline');
  assert.ok(files.includes(path.join('src/pipeline', 'index.ts')));
  const violations = files.flatMap((f) => pipelineViolations(f, readFileSync(path.join(REPO, f), 'utf8')));
  assert.deepEqual(violations, []);
});
