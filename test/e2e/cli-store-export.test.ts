// `cablescan export` and `review stats|audit` on a store with reviewed records, as a
// person at a terminal runs them (the writers themselves: test/unit/store-export.test.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openExistingStore } from '../../src/store/index.ts';
import { reviewedStore, tempDir } from '../fixtures/stores.ts';
import { runCli } from './helpers.ts';

const R1 = '00000000000000b1';

test('cablescan export, review stats and review audit on a store', { timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir('cablescan-export-cli-');
  await (await reviewedStore(dir, [R1, '00000000000000b2'])).close();
  mkdirSync(path.join(dir, 'out', 'records'));
  writeFileSync(path.join(dir, 'out', 'records', 'keep.json'), '{}');
  try {
    const csv = await runCli(['export', 'box12.csv', '--out', 'out', '--batch', 'box12'], { cwd: dir });
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /exported 1 record\(s\) as csv to box12\.csv/);
    assert.ok(readFileSync(path.join(dir, 'box12.csv'), 'utf8').includes(R1));

    const json = await runCli(['export', 'reviewed', '--format', 'jsonl', '--db', 'out/cablescan.db', '--reviewed-only'], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(readFileSync(path.join(dir, 'reviewed'), 'utf8').trim().split('\n').length, 1);

    const intoRecords = await runCli(['export', 'out/records/', '--format', 'json', '--out', 'out'], { cwd: dir });
    assert.equal(intoRecords.code, 2);
    assert.match(intoRecords.stderr, /holds what the pipeline wrote/);
    assert.deepEqual(readdirSync(path.join(dir, 'out', 'records')), ['keep.json']);
    await assert.rejects(openExistingStore({ out: path.join(dir, 'elsewhere') }), /no review store at/);
    assert.ok(!existsSync(path.join(dir, 'elsewhere')), 'a mistyped folder is not created');
    const stats = await runCli(['review', 'stats', '--out', 'out'], { cwd: dir });
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /Records: 2 \(1 done, 1 waiting for review\)/);
    assert.match(stats.stdout, /Review: 3 of 6 doubtful fields reviewed, 3 left/);
    assert.match(stats.stdout, /Reviewers: anna 2 field\(s\), 2 action\(s\); ben 1 field\(s\), 1 action\(s\)/);
    assert.match(stats.stdout, /^date\s+0\s+1\s+0\s+0\s+1\s+0$/m);
    const audit = await runCli(['review', 'audit', '--out', 'out', '--reviewer', 'ben'], { cwd: dir });
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /ben {2}absent +00000000000000b1\.signature {2}∅ -> ∅ {2}\(missing -> absent, v1\)/);
    assert.equal(audit.stdout.trim().split('\n').length, 1);
  } finally {
    cleanup();
  }
});
