// The ink measure (issue 26): blank pages of every kind the generator makes are blank, nearly blank
// pages are nearly blank with their lines where they are, pages of text (committed samples, real
// corpus pages, turned sideways too) are text; and preprocessing no longer turns grain into text
// (the page of grain that used to be enlarged 2.8x each way from "letters" measured on noise).
// Seeds of their own, not the benchmark's.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { discoverInputs, loadPageImage } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { AUTO_RECIPE, preprocessPage } from '../../src/preprocess/index.ts';
import { inkRegions, measurePageInk, type InkMeasure } from '../../src/preprocess/ink.ts';
import { Measure } from '../../src/preprocess/measure.ts';
import { createRng } from '../../src/samples/random.ts';
import { generateSparsePage, type SparsePageSpec } from '../../src/samples/sparse-pages.ts';
import type { BBox, RawImage } from '../../src/types.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const CORPUS = path.resolve(REPO, '../shared/corpus/scans');

async function decode(buffer: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(buffer).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

async function inkOf(image: RawImage): Promise<InkMeasure> {
  return (await measurePageInk(image, new Measure())).ink;
}

/** The issue's page: `convert -size 2550x3300 xc:'gray(245)' -attenuate 0.3 +noise Gaussian -colorspace Gray` (seeded grain). */
function issueBlankPage(): RawImage {
  const rng = createRng('issue-26-blank-page');
  const data = Buffer.alloc(2550 * 3300);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.max(0, Math.min(255, Math.round(245 + 9 * rng.normal())));
  return { data, width: 2550, height: 3300, channels: 1 };
}

function intersects(a: BBox, b: BBox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

const spec = (kind: SparsePageSpec['kind'], level: SparsePageSpec['level'], i: number, text?: string): SparsePageSpec => ({
  name: `${kind}-${level}`,
  kind,
  level,
  seed: `preprocess-ink-test-${kind}-${level}-${i}`,
  font: i % 2 ? 'special-elite' : 'courier-prime',
  text,
});

test('blank pages of every kind are blank: white, grain, speckles, show-through, scanner edge shadows, and the issue page', async () => {
  const pages = [
    spec('white', 'clean', 0),
    spec('grain', 'heavy', 1),
    spec('speckles', 'heavy', 2),
    spec('show-through', 'heavy', 3),
    spec('edge-shadow', 'heavy', 4),
    spec('speckles', 'mild', 5),
  ];
  for (const s of pages) {
    const page = await generateSparsePage(s);
    const ink = await inkOf(await decode(page.image));
    const label = `${s.name}: ${JSON.stringify({ ...ink, lines: ink.lines.slice(0, 3) })}`;
    if (s.kind === 'speckles') {
      // A blot or a hair in a margin may look like a page number: at most one or two "characters",
      // which the reading then rejects (test/e2e/blank-pages.test.ts).
      assert.ok(ink.verdict === 'blank' || (ink.lines.length <= 2 && ink.lines.every((l) => l.letters < 3)), label);
      continue;
    }
    assert.equal(ink.verdict, 'blank', label);
    assert.equal(ink.letterComponents, 0);
  }
  assert.equal((await inkOf(issueBlankPage())).verdict, 'blank');
});

test('nearly blank pages are nearly blank, their lines found where they are', async () => {
  const pages = [spec('signature', 'mild', 0, 'G. ZARUBIN'), spec('page-number', 'heavy', 1), spec('stamp', 'mild', 2), spec('signature', 'heavy', 3)];
  for (const s of pages) {
    const page = await generateSparsePage(s);
    const ink = await inkOf(await decode(page.image));
    assert.equal(ink.verdict, 'nearly_blank', `${s.name}: ${JSON.stringify(ink)}`);
    for (const line of page.expected.lines)
      assert.ok(
        ink.lines.some((l) => intersects(l.bbox, line.bbox)),
        `${s.name}: "${line.text}" at ${line.bbox} not among ${JSON.stringify(ink.lines.map((l) => l.bbox))}`,
      );
    // Nothing found far from the typed lines.
    for (const l of ink.lines)
      assert.ok(
        page.expected.lines.some((line) => intersects(l.bbox, line.bbox)),
        `${s.name}: a line at ${l.bbox} where nothing is typed`,
      );
    if (s.kind === 'stamp') {
      const regions = inkRegions(ink.lines);
      assert.equal(regions.length, 1, 'the stamp is one region');
      assert.ok(
        Math.abs(regions[0]!.angle - (page.expected.extras.stampAngle as number)) < 1.5 || regions[0]!.lines.every((l) => l.letters < 3),
        `stamp slope ${regions[0]!.angle} vs ${page.expected.extras.stampAngle}`,
      );
    }
  }
});

test('a page turned sideways is measured along its lines: text stays text, a signature stays nearly blank, its line running down the page', async () => {
  const sample = await decode(await sharp(path.join(REPO, 'samples/cipher-03-clean.png')).rotate(90).png().toBuffer());
  assert.equal((await inkOf(sample)).verdict, 'text');
  const signature = await generateSparsePage(spec('signature', 'clean', 7, 'G. ZARUBIN'));
  for (const turn of [90, 270]) {
    const turned = await inkOf(await decode(await sharp(signature.image).rotate(turn).png().toBuffer()));
    assert.equal(turned.verdict, 'nearly_blank', `turned ${turn}`);
    assert.equal(turned.vertical, true, `turned ${turn}`);
    const [x0, y0, x1, y1] = turned.lines[0]!.bbox;
    assert.ok(y1 - y0 > 4 * (x1 - x0), `turned ${turn}: the line runs down the page (${turned.lines[0]!.bbox})`);
  }
});

test('pages of text are text: every committed sample page, and real corpus pages (low resolution, colour, Danish)', async () => {
  const inputs = [path.join(REPO, 'samples')];
  const corpus = [
    'ehri-dataset/english/EHRI-BF-19380509b_EN_01.jpg',
    'ehri-dataset/english/EHRI-ET-YV3549264_01.jpg',
    'ehri-dataset/danish/EHRI-DR-19410127-DK_01.jpg',
    'tapuscorpus/catalogue1962_FRAN_0011_11082.jpg',
  ].map((f) => path.join(CORPUS, f));
  if (corpus.every((f) => existsSync(f))) inputs.push(...corpus);
  else console.log(`# corpus pages skipped: ${CORPUS} is absent (a fresh clone has no ../shared)`);
  const { pages } = await discoverInputs(inputs, { cwd: REPO, maxPixels: 100_000_000 });
  assert.ok(pages.length >= 9);
  for (const source of pages) {
    const { image } = await loadPageImage(source, { maxPixels: 100_000_000, pdfDpi: 300 });
    const ink = await inkOf(image);
    assert.equal(ink.verdict, 'text', `${source.pageId}: ${JSON.stringify({ ...ink, lines: undefined })}`);
    assert.ok(ink.letterComponents >= 100 && ink.textLines >= 10, `${source.pageId}: ${ink.letterComponents} letters, ${ink.textLines} lines`);
  }
});

test('preprocessing decides from the ink measure: a page of grain is not stretched, turned, cropped or enlarged from noise', async () => {
  const image = issueBlankPage();
  const measure = new Measure();
  const { ink } = await measurePageInk(image, measure);
  const gated = await preprocessPage(image, AUTO_RECIPE, { logger: silentLogger(), density: 300, measure, ink });
  const step = (out: typeof gated, name: string) => out.steps.find((s) => s.step === name)!;
  for (const name of ['orientation', 'crop', 'normalize', 'deskew', 'rules', 'stamps', 'rescale'])
    assert.equal(step(gated, name).applied, false, `${name}: ${JSON.stringify(step(gated, name).measured)}`);
  assert.match(String(step(gated, 'rescale').measured.skipped), /too few letters/);
  assert.match(String(step(gated, 'normalize').measured.skipped), /too little ink/);
  assert.deepEqual([gated.image.width, gated.image.height, gated.dpi], [2550, 3300, 300]);
  // Without the measure (as before), the same page is stretched and enlarged from noise "letters".
  const blind = await preprocessPage(image, AUTO_RECIPE, { logger: silentLogger(), density: 300 });
  assert.equal(step(blind, 'rescale').applied, true, 'the test page is one the old decisions enlarged');
  assert.ok(blind.image.width > 2 * image.width);
});

test('a line measured at the very edge of the page, or turned out of its strip, is read without an empty crop (a nearly blank page failed with "extract_area: parameter height not set")', async () => {
  const { readInkLines } = await import('../../src/ocr/ink-lines.ts');
  const { NullEngine } = await import('../fixtures/engines.ts');
  const image: RawImage = { data: Buffer.alloc(400 * 300, 255), width: 400, height: 300, channels: 1 };
  const engine = new NullEngine();
  const edge = (bbox: BBox, centre: [number, number], angle: number) => ({
    bbox,
    centre,
    thickness: 4,
    letterHeight: 12,
    angle,
    vertical: false,
    region: 0,
    letters: 6,
  });
  const { lines } = await readInkLines(
    image,
    [edge([380, 296, 400, 300], [390, 299], 0), edge([0, 0, 400, 6], [200, -40], 3), edge([420, 310, 460, 330], [440, 320], 0)],
    engine,
    { lang: 'eng', dpi: 300 },
  );
  assert.equal(lines.length, 3);
  assert.ok(engine.requests.length >= 3);
  for (const r of engine.requests) assert.ok(r.width >= 1 && r.height >= 1, JSON.stringify(r));
});
