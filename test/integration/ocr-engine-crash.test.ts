// An engine that dies on an image (native Tesseract 5.3 is killed by SIGFPE when it reads some
// tall strips as one line) costs that image, not the page: a line strip is skipped, a whole page
// is read by its ink lines instead, and the second opinion keeps the page's reading.
// The strip in test/fixtures/images is the one that failed a heavy generated despatch's page
// (number16's fitting seed, session 12): a sideways file number among specks, which the page's
// reading returned as one tall, narrow line; such a box is no longer read as one line at all.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { CablescanError } from '../../src/errors.ts';
import { discoverInputs } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { engineCrashOf, type OcrEngine, type OcrRequest } from '../../src/ocr/engine.ts';
import { readInkLines, type ImageLine } from '../../src/ocr/ink-lines.ts';
import { oneTypedLine, recoverLines } from '../../src/ocr/recover-lines.ts';
import { createTesseractCliEngine } from '../../src/ocr/tesseract-cli.ts';
import { processError } from '../../src/ocr/tesseract-process.ts';
import { readPageFromScan } from '../../src/pipeline/index.ts';
import { oneWordReading, SKIP_WITHOUT_NATIVE } from '../fixtures/engines.ts';
import { renderTextImage } from '../fixtures/text-images.ts';
import { AUTO_RECIPE } from '../../src/preprocess/index.ts';
import type { OcrResult, RawImage } from '../../src/types.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const STRIP = path.join(REPO, 'test/fixtures/images/tesseract-sigfpe-strip.png');

const SKIP_NATIVE = SKIP_WITHOUT_NATIVE;

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
});

async function greyOf(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

/** The error native Tesseract's death by SIGFPE becomes (the same classifier the readers use). */
function sigfpe(): CablescanError {
  return processError({ code: null, signal: 'SIGFPE', stderr: 'Image too small to scale!! (2x36 vs min width of 3)' }, 'eng');
}

/** Dies (SIGFPE) on whole pages and on the first `lineCrashes` line strips; reads every other strip as "LINE". */
class CrashesOn implements OcrEngine {
  readonly name = 'crashes';
  calls = 0;
  constructor(private readonly options: { pages: boolean; lineCrashes: number; otherError?: boolean }) {}
  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.calls += 1;
    if (request.psm !== 7 && this.options.pages) throw sigfpe();
    if (request.psm === 7 && this.calls <= this.options.lineCrashes) {
      if (this.options.otherError) throw processError({ code: 1, signal: null, stderr: 'Error opening data file' }, 'eng');
      throw sigfpe();
    }
    return oneWordReading(request, this.name);
  }
  async close(): Promise<void> {}
}

test('native Tesseract killed by SIGFPE on a real strip read as one line: the error says it crashed, and the engine reads the next line', {
  skip: SKIP_NATIVE,
}, async () => {
  const engine = createTesseractCliEngine({ logger: silentLogger(), concurrency: 1 });
  closers.push(() => engine.close());
  const image = await greyOf(STRIP);
  await assert.rejects(engine.recognize({ image, lang: 'eng', psm: 7, dpi: 300 }), (err: unknown) => {
    assert.ok(err instanceof CablescanError);
    assert.equal(err.code, 'CS_ERR_OCR_FAILED');
    assert.match(err.message, /killed by SIGFPE/);
    assert.equal(engineCrashOf(err), 'SIGFPE');
    return true;
  });
  // The engine goes on: the next call, a line of typescript read as one line, is read right by a new process.
  const line = renderTextImage({ lines: ['ALPHA BRAVO CHARLIE'], width: 900, height: 200 });
  const next = await engine.recognize({ image: line.image, lang: 'eng', psm: 7, dpi: 300 });
  assert.equal(next.text, 'ALPHA BRAVO CHARLIE');
  // A missing model is not a crash: it must not be skipped as one.
  assert.equal(engineCrashOf(processError({ code: 1, signal: null, stderr: 'Error opening data file eng.traineddata' }, 'eng')), null);
  assert.equal(engineCrashOf(new Error('SIGFPE')), null);
});

const line = (y: number): ImageLine => ({
  bbox: [20, y, 400, y + 30],
  centre: [210, y + 15],
  thickness: 30,
  letterHeight: 20,
  angle: 0,
  vertical: false,
  region: 0,
  letters: 10,
});

