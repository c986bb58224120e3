// The native tesseract engine (--engine tesseract): TSV parsing into the shared OcrResult shape,
// then the real CLI on generated pages, next to tesseract.js on the same page, and its errors.
// The engine tests skip with a message when the tesseract command is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { distance } from 'fastest-levenshtein';
import { CablescanError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTesseractCliEngine, parseListLangs, splitTsvPages } from '../../src/ocr/tesseract-cli.ts';
import { createTesseractJsEngine } from '../../src/ocr/tesseract-js.ts';
import { tsvToOcrResult } from '../../src/ocr/tesseract-tsv.ts';
import { nativeTesseractVersion, SKIP_WITHOUT_NATIVE } from '../fixtures/engines.ts';
import { renderTextImage } from '../fixtures/text-images.ts';

const INFO = { engine: 'tesseract', engineVersion: '5.3.0', lang: 'eng', psm: 3 };
const HEADER = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

function tsv(rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

const nativeVersion = nativeTesseractVersion;
const SKIP_NATIVE = SKIP_WITHOUT_NATIVE;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-cli-test-'));

/**
 * Writes an executable stand-in for tesseract: it answers --version and --list-langs like
 * Tesseract 5.3 with `eng`, and runs `body` (JavaScript, `args` in scope) for anything else.
 */
function fakeTesseract(name: string, body: string): string {
  const file = path.join(scratch, name);
  writeFileSync(
    file,
    `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('tesseract 5.3.0'); process.exit(0); }
if (args[0] === '--list-langs') { console.log('List of available languages in "/x/" (1):\\neng'); process.exit(0); }
${body}`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** TSV rows a stand-in writes: the sentinel's page row, and one page with one word. */
const FAKE_ROWS = `const sentinelRow = (n) => '1\\t' + n + '\\t0\\t0\\t0\\t0\\t0\\t0\\t32\\t32\\t-1\\t\\n';
const pageRows = (n) => '1\\t' + n + '\\t0\\t0\\t0\\t0\\t0\\t0\\t100\\t40\\t-1\\t\\n5\\t' + n + '\\t1\\t1\\t1\\t1\\t2\\t2\\t80\\t30\\t91.5\\tPAGE' + n + '\\n';
`;
after(() => rmSync(scratch, { recursive: true, force: true }));

test('TSV: blocks, paragraphs and lines rebuilt; word boxes from left/top/width/height; empty words dropped', () => {
  const result = tsvToOcrResult(
    tsv([
      '1\t1\t0\t0\t0\t0\t0\t0\t1000\t800\t-1\t',
      '2\t1\t1\t0\t0\t0\t100\t100\t500\t120\t-1\t',
      '3\t1\t1\t1\t0\t0\t100\t100\t500\t120\t-1\t',
      '4\t1\t1\t1\t1\t0\t100\t100\t500\t40\t-1\t',
      '5\t1\t1\t1\t1\t1\t100\t102\t200\t38\t90.5\tCIPHERED',
      '5\t1\t1\t1\t1\t2\t320\t100\t280\t40\t80.25\tTELEGRAM',
      '4\t1\t1\t1\t2\t0\t100\t180\t300\t40\t-1\t',
      '5\t1\t1\t1\t2\t1\t100\t180\t300\t40\t70\tNo.',
      // A paragraph whose only word is blank disappears, and does not take a paragraph number.
      '3\t1\t1\t2\t0\t0\t100\t300\t50\t40\t-1\t',
      '4\t1\t1\t2\t1\t0\t100\t300\t50\t40\t-1\t',
      '5\t1\t1\t2\t1\t1\t100\t300\t50\t40\t95\t ',
      '2\t1\t2\t0\t0\t0\t100\t500\t400\t40\t-1\t',
      '3\t1\t2\t1\t0\t0\t100\t500\t400\t40\t-1\t',
      '4\t1\t2\t1\t1\t0\t100\t500\t400\t40\t-1\t',
      '5\t1\t2\t1\t1\t1\t100\t500\t400\t40\t60\t51748',
    ]),
    INFO,
  );
  assert.equal(result.text, 'CIPHERED TELEGRAM\nNo.\n\n51748');
  assert.deepEqual(
    result.lines.map((l) => l.paragraph),
    [0, 0, 1],
  );
  assert.deepEqual(result.lines[0]!.bbox, [100, 100, 600, 140]);
  assert.deepEqual(
    result.lines[0]!.words.map((w) => [w.text, w.confidence, w.bbox]),
    [
      ['CIPHERED', 90.5, [100, 102, 300, 140]],
      ['TELEGRAM', 80.25, [320, 100, 600, 140]],
    ],
  );
  // TSV has no line confidence: the mean of the line's words.
  assert.equal(result.lines[0]!.confidence, 85.38);
  assert.equal(result.wordCount, 4);
  assert.deepEqual(
    { ...result, lines: undefined, text: undefined },
    { ...INFO, lines: undefined, text: undefined, wordCount: 4, meanConfidence: result.meanConfidence },
  );
  // Letter-weighted: (90.5*8 + 80.25*8 + 70*3 + 60*5) / 24.
  assert.equal(result.meanConfidence, Math.round(((90.5 * 8 + 80.25 * 8 + 70 * 3 + 60 * 5) / 24) * 100) / 100);
});

test('TSV: an empty page reads as nothing with confidence 0; text that is not TSV is refused', () => {
  const empty = tsvToOcrResult(tsv(['1\t1\t0\t0\t0\t0\t0\t0\t400\t300\t-1\t']), INFO);
  assert.deepEqual([empty.lines, empty.text, empty.wordCount, empty.meanConfidence], [[], '', 0, 0]);
  assert.throws(() => tsvToOcrResult('<html>hocr</html>', INFO), /not tesseract TSV/);
  assert.throws(() => tsvToOcrResult(tsv(['5\t1\t1']), INFO), /row 2 has 3 columns/);
});

test('--list-langs output: folder and codes', () => {
  const parsed = parseListLangs('List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):\neng\nfra\nosd\n');
  assert.equal(parsed.tessdataDir, '/usr/share/tesseract-ocr/5/tessdata/');
  assert.deepEqual([...parsed.langs], ['eng', 'fra', 'osd']);
});

test('native engine reads a generated page like tesseract.js with the same model file: same text, paragraphs and words, boxes within 3 px, confidences within 2.5 (1 on the page)', {
  skip: SKIP_NATIVE,
}, async () => {
  const lines = ['CIPHERED TELEGRAM No. 21340', 'To Cde. Stalin, Moscow, 30 June 1951', '', 'The quick brown fox jumps over the lazy dog.'];
  const page = renderTextImage({ lines, lineHeight: 60, width: 1600 });
  // Both read npm's best_int, unpacked once into this test's own cache.
  const models = { model: 'best' as const, cacheRoot: path.join(scratch, 'model-cache') };
  const native = createTesseractCliEngine({ concurrency: 1, models, logger: silentLogger() });
  const wasm = createTesseractJsEngine({ concurrency: 1, recycleAfter: 100, models, logger: silentLogger() });
  try {
    const [a, b] = await Promise.all([
      native.recognize({ image: page.image, lang: 'eng', psm: 3, dpi: 300 }),
      wasm.recognize({ image: page.image, lang: 'eng', psm: 3, dpi: 300 }),
    ]);
    assert.equal(a.engine, 'tesseract');
    assert.equal(a.engineVersion, nativeVersion);
    // The very same model file: its hash is recorded alike by both.
    assert.equal(a.model, 'best');
    assert.equal(a.models!.eng!.source, 'npm 4.0.0_best_int');
    assert.deepEqual(a.models, b.models);
    assert.equal(a.text, 'CIPHERED TELEGRAM No. 21340\nTo Cde. Stalin, Moscow, 30 June 1951\n\nThe quick brown fox jumps over the lazy dog.');
    assert.equal(a.text, b.text);
    assert.deepEqual(
      a.lines.map((l) => l.paragraph),
      b.lines.map((l) => l.paragraph),
    );
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    assert.deepEqual(Object.keys(a.lines[0]!).sort(), Object.keys(b.lines[0]!).sort());
    const wordsA = a.lines.flatMap((l) => l.words);
    const wordsB = b.lines.flatMap((l) => l.words);
    assert.equal(wordsA.length, wordsB.length);
    for (let i = 0; i < wordsA.length; i += 1) {
      for (let k = 0; k < 4; k += 1)
        assert.ok(Math.abs(wordsA[i]!.bbox[k]! - wordsB[i]!.bbox[k]!) <= 3, `${wordsA[i]!.text}: ${wordsA[i]!.bbox} vs ${wordsB[i]!.bbox}`);
      assert.equal(wordsA[i]!.text, wordsB[i]!.text);
      assert.ok(wordsA[i]!.confidence > 50 && wordsA[i]!.confidence <= 100);
      // Tesseract 5.3 native and 5.1 in WebAssembly: the same network, arithmetic a little apart.
      assert.ok(
        Math.abs(wordsA[i]!.confidence - wordsB[i]!.confidence) <= 2.5,
        `${wordsA[i]!.text}: confidence ${wordsA[i]!.confidence} vs ${wordsB[i]!.confidence}`,
      );
    }
    assert.ok(a.meanConfidence > 85, `native mean confidence ${a.meanConfidence}`);
    assert.ok(Math.abs(a.meanConfidence - b.meanConfidence) <= 1, `mean confidence ${a.meanConfidence} vs ${b.meanConfidence}`);
    assert.equal(native.stats().pages, 1);
  } finally {
    await Promise.all([native.close(), wasm.close()]);
  }
});

for (const streaming of [true, false]) {
  test(`native engine (${streaming ? 'long-lived processes' : 'one process per page'}): a models folder holding only eng.traineddata (no configs/) reads pages`, {
    skip: SKIP_NATIVE,
    timeout: 360_000,
  }, async () => {
    const installed = parseListLangs(execFileSync('tesseract', ['--list-langs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).tessdataDir;
    const models = path.join(scratch, `models-only-${streaming}`);
    mkdirSync(models, { recursive: true });
    writeFileSync(path.join(models, 'eng.traineddata'), readFileSync(path.join(installed, 'eng.traineddata')));
    assert.deepEqual(readdirSync(models), ['eng.traineddata']);
    const native = createTesseractCliEngine({ concurrency: 1, streaming, tessdata: models, timeoutSeconds: 60, logger: silentLogger() });
    try {
      const page = renderTextImage({ lines: ['ALPHA BRAVO CHARLIE'], width: 900, height: 200 });
      const result = await native.recognize({ image: page.image, lang: 'eng', psm: 6, dpi: 300 });
      assert.equal(result.text, 'ALPHA BRAVO CHARLIE');
      assert.ok(
        result.lines[0]!.words.every((w) => w.confidence > 50),
        'words carry TSV confidences',
      );
    } finally {
      await native.close();
    }
  });
}

for (const streaming of [true, false]) {
  test(`native engine (${streaming ? 'long-lived processes' : 'one process per page'}): at most \`concurrency\` pages at once; pages queue and all finish`, {
    skip: SKIP_NATIVE,
  }, async () => {
    const native = createTesseractCliEngine({ concurrency: 2, streaming, logger: silentLogger() });
    try {
      const pages = ['ALPHA BRAVO', 'CHARLIE DELTA', 'ECHO FOXTROT'].map((t) => renderTextImage({ lines: [t], width: 900, height: 200 }));
      const reading = pages.map((p) => native.recognize({ image: p.image, lang: 'eng', psm: 6, dpi: 300 }));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 50));
      const during = native.stats();
      assert.ok(during.busy <= 2, `busy ${during.busy}`);
      const results = await Promise.all(reading);
      assert.deepEqual(
        results.map((r) => r.text),
        ['ALPHA BRAVO', 'CHARLIE DELTA', 'ECHO FOXTROT'],
      );
      assert.equal(results[0]!.psm, 6);
      // Long-lived: two processes for the first two pages, the third page reuses one.
      assert.deepEqual(native.stats(), { pages: 3, spawned: streaming ? 2 : 3, failed: 0, busy: 0, queued: 0, processes: streaming ? 2 : 0 });
    } finally {
      await native.close();
    }
    assert.equal(native.stats().processes, 0);
  });
}

test('native engine, long-lived processes: the same reading as one process per page; replaced after recycleAfter pages; its folder comes back if a /tmp cleaner takes it; close() removes it, and folders of killed runs go', {
  skip: SKIP_NATIVE,
}, async () => {
  const tmp = mkdtempSync(path.join(scratch, 'tmpdir-'));
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  // Left by earlier runs: a dead process's folder untouched for an hour (removed), a dead
  // process's folder changed just now (kept: the number may be a live process elsewhere), and a
  // running process's (kept).
  const hourAgo = new Date(Date.now() - 3600_000);
  // Process ids that have just ended (a number the system will not hand out again this soon).
  const [dead, deadToo] = [spawnSync('true').pid, spawnSync('true').pid];
  const folders = { dead: `cablescan-tesseract-${dead}-old`, recent: `cablescan-tesseract-${deadToo}-recent`, running: 'cablescan-tesseract-1-running' };
  for (const [name, when] of [
    [folders.dead, hourAgo],
    [folders.recent, new Date()],
    [folders.running, hourAgo],
  ] as const) {
    mkdirSync(path.join(tmp, name));
    writeFileSync(path.join(tmp, name, 'sentinel.tif'), '');
    utimesSync(path.join(tmp, name), when, when);
  }
  const streamed = createTesseractCliEngine({ concurrency: 1, recycleAfter: 2, logger: silentLogger() });
  const perPage = createTesseractCliEngine({ concurrency: 1, streaming: false, logger: silentLogger() });
  try {
    const texts = ['CIPHERED TELEGRAM No. 21340', 'To Cde. Fedorov, Moscow', 'Received 30 June 1951', 'KAESONG PYONGYANG', 'Signed Ustinovich'];
    const pages = texts.map((t, i) => renderTextImage({ lines: [t, 'The quick brown fox jumps over the lazy dog.'], width: 1400, height: 260 }).image);
    for (const [i, image] of pages.entries()) {
      // Resolutions differ page to page: each image file carries its own.
      const request = { image, lang: 'eng', psm: 6, dpi: [300, 280, 300, 320, 300][i]! };
      const [a, b] = [await streamed.recognize(request), await perPage.recognize(request)];
      assert.equal(a.text.split('\n')[0], texts[i]);
      assert.deepEqual(a, b);
    }
    // 5 pages, a process replaced after every 2.
    assert.equal(streamed.stats().spawned, 3);
    assert.equal(perPage.stats().spawned, 5);
    // A /tmp cleaner takes the folder (sentinel included) from under a long-running worker: the
    // next page still reads, on the same process.
    const ours = readdirSync(tmp).filter((name) => name.startsWith(`cablescan-tesseract-${process.pid}-`));
    assert.equal(ours.length, 1);
    rmSync(path.join(tmp, ours[0]!), { recursive: true, force: true });
    const again = await streamed.recognize({ image: pages[0]!, lang: 'eng', psm: 6, dpi: 300 });
    assert.equal(again.text.split('\n')[0], texts[0]);
    assert.equal(streamed.stats().spawned, 3);
  } finally {
    await Promise.all([streamed.close(), perPage.close()]);
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  assert.deepEqual(readdirSync(tmp).sort(), [folders.running, folders.recent].sort(), "this run's folder and the dead run's are gone");
});

test('native engine: invertedRetry false reads without the inverted retry, in a process of its own; the default still reads white on black', {
  skip: SKIP_NATIVE,
}, async () => {
  const engine = createTesseractCliEngine({ concurrency: 1, logger: silentLogger() });
  try {
    // A line cut from a white-on-black stamp, read as one line (PSM 7: as a single word, PSM 8,
    // Tesseract 5.3 reads it as noise with or without the retry).
    const { image } = renderTextImage({ lines: ['Ustinovich'], width: 420, height: 110, x: 30, y: 30, fontPx: 42, ink: 255, paper: 0 });
    const request = { image, lang: 'eng', psm: 7, dpi: 300 };
    const [withRetry, without] = [await engine.recognize(request), await engine.recognize({ ...request, invertedRetry: false })];
    assert.equal(withRetry.text, 'Ustinovich');
    assert.notEqual(without.text, 'Ustinovich');
    // Two reading modes, two long-lived processes; each is reused by its own mode.
    await engine.recognizeMany([request, request]);
    await engine.recognizeMany([
      { ...request, invertedRetry: false },
      { ...request, invertedRetry: false },
    ]);
    assert.equal(engine.stats().spawned, 2);
  } finally {
    await engine.close();
  }
});

test('native engine, long-lived processes: a process that dies fails its page (retryable, with its stderr); the next page gets a new process', async () => {
  // A stand-in for tesseract that speaks the streaming protocol and crashes on its second page.
  const fake = fakeTesseract(
    'fake-streaming-tesseract.cjs',
    `${FAKE_ROWS}
process.stdout.write(${JSON.stringify(HEADER + '\n')});
let n = 0;
require('node:readline').createInterface({ input: process.stdin }).on('line', (file) => {
  n += 1;
  if (file.endsWith('sentinel.tif')) return void process.stdout.write(sentinelRow(n));
  if (n >= 3) { process.stderr.write('Segmentation fault in pixReadMem\\n'); process.exit(139); }
  process.stdout.write(pageRows(n));
});
`,
  );
  const engine = createTesseractCliEngine({ concurrency: 1, binary: fake, logger: silentLogger() });
  const page = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 }).image;
  const request = { image: page, lang: 'eng', psm: 3, dpi: 300 };
  try {
    assert.equal((await engine.recognize(request)).text, 'PAGE1');
    await assert.rejects(
      engine.recognize(request),
      (err: CablescanError) => err.code === 'CS_ERR_OCR_FAILED' && /code 139: Segmentation fault in pixReadMem/.test(err.message) && err.retryable,
    );
    assert.equal((await engine.recognize(request)).text, 'PAGE1');
    assert.deepEqual(engine.stats(), { pages: 2, spawned: 2, failed: 1, busy: 0, queued: 0, processes: 1 });
  } finally {
    await engine.close();
  }
});

test('native engine, long-lived processes: a process that runs on but cannot answer in TSV fails its page at once, not at its timeout, and not as retryable', {
  timeout: 60_000,
}, async () => {
  // Stand-ins for Tesseract 5.3 given a config name it cannot find (`tsv` from a models folder
  // without configs/): it says so on stderr and writes plain text; or writes plain text silently.
  // Neither ever exits: the page would wait for --ocr-timeout (here 600 s).
  const said = fakeTesseract(
    'fake-no-configs-tesseract.cjs',
    `process.stderr.write("read_params_file: Can't open tsv\\n");
require('node:readline').createInterface({ input: process.stdin }).on('line', () => process.stdout.write('PAGE TEXT\\n'));
setInterval(() => undefined, 1000);
`,
  );
  const silent = fakeTesseract(
    'fake-plain-text-tesseract.cjs',
    `require('node:readline').createInterface({ input: process.stdin }).on('line', () => process.stdout.write('PAGE TEXT\\n'));
setInterval(() => undefined, 1000);
`,
  );
  const page = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 }).image;
  for (const [binary, message] of [
    [said, /native tesseract cannot read as asked: read_params_file: Can't open tsv/],
    [silent, /native tesseract does not write TSV \(its first line: "PAGE TEXT"\)/],
  ] as const) {
    const engine = createTesseractCliEngine({ concurrency: 1, binary, timeoutSeconds: 600, logger: silentLogger() });
    try {
      await assert.rejects(
        engine.recognize({ image: page, lang: 'eng', psm: 3, dpi: 300 }),
        (err: CablescanError) => err.code === 'CS_ERR_OCR_FAILED' && message.test(err.message) && !err.retryable,
      );
    } finally {
      await engine.close();
    }
  }
});

test('native engine: a call that outlives the timeout fails as retryable and its process is killed, long-lived or not; the next page gets a new process', {
  timeout: 180_000,
}, async () => {
  // A stand-in for tesseract that answers its first image and hangs on the next, in both modes:
  // streaming (file names on stdin) and one process per page (the image on stdin).
  const pids = path.join(scratch, 'hanging-pids.txt');
  const fake = fakeTesseract(
    'fake-hanging-tesseract.cjs',
    `${FAKE_ROWS}
require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');
if (args[0] === 'stdin') setInterval(() => undefined, 1000); // one page per process: never answers
else {
  process.stdout.write(${JSON.stringify(HEADER + '\n')});
  let n = 0;
  let hung = false;
  require('node:readline').createInterface({ input: process.stdin }).on('line', (file) => {
    n += 1;
    if (hung || n >= 3) return void (hung = true); // stuck on its second page: nothing more comes out
    if (file.endsWith('sentinel.tif')) return void process.stdout.write(sentinelRow(n));
    process.stdout.write(pageRows(n));
  });
}
`,
  );
  const page = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 }).image;
  const request = { image: page, lang: 'eng', psm: 3, dpi: 300 };
  // The first and third calls must finish within the bound, and it includes starting the stand-in
  // (a node process): seconds on a loaded machine, so the bound is generous; the hung calls wait it out.
  const bound = 10;
  const isTimeout = (err: CablescanError) =>
    err.code === 'CS_ERR_OCR_FAILED' &&
    err.retryable &&
    new RegExp(`did not finish within ${bound} s \\(--ocr-timeout\\); its tesseract process was stopped`).test(err.message);
  const running = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/^Z/m.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }));
    } catch {
      return false;
    }
  };
  const streamed = createTesseractCliEngine({ concurrency: 1, binary: fake, timeoutSeconds: bound, logger: silentLogger() });
  try {
    assert.equal((await streamed.recognize(request)).text, 'PAGE1');
    await assert.rejects(streamed.recognize(request), isTimeout);
    assert.equal((await streamed.recognize(request)).text, 'PAGE1');
    assert.equal(streamed.stats().spawned, 2);
  } finally {
    await streamed.close();
  }
  const perPage = createTesseractCliEngine({ concurrency: 1, binary: fake, streaming: false, timeoutSeconds: bound, logger: silentLogger() });
  try {
    await assert.rejects(perPage.recognize({ ...request, dpi: undefined }), isTimeout);
  } finally {
    await perPage.close();
  }
  // Every process the fake started has gone: the hung ones were killed, not left behind.
  const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.equal(started.length, 3);
  for (let i = 0; i < 50 && started.some(running); i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(started.filter(running), []);
});

