// The OCR engine's parts that need no Tesseract: the keyed worker pool, block -> OcrResult
// conversion, PNM encoding, traineddata checks, and the test engines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPnm } from '../../src/ocr/image-encoding.ts';
import { FailingEngine, NullEngine } from '../fixtures/engines.ts';
import { checkTraineddata, findLanguageSources, parseLanguages } from '../../src/ocr/tessdata.ts';
import { blocksToOcrResult, type TessBlock } from '../../src/ocr/tesseract-result.ts';
import { KeyedWorkerPool, PoolClosedError } from '../../src/ocr/worker-pool.ts';

interface FakeWorker {
  id: number;
  key: string;
}

function fakeFactory() {
  let next = 1;
  const destroyed: number[] = [];
  const factory = {
    create: async (key: string): Promise<FakeWorker> => ({ id: next++, key }),
    destroy: async (w: FakeWorker) => {
      destroyed.push(w.id);
    },
  };
  return { factory, destroyed };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('pool: reuses an idle worker of the same key and recycles after recycleAfter uses', async () => {
  const { factory, destroyed } = fakeFactory();
  const pool = new KeyedWorkerPool(factory, { capacity: 2, recycleAfter: 3, keyOf: (k: string) => k });
  const used: number[] = [];
  for (let i = 0; i < 7; i += 1) await pool.run('eng', async (w) => used.push(w.id));
  assert.deepEqual(used, [1, 1, 1, 2, 2, 2, 3]);
  assert.deepEqual(destroyed, [1, 2]);
  assert.deepEqual(pool.stats(), { created: 3, recycled: 2, discarded: 0, evicted: 0, tasks: 7, alive: 1, busy: 0, queued: 0 });
});

test('pool: never more than capacity workers; extra requests wait in FIFO order', async () => {
  const { factory } = fakeFactory();
  const pool = new KeyedWorkerPool(factory, { capacity: 2, recycleAfter: 100, keyOf: (k: string) => k });
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const order: number[] = [];
  let running = 0;
  let peak = 0;
  const runs = gates.map((gate, i) =>
    pool.run('eng', async (w) => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(i);
      await gate.promise;
      running -= 1;
      return w.id;
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.stats().queued, 2);
  assert.equal(pool.stats().busy, 2);
  gates[1]!.resolve();
  await runs[1];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0, 1, 2]);
  for (const g of gates) g.resolve();
  const ids = await Promise.all(runs);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(new Set(ids), new Set([1, 2]));
  assert.equal(pool.stats().created, 2);
});

test('pool: a free worker of another key is evicted to make room; a busy one is not', async () => {
  const { factory, destroyed } = fakeFactory();
  const pool = new KeyedWorkerPool(factory, { capacity: 1, recycleAfter: 100, keyOf: (k: string) => k });
  assert.equal(await pool.run('eng', async (w) => w.key), 'eng');
  const gate = deferred();
  const dan = pool.run('dan', async (w) => {
    await gate.promise;
    return w.key;
  });
  const eng = pool.run('eng', async (w) => w.key);
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.stats().queued, 1, 'eng waits while the only worker (dan) is busy');
  gate.resolve();
  assert.deepEqual(await Promise.all([dan, eng]), ['dan', 'eng']);
  assert.deepEqual(destroyed, [1, 2]);
  assert.equal(pool.stats().evicted, 2);
});

test('pool: a worker whose task failed is discarded, a failed start frees its place, close rejects waiters', async () => {
  let failCreate = true;
  const { factory, destroyed } = fakeFactory();
  const pool = new KeyedWorkerPool(
    {
      create: async (k: string) => {
        if (failCreate) {
          failCreate = false;
          throw new Error('cannot start');
        }
        return factory.create(k);
      },
      destroy: factory.destroy,
    },
    { capacity: 1, recycleAfter: 100, keyOf: (k: string) => k },
  );
  await assert.rejects(
    pool.run('eng', async () => 1),
    /cannot start/,
  );
  await assert.rejects(
    pool.run('eng', async () => {
      throw new Error('task broke');
    }),
    /task broke/,
  );
  assert.deepEqual(destroyed, [1]);
  assert.equal(await pool.run('eng', async (w) => w.id), 2);

  const gate = deferred();
  const busy = pool.run('eng', () => gate.promise);
  const waiting = pool.run('eng', async () => 'never');
  const closing = pool.close();
  await assert.rejects(waiting, PoolClosedError);
  gate.resolve();
  await busy;
  await closing;
  assert.equal(pool.stats().alive, 0);
  await assert.rejects(
    pool.run('eng', async () => 1),
    PoolClosedError,
  );
});

