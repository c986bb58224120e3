// Background flattening, crop to content, despeckle and Sauvola binarisation on generated pages
// with known stains, borders and specks; and the committed faint-paper sample whose blotches
// once posed as 4.6 px "letters" (and had the page enlarged x4).
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { silentLogger } from '../../src/logger.ts';
import { renderTextImage } from '../fixtures/text-images.ts';
import { applyAffine } from '../../src/preprocess/affine.ts';
import { binarise, textScale } from '../../src/preprocess/analysis.ts';
import { AUTO_RECIPE, preprocessPage, type Recipe } from '../../src/preprocess/index.ts';
import type { RawImage, StepReport } from '../../src/types.ts';

const LINES = [
  'Your telegram of 29 June was received. We have studied the',
  'proposals concerning the negotiations and agree with them; the',
  'delegation will leave on the 2nd of July by the morning train.',
  'Please inform us of the date of the meeting at Kaesong and of',
  'the composition of the other side. Mao Zedong. No. 3267',
];
const FONT_PX = 40;
const X_HEIGHT = 0.45 * FONT_PX;
const ctx = () => ({ logger: silentLogger(), density: null });
const stepOf = (steps: StepReport[], name: string) => steps.find((s) => s.step === name)!;
const run = (image: RawImage, ...steps: Recipe['steps']) => preprocessPage(image, { name: 't', steps: [{ step: 'grey' }, ...steps] }, ctx());

function textPage(): RawImage {
  return renderTextImage({ lines: LINES, fontPx: FONT_PX, width: 1900, height: 900, x: 200, y: 250 }).image;
}

/** The page multiplied by a paper level that falls from 235 (left) to 115 (right), with a dark round stain. */
function stained(page: RawImage): RawImage {
  const data = Buffer.alloc(page.data.length);
  for (let y = 0; y < page.height; y += 1) {
    for (let x = 0; x < page.width; x += 1) {
      let paper = 235 - (120 * x) / page.width;
      if (Math.hypot(x - 500, y - 450) < 180) paper -= 50;
      const i = y * page.width + x;
      data[i] = Math.round((page.data[i]! * paper) / 255);
    }
  }
  return { ...page, data };
}

/** Mean grey level of the pixels where `where` is true. */
function meanWhere(img: RawImage, where: (x: number, y: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < img.height; y += 1) for (let x = 0; x < img.width; x += 1) if (where(x, y)) (sum += img.data[y * img.width + x]!), (n += 1);
  return sum / n;
}

