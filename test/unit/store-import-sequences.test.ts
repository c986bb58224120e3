// Records written by queue workers (files only) reach the store by import; with the
// run's sequences (what report.json lists) they can be regrouped like records an
// in-process run saved, and without them a regrouping says what to do.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/logger.ts';
import { Regrouper } from '../../src/regroup/index.ts';
import { importOutputFolder, ReviewStore } from '../../src/store/index.ts';
import { boxPages, build, config, timidModel, writePages } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

test('imported records can be regrouped when their sequences come with them', async () => {
  const { dir, cleanup } = tempDir('cablescan-import-seq-');
  const out = path.join(dir, 'out');
  const key = 'dir:/scans/box';
  const pages = boxPages(key);
  await writePages(out, pages);
  // As a queue worker builds: files under out/, no store.
  const built = await build(out, undefined, pages, timidModel());
  const [a] = built.records.map((r) => r.id) as [string];
  const withSequences = await ReviewStore.open(path.join(dir, 'with.db'));
  const without = await ReviewStore.open(path.join(dir, 'without.db'));
  try {
    await importOutputFolder(withSequences, out, { batch: 'box', cwd: dir, sequences: [{ documentKey: key, pages: pages.map((p) => p.pageId) }] });
    assert.deepEqual(
      (await withSequences.sequence(key))!.pages.map((p) => p.pageId),
      ['0001', '0002', '0003', '0004'],
    );
    assert.equal((await withSequences.sequence(key))!.outDir, out);
    assert.equal((await withSequences.recordState(a))!.sequenceKey, key);
    const regrouper = new Regrouper({ store: withSequences, config, logger: silentLogger() });
    const split = await regrouper.regroup({
      action: 'split',
      recordId: a,
      version: (await withSequences.recordState(a))!.version,
      at: '0002',
      reviewer: 'anna',
    });
    assert.ok(split.ok, JSON.stringify(split));
    assert.equal(split.created.length, 2);

    await importOutputFolder(without, out, { batch: 'box', cwd: dir, recordIds: built.records.slice(1).map((r) => r.id) });
    const [b] = built.records.slice(1).map((r) => r.id) as [string];
    const refused = await new Regrouper({ store: without, config, logger: silentLogger() }).regroup({
      action: 'confirm',
      recordId: b,
      version: 1,
      reviewer: 'anna',
    });
    assert.equal(refused.ok, false);
    assert.match((refused as { message: string }).message, /does not know the page sequence .* run `cablescan run` over the same scans/);
  } finally {
    await withSequences.close();
    await without.close();
    cleanup();
  }
});
