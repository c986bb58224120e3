// The tesseract.js engine on generated pages: words and boxes, pool reuse and recycling,
// languages from npm packages and from a tessdata folder, and errors for missing languages.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CablescanError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTesseractJsEngine, watchThread, type TesseractJsEngine } from '../../src/ocr/tesseract-js.ts';
import { renderTextImage } from '../fixtures/text-images.ts';

const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
let cacheDir: string;

before(() => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-ocr-test-'));
});
after(() => rmSync(cacheDir, { recursive: true, force: true }));

function engine(opts: { concurrency?: number; recycleAfter?: number; tessdata?: string; timeoutSeconds?: number } = {}): TesseractJsEngine {
  return createTesseractJsEngine({
    concurrency: opts.concurrency ?? 1,
    recycleAfter: opts.recycleAfter ?? 100,
    timeoutSeconds: opts.timeoutSeconds,
    tessdata: opts.tessdata,
    logger: silentLogger(),
    tessdataCacheDir: cacheDir,
  });
}

test('reads a generated page: words, boxes where they were drawn, paragraphs, confidence', async () => {
  const lines = ['CIPHERED TELEGRAM No. 21340', 'To Cde. Stalin, Moscow, 30 June 1951', '', 'The quick brown fox jumps over the lazy dog.'];
  const page = renderTextImage({ lines, lineHeight: 60, width: 1600 });
  const ocr = engine();
  try {
    const result = await ocr.recognize({ image: page.image, lang: 'eng', psm: 3, dpi: 300 });
    assert.equal(result.engine, 'tesseract.js');
    assert.equal(result.psm, 3);
    assert.equal(result.lang, 'eng');
    assert.match(result.engineVersion, /^7\.\d+\.\d+ \(Tesseract 5\./);
    // Lines 1-2 are single-spaced, then a blank line: two paragraphs separated by a blank line.
    assert.equal(result.text, 'CIPHERED TELEGRAM No. 21340\nTo Cde. Stalin, Moscow, 30 June 1951\n\nThe quick brown fox jumps over the lazy dog.');
    assert.deepEqual(
      result.lines.map((l) => l.paragraph),
      [0, 0, 1],
    );
    assert.equal(result.wordCount, 20);
    assert.ok(result.meanConfidence > 85 && result.meanConfidence <= 100, `mean confidence ${result.meanConfidence}`);

    const read = result.lines.flatMap((l) => l.words);
    for (const drawn of page.words) {
      const word = read.find((w) => w.text === drawn.text);
      assert.ok(word, `word ${drawn.text} read`);
      for (let i = 0; i < 4; i += 1) {
        assert.ok(Math.abs(word.bbox[i]! - drawn.bbox[i]!) <= 3, `${drawn.text} box ${word.bbox} vs drawn ${drawn.bbox}`);
      }
      assert.ok(word.confidence >= 0 && word.confidence <= 100);
    }
    // A line's box encloses its words.
    for (const line of result.lines) {
      for (const w of line.words) {
        assert.ok(w.bbox[0] >= line.bbox[0] && w.bbox[1] >= line.bbox[1] && w.bbox[2] <= line.bbox[2] && w.bbox[3] <= line.bbox[3]);
      }
    }
  } finally {
    await ocr.close();
  }
});

test('a blank page gives no words and confidence 0', async () => {
  const ocr = engine();
  try {
    const blank = renderTextImage({ lines: [], width: 400, height: 300 });
    const result = await ocr.recognize({ image: blank.image, lang: 'eng', psm: 3 });
    assert.equal(result.wordCount, 0);
    assert.equal(result.lines.length, 0);
    assert.equal(result.text, '');
    assert.equal(result.meanConfidence, 0);
  } finally {
    await ocr.close();
  }
});

test('workers are reused, recycled after recycleAfter pages, and requests queue when all are busy', async () => {
  const page = renderTextImage({ lines: ['RECYCLE TEST 42'], width: 900, height: 200 });
  const ocr = engine({ concurrency: 1, recycleAfter: 2 });
  try {
    // Three requests at once on one worker: they queue, the first two share a worker,
    // then that worker is recycled and a new one reads the third.
    const results = await Promise.all([1, 2, 3].map(() => ocr.recognize({ image: page.image, lang: 'eng', psm: 6 })));
    for (const r of results) assert.equal(r.text, 'RECYCLE TEST 42');
    const stats = ocr.stats();
    assert.equal(stats.pages, 3);
    assert.equal(stats.created, 2);
    assert.equal(stats.recycled, 1);
    assert.equal(stats.alive, 1);
    assert.equal(stats.queued, 0);
  } finally {
    await ocr.close();
  }
  assert.equal(ocr.stats().alive, 0);
  await assert.rejects(ocr.recognize({ image: page.image, lang: 'eng', psm: 6 }), { code: 'CS_ERR_OCR_FAILED' });
});

test('a call that outlives --ocr-timeout fails as retryable, and its worker thread is terminated and replaced', { timeout: 180_000 }, async () => {
  const page = renderTextImage({ lines: ['TIMEOUT TEST 42'], width: 900, height: 200 });
  // A bound no page can meet: every call runs into it.
  const ocr = engine({ concurrency: 1, recycleAfter: 100, timeoutSeconds: 0.001 });
  try {
    for (const created of [1, 2]) {
      await assert.rejects(ocr.recognize({ image: page.image, lang: 'eng', psm: 6 }), (err: CablescanError) => {
        assert.equal(err.code, 'CS_ERR_OCR_FAILED');
        assert.ok(err.retryable);
        assert.match(err.message, /did not finish within 0\.001 s \(--ocr-timeout\); its tesseract\.js worker was stopped/);
        return true;
      });
      // The stopped worker is discarded; the next call gets a new one.
      assert.deepEqual([ocr.stats().created, ocr.stats().discarded, ocr.stats().pages], [created, created, 0]);
    }
  } finally {
    await ocr.close();
  }
  assert.equal(ocr.stats().alive, 0);
});

test('the main thread keeps nothing of the pages a worker has read (no growth of the heap between recycles)', async () => {
  // Jobs used to race a promise that settled only when the worker died: each left a reaction on
  // it holding its whole tesseract.js result until the worker was recycled (~0.3 MB a half-size page).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const page = renderTextImage({
    lines: ['CIPHERED TELEGRAM No. 21340', 'To Cde. Fedorov, Moscow, 30 June 1951', 'The quick brown fox jumps over the lazy dog.'],
    width: 1600,
    height: 420,
  });
  const ocr = engine({ concurrency: 1, recycleAfter: 1000 });
  const heapAfter = async (pages: number) => {
    for (let i = 0; i < pages; i += 1) await ocr.recognize({ image: page.image, lang: 'eng', psm: 3, dpi: 300 });
    gc();
    return process.memoryUsage().heapUsed;
  };
  try {
    const warm = await heapAfter(3);
    const grown = (await heapAfter(40)) - warm;
    // Retaining each result was ~27 KB a page here (+0.54 MB over 20 pages); without it the heap
    // moves by -0.3..+0.05 MB over 20 pages.
    assert.ok(grown < 600_000, `heap grew by ${grown} bytes over 40 pages on one worker`);
  } finally {
    await ocr.close();
  }
});

