// A page the ink measure finds blank is recorded and not read, unless --read-blank-pages asks for
// it to be read as any page (text too faint to tell from the paper, a faded carbon copy); with a
// stand-in engine, so what is asked of OCR can be counted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { discoverInputs } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { NullEngine } from '../fixtures/engines.ts';
import { AUTO_RECIPE } from '../../src/preprocess/index.ts';
import { createRng } from '../../src/samples/random.ts';
import { readPageFromScan } from '../../src/pipeline/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-blank-page-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function grainPage(): Promise<string> {
  const rng = createRng('stages-blank-page');
  const data = Buffer.alloc(1700 * 2200);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.max(0, Math.min(255, Math.round(240 + 8 * rng.normal())));
  const file = path.join(dir, 'grain.png');
  await sharp(data, { raw: { width: 1700, height: 2200, channels: 1 } })
    .png()
    .toFile(file);
  return file;
}

test('a blank page is recorded without preprocessing or OCR; --read-blank-pages reads it as any page', async () => {
  const file = await grainPage();
  const { pages } = await discoverInputs([file], { cwd: dir, maxPixels: 100_000_000 });
  const skipped = new NullEngine();
  const config = loadConfig({ env: {}, flags: { concurrency: 1 } });
  const page = await readPageFromScan(pages[0]!, { config, logger: silentLogger(), engine: skipped, recipe: AUTO_RECIPE });
  assert.equal(skipped.requests.length, 0);
  assert.equal(page.blank, true);
  assert.equal(page.ink!.verdict, 'blank');
  assert.deepEqual([page.lines, page.text, page.preprocess.steps, page.ocr.readAs], [[], '', [], 'none']);
  assert.deepEqual([page.preprocess.outputWidth, page.preprocess.outputHeight], [1700, 2200]);

  const read = new NullEngine();
  const anyway = loadConfig({ env: { CABLESCAN_READ_BLANK_PAGES: '1' }, flags: { concurrency: 1 } });
  assert.equal(anyway.readBlankPages, true);
  const again = await readPageFromScan(pages[0]!, { config: anyway, logger: silentLogger(), engine: read, recipe: AUTO_RECIPE });
  assert.equal(read.requests.length, 1);
  assert.equal(read.requests[0]!.psm, 3);
  assert.ok(read.requests[0]!.timeoutSeconds! >= 60, 'the page budget applies');
  assert.equal(again.ocr.readAs, 'page');
  assert.ok(again.preprocess.steps.length > 0, 'the recipe ran');
  // Nothing came back, so it stays blank, and says it was read.
  assert.equal(again.blank, true);
  assert.match(again.ink!.note!, /read anyway \(--read-blank-pages\): nothing read/);
});
