import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createEngine, readPage } from '../../src/pipeline/index.ts';
import { writeJsonAtomic } from '../../src/records/atomic-write.ts';
import { pageJsonPath } from '../../src/records/layout.ts';
import type { PageSource } from '../../src/types.ts';
import { PIPELINE_VERSION } from '../../src/version.ts';
import { NullEngine } from '../fixtures/engines.ts';
import { pageJson } from '../fixtures/pages.ts';

test('--engine none: a stand-in that reads no words; never the default', async () => {
  assert.equal(loadConfig({ env: {} }).engine, 'auto');
  const engine = createEngine(loadConfig({ env: { CABLESCAN_ENGINE: 'none' } }), silentLogger());
  assert.equal(engine.name, 'none');
  const result = await engine.recognize({ image: { width: 2, height: 2, channels: 1, data: Buffer.alloc(4) } as never, lang: 'eng', psm: 3 });
  assert.deepEqual([result.wordCount, result.lines, result.text, result.engine], [0, [], '', 'none']);
  await engine.close();
});

test('a page the stand-in read is resumed by the stand-in, read again by a real engine', async () => {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'cs-stand-in-'));
  try {
    const source: PageSource = {
      pageId: 'p1',
      file: 'p1.png',
      path: '/nowhere/p1.png',
      pageIndex: 0,
      pageCount: 1,
      format: 'png',
      contentHash: 'h1',
      documentKey: 'dir:/nowhere',
    };
    const page = pageJson('p1', { pipelineVersion: PIPELINE_VERSION, contentHash: 'h1', documentKey: source.documentKey });
    await writeJsonAtomic(pageJsonPath(outDir, 'p1'), { ...page, ocr: { ...page.ocr, engine: 'none' } });
    const config = loadConfig({ env: {} });
    const deps = { config, logger: silentLogger(), outDir, recipe: { name: 'none', steps: [] } as never };
    const standIn = createEngine(loadConfig({ env: { CABLESCAN_ENGINE: 'none' } }), silentLogger());
    assert.equal((await readPage(source, { ...deps, engine: standIn })).outcome, 'resumed');
    // A real engine goes to the scan (here: beforeRead stops it there).
    await assert.rejects(
      readPage(source, { ...deps, engine: new NullEngine(), beforeRead: async () => Promise.reject(new Error('reads the scan')) }),
      /reads the scan/,
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
