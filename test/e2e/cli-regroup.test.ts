// `cablescan review split|merge|confirm-grouping` on a store, as a person at a
// terminal uses them: the same regrouping as the review page's keys, with exit
// codes that tell a refused action (2) from one that met a change (1).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ReviewStore, type GroupingAuditEntry } from '../../src/store/index.ts';
import { runCli } from './helpers.ts';
import { boxPages, build, timidModel, writePages } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

let work: { dir: string; cleanup: () => void };
let ids: string[];

before(async () => {
  work = tempDir('cablescan-cli-regroup-');
  const out = path.join(work.dir, 'out');
  const pages = boxPages('dir:/scans/box');
  await writePages(out, pages);
  const store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  try {
    ids = (await build(out, store, pages, timidModel())).records.map((r) => r.id);
  } finally {
    await store.close();
  }
});

after(() => work?.cleanup());

const cli = (args: string[]) => runCli(['review', ...args, '--out', 'out'], { cwd: work.dir });

test('confirm-grouping, split and merge from the command line; refusals and conflicts exit 2 and 1 and change nothing', async () => {
  const [a, b, c] = ids as [string, string, string];
  const confirmed = await cli(['confirm-grouping', a, '--reviewer', 'carl', '--json']);
  assert.equal(confirmed.code, 0, confirmed.stderr);
  const entry = JSON.parse(confirmed.stdout) as { action: GroupingAuditEntry };
  assert.deepEqual([entry.action.action, entry.action.reviewer], ['confirm', 'carl']);
  assert.equal(entry.action.after.find((r) => r.id === a)?.grouping, 'confirmed');

  // Not a page of the record: refused before anything is done.
  const wrongPage = await cli(['split', a, '--at', '0003', '--reviewer', 'carl']);
  assert.equal(wrongPage.code, 2);
  assert.match(wrongPage.stderr, /CS_ERR_REGROUP_INVALID: page 0003 is not a page of record/);
  // The version carl looked at before his confirmation is stale now.
  const stale = await cli(['split', a, '--at', '0002', '--reviewer', 'carl', '--expect-version', '1']);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /CS_ERR_CONFLICT: record \S+ changed since you loaded it \(version 1, now \d+\)/);

  const split = await cli(['split', a, '--at', '0002', '--reviewer', 'carl']);
  assert.equal(split.code, 0, split.stderr);
  assert.match(split.stdout, new RegExp(`carl {2}split +at 0002 {2}${a}\\[0001,0002\\] -> [0-9a-f]{16}\\[0001\\] \\+ [0-9a-f]{16}\\[0002\\]`));

  const merged = await cli(['merge', b, c, '--reviewer', 'dora']);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, new RegExp(`dora {2}merge +at 0004 {2}${b}\\[0003\\] \\+ ${c}\\[0004\\] -> [0-9a-f]{16}\\[0003,0004\\]`));
  const again = await cli(['merge', b, c, '--reviewer', 'dora']);
  assert.equal(again.code, 1, 'a record merged away is a conflict');
  assert.match(again.stderr, /was replaced by [0-9a-f]{16}/);

  // The refused and conflicting commands left no trace.
  const audit = await cli(['audit', '--kind', 'grouping']);
  assert.equal(audit.code, 0, audit.stderr);
  assert.deepEqual(
    audit.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/).slice(1, 3).join(' ')),
    ['dora merge', 'carl split', 'carl confirm-grouping'],
  );
});
