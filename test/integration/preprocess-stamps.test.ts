// The stamps step (issue 16): on a generated despatch whose office stamp (`VISA DIVISION / NOV 4
// 1937 / MR. WELLES`, struck lighter than the typescript) lands over the subject line, the stamp's
// ink off the typed letters is painted as paper and the typed lines stay as they were; a letter
// without a stamp is left to the bit. The corpus's EHRI despatches carry stamps too, but their
// scans are bilevel, so light ink cannot be told from typescript there (the step leaves them alone).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { silentLogger } from '../../src/logger.ts';
import { preprocessPage } from '../../src/preprocess/index.ts';
import { histogram, isBilevel, SAMPLE_ROW_STEP } from '../../src/preprocess/analysis/levels.ts';
import { removeLightInk } from '../../src/preprocess/steps/stamps.ts';
import { generateSample } from '../../src/samples/generate.ts';
import { evaluationSpecs } from '../../src/samples/sets.ts';
import type { BBox } from '../../src/types.ts';

const SPECS = evaluationSpecs({
  count: 4,
  seed: 'fit-kinds-20261208',
  profiles: ['us-despatch', 'letter', 'report'],
  degradations: ['clean', 'mild', 'heavy'],
});

const STAMPS_ONLY = { name: 'stamps only', steps: [{ step: 'grey' }, { step: 'stamps' }] };

/** The stamps step as `auto` runs it, on a grey page: the image after it and what it measured. */
async function stamps(data: Buffer, width: number, height: number) {
  const out = await preprocessPage({ data, width, height, channels: 1 }, STAMPS_ONLY, { logger: silentLogger(), density: 300 });
  const step = out.steps.find((s) => s.step === 'stamps')!;
  const measured = step.measured as { threshold: number; paper: number; lightShare: number; painted: number };
  return { ...measured, applied: step.applied, data: out.image.data };
}

const inside = (box: BBox, x: number, y: number): boolean => x >= box[0] && x < box[2] && y >= box[1] && y < box[3];

test('a stamp struck over a despatch header is painted out; the typed lines keep their pixels', async () => {
  const spec = SPECS[1]!;
  assert.equal(spec.name, '0002-us-despatch-mild');
  const sample = await generateSample(spec);
  const page = sample.expected.pages[0]!;
  const data = sample.pixels[0]!;
  const { width, height } = page;
  const stamp = page.marks?.find((m) => m.type === 'stamp' && m.text?.startsWith('VISA DIVISION'));
  assert.ok(stamp, 'the sample carries its office stamp');
  const typed = page.lines.map((l) => l.bbox);
  assert.ok(
    typed.some((b) => b[1] < stamp.bbox[3] && b[3] > stamp.bbox[1]),
    'the stamp overlaps a typed line',
  );
  const found = await stamps(data, width, height);
  assert.equal(found.applied, true);
  assert.ok(found.lightShare >= 0.02, `light ink ${found.lightShare}`);
  const onTypedLine = new Uint8Array(width * height);
  for (const b of typed) for (let y = b[1]; y < b[3]; y += 1) onTypedLine.fill(1, y * width + b[0], y * width + b[2]);
  let stampInk = 0;
  let stampPainted = 0;
  let typedPixels = 0;
  let typedChanged = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const onTyped = onTypedLine[i] === 1;
      if (inside(stamp.bbox, x, y) && !onTyped && data[i]! <= found.threshold) {
        stampInk += 1;
        if (found.data[i] === found.paper) stampPainted += 1;
      }
      if (onTyped && !inside(stamp.bbox, x, y)) {
        typedPixels += 1;
        if (found.data[i] !== data[i]) typedChanged += 1;
      }
    }
  }
  assert.ok(stampInk > 1000, `stamp ink ${stampInk}`);
  assert.ok(stampPainted / stampInk >= 0.9, `painted ${stampPainted} of the stamp's ${stampInk} ink pixels`);
  // Specks and the soft edge of a dust mark may go; letters do not.
  assert.ok(typedChanged / typedPixels <= 0.003, `${typedChanged} of ${typedPixels} typed-line pixels changed`);
});