test('TSV of a multi-image run splits by page_num, each part with the header; an image without rows gets the header alone', () => {
  const parts = splitTsvPages(
    tsv([
      '1\t1\t0\t0\t0\t0\t0\t0\t90\t40\t-1\t',
      '5\t1\t1\t1\t1\t1\t2\t2\t80\t30\t91.5\tALPHA',
      '1\t3\t0\t0\t0\t0\t0\t0\t90\t40\t-1\t',
      '5\t3\t1\t1\t1\t1\t2\t2\t80\t30\t88\tGAMMA',
    ]),
    3,
  );
  assert.equal(parts.length, 3);
  assert.deepEqual(
    parts.map((p) => tsvToOcrResult(p, INFO).text),
    ['ALPHA', '', 'GAMMA'],
  );
});

for (const streaming of [true, false]) {
  test(`native engine (${streaming ? 'long-lived processes' : 'one process per call'}): recognizeMany reads several word images in one process, as recognize reads each`, {
    skip: SKIP_NATIVE,
  }, async () => {
    const native = createTesseractCliEngine({ concurrency: 1, streaming, logger: silentLogger() });
    try {
      const words = ['Ustinovich', 'Dorokhov', 'Kaesong'].map((t) => renderTextImage({ lines: [t], width: 460, height: 110, x: 20, y: 70 }).image);
      const together = await native.recognizeMany(words.map((image) => ({ image, lang: 'eng', psm: 8, dpi: 300 })));
      assert.equal(native.stats().spawned, 1);
      const alone = [];
      for (const image of words) alone.push(await native.recognize({ image, lang: 'eng', psm: 8, dpi: 300 }));
      // Each image read as its one word (PSM 8 on a bare crop misreads a letter now and then: what
      // matters is that one process for all gives what one process each gives).
      together.forEach((r, i) => assert.ok(distance(r.text, ['Ustinovich', 'Dorokhov', 'Kaesong'][i]!) <= 2, r.text));
      assert.deepEqual(
        together.map((r) => [r.text, r.lines[0]!.words[0]!.confidence]),
        alone.map((r) => [r.text, r.lines[0]!.words[0]!.confidence]),
      );
      assert.deepEqual(
        together.map((r) => r.lines[0]!.words[0]!.bbox),
        alone.map((r) => r.lines[0]!.words[0]!.bbox),
      );
    } finally {
      await native.close();
    }
  });
}