test('a worker thread that dies fails the job it was running, and every later one; finished jobs leave no listener behind', async () => {
  const thread = new EventEmitter();
  let dead = false;
  const watch = watchThread(thread, () => (dead = true));
  assert.equal(await watch.guard(Promise.resolve('page 1')), 'page 1');
  await assert.rejects(watch.guard(Promise.reject(new Error('bad image'))), /bad image/);
  assert.equal(watch.pending(), 0);
  const hanging = watch.guard(new Promise(() => undefined));
  assert.equal(watch.pending(), 1);
  thread.emit('error', new Error('RuntimeError: unreachable (WASM abort)'));
  await assert.rejects(
    hanging,
    (err: CablescanError) => err.code === 'CS_ERR_OCR_FAILED' && /crashed: RuntimeError: unreachable/.test(err.message) && err.retryable,
  );
  assert.ok(dead);
  assert.equal(watch.pending(), 0);
  await assert.rejects(watch.guard(Promise.resolve('too late')), /crashed/);
});

test('a missing language fails with CS_ERR_TESSDATA_MISSING naming the language and where it looked', async () => {
  const page = renderTextImage({ lines: ['X'], width: 200, height: 100 });
  const ocr = engine({ tessdata: cacheDir });
  try {
    await assert.rejects(ocr.recognize({ image: page.image, lang: 'eng+xyz', psm: 3 }), (err: unknown) => {
      assert.ok(err instanceof CablescanError);
      assert.equal(err.code, 'CS_ERR_TESSDATA_MISSING');
      assert.equal(err.retryable, false);
      assert.match(err.message, /"xyz"/);
      assert.match(err.message, /@tesseract\.js-data\/xyz/);
      assert.ok(err.message.includes(cacheDir), err.message);
      return true;
    });
    await assert.rejects(ocr.prepare('zzz'), { code: 'CS_ERR_TESSDATA_MISSING' });
    assert.equal(ocr.stats().created, 0, 'no worker started for a language that is not there');
  } finally {
    await ocr.close();
  }
});

