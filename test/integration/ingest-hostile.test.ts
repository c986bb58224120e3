// Hostile files hold a page's memory to its budget (issue 24): sizes are decided
// from what a file declares before anything is decoded; pages of no document's
// shape and files of too many pages are refused by name; a PDF is parsed once
// for all its pages.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { CablescanError } from '../../src/errors.ts';
import { discoverInputs, loadPageImage } from '../../src/ingest/index.ts';
import { closePdfRenderers, renderPdfPage } from '../../src/ingest/pdf.ts';
import { writeHugePagePdf, writeStrip, writeWhitePng } from '../../src/samples/hostile.ts';
import type { PageSource } from '../../src/types.ts';
import { makeTempDir, writeMultiPageTiff, writePdf } from '../fixtures/scans.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
before(async () => ({ dir, cleanup } = await makeTempDir('cablescan-hostile-')));
after(async () => {
  await closePdfRenderers();
  await cleanup();
});

const MAX_PIXELS = 200_000_000;

async function onlyPage(file: string, maxPagesPerFile?: number) {
  return discoverInputs([file], { cwd: dir, maxPixels: MAX_PIXELS, maxPagesPerFile });
}

function sourceOf(file: string, format: PageSource['format'], pageIndex = 0, pageCount = 1): PageSource {
  return { pageId: 'p', file: path.basename(file), path: file, pageIndex, pageCount, format, contentHash: 'h', documentKey: 'd' };
}

test('a PDF page declared 3390 pt square is rendered at a resolution that fits the pixel budget', { timeout: 360_000 }, async () => {
  const file = path.join(dir, 'huge-page.pdf');
  await writeHugePagePdf(file);
  const budget = 10_000_000;
  const loaded = await loadPageImage(sourceOf(file, 'pdf'), { maxPixels: MAX_PIXELS, budgetPixels: budget, pdfDpi: 300 });
  const { width, height } = loaded.image;
  assert.ok(width * height <= budget, `${width}x${height} is over the budget`);
  // 3390 pt at 300 dpi would be 14125 px a side; the page keeps its shape at the lower dpi.
  assert.equal(width, height);
  assert.equal(loaded.density, Math.floor(300 * Math.sqrt(budget / (14125 * 14125))));
  assert.equal(width, Math.ceil((3390 * loaded.density!) / 72));
  assert.ok(loaded.scale < 0.25 && loaded.scale > 0.2);
  // Under its budget a page is rendered at the resolution asked for.
  const a4 = path.join(dir, 'a4.pdf');
  await writePdf(a4, ['An ordinary page']);
  const ordinary = await loadPageImage(sourceOf(a4, 'pdf'), { maxPixels: MAX_PIXELS, budgetPixels: budget, pdfDpi: 300 });
  assert.equal(ordinary.density, 300);
  assert.equal(ordinary.scale, 1);
});

test('a 14000 x 14000 white PNG is shrunk while it is decoded, never whole in memory', { timeout: 360_000 }, async () => {
  const file = path.join(dir, 'white.png');
  await writeWhitePng(file, 14000);
  const budget = 20_000_000;
  const loaded = await loadPageImage(sourceOf(file, 'png'), { maxPixels: MAX_PIXELS, budgetPixels: budget, pdfDpi: 300 });
  const { width, height } = loaded.image;
  assert.ok(width * height <= budget && width * height > budget * 0.99, `${width}x${height}`);
  assert.equal(width, Math.floor(14000 * Math.sqrt(budget / 14000 ** 2)));
  assert.ok(Math.abs(loaded.scale - width / 14000) < 1e-9);
  assert.ok(
    loaded.image.data.every((v) => v === 255),
    'white stays white',
  );
});

