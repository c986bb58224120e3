// Preprocessing on generated pages of known skew and scale: the measurements, the decisions,
// the mapping back to the original page, the effective resolution and the intermediates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/logger.ts';
import { renderTextImage } from '../fixtures/text-images.ts';
import { applyAffine, compose, invert } from '../../src/preprocess/affine.ts';
import { binarise, estimateSkew, textScale } from '../../src/preprocess/analysis.ts';
import { AUTO_RECIPE, preprocessPage, type Recipe } from '../../src/preprocess/index.ts';
import { sharpOf, toGreyRaw } from '../../src/preprocess/raw.ts';
import type { RawImage, StepReport } from '../../src/types.ts';

const LINES = [
  'CIPHERED TELEGRAM No. 21340 (2 copies)',
  'From Peking, 30 June 1951, 15:00. To Cde. Fillipov [Stalin].',
  'Your telegram of 29 June was received. We have studied the',
  'proposals concerning the negotiations and agree with them; the',
  'delegation will leave on the 2nd of July by the morning train.',
  'Please inform us of the date of the meeting at Kaesong and of',
  'the composition of the other side. Mao Zedong. No. 3267',
];
const FONT_PX = 42;
/** Courier Prime's x-height is 0.45 em (measured on a 100 px render). */
const X_HEIGHT = 0.45 * FONT_PX;

// A 300 dpi-like page (x-height ~19 px) with a black marker square in the empty top-right corner.
const MARKER = { x: 2200, y: 60, size: 12 };
function page(): RawImage {
  const { image } = renderTextImage({ lines: [...LINES, ...LINES], fontPx: FONT_PX, lineHeight: 84, width: 2480, height: 1500, y: 200 });
  for (let y = MARKER.y; y < MARKER.y + MARKER.size; y += 1) image.data.fill(0, y * image.width + MARKER.x, y * image.width + MARKER.x + MARKER.size);
  return image;
}
const PAGE = page();
const MARKER_CENTRE: [number, number] = [MARKER.x + MARKER.size / 2, MARKER.y + MARKER.size / 2];

const rotate = (img: RawImage, deg: number) => toGreyRaw(sharpOf(img).rotate(deg, { background: '#ffffff' }));
const resize = (img: RawImage, f: number) => toGreyRaw(sharpOf(img).resize(Math.round(img.width * f), Math.round(img.height * f), { fit: 'fill' }));
const ctx = () => ({ logger: silentLogger(), density: null });
const stepOf = (steps: StepReport[], name: string) => steps.find((s) => s.step === name)!;

/** Centroid of dark pixels in a window around (x, y). */
function darkCentroid(img: RawImage, x: number, y: number, radius: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let j = Math.max(0, Math.floor(y - radius)); j < Math.min(img.height, y + radius); j += 1) {
    for (let i = Math.max(0, Math.floor(x - radius)); i < Math.min(img.width, x + radius); i += 1) {
      const w = 255 - img.data[j * img.width + i]!;
      if (w < 64) continue;
      sx += w * (i + 0.5);
      sy += w * (j + 0.5);
      sw += w;
    }
  }
  assert.ok(sw > 0, `no dark pixels near ${x},${y}`);
  return [sx / sw, sy / sw];
}

test('skew is measured within 0.2 degrees for angles across +-10', async () => {
  for (const deg of [-9.2, -4.4, -1.2, 0.6, 2.5, 7.3]) {
    const skewed = await rotate(PAGE, deg);
    const estimate = estimateSkew(await binarise(skewed), { maxAngle: 10, step: 0.1 });
    assert.ok(Math.abs(estimate.angle - deg) <= 0.2, `rotated ${deg}, measured ${estimate.angle}`);
    assert.ok(estimate.strength > 2, `clear evidence at ${deg}: ${estimate.strength}`);
  }
});

test('glyph height (and so the scale) is measured within 10% from 100 to 450 dpi equivalents', async () => {
  for (const f of [0.33, 0.5, 1, 1.5]) {
    const img = f === 1 ? PAGE : await resize(PAGE, f);
    const { glyphHeight } = textScale(await binarise(img));
    assert.ok(glyphHeight !== null);
    const expected = X_HEIGHT * f;
    assert.ok(Math.abs(glyphHeight - expected) / expected <= 0.1, `scale ${f}: glyph height ${glyphHeight} vs ${expected}`);
  }
});

