// A sequence built in windows gives the records it gives built whole: whatever the window size,
// a telegram over a window's edge is one record, with the same grouping decisions, field values
// and cue rows left out, and a reviewer's decision at a window's edge still wins.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { CablescanError, ErrorCode } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildWindow, windowsOf, type WindowCarry } from '../../src/pipeline/windows.ts';
import { writeBoundaryFiles, type ReviewerBoundary } from '../../src/records/reviewer-boundaries.ts';
import type { RecordStore } from '../../src/store/types.ts';
import type { PageResult } from '../../src/types.ts';
import { pageJson } from '../fixtures/pages.ts';
import { boxPages, build, config, profiles, writePages } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

const KEY = 'dir:/scans/long-box';

/** Three copies of the four-page box (telegram 21340 over two pages, a catchword between), a blank back side after the second. */
function longBox(): PageResult[] {
  const pages = [0, 1, 2].flatMap((copy) =>
    boxPages(KEY).map((p) => ({ ...p, pageId: `${copy}-${p.pageId}`, contentHash: `${copy}-${p.contentHash}`, file: `box/${copy}-${p.pageId}.png` })),
  );
  const blank = { ...pageJson('1-0004b', { documentKey: KEY, contentHash: 'blank' }), file: 'box/1-0004b.png', blank: true };
  pages.splice(8, 0, blank);
  return pages;
}

async function recordsIn(out: string): Promise<Record<string, unknown>> {
  const dir = path.join(out, 'records');
  const files = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(path.join(dir, f), 'utf8'))])));
}

async function buildInWindows(out: string, pages: PageResult[], size: number) {
  let carry: WindowCarry | null = null;
  const windows = windowsOf(pages, size);
  const decisions = [];
  const built: string[] = [];
  for (const [i, window] of windows.entries()) {
    const result = await buildWindow(window, carry, i === windows.length - 1, { config, logger: silentLogger(), profiles, outDir: out });
    carry = JSON.parse(JSON.stringify(result.carry)) as WindowCarry; // what a queue job writes and the next reads
    decisions.push(...result.grouping.decisions);
    built.push(...result.pages);
  }
  return { decisions, built };
}

test('built in windows of 1 to 5 pages, a sequence gives the records it gives whole', async () => {
  const { dir, cleanup } = tempDir('cablescan-windows-');
  try {
    const pages = longBox();
    const whole = path.join(dir, 'whole');
    await writePages(whole, pages);
    const reference = await build(whole, undefined, pages);
    assert.equal(reference.records.length, 9);
    const expected = await recordsIn(whole);
    for (const size of [1, 2, 3, 5]) {
      const out = path.join(dir, `w${size}`);
      await writePages(out, pages);
      const { decisions, built } = await buildInWindows(out, pages, size);
      assert.deepEqual(
        built,
        pages.map((p) => p.pageId),
        `windows of ${size}: every page built once, in order`,
      );
      assert.deepEqual(decisions, reference.grouping.decisions, `windows of ${size}: the same decisions`);
      assert.deepEqual(await recordsIn(out), expected, `windows of ${size}: the same records`);
    }
  } finally {
    cleanup();
  }
});

/** A reviewer's split before 0-0002, which continues telegram 21340 of 0-0001. */
function splitOffSecondPage(pages: ReturnType<typeof longBox>): ReviewerBoundary {
  return {
    page: '0-0002',
    contentHash: pages[1]!.contentHash,
    previousPage: '0-0001',
    previousContentHash: pages[0]!.contentHash,
    decision: 'start',
    reviewer: 'ann',
    at: '2026-12-01T10:00:00.000Z',
    action: 'split',
  };
}

test("a reviewer's split at a window's edge wins, as it does in a whole build", async () => {
  const { dir, cleanup } = tempDir('cablescan-windows-');
  try {
    const pages = longBox();
    const split = splitOffSecondPage(pages);
    const whole = path.join(dir, 'whole');
    await writePages(whole, pages);
    await writeBoundaryFiles(whole, [split]);
    const reference = await build(whole, undefined, pages);
    assert.equal(reference.grouping.decisions[1]!.rule, 'reviewer');
    const out = path.join(dir, 'w1');
    await writePages(out, pages);
    await writeBoundaryFiles(out, [split]);
    const { decisions } = await buildInWindows(out, pages, 1);
    assert.deepEqual(decisions, reference.grouping.decisions);
    assert.deepEqual(await recordsIn(out), await recordsIn(whole));
  } finally {
    cleanup();
  }
});

test("a reviewer's split landing while a window is built: the save refuses (CS_ERR_STORE_CHANGED) and the window is decided again with it", async () => {
  const { dir, cleanup } = tempDir('cablescan-windows-');
  try {
    const pages = longBox();
    const split = splitOffSecondPage(pages);
    // A store as the review store behaves: boundaries by the pages' content, and a save that
    // compares the boundaries the records were built with against those it holds now.
    const held: ReviewerBoundary[] = [];
    const saves: Array<{ pages: string[]; refused: boolean }> = [];
    let reads = 0;
    const at = (hashes: Set<string>) => held.filter((b) => hashes.has(b.contentHash));
    const store: RecordStore = {
      async reviewerBoundaries(of) {
        reads += 1;
        const now = at(new Set(of.map((p) => p.contentHash)));
        if (reads === 1) held.push(split); // the reviewer splits just after the window read the store
        return now;
      },
      async saveRecords(records, saved, builtWith) {
        const now = at(new Set(saved.map((p) => p.contentHash)));
        // As the review store: without builtWith nothing is compared (and a late save would undo the split).
        const refused = builtWith !== undefined && JSON.stringify(now) !== JSON.stringify(builtWith);
        saves.push({ pages: records.flatMap((r) => r.source.pages), refused });
        if (refused) throw new CablescanError(ErrorCode.STORE_CHANGED, 'a reviewer regrouped these pages', { retryable: true });
      },
      async retireRecords() {},
    };
    const out = path.join(dir, 'w5');
    await writePages(out, pages);
    const built = await buildWindow(pages.slice(0, 5), null, false, { config, logger: silentLogger(), profiles, outDir: out, store });
    assert.equal(saves[0]!.refused, true, 'the save of records built without the split is refused');
    assert.equal(saves.at(-1)!.refused, false);
    assert.ok(reads >= 2, 'the window read the store again');
    const decision = built.grouping.decisions.find((d) => d.page === '0-0002')!;
    assert.deepEqual([decision.decision, decision.rule], ['start', 'reviewer']);
    assert.ok(
      built.records.some((r) => r.source.pages.join() === '0-0001'),
      "0-0001 is a record of its own: the reviewer's split is in",
    );
  } finally {
    cleanup();
  }
});