test('native engine errors: unknown language -> CS_ERR_TESSDATA_MISSING; missing command -> clear CablescanError', { skip: SKIP_NATIVE }, async () => {
  const native = createTesseractCliEngine({ concurrency: 1, logger: silentLogger() });
  const page = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 });
  try {
    await assert.rejects(
      native.prepare('eng+xyz'),
      (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING' && /"xyz"/.test(err.message) && !err.retryable,
    );
    await assert.rejects(native.recognize({ image: page.image, lang: 'xyz', psm: 3 }), (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING');
    await native.prepare('eng');
  } finally {
    await native.close();
  }
  const absent = createTesseractCliEngine({ concurrency: 1, binary: path.join(scratch, 'no-such-tesseract'), logger: silentLogger() });
  await assert.rejects(
    absent.recognize({ image: page.image, lang: 'eng', psm: 3 }),
    (err: CablescanError) => err instanceof CablescanError && /not found on PATH.*tesseract-ocr/.test(err.message) && !err.retryable,
  );
  await absent.close();

  // A tesseract that crashes on the page: the failure carries its stderr and can be retried.
  const crashing = path.join(scratch, 'crashing-tesseract');
  writeFileSync(
    crashing,
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\nif [ "$1" = "--list-langs" ]; then printf \'List of available languages in "/x/" (1):\\neng\\n\'; exit 0; fi\necho "Segmentation fault in pixReadMem" >&2; exit 139\n',
  );
  chmodSync(crashing, 0o755);
  const broken = createTesseractCliEngine({ concurrency: 1, binary: crashing, logger: silentLogger() });
  await assert.rejects(
    broken.recognize({ image: page.image, lang: 'eng', psm: 3 }),
    (err: CablescanError) => err.code === 'CS_ERR_OCR_FAILED' && /code 139: Segmentation fault/.test(err.message) && err.retryable,
  );
  assert.equal(broken.stats().failed, 1);
  await broken.close();
});

test("native engine: a request's own bound (a page's budget) stops it before --ocr-timeout, long-lived process or not", { timeout: 180_000 }, async () => {
  // A stand-in that never answers a page, in both modes.
  const fake = fakeTesseract('fake-silent-tesseract.cjs', `process.stdin.resume(); setInterval(() => undefined, 1000);`);
  const page = renderTextImage({ lines: ['HELLO'], width: 400, height: 150 }).image;
  const budget = (err: CablescanError) =>
    err.code === 'CS_ERR_OCR_FAILED' &&
    err.retryable &&
    /within 1 s \(the page's budget from its size and ink, capped by --ocr-timeout\)/.test(err.message) &&
    err.details?.bound === 'page budget';
  for (const streaming of [true, false]) {
    const engine = createTesseractCliEngine({ concurrency: 1, binary: fake, streaming, timeoutSeconds: 600, logger: silentLogger() });
    try {
      await assert.rejects(engine.recognize({ image: page, lang: 'eng', psm: 3, dpi: streaming ? 300 : undefined, timeoutSeconds: 1 }), budget);
    } finally {
      await engine.close();
    }
  }
});
