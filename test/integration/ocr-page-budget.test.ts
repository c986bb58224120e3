// OCR time bounded relative to the page (issue 26): the budget grows with the page's pixels and
// lines and stays under --ocr-timeout; a page whose reading runs past it is read another way (its
// ink regions), the way that timed out is remembered beside the output and not tried again, and a
// page whose every way timed out fails as not retryable.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { CablescanError } from '../../src/errors.ts';
import { discoverInputs } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/logger.ts';
import type { OcrEngine, OcrRequest } from '../../src/ocr/engine.ts';
import { pageBudgetSeconds, PAGE_BUDGET, predictedOcrSeconds } from '../../src/ocr/page-budget.ts';
import { boundOf, OcrTimeoutError } from '../../src/ocr/timeout.ts';
import { AUTO_RECIPE } from '../../src/preprocess/index.ts';
import { pageTimeoutPath } from '../../src/records/layout.ts';
import { readPageFromScan } from '../../src/pipeline/index.ts';
import type { OcrResult } from '../../src/types.ts';
import { oneWordReading } from '../fixtures/engines.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('the budget grows with pixels and lines, has a floor, and --ocr-timeout caps it (0: no bound)', () => {
  const small = { width: 400, height: 100, textLines: 1 };
  const page = { width: 2480, height: 3508, textLines: 40 };
  const huge = { width: 7766, height: 10361, textLines: 40 };
  assert.equal(pageBudgetSeconds(small, 600), PAGE_BUDGET.floorSeconds);
  assert.ok(predictedOcrSeconds(huge) > predictedOcrSeconds(page) && predictedOcrSeconds(page) > predictedOcrSeconds(small));
  assert.ok(pageBudgetSeconds(huge, 0) > pageBudgetSeconds(page, 0));
  assert.equal(pageBudgetSeconds(huge, 90), 90);
  assert.ok(pageBudgetSeconds(page, 600) < 600, 'a page of text gets far less than ten minutes');
  assert.deepEqual(boundOf(30, 600), { seconds: 30, source: 'page budget' });
  assert.deepEqual(boundOf(900, 600), { seconds: 600, source: '--ocr-timeout' });
  assert.deepEqual(boundOf(undefined, 600), { seconds: 600, source: '--ocr-timeout' });
  assert.deepEqual(boundOf(30, 0), { seconds: 30, source: 'page budget' });
  assert.equal(boundOf(undefined, 0), null);
  assert.match(
    new OcrTimeoutError({ seconds: 30, source: 'page budget' }, 'its tesseract process').message,
    /within 30 s \(the page's budget from its size and ink, capped by --ocr-timeout\)/,
  );
});

/** Times out on whole pages (PSM 3) the way an engine does at its bound; reads each line strip as "LINE". */
class HangsOnPages implements OcrEngine {
  readonly name = 'hangs-on-pages';
  readonly requests: Array<Pick<OcrRequest, 'psm' | 'timeoutSeconds'>> = [];
  constructor(private readonly linesToo = false) {}
  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.requests.push({ psm: request.psm, timeoutSeconds: request.timeoutSeconds });
    if (request.psm === 3 || this.linesToo) throw new OcrTimeoutError({ seconds: request.timeoutSeconds ?? 600, source: 'page budget' }, 'its stand-in');
    return oneWordReading(request, this.name);
  }
  async close(): Promise<void> {}
}

test('a page that runs past its budget is read by its ink regions; the next attempt goes straight to them; when they time out too, it fails as not retryable', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-budget-'));
  dirs.push(out);
  const config = loadConfig({ env: {}, flags: { concurrency: 1, secondOpinion: false } });
  const { pages } = await discoverInputs([path.join(REPO, 'samples/cipher-03-clean.png')], { cwd: REPO, maxPixels: config.maxPixels });
  const source = pages[0]!;
  const deps = (engine: OcrEngine, outDir = out, force = false) => ({
    config: force ? { ...config, force } : config,
    logger: silentLogger(),
    engine,
    outDir,
    recipe: AUTO_RECIPE,
  });

  const first = new HangsOnPages();
  const page = await readPageFromScan(source, deps(first));
  assert.equal(first.requests[0]!.psm, 3);
  assert.ok(
    first.requests[0]!.timeoutSeconds! >= PAGE_BUDGET.floorSeconds && first.requests[0]!.timeoutSeconds! < config.ocrTimeout,
    `budget ${first.requests[0]!.timeoutSeconds}`,
  );
  assert.equal(page.ocr.readAs, 'regions');
  assert.match(page.ocr.fallback!, /the whole page ran past \d+ s/);
  assert.equal(page.lines.length, page.ink!.textLines, 'every ink line read');
  assert.equal(page.ink!.regions!.length, page.ink!.textLines);
  // The page is done: the note of the timeout has gone with it.
  assert.equal(existsSync(pageTimeoutPath(out, source.pageId)), false);

  // A page whose ink regions time out too fails as not retryable, and the note says both ways did.
  const dying = new HangsOnPages(true);
  await assert.rejects(readPageFromScan(source, deps(dying)), (err: CablescanError) => {
    assert.equal(err.code, 'CS_ERR_OCR_FAILED');
    assert.equal(err.retryable, false);
    assert.match(err.message, /not retried/);
    return true;
  });
  assert.equal(JSON.parse(readFileSync(pageTimeoutPath(out, source.pageId), 'utf8')).way, 'regions');
  // Every way has timed out on this page: the next attempt fails at once, without OCR.
  const third = new HangsOnPages();
  await assert.rejects(readPageFromScan(source, deps(third)), (err: CablescanError) => err.retryable === false && /run with --force/.test(err.message));
  assert.equal(third.requests.length, 0);
  // --force tries again from the start.
  const forced = new HangsOnPages();
  assert.equal((await readPageFromScan(source, deps(forced, out, true))).ocr.readAs, 'regions');
  assert.equal(forced.requests[0]!.psm, 3);
});

test('after a whole-page timeout was remembered, the next attempt reads the regions without trying the page again', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-budget-'));
  dirs.push(out);
  const config = loadConfig({ env: {}, flags: { concurrency: 1, secondOpinion: false } });
  const { pages } = await discoverInputs([path.join(REPO, 'samples/cipher-03-clean.png')], { cwd: REPO, maxPixels: config.maxPixels });
  const source = pages[0]!;
  const { rememberOcrTimeout } = await import('../../src/records/page-store.ts');
  await rememberOcrTimeout(out, source, 'page', 120);
  const engine = new HangsOnPages();
  const page = await readPageFromScan(source, { config, logger: silentLogger(), engine, outDir: out, recipe: AUTO_RECIPE });
  assert.ok(
    engine.requests.every((r) => r.psm !== 3),
    'the whole page was not tried again',
  );
  assert.equal(page.ocr.readAs, 'regions');
  assert.match(page.ocr.fallback!, /before/);
});