test('all-caps text is recognised as such and its x-height equivalent gives the resolution', async () => {
  const caps = LINES.map((l) => l.toUpperCase());
  for (const f of [0.5, 1]) {
    const { image } = renderTextImage({
      lines: [...caps, ...caps],
      fontPx: Math.round(FONT_PX * f),
      lineHeight: Math.round(84 * f),
      width: Math.round(2480 * f),
      y: 200,
    });
    const scale = textScale(await binarise(image));
    assert.equal(scale.capsOnly, true, `scale ${f}: tall share ${scale.tallShare}`);
    const expected = X_HEIGHT * f;
    assert.ok(Math.abs(scale.xHeight! - expected) / expected <= 0.1, `scale ${f}: x-height equivalent ${scale.xHeight} vs ${expected}`);
    // The cap height itself is ~1.3x the x-height: taken as the x-height it would overstate the resolution.
    assert.ok(scale.glyphHeight! > 1.2 * expected);
  }
  const mixed = textScale(await binarise(PAGE));
  assert.equal(mixed.capsOnly, false);
  assert.ok(mixed.tallShare > 0.15, `mixed case tall share ${mixed.tallShare}`);
  assert.equal(mixed.xHeight, mixed.glyphHeight);
});

test('a blank page measures nothing and auto changes nothing', async () => {
  const blank: RawImage = { data: Buffer.alloc(800 * 600, 250), width: 800, height: 600, channels: 1 };
  const out = await preprocessPage(blank, AUTO_RECIPE, ctx());
  assert.deepEqual(
    out.steps.map((s) => s.applied),
    [false, false, false, false, false, false, false, false, false, false, false],
  );
  assert.equal(stepOf(out.steps, 'rescale').measured.glyphHeight, null);
  assert.equal(out.image, blank);
  assert.deepEqual(out.toOriginal, [1, 0, 0, 0, 1, 0]);
  assert.equal(out.dpi, 300);
});

test('auto on a clean straight 300 dpi page: grey, crop to the text only, shrink to the size Tesseract needs, dpi from the text', async () => {
  const rgb = await sharpOf(PAGE).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const input: RawImage = { data: rgb.data, width: rgb.info.width, height: rgb.info.height, channels: 3 };
  const out = await preprocessPage(input, AUTO_RECIPE, { logger: silentLogger(), density: 72 });
  assert.deepEqual(
    out.steps.map((s) => [s.step, s.applied]),
    [
      ['grey', true],
      ['denoise', false],
      ['orientation', false],
      ['flatten', false],
      ['crop', true],
      ['normalize', false],
      ['whiten', false],
      ['deskew', false],
      ['rules', false],
      ['stamps', false],
      ['rescale', true],
    ],
  );
  assert.equal(out.image.channels, 1);
  const rescale = stepOf(out.steps, 'rescale');
  const dpi = rescale.measured.estimatedDpi as number;
  assert.ok(dpi > 250 && dpi < 320, `estimated ${dpi} dpi despite the 72 dpi tag`);
  // Clean paper and an x-height of ~19 px (above 17): shrunk to an x-height of 14, the resolution follows.
  assert.ok((rescale.measured.scanNoise as number) < 1.5);
  const factor = rescale.measured.factor as number;
  assert.ok(Math.abs(factor - 14 / (rescale.measured.glyphHeight as number)) < 0.01, `factor ${factor}`);
  assert.ok(Math.abs(out.dpi - dpi * factor) <= 1, `dpi ${out.dpi}`);
  const after = textScale(await binarise(out.image)).xHeight!;
  assert.ok(Math.abs(after - 14) <= 1.5, `x-height after the shrink ${after}`);
  for (const s of out.steps) assert.ok(s.ms >= 0 && typeof s.params === 'object');
});

test('the same page with grainy paper is not shrunk: fewer pixels would lose strokes to the grain', async () => {
  const noisy = { ...PAGE, data: Buffer.from(PAGE.data) };
  // Deterministic grain of +-12 grey levels on the paper.
  let seed = 7;
  for (let i = 0; i < noisy.data.length; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    if (noisy.data[i]! > 128) noisy.data[i] = 243 - (seed % 25);
  }
  const out = await preprocessPage(noisy, AUTO_RECIPE, ctx());
  const rescale = stepOf(out.steps, 'rescale');
  assert.ok((rescale.measured.scanNoise as number) >= 1.5, `noise ${rescale.measured.scanNoise}`);
  assert.ok((rescale.measured.glyphHeight as number) > 17);
  assert.equal(rescale.applied, false);
});