test('a line strip that kills the engine is skipped and reported; the other lines are read; any other failure still fails', async () => {
  const image = await greyOf(path.join(REPO, 'samples/cipher-01-clean.png'));
  const lines = [line(200), line(300), line(400)];
  const read = await readInkLines(image, lines, new CrashesOn({ pages: false, lineCrashes: 1 }), { lang: 'eng', dpi: 300, retries: true });
  assert.equal(read.lines[0]!.crashed, 'SIGFPE');
  assert.equal(read.lines[0]!.words, 0);
  assert.deepEqual(
    read.lines.slice(1).map((l) => [l.crashed, l.words]),
    [
      [undefined, 1],
      [undefined, 1],
    ],
  );
  assert.equal(read.result.lines.length, 2);
  await assert.rejects(
    readInkLines(image, lines, new CrashesOn({ pages: false, lineCrashes: 1, otherError: true }), { lang: 'eng', dpi: 300 }),
    (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING',
  );
});

test('a page whose whole reading kills the engine is read by its ink lines, and says why', async () => {
  const config = loadConfig({ env: {}, flags: { concurrency: 1, secondOpinion: false } });
  const { pages } = await discoverInputs([path.join(REPO, 'samples/cipher-03-clean.png')], { cwd: REPO, maxPixels: config.maxPixels });
  const engine = new CrashesOn({ pages: true, lineCrashes: 0 });
  const page = await readPageFromScan(pages[0]!, { config, logger: silentLogger(), engine, recipe: AUTO_RECIPE });
  assert.equal(page.ocr.readAs, 'regions');
  assert.match(page.ocr.fallback!, /the engine died \(SIGFPE\) reading the whole page/);
  assert.equal(page.lines.length, page.ink!.textLines, 'every ink line read');
});

/** Records the size of every image it is asked to read as one line; reads each as one word. */
class RecordsLines implements OcrEngine {
  readonly name = 'records';
  readonly strips: Array<{ width: number; height: number }> = [];
  async recognize(request: OcrRequest): Promise<OcrResult> {
    if (request.psm === 7) this.strips.push({ width: request.image.width, height: request.image.height });
    return oneWordReading(request, this.name);
  }
  async close(): Promise<void> {}
}

const readLine = (text: string, bbox: [number, number, number, number], confidence: number) => ({
  text,
  confidence,
  bbox,
  paragraph: 0,
  words: [{ text, confidence, bbox }],
});

test('a doubtful line of the reading that is tall and narrow (text set sideways) is not read as one line', async () => {
  // The crashing strip's box on its page: 114 x 544 px where typed letters are 26 px tall.
  assert.equal(oneTypedLine([2477, 984, 2591, 1528], 26), false);
  assert.equal(oneTypedLine([328, 1471, 2094, 1580], 26), true, 'a wide line a stamp makes taller is still read');
  assert.equal(oneTypedLine([1316, 55, 1343, 92], 26), true, 'a lone page number is taller than wide, and one line');
  assert.equal(oneTypedLine([100, 100, 1900, 400], 26), false, 'eleven letter heights tall: several lines');
  assert.equal(oneTypedLine([2477, 984, 2591, 1528], 0), true, 'no letter height measured: read as before');

  const image = await greyOf(path.join(REPO, 'samples/cipher-01-clean.png'));
  const typed = line(800);
  const sure = readLine('Sure', [20, 800, 400, 830], 95);
  const doubtfulWide = readLine('Wide', [20, 200, 400, 230], 20);
  const sideways = readLine('Sideways', [600, 100, 640, 500], 20);
  const page = (lines: ReturnType<typeof readLine>[]): OcrResult => ({
    ...oneWordReading({ image, lang: 'eng', psm: 3, dpi: 300 }, 'records'),
    lines,
  });
  const withSideways = new RecordsLines();
  await recoverLines(image, page([doubtfulWide, sideways, sure]), [typed], withSideways, { lang: 'eng', dpi: 300 });
  const without = new RecordsLines();
  await recoverLines(image, page([doubtfulWide, sure]), [typed], without, { lang: 'eng', dpi: 300 });
  assert.ok(without.strips.length > 0, 'the doubtful wide line is read alone');
  assert.deepEqual(withSideways.strips, without.strips, 'the sideways line adds no reading');
  assert.ok(withSideways.strips.every((s) => s.width > s.height));
});