test('a 30000 x 200 strip is refused by name at discovery, as not retryable, and at loading', { timeout: 180_000 }, async () => {
  const file = path.join(dir, 'strip.png');
  await writeStrip(file, 30000, 200);
  const found = await onlyPage(file);
  assert.equal(found.pages.length, 0);
  assert.equal(found.failures.length, 1);
  const [failure] = found.failures;
  assert.equal(failure.code, 'CS_ERR_INPUT_GEOMETRY');
  assert.match(failure.message, /strip\.png: image is 30000x200, not the shape of a document page \(sides more than 20:1 apart\)/);
  await assert.rejects(
    loadPageImage(sourceOf(file, 'png'), { maxPixels: MAX_PIXELS, budgetPixels: 40_000_000, pdfDpi: 300 }),
    (err: CablescanError) =>
      err.code === 'CS_ERR_INPUT_GEOMETRY' && err.retryable === false && err.file === 'strip.png' && err.message.startsWith('strip.png: '),
  );
  // A sliver a few pixels high, and a PDF page of a strip's shape.
  const sliver = path.join(dir, 'sliver.png');
  await writeStrip(sliver, 30, 3);
  assert.equal((await onlyPage(sliver)).failures[0]?.code, 'CS_ERR_INPUT_GEOMETRY');
  assert.match((await onlyPage(sliver)).failures[0]!.message, /a side shorter than 4 pixels/);
  const stripPdf = path.join(dir, 'strip.pdf');
  await writePdf(stripPdf, ['x'], [7200, 48]);
  await assert.rejects(
    loadPageImage(sourceOf(stripPdf, 'pdf'), { maxPixels: MAX_PIXELS, budgetPixels: 40_000_000, pdfDpi: 300 }),
    (err: CablescanError) =>
      err.code === 'CS_ERR_INPUT_GEOMETRY' && !err.retryable && /^strip\.pdf: page 1 is 7200 x 48 pt, not the shape of a document page/.test(err.message),
  );
});

test('a file of more pages than maxPagesPerFile is refused by name', { timeout: 180_000 }, async () => {
  const tiff = path.join(dir, 'five.tif');
  await writeMultiPageTiff(tiff, [200, 190, 180, 170, 160]);
  const pdf = path.join(dir, 'five.pdf');
  await writePdf(pdf, ['1', '2', '3', '4', '5']);
  for (const file of [tiff, pdf]) {
    const refused = await onlyPage(file, 4);
    assert.equal(refused.pages.length, 0);
    assert.equal(refused.failures[0]?.code, 'CS_ERR_INPUT_TOO_LARGE');
    assert.match(
      refused.failures[0]!.message,
      new RegExp(`${path.basename(file).replace('.', '\\.')}: 5 pages, over the limit of 4 pages a file \\(maxPagesPerFile, --max-pages-per-file\\)`),
    );
    assert.equal((await onlyPage(file, 5)).pages.length, 5);
  }
});

test("a PDF's pages are rendered from one parse of the file; a changed file is read again", { timeout: 360_000 }, async () => {
  const file = path.join(dir, 'twelve.pdf');
  await writePdf(
    file,
    Array.from({ length: 12 }, (_, i) => `Page ${i + 1}`),
  );
  const render = (pageIndex: number) => renderPdfPage('twelve.pdf', file, { pageIndex, dpi: 72, maxPixels: MAX_PIXELS });
  const first = await render(0);
  const opened = first.documentsOpened;
  for (const pageIndex of [5, 11, 3]) assert.equal((await render(pageIndex)).documentsOpened, opened, `page ${pageIndex + 1} re-opened the file`);
  // Pages rendered from the kept document are the pages asked for.
  const again = await render(0);
  assert.deepEqual(again.image.data, first.image.data);
  assert.notDeepEqual((await render(1)).image.data, first.image.data);
  // The file replaced (another size and time): opened again, and its new pages are what come back.
  const doc = await PDFDocument.create();
  doc.addPage([300, 300]);
  await writeFile(file, await doc.save());
  const replaced = await render(0);
  assert.equal(replaced.documentsOpened, opened + 1);
  assert.equal(replaced.image.width, 300);
});