test('a skewed low-resolution page is deskewed and enlarged, and toOriginal maps the marker back within 1 px', async () => {
  // 2.2 degrees at ~110 dpi: x-height ~7 px.
  const original = await rotate(await resize(PAGE, 0.37), 2.2);
  const originalMarker = darkCentroid(original, ...rotatedMarker(0.37, 2.2), 20);
  const written: string[] = [];
  // Auto without its crop, which would cut the marker off with the empty margin.
  const recipe: Recipe = { name: 'auto-no-crop', steps: AUTO_RECIPE.steps.filter((s) => s.step !== 'crop') };
  const out = await preprocessPage(original, recipe, {
    logger: silentLogger(),
    density: 72,
    writeIntermediate: async (name, image) => {
      assert.equal(image.channels, 1);
      written.push(name);
    },
  });
  const deskew = stepOf(out.steps, 'deskew');
  const rescale = stepOf(out.steps, 'rescale');
  assert.equal(deskew.applied, true);
  assert.ok(Math.abs((deskew.measured.angle as number) - 2.2) <= 0.2, `angle ${deskew.measured.angle}`);
  assert.equal(rescale.applied, true);
  const factor = rescale.measured.factor as number;
  assert.ok(factor > 1.8 && factor < 2.8, `factor ${factor}`);
  // After enlarging, the glyphs are near the target x-height (16) and the dpi follows.
  const after = textScale(await binarise(out.image)).xHeight!;
  assert.ok(Math.abs(after - 16) <= 2, `x-height after rescale ${after}`);
  assert.ok(Math.abs(out.dpi - (rescale.measured.estimatedDpi as number) * factor) <= 1);
  assert.deepEqual(written, ['07_deskew', '10_rescale']);

  // The marker in the output, mapped back, lands on the marker in the input.
  const toOutput = invert(out.toOriginal);
  const guess = applyAffine(toOutput, ...originalMarker);
  const found = darkCentroid(out.image, guess[0], guess[1], 30);
  const back = applyAffine(out.toOriginal, ...found);
  assert.ok(Math.hypot(back[0] - originalMarker[0], back[1] - originalMarker[1]) <= 1, `marker ${originalMarker} mapped back to ${back}`);
  assert.equal(out.originalWidth, original.width);
  assert.equal(out.originalHeight, original.height);
});

/** Where the marker centre lands after resizing PAGE by f and rotating by deg (sharp's rotation about the centre). */
function rotatedMarker(f: number, deg: number): [number, number] {
  const w = Math.round(PAGE.width * f);
  const h = Math.round(PAGE.height * f);
  const t = (deg * Math.PI) / 180;
  const outW = Math.abs(w * Math.cos(t)) + Math.abs(h * Math.sin(t));
  const outH = Math.abs(w * Math.sin(t)) + Math.abs(h * Math.cos(t));
  const x = MARKER_CENTRE[0] * (w / PAGE.width) - w / 2;
  const y = MARKER_CENTRE[1] * (h / PAGE.height) - h / 2;
  return [outW / 2 + x * Math.cos(t) - y * Math.sin(t), outH / 2 + x * Math.sin(t) + y * Math.cos(t)];
}

test('a custom recipe with forced steps composes rotation and scaling correctly', async () => {
  const recipe: Recipe = {
    name: 'forced',
    steps: [
      { step: 'grey' },
      { step: 'rescale', params: { minGlyphHeight: 200, targetGlyphHeight: 200, maxFactor: 1.5 } },
      { step: 'deskew', params: { minAngle: 0, minStrength: 1 } },
    ],
  };
  const input = await rotate(PAGE, -3.1);
  const out = await preprocessPage(input, recipe, ctx());
  assert.equal(stepOf(out.steps, 'rescale').measured.factor, 1.5);
  assert.ok(Math.abs((stepOf(out.steps, 'deskew').measured.angle as number) + 3.1) <= 0.2);
  // Corners of the output map into (or just around) the input: the mapping is a similarity with scale 1/1.5.
  const det = out.toOriginal[0] * out.toOriginal[4] - out.toOriginal[1] * out.toOriginal[3];
  assert.ok(Math.abs(Math.sqrt(det) - 1 / 1.5) < 0.002, `scale of toOriginal ${Math.sqrt(det)}`);
  // Round trip: original -> output -> original is the identity.
  const roundTrip = compose(out.toOriginal, invert(out.toOriginal));
  const p = applyAffine(roundTrip, 1234.5, 678.25);
  assert.ok(Math.hypot(p[0] - 1234.5, p[1] - 678.25) < 1e-6);
  const marker = darkCentroid(input, ...rotatedMarker(1, -3.1), 25);
  const guess = applyAffine(invert(out.toOriginal), ...marker);
  const found = darkCentroid(out.image, guess[0], guess[1], 30);
  const back = applyAffine(out.toOriginal, ...found);
  assert.ok(Math.hypot(back[0] - marker[0], back[1] - marker[1]) <= 1, `marker ${marker} mapped back to ${back}`);
});

