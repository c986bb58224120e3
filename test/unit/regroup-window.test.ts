// A box is one sequence of hundreds of pages: a split or merge builds again only
// the documents on either side of the boundary, and what it writes is exactly what
// building the whole sequence again (with the same decisions) gives.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/logger.ts';
import { Regrouper, decisionsByPage } from '../../src/regroup/index.ts';
import { affectedWindow } from '../../src/regroup/regroup.ts';
import { buildRecords } from '../../src/pipeline/index.ts';
import { ReviewStore } from '../../src/store/index.ts';
import type { PageResult } from '../../src/types.ts';
import { boxPages, build, config, profiles, timidModel, writePages } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

const KEY = 'dir:/scans/long-box';

/** Three copies of the four-page box in one folder: twelve pages, nine records. */
function longBox(): PageResult[] {
  return [0, 1, 2].flatMap((copy) =>
    boxPages(KEY).map((p) => ({ ...p, pageId: `${copy}-${p.pageId}`, contentHash: `${copy}-${p.contentHash}`, file: `box/${copy}-${p.pageId}.png` })),
  );
}

test('a regrouping rebuilds only the documents around the boundary, and gives what a whole rebuild gives', async () => {
  const { dir, cleanup } = tempDir('cablescan-window-');
  const out = path.join(dir, 'out');
  const pages = longBox();
  await writePages(out, pages);
  const store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  try {
    const first = await build(out, store, pages, timidModel());
    assert.equal(first.records.length, 9);
    const sequence = (await store.sequence(KEY))!;
    const kept = decisionsByPage(await store.sequenceRecords(KEY));
    // Merging 1-0003 into the record before it touches the documents of 1-0001..1-0002 and 1-0003.
    assert.deepEqual(affectedWindow(sequence, kept, [{ page: '1-0003', decision: 'continue' }]), { from: 4, to: 6 });
    // Splitting 1-0002 off touches one document (1-0001..1-0002).
    assert.deepEqual(affectedWindow(sequence, kept, [{ page: '1-0002', decision: 'start' }]), { from: 4, to: 5 });

    const versions = new Map<string, number>();
    for (const r of first.records) versions.set(r.id, (await store.recordState(r.id))!.version);
    const before = first.records.find((r) => r.source.pages[0] === '1-0001')!;
    const after = first.records.find((r) => r.source.pages[0] === '1-0003')!;
    const regrouper = new Regrouper({ store, config, logger: silentLogger() });
    const merged = await regrouper.regroup({ action: 'merge', recordId: before.id, version: versions.get(before.id)!, with: after.id, reviewer: 'anna' });
    assert.ok(merged.ok, JSON.stringify(merged));
    assert.deepEqual(merged.retired.sort(), [before.id, after.id].sort());
    // Records outside the window were not written again (their decision at 1-0004 is the
    // merged record's "next page": it is read, not changed).
    for (const r of first.records) {
      if (r.id === before.id || r.id === after.id) continue;
      assert.equal((await store.recordState(r.id))!.version, versions.get(r.id), `${r.source.pages.join(',')} untouched`);
    }

    // The whole sequence built again with the decisions as they now stand gives the same records.
    const now = (await store.sequenceRecords(KEY)).map((r) => r.record);
    const whole = await buildRecords(pages, {
      config,
      logger: silentLogger(),

      profiles,
      keepDecisions: decisionsByPage(await store.sequenceRecords(KEY)),
      reviewerBoundaries: await store.reviewerBoundaries(pages.map((p) => p.contentHash)),
    });
    assert.deepEqual(
      whole.records.map((r) => JSON.stringify(r)),
      now.map((r) => JSON.stringify(r)),
    );
  } finally {
    await store.close();
    cleanup();
  }
});
