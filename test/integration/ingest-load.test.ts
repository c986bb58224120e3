// loadPageImage: pixels of one page as every later stage sees them (8-bit, grey
// or RGB, EXIF orientation applied, alpha on white, PDF rendered at pdfDpi).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { discoverInputs, loadPageImage } from '../../src/ingest/index.ts';
import type { PageSource, RawImage } from '../../src/types.ts';
import { makeTempDir, writeMultiPageTiff, writeOrientedJpeg, writePdf } from '../fixtures/scans.ts';

const MAX_PIXELS = 100_000_000;

function pixel(image: RawImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * image.channels;
  return Array.from(image.data.subarray(at, at + image.channels));
}

function darkShare(image: RawImage): number {
  let dark = 0;
  for (let i = 0; i < image.data.length; i += image.channels) if (image.data[i] < 128) dark++;
  return dark / (image.width * image.height);
}

describe('loadPageImage', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const discover = async (input: string): Promise<PageSource[]> => {
    const result = await discoverInputs([input], { cwd: dir, maxPixels: MAX_PIXELS });
    assert.deepEqual(result.failures, []);
    return result.pages;
  };

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  after(() => cleanup());

  test('a multi-page TIFF is split into pages, each with its own hash and its own pixels', async () => {
    await writeMultiPageTiff(path.join(dir, 'bundle.tiff'), [30, 120, 220]);
    const pages = await discover('bundle.tiff');
    assert.deepEqual(
      pages.map((p) => [p.pageId, p.pageIndex, p.pageCount]),
      [
        ['bundle-p1', 0, 3],
        ['bundle-p2', 1, 3],
        ['bundle-p3', 2, 3],
      ],
    );
    assert.equal(new Set(pages.map((p) => p.contentHash)).size, 3);
    const images = await Promise.all(pages.map((p) => loadPageImage(p, { maxPixels: MAX_PIXELS, pdfDpi: 300 })));
    for (const { image } of images) {
      assert.equal(image.width, 50);
      assert.equal(image.height, 40);
      assert.equal(image.channels, 1, 'greyscale stays one channel');
      assert.equal(image.data.length, 50 * 40);
    }
    assert.deepEqual(
      images.map(({ image }) => pixel(image, 10, 10)[0]),
      [30, 120, 220],
    );
  });

  test('a PDF is rasterised at pdfDpi: an A4 page at 300 dpi is 2481x3508 RGB with the page drawn on white', async () => {
    await writePdf(path.join(dir, 'cable.pdf'), ['No. 21340 FROM PEKING', 'PAGE TWO']);
    const pages = await discover('cable.pdf');
    assert.deepEqual(
      pages.map((p) => p.pageId),
      ['cable-p1', 'cable-p2'],
    );
    const first = await loadPageImage(pages[0], { maxPixels: MAX_PIXELS, pdfDpi: 300 });
    assert.equal(first.density, 300);
    assert.equal(first.orientation, null);
    assert.deepEqual([first.image.width, first.image.height, first.image.channels], [2481, 3508, 3]);
    assert.equal(first.image.data.length, 2481 * 3508 * 3);
    assert.deepEqual(pixel(first.image, 5, 5), [255, 255, 255], 'paper is white');
    // The black box is 72 pt square at (72, 200) pt from the bottom-left: 300 px at 300 dpi.
    const boxX = Math.round((72 + 36) * (300 / 72));
    const boxY = Math.round((841.89 - 200 - 36) * (300 / 72));
    assert.deepEqual(pixel(first.image, boxX, boxY), [0, 0, 0]);
    const share = darkShare(first.image);
    assert.ok(share > 0.008 && share < 0.05, `dark share ${share}: the box and the text, nothing else`);

    const second = await loadPageImage(pages[1], { maxPixels: MAX_PIXELS, pdfDpi: 150 });
    assert.deepEqual([second.image.width, second.image.height], [1241, 1754]);
    // On page 2 the box moved 100 pt to the right.
    assert.deepEqual(pixel(second.image, Math.round((72 + 36) * (150 / 72)), Math.round((841.89 - 236) * (150 / 72))), [255, 255, 255]);
    assert.deepEqual(pixel(second.image, Math.round((172 + 36) * (150 / 72)), Math.round((841.89 - 236) * (150 / 72))), [0, 0, 0]);
  });

  test('EXIF orientation 6 is applied (width and height swap) and reported', async () => {
    await writeOrientedJpeg(path.join(dir, 'turned.jpg'));
    const [page] = await discover('turned.jpg');
    const { image, orientation } = await loadPageImage(page, { maxPixels: MAX_PIXELS, pdfDpi: 300 });
    assert.equal(orientation, 6);
    assert.deepEqual([image.width, image.height, image.channels], [30, 60, 3]);
    // Stored left half red, right half blue; turned 90° clockwise, red is on top.
    const [r1, , b1] = pixel(image, 15, 10);
    const [r2, , b2] = pixel(image, 15, 50);
    assert.ok(r1 > 200 && b1 < 60, `top is red: ${pixel(image, 15, 10)}`);
    assert.ok(r2 < 60 && b2 > 200, `bottom is blue: ${pixel(image, 15, 50)}`);
  });

  test('16-bit grey becomes 8-bit grey; alpha is flattened onto white; density comes from the file', async () => {
    const grey16 = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#404040' } })
      .toColourspace('grey16')
      .png()
      .withDensity(300) // (withMetadata would also convert to sRGB)
      .toBuffer();
    await writeFile(path.join(dir, 'grey16.png'), grey16);
    const transparent = await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    await writeFile(path.join(dir, 'transparent.png'), transparent);

    const [g] = await discover('grey16.png');
    const grey = await loadPageImage(g, { maxPixels: MAX_PIXELS, pdfDpi: 300 });
    assert.deepEqual([grey.image.width, grey.image.height, grey.image.channels, grey.image.data.length], [20, 10, 1, 200]);
    assert.equal(pixel(grey.image, 3, 3)[0], 0x40);
    assert.equal(grey.density, 300);

    const [t] = await discover('transparent.png');
    const flat = await loadPageImage(t, { maxPixels: MAX_PIXELS, pdfDpi: 300 });
    assert.equal(flat.image.channels, 3);
    assert.deepEqual(pixel(flat.image, 3, 3), [255, 255, 255]);
    assert.equal(flat.density, null, 'no pHYs chunk: no density');
    assert.equal(flat.orientation, null);
  });

  test('a file is read by its content, not its extension', async () => {
    await mkdir(path.join(dir, 'misnamed'), { recursive: true });
    await writeFile(
      path.join(dir, 'misnamed', 'scan.jpg'),
      await sharp({ create: { width: 8, height: 6, channels: 3, background: '#123456' } })
        .png()
        .toBuffer(),
    );
    const [page] = await discover('misnamed');
    assert.equal(page.format, 'png');
    const { image } = await loadPageImage(page, { maxPixels: MAX_PIXELS, pdfDpi: 300 });
    assert.deepEqual(pixel(image, 1, 1), [0x12, 0x34, 0x56]);
  });
});