test('normalize stretches a faded page and leaves a contrasty one alone', async () => {
  const faded: RawImage = { ...PAGE, data: Buffer.from(PAGE.data.map((v) => 110 + Math.round((v * 90) / 255))) };
  const recipe: Recipe = { name: 'n', steps: [{ step: 'grey' }, { step: 'normalize' }] };
  const out = await preprocessPage(faded, recipe, ctx());
  const report = out.steps[1]!;
  assert.equal(report.applied, true);
  assert.ok((report.measured.spread as number) < 100);
  let min = 255;
  let max = 0;
  for (const v of out.image.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.deepEqual([min, max], [0, 255]);
  const untouched = await preprocessPage(PAGE, recipe, ctx());
  assert.equal(untouched.steps[1]!.applied, false);
  assert.equal(untouched.image, PAGE);
});

test('measurements a step keeps are carried over, not measured again: skew and text size survive a crop, the analysis copy does not', async () => {
  const { Measure } = await import('../../src/preprocess/measure.ts');
  const skewed = await rotate(PAGE, 3);
  const measure = new Measure();
  const before = await measure.skew(skewed, 10, 0.1);
  const cropped = await toGreyRaw(sharpOf(skewed).extract({ left: 100, top: 80, width: skewed.width - 300, height: skewed.height - 200 }));
  measure.carry(skewed, cropped, ['skew', 'textScale']);
  assert.equal(await measure.skew(cropped, 10, 0.1), before, 'skew of the cropped page is the one already measured');
  assert.equal(await measure.textScale(cropped), await measure.textScale(skewed));
  const [binBefore, binAfter] = [await measure.binary(skewed), await measure.binary(cropped)];
  assert.notEqual(binAfter, binBefore, 'positions changed: the cropped page gets its own analysis copy');
  assert.equal(binAfter.width, Math.round(cropped.width / binAfter.factor));
  // And the carried value is right for the cropped page: measured afresh, it agrees within 0.2 degrees.
  const fresh = estimateSkew(binAfter, { maxAngle: 10, step: 0.1 });
  assert.ok(Math.abs(fresh.angle - before.angle) <= 0.2, `carried ${before.angle} vs fresh ${fresh.angle}`);
  assert.ok(Math.abs(before.angle - 3) <= 0.3 || Math.abs(before.angle + 3) <= 0.3, `measured ${before.angle}`);
});

test('auto: the deskew step uses the skew measured before the crop (one analysis copy for the straight page)', async () => {
  const skewed = await rotate(PAGE, -2.5);
  const result = await preprocessPage(skewed, AUTO_RECIPE, ctx());
  const crop = stepOf(result.steps, 'crop');
  const deskew = stepOf(result.steps, 'deskew');
  assert.equal(crop.applied, true);
  assert.equal(deskew.applied, true);
  const direct = estimateSkew(await binarise(skewed), { maxAngle: 10, step: 0.1 });
  assert.equal(deskew.measured.angle, direct.angle);
});

test('dust does not pass for text: on a page with more specks than letters, text size and skew are measured on the letters', async () => {
  // Specks of 7-11 px (at 300 dpi), twice as many as the page has letters, spread over the page.
  const speckled = await rotate(PAGE, -3);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const letters = LINES.join('').replace(/\s/g, '').length * 2;
  for (let i = 0; i < 2 * letters; i += 1) {
    // Diamonds (half their box is ink, like a blot; a filled square would not even look like a letter).
    const r = 3 + Math.floor(random() * 3);
    const cx = r + Math.floor(random() * (speckled.width - 2 * r - 1));
    const cy = r + Math.floor(random() * (speckled.height - 2 * r - 1));
    for (let dy = -r; dy <= r; dy += 1) {
      for (let dx = -r; dx <= r; dx += 1) if (Math.abs(dx) + Math.abs(dy) <= r) speckled.data[(cy + dy) * speckled.width + cx + dx] = 0;
    }
  }
  const bin = await binarise(speckled);
  const scale = textScale(bin);
  assert.ok(scale.xHeight !== null && Math.abs(scale.xHeight - X_HEIGHT) / X_HEIGHT < 0.15, `x-height ${scale.xHeight} vs ${X_HEIGHT}`);
  const skew = estimateSkew(bin, { maxAngle: 10, step: 0.1 });
  assert.ok(Math.abs(Math.abs(skew.angle) - 3) <= 0.3, `skew ${skew.angle}`);
});
