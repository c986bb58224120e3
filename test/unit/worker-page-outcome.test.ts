// A page job that finds its page already written says whether it was resumed from
// an earlier run or read for this very job by an earlier attempt (BullMQ starts a
// job again when a worker loses its lock under load): only the first is "resumed",
// so the batch report does not count a page read twice in one batch as not read.
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { PageJobData } from '../../queues/payloads.ts';
import { silentLogger } from '../../src/logger.ts';
import { resolveRecipe } from '../../src/preprocess/index.ts';
import { writeJsonAtomic } from '../../src/records/atomic-write.ts';
import { pageJsonPath } from '../../src/records/layout.ts';
import { PIPELINE_VERSION } from '../../src/version.ts';
import type { PageSource } from '../../src/types.ts';
import { processPage } from '../../workers/page-processor.ts';
import { FailingEngine } from '../fixtures/engines.ts';
import { pageJson } from '../fixtures/pages.ts';
import { tempDir } from '../fixtures/stores.ts';

test('a page found written is "resumed" when an earlier run wrote it, "read" when an earlier attempt of this job did', async () => {
  const work = tempDir('cablescan-page-outcome-');
  try {
    const outDir = path.join(work.dir, 'out');
    const source: PageSource = {
      pageId: 'p1',
      file: 'scans/p1.png',
      path: path.join(work.dir, 'scans', 'p1.png'),
      pageIndex: 0,
      pageCount: 1,
      format: 'png',
      contentHash: 'a'.repeat(64),
      documentKey: 'dir:scans',
    };
    const written = pageJson('p1', { pipelineVersion: PIPELINE_VERSION, contentHash: source.contentHash, file: source.file, timings: { ocr: 1234 } });
    await writeJsonAtomic(pageJsonPath(outDir, 'p1'), written);
    const writtenAt = new Date('2026-01-01T12:00:00Z');
    await utimes(pageJsonPath(outDir, 'p1'), writtenAt, writtenAt);

    const data: PageJobData = {
      batch: 'b',
      outDir,
      source,
      read: { lang: 'eng', psm: 3, preprocess: 'none', keepIntermediates: false, force: false, maxPixels: 50_000_000, pdfDpi: 300 },
    };
    // An engine that fails: the page must come from the output folder, never be read again.
    const ctx = { engine: new FailingEngine(), logger: silentLogger(), recipeFor: (name: string) => resolveRecipe(name) };

    const laterJob = await processPage(data, ctx, undefined, writtenAt.getTime() + 60_000);
    assert.equal(laterJob.outcome, 'resumed');
    assert.equal(laterJob.ocrMs, 0);
    const sameJob = await processPage(data, ctx, undefined, writtenAt.getTime() - 60_000);
    assert.equal(sameJob.outcome, 'read');
    assert.equal(sameJob.ocrMs, 1234);
    assert.equal((await processPage(data, ctx)).outcome, 'resumed', 'without the job timestamp, a page found is resumed');
    assert.equal((ctx.engine as FailingEngine).calls, 0);
  } finally {
    work.cleanup();
  }
});
