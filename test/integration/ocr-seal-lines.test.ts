// A seal's ring over the `No.` of a despatch's number line (src/ocr/seals.ts, seal-lines.ts).
// The fixture is a crop of a generated despatch (seals16-fit-a 0020, mild: the seal drawn over `No.`,
// `No. 2028` read `« 2028` by the whole-page reading, so the number was missing); the corpus's two
// US despatches (../shared/corpus, skipped when absent) have a real seal beside the number, which
// must be found and must not change what their header reads.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { createEngine } from '../../src/create-engine.ts';
import { silentLogger } from '../../src/logger.ts';
import { readSealLines, withoutSeals } from '../../src/ocr/seal-lines.ts';
import { findSeals } from '../../src/ocr/seals.ts';
import { toGreyRaw } from '../../src/preprocess/raw.ts';
import { SKIP_WITHOUT_NATIVE } from '../fixtures/engines.ts';
import { readScanAlone } from '../fixtures/read-scan.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'images', 'seal-number-row.png');
const SHARED =
  [path.resolve(REPO, '..', 'shared'), path.resolve(REPO, '..', '..', 'shared')].find((dir) => existsSync(dir)) ?? path.resolve(REPO, '..', 'shared');
const ENGLISH = path.join(SHARED, 'corpus', 'scans', 'ehri-dataset', 'english');
const work = mkdtempSync(path.join(os.tmpdir(), 'seal-lines-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The generated page's letter height (the ink measure's median, 300 dpi). */
const LETTER = 28;
/** The crop back on a page of its size (seals are looked for in the top of a page): 2550 x 3300, the crop at 0,150. */
const onPage = () => toGreyRaw(sharp(FIXTURE).extend({ top: 150, bottom: 3300 - 480, right: 1550, background: '#e8e8e8' }));

test('the seal of a generated despatch is found as one ring, and its disc painted leaves none of its ink', async () => {
  const image = await onPage();
  const seals = findSeals(image, LETTER);
  assert.equal(seals.length, 1, JSON.stringify(seals));
  const [seal] = seals;
  // The ring drawn 210-260 px across (src/samples/marks.ts), its centre where the spokes meet.
  assert.ok(seal!.r > 105 && seal!.r < 150, `radius ${seal!.r}`);
  assert.ok(Math.abs(seal!.cx - 413) < 12 && Math.abs(seal!.cy - 310) < 12, `centre ${seal!.cx},${seal!.cy}`);
  const painted = withoutSeals(image, seals);
  let dark = 0;
  for (let y = 0; y < image.height; y += 1)
    for (let x = 0; x < image.width; x += 1) if (Math.hypot(x - seal!.cx, y - seal!.cy) < seal!.r && painted.data[y * image.width + x]! < 128) dark += 1;
  assert.equal(dark, 0);
  // No ring in the typed lines alone: the crop below the seal (the subject) has none.
  const below = await toGreyRaw(
    sharp(FIXTURE).extract({ left: 0, top: 250, width: 1000, height: 80 }).extend({ bottom: 3220, right: 1550, background: '#e8e8e8' }),
  );
  assert.deepEqual(findSeals(below, LETTER), []);
});

test("the number's row under the seal is read again without it, and reads the digits with no mark of the ring before them", {
  skip: SKIP_WITHOUT_NATIVE,
}, async () => {
  const image = await onPage();
  const config = loadConfig();
  const engine = createEngine({ ...config, engine: 'tesseract' }, silentLogger());
  try {
    const page = await engine.recognize({ image, lang: 'eng', psm: 3, dpi: 300 });
    const { result, report } = await readSealLines(image, page, engine, { lang: 'eng', dpi: 300, letterHeight: LETTER });
    assert.equal(report.seals, 1);
    assert.ok(report.rows >= 1, JSON.stringify(report));
    const row = result.lines.find((l) => /2028/.test(l.text));
    assert.ok(row, result.text);
    // What is left of the number's line by the seal is the number, with nothing but letters before it.
    assert.match(row!.text, /^(?:[A-Za-z]{1,2}\.? )?2028\b/, `${row!.text} (page read: ${page.text})`);
  } finally {
    await engine.close();
  }
});

for (const [name, number] of [
  ['EHRI-DR-19390125-US_01', 'No. 720.'],
  ['EHRI-DR-19400712-US_01', 'No. 1496'],
] as const) {
  const file = path.join(ENGLISH, `${name}.jpg`);
  const skip = existsSync(file) ? SKIP_WITHOUT_NATIVE : `corpus page not found at ${file} (the corpus lives outside the repository)`;
  test(`${name}: its real seal is found, and the header reads as it did (no row replaced, \`${number}\` read)`, { skip }, async () => {
    const page = await readScanAlone(file, { cwd: work, lang: 'eng' });
    assert.equal(page.ocr.sealLines?.seals, 1, JSON.stringify(page.ocr.sealLines));
    assert.equal(page.ocr.sealLines?.replaced, 0);
    assert.ok(page.text.includes(number), page.text.slice(0, 400));
  });
}