test('pool: a worker that died while idle is retired, not handed out', async () => {
  const { factory, destroyed } = fakeFactory();
  const dead = new Set<number>();
  const pool = new KeyedWorkerPool({ ...factory, healthy: (w: FakeWorker) => !dead.has(w.id) }, { capacity: 1, recycleAfter: 100, keyOf: (k: string) => k });
  assert.equal(await pool.run('eng', async (w) => w.id), 1);
  dead.add(1);
  assert.equal(await pool.run('eng', async (w) => w.id), 2);
  assert.deepEqual(destroyed, [1]);
  assert.equal(pool.stats().discarded, 1);
});

const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1 });

test('blocksToOcrResult: lines in order, dense paragraph indices, text with blank lines between paragraphs', () => {
  const blocks: TessBlock[] = [
    {
      paragraphs: [
        {
          lines: [
            {
              confidence: 90,
              bbox: box(10, 10, 200, 40),
              words: [
                { text: 'No.', confidence: 80, bbox: box(10, 10, 50, 40) },
                { text: '21340', confidence: 90, bbox: box(60, 10, 200, 40) },
              ],
            },
            { confidence: 50, bbox: box(10, 50, 30, 60), words: [{ text: ' ', confidence: 10, bbox: box(10, 50, 30, 60) }] },
          ],
        },
        { lines: [{ confidence: 0, bbox: box(0, 0, 1, 1), words: [] }] },
      ],
    },
    {
      paragraphs: [
        { lines: [{ confidence: 70, bbox: box(10, 100, 100, 130), words: [{ text: 'Moscow', confidence: 70.456, bbox: box(10, 100, 100, 130) }] }] },
      ],
    },
  ];
  const r = blocksToOcrResult(blocks, { engine: 'e', engineVersion: '1', lang: 'eng', psm: 3 });
  assert.equal(r.text, 'No. 21340\n\nMoscow');
  assert.deepEqual(
    r.lines.map((l) => [l.text, l.paragraph]),
    [
      ['No. 21340', 0],
      ['Moscow', 1],
    ],
  );
  assert.deepEqual(r.lines[0]!.words[1]!.bbox, [60, 10, 200, 40]);
  assert.equal(r.lines[1]!.words[0]!.confidence, 70.46);
  assert.equal(r.wordCount, 3);
  // weighted by length: (80*3 + 90*5 + 70.46*6) / 14
  assert.equal(r.meanConfidence, Math.round(((80 * 3 + 90 * 5 + 70.46 * 6) / 14) * 100) / 100);
});

test('blocksToOcrResult: nothing read means confidence 0, whatever Tesseract says about the page', () => {
  const r = blocksToOcrResult(null, { engine: 'e', engineVersion: '1', lang: 'eng', psm: 3 });
  assert.deepEqual([r.lines, r.text, r.wordCount, r.meanConfidence], [[], '', 0, 0]);
});

test('toPnm: grey and RGB pass through; alpha is composited on white', () => {
  const grey = toPnm({ data: Buffer.from([0, 128, 255, 7, 8, 9]), width: 3, height: 2, channels: 1 });
  assert.equal(grey.toString('latin1', 0, 11), 'P5\n3 2\n255\n');
  assert.deepEqual([...grey.subarray(11)], [0, 128, 255, 7, 8, 9]);
  const ga = toPnm({ data: Buffer.from([0, 255, 0, 0, 100, 128]), width: 3, height: 1, channels: 2 });
  assert.equal(ga.toString('latin1', 0, 11), 'P5\n3 1\n255\n');
  assert.deepEqual([...ga.subarray(11)], [0, 255, 177]); // 100 at half opacity over white: 100*128/255 + 255*127/255 = 177.2
  const rgba = toPnm({ data: Buffer.from([10, 20, 30, 255]), width: 1, height: 1, channels: 4 });
  assert.equal(rgba.toString('latin1', 0, 11), 'P6\n1 1\n255\n');
  assert.deepEqual([...rgba.subarray(11)], [10, 20, 30]);
  assert.throws(() => toPnm({ data: Buffer.alloc(5), width: 3, height: 2, channels: 1 }), /expected 6/);
});

