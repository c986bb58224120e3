// Orientation on generated pages turned by known quarter turns (mixed case, all caps, a short
// page) and, when the corpus is present, on real scans turned all four ways: the right quadrant,
// the page turned back pixel for pixel, and the mapping to the original page.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { silentLogger } from '../../src/logger.ts';
import { renderTextImage } from '../fixtures/text-images.ts';
import { applyAffine } from '../../src/preprocess/affine.ts';
import { binarise, connectedComponents } from '../../src/preprocess/analysis.ts';
import { preprocessPage, type Recipe } from '../../src/preprocess/index.ts';
import { estimateOrientation, type Quadrant } from '../../src/preprocess/orientation.ts';
import { sharpOf, toGreyRaw } from '../../src/preprocess/raw.ts';
import type { RawImage } from '../../src/types.ts';

const MIXED = [
  'Your telegram of 29 June was received. We have studied the',
  'proposals concerning the negotiations and agree with them; the',
  'delegation will leave on the 2nd of July by the morning train.',
  'Please inform us of the date of the meeting at Kaesong and of',
  'the composition of the other side. Mao Zedong. No. 3267',
  'Secretary of State, Washington. Sir: I have the honor to report',
];
const CAPS = [
  'CIPHERED TELEGRAM NO. 21340 FROM PEKING TO MOSCOW',
  'RECEIVED 30 JUNE 1951 AT 15 HOURS 40 MINUTES',
  'DELEGATION LEAVES ON THE SECOND OF JULY BY TRAIN',
  'INFORM US OF THE DATE OF THE MEETING AT KAESONG',
  'AND OF THE COMPOSITION OF THE OTHER SIDE STOP',
  'REPLY URGENT STOP FILIPPOV STOP END OF MESSAGE',
];

const turn = (img: RawImage, deg: number) => toGreyRaw(sharpOf(img).rotate(deg));

async function orientationOf(img: RawImage): Promise<Quadrant> {
  const bin = await binarise(img);
  return estimateOrientation(bin, connectedComponents(bin)).rotate;
}

for (const [name, lines] of [
  ['mixed case', MIXED],
  ['all caps', CAPS],
  ['mixed case, three short lines', MIXED.slice(0, 3).map((l) => l.slice(0, 36))],
] as const) {
  test(`orientation of a ${name} page turned by 0/90/180/270 degrees is found`, async () => {
    const { image } = renderTextImage({ lines: [...lines], fontPx: 40, width: 1900, y: 160 });
    for (const deg of [0, 90, 180, 270]) {
      const turned = deg === 0 ? image : await turn(image, deg);
      assert.equal(await orientationOf(turned), (360 - deg) % 360, `${name} turned ${deg}`);
    }
  });
}

test('a page without enough letters is left alone and says why', async () => {
  const { image } = renderTextImage({ lines: ['No. 3'], fontPx: 40, width: 600, height: 300 });
  const bin = await binarise(image);
  const estimate = estimateOrientation(bin, connectedComponents(bin));
  assert.equal(estimate.rotate, 0);
  assert.equal(estimate.undecided, 'too few letters');
});

test('the orientation step turns an upside-down page upright, exactly, and maps points back', async () => {
  const { image, words } = renderTextImage({ lines: MIXED, fontPx: 40, width: 1900, y: 160 });
  const upsideDown = await turn(image, 180);
  const recipe: Recipe = { name: 'o', steps: [{ step: 'grey' }, { step: 'orientation' }] };
  const out = await preprocessPage(upsideDown, recipe, { logger: silentLogger(), density: null });
  const report = out.steps[1]!;
  assert.equal(report.applied, true);
  assert.equal(report.measured.rotate, 180);
  // Quarter turns move pixels without resampling: the page is the original again.
  assert.deepEqual([out.image.width, out.image.height], [image.width, image.height]);
  assert.ok(out.image.data.equals(image.data));
  // A word's box corner in the output maps to where that corner is on the upside-down input.
  const [x0, y0] = words[0]!.bbox;
  const [bx, by] = applyAffine(out.toOriginal, x0, y0);
  assert.ok(Math.abs(bx - (image.width - x0)) < 1e-6 && Math.abs(by - (image.height - y0)) < 1e-6, `${bx},${by}`);
});

const SCANS = fileURLToPath(new URL('../../../shared/corpus/scans/', import.meta.url));

test('real corpus scans turned all four ways are put upright', async (t) => {
  if (!existsSync(SCANS)) {
    t.skip(`corpus not found at ${SCANS}`);
    return;
  }
  const files = readdirSync(SCANS, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(jpe?g|png|tiff?)$/i.test(f))
    .sort()
    .filter((_, i) => i % 4 === 0);
  assert.ok(files.length >= 4, `found ${files.length} scans`);
  for (const file of files) {
    // A reduced copy keeps the test fast; the analysis works on a reduced copy anyway.
    const page = await toGreyRaw(sharp(`${SCANS}${file}`).resize({ width: 1200 }));
    for (const deg of [0, 90, 180, 270]) {
      const turned = deg === 0 ? page : await turn(page, deg);
      assert.equal(await orientationOf(turned), (360 - deg) % 360, `${file} turned ${deg}`);
    }
  }
});
