// Planning in windows (issue 18): the producer's plan of a batch comes a window at a time, and
// gives the pages, sequences and order the whole plan gives; a window leaves once the page after
// it is known, so only a sequence's last window says `last`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { planBatch, planInWindows, windowsOf, type PlannedWindow } from '../../src/pipeline/index.ts';
import { writeTinyScans } from '../fixtures/windowed-folder.ts';
import { tempDir } from '../fixtures/stores.ts';

test('a batch planned in windows gives the whole plan, window by window, with each sequence closed once', async () => {
  const { dir, cleanup } = tempDir('cablescan-plan-windows-');
  try {
    await writeTinyScans(path.join(dir, 'a'), 7);
    await writeTinyScans(path.join(dir, 'b'), 3, 100);
    await writeTinyScans(path.join(dir, 'a', 'sub'), 2, 200);
    const config = loadConfig({ env: {}, flags: { windowPages: 3 } });
    const request = { inputs: [path.join(dir, 'a'), path.join(dir, 'b')], outDir: path.join(dir, 'out'), cwd: dir };
    const whole = await planBatch(request, config, silentLogger());
    const streamed = await planInWindows(request, config, silentLogger());
    const windows: PlannedWindow[] = [];
    for await (const w of streamed.windows()) windows.push(w);
    assert.equal(streamed.pageTotal, whole.pageTotal);
    assert.equal(streamed.pageTotal, 12);
    // The same windows as the whole plan's sequences cut in threes, in the same order.
    const expected = whole.sequences.flatMap((s) =>
      windowsOf(s.pages, 3).map((pages, index, all) => ({ documentKey: s.documentKey, index, last: index === all.length - 1, pages })),
    );
    assert.deepEqual(
      windows.map((w) => ({ documentKey: w.documentKey, index: w.index, last: w.last, pages: w.pages })),
      expected,
    );
    assert.deepEqual(
      windows.map((w) => w.position),
      windows.map((_, i) => i),
    );
    assert.deepEqual(
      windows.map((w) => w.pages.length),
      [3, 3, 1, 2, 3],
    );
  } finally {
    cleanup();
  }
});