test('traineddata: npm packages found, bad language codes and bad or legacy-only files refused', () => {
  assert.deepEqual(parseLanguages('eng+fra+eng'), ['eng', 'fra']);
  assert.throws(() => parseLanguages('eng+../x'), { code: 'CS_ERR_TESSDATA_MISSING' });
  const sources = findLanguageSources('eng+fra');
  assert.deepEqual(
    sources.map((s) => [s.lang, s.origin, path.basename(s.file)]),
    [
      ['eng', 'npm', 'eng.traineddata.gz'],
      ['fra', 'npm', 'fra.traineddata.gz'],
    ],
  );
  // osd is a legacy-only model: an LSTM worker would fail to start (and tesseract.js 7 crashes the process).
  assert.throws(
    () => findLanguageSources('osd'),
    (err: Error & { code?: string }) => err.code === 'CS_ERR_TESSDATA_MISSING' && /no LSTM model/.test(err.message),
  );

  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-tessdata-test-'));
  try {
    writeFileSync(path.join(dir, 'zzz.traineddata'), 'this is not traineddata');
    assert.throws(() => findLanguageSources('zzz', dir), /zzz.traineddata is unusable: not a Tesseract traineddata file/);
    // A minimal valid header (24 components, only LSTM present), gzipped: accepted.
    const head = Buffer.alloc(4 + 8 * 24);
    head.writeInt32LE(24, 0);
    for (let i = 0; i < 24; i += 1) head.writeBigInt64LE(i === 17 ? 196n : -1n, 4 + 8 * i);
    writeFileSync(path.join(dir, 'qqq.traineddata.gz'), gzipSync(Buffer.concat([head, Buffer.alloc(100)])));
    assert.doesNotThrow(() => checkTraineddata('qqq', path.join(dir, 'qqq.traineddata.gz')));
    assert.equal(findLanguageSources('qqq', dir)[0]!.origin, 'tessdata');
    // A folder that also has eng: npm's eng still wins unless the folder is preferred (fra stays npm: the folder lacks it).
    writeFileSync(path.join(dir, 'eng.traineddata.gz'), gzipSync(Buffer.concat([head, Buffer.alloc(100)])));
    assert.deepEqual(
      findLanguageSources('eng+fra', dir).map((s) => s.origin),
      ['npm', 'npm'],
    );
    const preferred = findLanguageSources('eng+fra', dir, { preferTessdata: true });
    assert.deepEqual(
      preferred.map((s) => [s.origin, s.file]),
      [
        ['tessdata', path.join(dir, 'eng.traineddata.gz')],
        ['npm', sources[1]!.file],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test engines: NullEngine reads nothing and remembers requests; FailingEngine fails with CS_ERR_OCR_FAILED', async () => {
  const image = { data: Buffer.alloc(6), width: 3, height: 2, channels: 1 as const };
  const nul = new NullEngine();
  const r = await nul.recognize({ image, lang: 'eng', psm: 3, dpi: 300 });
  assert.deepEqual([r.wordCount, r.lines.length, r.text, r.meanConfidence], [0, 0, '', 0]);
  assert.deepEqual(nul.requests, [{ lang: 'eng', psm: 3, dpi: 300, width: 3, height: 2 }]);
  await nul.close();
  await assert.rejects(nul.recognize({ image, lang: 'eng', psm: 3 }), { code: 'CS_ERR_OCR_FAILED' });

  const failing = new FailingEngine({ retryable: false });
  await assert.rejects(failing.recognize({ image, lang: 'eng', psm: 3 }), { code: 'CS_ERR_OCR_FAILED', retryable: false });
  assert.equal(failing.calls, 1);
  await assert.rejects(new FailingEngine().recognize({ image, lang: 'eng', psm: 3 }), { retryable: true });
});