test('a letter without stamps has no light ink to paint: the step leaves it as it is', async () => {
  const spec = SPECS[3]!;
  assert.equal(spec.name, '0004-letter-clean');
  const sample = await generateSample(spec);
  const page = sample.expected.pages[0]!;
  assert.equal(page.marks?.filter((m) => m.type === 'stamp').length ?? 0, 0);
  const data = sample.pixels[0]!;
  const found = await stamps(data, page.width, page.height);
  assert.ok(found.lightShare < 0.02, `light ink ${found.lightShare}`);
  assert.equal(found.applied, false);
  assert.ok(found.data.equals(data));
});

// The 1938 letter of the corpus (about 100 dpi, letters 8 px high): its strokes are a pixel or two
// wide, so no typed letter has a dark 3x3 core and the step, made to act, would paint typescript
// out (docs/decisions.md, session 11). It leaves such pages alone whatever their light ink.
const LETTER = fileURLToPath(new URL('../../../shared/corpus/scans/ehri-dataset/english/EHRI-BF-19380509b_EN_01.jpg', import.meta.url));

test('on a page whose letters are a few pixels high (the corpus letter) the step paints nothing, even made to act', {
  skip: existsSync(LETTER) ? false : 'corpus not found at ../shared/corpus (fresh clone without the shared corpus)',
}, async () => {
  const { data, info } = await sharp(LETTER).greyscale().raw().toBuffer({ resolveWithObject: true });
  const forced = { name: 'stamps forced', steps: [{ step: 'grey' }, { step: 'stamps', params: { minLightShare: 0 } }] };
  const out = await preprocessPage({ data, width: info.width, height: info.height, channels: 1 }, forced, { logger: silentLogger(), density: 300 });
  const step = out.steps.find((s) => s.step === 'stamps')!;
  assert.equal(step.applied, false);
  assert.equal((step.measured as { skipped?: string }).skipped, 'text too small to tell inks apart');
  assert.ok(out.image.data.equals(data), 'the page is left to the bit');
  // With the guard off, the same page loses ink: the guard is what keeps it.
  const unguarded = { name: 'unguarded', steps: [{ step: 'grey' }, { step: 'stamps', params: { minLightShare: 0, minTextHeight: 0 } }] };
  const painted = await preprocessPage({ data, width: info.width, height: info.height, channels: 1 }, unguarded, { logger: silentLogger(), density: 300 });
  assert.equal(painted.steps.find((s) => s.step === 'stamps')!.applied, true);
});

// The corpus's US despatches are 1-bit scans saved as JPEG: black and white, no grey. The step
// skips them without measuring, and measuring would have found nothing to paint: every ink's
// core is as black as the typescript's.
const BILEVEL = fileURLToPath(new URL('../../../shared/corpus/scans/ehri-dataset/english/EHRI-DR-19390125-US_01.jpg', import.meta.url));

test('a bilevel scan (the corpus despatch) is left alone as one ink level; measured, it has no light ink either', {
  skip: existsSync(BILEVEL) ? false : 'corpus not found at ../shared/corpus (fresh clone without the shared corpus)',
}, async () => {
  const { data, info } = await sharp(BILEVEL).greyscale().raw().toBuffer({ resolveWithObject: true });
  const found = await stamps(data, info.width, info.height);
  assert.equal(found.applied, false);
  assert.equal((found as unknown as { skipped?: string }).skipped, 'bilevel scan: one ink level');
  assert.ok(found.data.equals(data));
  const measured = removeLightInk(
    data,
    info.width,
    info.height,
    histogram({ data, width: info.width, height: info.height, channels: 1 }, SAMPLE_ROW_STEP),
    0.55,
    2,
    0.02,
    22,
  );
  assert.equal(measured.lightShare, 0);
  assert.equal(measured.painted, 0);
});

test('a generated grey page, even the cleanest, is not bilevel; a black-and-white one is', async () => {
  const sample = await generateSample(SPECS[3]!);
  const page = sample.expected.pages[0]!;
  const grey = { data: sample.pixels[0]!, width: page.width, height: page.height, channels: 1 as const };
  assert.equal(isBilevel(histogram(grey, SAMPLE_ROW_STEP)), false);
  const twoLevel = Buffer.from(grey.data.map((v) => (v < 128 ? 0 : 255)));
  assert.equal(isBilevel(histogram({ ...grey, data: twoLevel }, SAMPLE_ROW_STEP)), true);
});
