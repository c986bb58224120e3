// The plan and the read-or-resume step the drivers share: a plan says which pages the output
// folder already holds (from each page JSON's first bytes), readPage resumes exactly those and
// reads the rest, and the plan refuses a bad setting before anything is written.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { NullEngine } from '../fixtures/engines.ts';
import { planBatch, readPage } from '../../src/pipeline/index.ts';
import { findDonePage, pageLooksDone } from '../../src/records/page-store.ts';
import { createRng } from '../../src/samples/random.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logger = silentLogger();

/** Paper grain only: measured blank, so reading it needs no OCR. */
async function grain(file: string, seed: string): Promise<void> {
  const rng = createRng(seed);
  const data = Buffer.alloc(500 * 650);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.max(0, Math.min(255, Math.round(240 + 8 * rng.normal())));
  await sharp(data, { raw: { width: 500, height: 650, channels: 1 } })
    .png()
    .toFile(file);
}

test('a plan groups the pages into sequences and knows which are done; readPage resumes exactly those', async () => {
  const scans = path.join(dir, 'scans');
  const out = path.join(dir, 'out');
  mkdirSync(scans, { recursive: true });
  await grain(path.join(scans, '001.png'), 'a');
  await grain(path.join(scans, '002.png'), 'b');
  const config = loadConfig({ env: {}, flags: { concurrency: 1 } });
  const engine = new NullEngine();

  const first = await planBatch({ inputs: [scans], outDir: out, cwd: dir, batch: 'b1' }, config, logger);
  assert.equal(first.pageTotal, 2);
  assert.deepEqual(
    first.sequences.map((s) => s.pages.map((p) => p.pageId)),
    [['001', '002']],
  );
  assert.deepEqual(first.done, []);
  assert.equal(first.recipe.name, 'auto');
  assert.ok(first.profiles.some((p) => p.name === 'generic'));
  assert.deepEqual(JSON.parse(JSON.stringify(first)), first, 'the plan is plain data');
  for (const source of first.sequences[0]!.pages)
    assert.equal((await readPage(source, { config, logger, engine, outDir: out, recipe: first.recipe })).outcome, 'read');

  const second = await planBatch({ inputs: [scans], outDir: out, cwd: dir, batch: 'b2' }, config, logger);
  assert.deepEqual(second.done, ['001', '002']);
  const resumed = await readPage(second.sequences[0]!.pages[0]!, { config, logger, engine, outDir: out, recipe: second.recipe });
  assert.equal(resumed.outcome, 'resumed');
  assert.equal(resumed.page.pageId, '001');

  // The head check says what the full check says: other content, another language.
  const source = second.sequences[0]!.pages[1]!;
  const json = path.join(out, 'pages', '002.json');
  writeFileSync(json, readFileSync(json, 'utf8').replace(source.contentHash, 'f'.repeat(64)));
  assert.equal(await pageLooksDone(out, source), false);
  assert.equal(await findDonePage(out, source), null);
  const french = loadConfig({ env: {}, flags: { concurrency: 1, lang: 'fra' } });
  const inFrench = await planBatch({ inputs: [scans], outDir: out, cwd: dir }, french, logger);
  assert.deepEqual(inFrench.done, [], 'read in English, asked in French: not done');
  assert.equal((await readPage(source, { config, logger, engine, outDir: out, recipe: second.recipe })).outcome, 'read', 'other content is read again');

  // --force: nothing counts as done.
  const forced = await planBatch({ inputs: [scans], outDir: out, cwd: dir }, loadConfig({ env: {}, flags: { concurrency: 1, force: true } }), logger);
  assert.deepEqual(forced.done, []);
});

test('a plan refuses a bad setting before anything is written', async () => {
  const out = path.join(dir, 'never');
  const config = loadConfig({ env: {}, flags: { profile: 'no-such-profile' } });
  await assert.rejects(planBatch({ inputs: [path.join(dir, 'scans')], outDir: out, cwd: dir }, config, logger), /--profile no-such-profile: no such profile/);
  await assert.rejects(
    planBatch({ inputs: [path.join(dir, 'nothing-here')], outDir: out, cwd: dir }, loadConfig({ env: {} }), logger),
    /no image or PDF files found/,
  );
  assert.equal(existsSync(out), false);
});