test('flatten turns stained, unevenly lit paper white and keeps the ink dark', async () => {
  const page = textPage();
  const input = stained(page);
  const out = await run(input, { step: 'flatten' });
  const report = stepOf(out.steps, 'flatten');
  assert.equal(report.applied, true);
  assert.ok((report.measured.unevenness as number) > 60, `unevenness ${report.measured.unevenness}`);
  const paper = (x: number, y: number) => page.data[y * page.width + x] === 255;
  const ink = (x: number, y: number) => page.data[y * page.width + x]! < 40;
  // Paper in the stain, on the dark side and on the light side all come out near white.
  for (const [x0, x1, y0, y1] of [
    [420, 580, 380, 520],
    [1700, 1880, 0, 200],
    [0, 150, 0, 200],
  ] as const) {
    const level = meanWhere(out.image, (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1 && paper(x, y));
    assert.ok(level > 245, `paper in [${x0}..${x1}] x [${y0}..${y1}]: ${level}`);
  }
  assert.ok(meanWhere(out.image, ink) < 40, 'ink stays dark');
  // An even white page is left as it is.
  const clean = await run(page, { step: 'flatten' });
  assert.equal(stepOf(clean.steps, 'flatten').applied, false);
});

test('crop removes a dark scanner border and margins, keeps every line, and maps back', async () => {
  const { image: page, words } = renderTextImage({ lines: LINES, fontPx: FONT_PX, width: 1900, height: 1400, x: 300, y: 500 });
  // A black border 60 px wide on the left and the bottom, as from a scanner lid.
  for (let y = 0; y < page.height; y += 1) for (let x = 0; x < page.width; x += 1) if (x < 60 || y > page.height - 60) page.data[y * page.width + x] = 15;
  const out = await run(page, { step: 'crop' });
  const report = stepOf(out.steps, 'crop');
  assert.equal(report.applied, true);
  const [left, top, right, bottom] = report.measured.content as number[];
  assert.ok(left > 60 && bottom < page.height - 60, `border left out: ${report.measured.content}`);
  // Every word is inside the crop, with room to spare.
  for (const w of words)
    assert.ok(w.bbox[0] >= left + 20 && w.bbox[1] >= top + 20 && w.bbox[2] <= right - 20 && w.bbox[3] <= bottom - 20, `${w.text} ${w.bbox}`);
  assert.deepEqual(applyAffine(out.toOriginal, 0, 0), [left, top]);
  assert.equal(out.image.width, right - left);
  // No dark pixels left at the crop's edges.
  let darkEdge = 0;
  for (let y = 0; y < out.image.height; y += 1) if (out.image.data[y * out.image.width]! < 128) darkEdge += 1;
  assert.equal(darkEdge, 0);
});

test('crop keeps a faint paragraph that a global threshold would lose', async () => {
  const { image: dark } = renderTextImage({ lines: LINES.slice(0, 2), fontPx: FONT_PX, width: 1900, height: 1500, x: 200, y: 200 });
  const { image: faint, words } = renderTextImage({ lines: LINES.slice(2), fontPx: FONT_PX, width: 1900, height: 1500, x: 200, y: 900, ink: 205 });
  const page: RawImage = { ...dark, data: Buffer.from(dark.data.map((v, i) => Math.min(v, faint.data[i]!))) };
  const out = await run(page, { step: 'crop' });
  const [, , right, bottom] = stepOf(out.steps, 'crop').measured.content as number[];
  for (const w of words)
    assert.ok(w.bbox[2] <= right && w.bbox[3] <= bottom, `faint word ${w.text} ${w.bbox} outside the crop (right ${right}, bottom ${bottom})`);
});

test('despeckle removes dust but keeps full stops and letters', async () => {
  const page = textPage();
  const dusty: RawImage = { ...page, data: Buffer.from(page.data) };
  // 3000 specks of 1-2 px in the paper (a fixed pseudo-random pattern).
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
  let specks = 0;
  while (specks < 3000) {
    const x = Math.floor(next() * (page.width - 2));
    const y = Math.floor(next() * (page.height - 2));
    if (page.data[y * page.width + x] !== 255 || page.data[(y + 1) * page.width + x + 1] !== 255) continue;
    dusty.data[y * page.width + x] = 0;
    if (next() < 0.5) dusty.data[(y + 1) * page.width + x + 1] = 0;
    specks += 1;
  }
  const out = await run(dusty, { step: 'despeckle', params: { minSpecksPerLetter: 0 } });
  const report = stepOf(out.steps, 'despeckle');
  assert.equal(report.applied, true);
  assert.ok((report.measured.specks as number) >= 2500, `specks ${report.measured.specks}`);
  // Ink of the text (letters, full stops, the semicolon) is untouched.
  let lostInk = 0;
  for (let i = 0; i < page.data.length; i += 1) if (page.data[i]! < 128 && out.image.data[i]! >= 128) lostInk += 1;
  assert.equal(lostInk, 0);
  // And the dust is gone: of ~4500 dust pixels only those touching a letter (part of it now) stay.
  let dustLeft = 0;
  for (let i = 0; i < page.data.length; i += 1) if (page.data[i] === 255 && out.image.data[i]! < 128) dustLeft += 1;
  assert.ok(dustLeft < 200, `${dustLeft} dust pixels left`);
});

test('Sauvola binarisation keeps faint text on a stained page and outputs only black and white', async () => {
  const page = textPage();
  // Faint ink: the page's ink at 60% contrast, then stained.
  const faint = stained({ ...page, data: Buffer.from(page.data.map((v) => 255 - Math.round((255 - v) * 0.6))) });
  const out = await run(faint, { step: 'binarize' });
  const values = new Set(out.image.data);
  assert.deepEqual(
    [...values].sort((a, b) => a - b),
    [0, 255],
  );
  let inkKept = 0;
  let inkTotal = 0;
  let paperBlack = 0;
  let paperTotal = 0;
  for (let i = 0; i < page.data.length; i += 1) {
    if (page.data[i]! < 60) (inkTotal += 1), (inkKept += out.image.data[i] === 0 ? 1 : 0);
    else if (page.data[i] === 255) (paperTotal += 1), (paperBlack += out.image.data[i] === 0 ? 1 : 0);
  }
  assert.ok(inkKept / inkTotal > 0.95, `ink kept ${inkKept}/${inkTotal}`);
  assert.ok(paperBlack / paperTotal < 0.01, `paper turned black ${paperBlack}/${paperTotal}`);
});

test('text scale is measured on stained paper as on clean paper', async () => {
  const clean = textScale(await binarise(textPage())).glyphHeight!;
  const dirty = textScale(await binarise(stained(textPage()))).glyphHeight!;
  assert.ok(Math.abs(clean - X_HEIGHT) / X_HEIGHT <= 0.1, `clean ${clean}`);
  assert.ok(Math.abs(dirty - X_HEIGHT) / X_HEIGHT <= 0.1, `stained ${dirty}`);
});

test('the faint blotchy sample measures ~300 dpi text and is not enlarged', async () => {
  const file = fileURLToPath(new URL('../../samples/cipher-06-paper-faint.jpg', import.meta.url));
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const out = await preprocessPage({ data, width: info.width, height: info.height, channels: info.channels as 3 }, AUTO_RECIPE, {
    logger: silentLogger(),
    density: 300,
  });
  const rescale = stepOf(out.steps, 'rescale');
  const glyph = rescale.measured.glyphHeight as number;
  assert.ok(glyph > 17 && glyph < 25, `glyph height ${glyph}`);
  // Blotches are not grain: the paper measures smooth, so the large text is shrunk (never enlarged)
  // and the resolution handed on follows the 300 dpi the text measures.
  assert.equal(rescale.applied, true);
  const factor = rescale.measured.factor as number;
  assert.ok(factor < 1, `factor ${factor}`);
  assert.equal(stepOf(out.steps, 'flatten').applied, true);
  assert.ok(Math.abs(out.dpi - 300 * factor) <= 1, `dpi ${out.dpi}`);
  assert.ok(out.image.width <= info.width && out.image.height <= info.height);
});
