// A re-run that groups the same pages differently replaces the records it made
// before: their files go, the store keeps them (with reviews) out of the queue,
// and each page's index says which records it is in now.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { pageIndexPath, recordPath } from '../../src/records/layout.ts';
import { loadProfiles } from '../../src/segment/index.ts';
import { buildRecords } from '../../src/pipeline/index.ts';
import { ReviewStore } from '../../src/store/index.ts';
import type { PageResult } from '../../src/types.ts';
import { pageFromText } from '../fixtures/pages.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-retire-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BODY = ['The talks continue and the delegations have met four times this week.', 'No agreement has been reached on the main points of the draft.'];
const pages = (key: (id: string) => string): PageResult[] => [
  {
    ...pageFromText(['CIPHERED TELEGRAM No. 100', 'To Cde. Stalin (2 copies)', 'From: Peking, 15:00, 30 June 1951.', '', ...BODY], { pageId: 'p1' }),
    documentKey: key('p1'),
  },
  {
    ...pageFromText(['- 2 -', '', 'and the next meeting is set for Monday.', ...BODY, '', '                          Mao Zedong.'], { pageId: 'p2' }),
    documentKey: key('p2'),
    contentHash: 'hash-p2',
  },
];

test('regrouping the same pages retires the records of the old grouping: files removed, out of the store queue, pages re-indexed', async () => {
  const store = await ReviewStore.open(path.join(dir, 'cablescan.db'));
  const deps = {
    config: loadConfig({ env: {} }),
    logger: silentLogger(),
    engine: undefined as never,
    profiles: loadProfiles({}),
    outDir: dir,
    store: store.recordSink({ batch: 'b', cwd: dir, outDir: dir }),
  };
  try {
    const together = await buildRecords(
      pages(() => 'dir:/box'),
      deps,
    );
    assert.equal(together.records.length, 1);
    const old = together.records[0]!.id;
    assert.ok(existsSync(recordPath(dir, old)));
    assert.deepEqual(await store.recordIds('b'), [old]);

    const apart = await buildRecords(pages((id) => `page:/box/${id}.png#1`).slice(0, 1), deps);
    const second = await buildRecords(pages((id) => `page:/box/${id}.png#1`).slice(1), deps);
    const now = [...apart.records, ...second.records].map((r) => r.id);
    assert.equal(now.length, 2);
    assert.ok(!now.includes(old));
    assert.equal(existsSync(recordPath(dir, old)), false, 'the old record file is gone');
    for (const id of now) assert.ok(existsSync(recordPath(dir, id)));
    assert.deepEqual((await store.recordIds('b')).sort(), [...now].sort(), 'the store lists only the new records');
    assert.equal((await store.stats({ batch: 'b' })).records, 2);
    assert.ok(await store.getRecord(old), 'the old record is kept as history');
    assert.deepEqual(JSON.parse(readFileSync(pageIndexPath(dir, 'p2'), 'utf8')).records, [second.records[0]!.id]);

    // Back to the first grouping: the old record returns, the per-page ones retire.
    const again = await buildRecords(
      pages(() => 'dir:/box'),
      deps,
    );
    assert.deepEqual(
      again.records.map((r) => r.id),
      [old],
    );
    assert.deepEqual(await store.recordIds('b'), [old]);
    for (const id of now) assert.equal(existsSync(recordPath(dir, id)), false);
  } finally {
    await store.close();
  }
});