test('dan from a tessdata folder, alone and mixed with npm eng', async (t) => {
  if (!existsSync(path.join(DEBIAN_TESSDATA, 'dan.traineddata'))) {
    t.skip(`${DEBIAN_TESSDATA}/dan.traineddata not present (apt-get install tesseract-ocr-dan)`);
    return;
  }
  const page = renderTextImage({ lines: ['Kære hr. Jørgensen, købmand i Århus.'], width: 1400, height: 220 });
  const ocr = engine({ tessdata: DEBIAN_TESSDATA, concurrency: 1 });
  try {
    const dan = await ocr.recognize({ image: page.image, lang: 'dan', psm: 6, dpi: 300 });
    assert.equal(dan.text, 'Kære hr. Jørgensen, købmand i Århus.');
    assert.equal(dan.lang, 'dan');

    // eng (npm, gzipped) + dan (Debian, plain) live in two folders: the engine links them into one.
    const mixed = await ocr.recognize({ image: page.image, lang: 'eng+dan', psm: 6, dpi: 300 });
    assert.match(mixed.text, /Jørgensen/);
    const assembled = readdirSync(cacheDir).filter((d) => !d.startsWith('.'));
    assert.equal(assembled.length, 1);
    const folder = path.join(cacheDir, assembled[0]!);
    assert.deepEqual(readdirSync(folder).sort(), ['dan.traineddata', 'eng.traineddata']);
    assert.equal(readlinkSync(path.join(folder, 'dan.traineddata')), path.join(DEBIAN_TESSDATA, 'dan.traineddata'));
    // One worker slot: switching language set evicted the dan worker.
    assert.equal(ocr.stats().evicted, 1);
  } finally {
    await ocr.close();
  }
});

test("a request's own bound (a page's budget) stops the call without --ocr-timeout, and the worker is replaced", { timeout: 180_000 }, async () => {
  const page = renderTextImage({ lines: ['BUDGET TEST 7'], width: 900, height: 200 });
  const ocr = engine({ concurrency: 1, recycleAfter: 100 });
  try {
    await assert.rejects(ocr.recognize({ image: page.image, lang: 'eng', psm: 6, timeoutSeconds: 0.001 }), (err: CablescanError) => {
      assert.match(err.message, /within 0\.001 s \(the page's budget from its size and ink, capped by --ocr-timeout\); its tesseract\.js worker was stopped/);
      assert.equal(err.details?.bound, 'page budget');
      return true;
    });
    assert.equal(ocr.stats().discarded, 1);
    // Without a bound of its own, the next call reads the page on a new worker.
    assert.match((await ocr.recognize({ image: page.image, lang: 'eng', psm: 6 })).text, /BUDGET/);
  } finally {
    await ocr.close();
  }
});
