// Preprocessing on heavily degraded generated scans (grain, dust, faint ink, JPEG, skew): the
// measurements that decide everything after them (text size, skew) come out right, and the
// steps for rough paper act. Seeds of their own, not the field benchmark's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/logger.ts';
import { generateSample } from '../../src/samples/generate.ts';
import { AUTO_RECIPE, preprocessPage } from '../../src/preprocess/index.ts';
import { inkThreshold, otsuThreshold } from '../../src/preprocess/analysis.ts';
import type { RawImage } from '../../src/types.ts';

test('inkThreshold splits ink from paper grain where Otsu splits the grain', () => {
  // The flattened analysis copy of a generated heavy scan (faint ink on rough paper), in 8-level
  // buckets, % of pixels: ink 160-215 is 1.6% of the page, the grain spreads paper over 216-255.
  const buckets: Record<number, number> = {
    160: 0.1,
    168: 0.2,
    176: 0.3,
    184: 0.3,
    192: 0.2,
    200: 0.3,
    208: 0.3,
    216: 0.6,
    224: 5.2,
    232: 20.5,
    240: 32.7,
    248: 39.2,
  };
  const hist = new Uint32Array(256);
  for (const [start, percent] of Object.entries(buckets)) for (let v = Number(start); v < Number(start) + 8; v += 1) hist[v] = Math.round(percent * 1000);
  const otsu = otsuThreshold(hist);
  assert.ok(otsu >= 232, `Otsu ${otsu} lies in the grain`);
  const ink = inkThreshold(hist);
  assert.ok(ink >= 200 && ink <= 224, `ink threshold ${ink}`);
  // A page with a clean split keeps Otsu's threshold.
  const clean = new Uint32Array(256);
  clean[250] = 95_000;
  clean[70] = 5000;
  assert.equal(inkThreshold(clean), otsuThreshold(clean));
});

test('heavy scans: text size and skew are measured right, grain is blurred away', async () => {
  for (const [i, profile] of ['soviet-coded', 'us-state', 'dfat-cable'].entries()) {
    const sample = await generateSample({
      name: `heavy-${i}`,
      profile,
      seed: `preprocess-heavy-test-${i}`,
      font: i % 2 ? 'special-elite' : 'courier-prime',
      degradation: 'heavy',
    });
    const page = sample.expected.pages[0]!;
    const image: RawImage = { data: sample.pixels[0]!, width: page.width, height: page.height, channels: 1 };
    const out = await preprocessPage(image, AUTO_RECIPE, { logger: silentLogger(), density: 300 });
    const step = (name: string) => out.steps.find((s) => s.step === name)!;
    const truth = sample.expected.degradation.skewDeg;
    const label = `${profile} (skew ${truth}, noise ${step('denoise').measured.noise})`;
    assert.equal(step('denoise').applied, true, `${label}: denoised`);
    assert.equal(step('deskew').applied, true, `${label}: deskewed`);
    assert.ok(Math.abs((step('deskew').measured.angle as number) - truth) <= 0.25, `${label}: measured ${step('deskew').measured.angle}`);
    const xHeight = step('rescale').measured.glyphHeight as number;
    assert.ok(xHeight > 18 && xHeight < 28, `${label}: x-height ${xHeight} px at 300 dpi`);
    assert.equal(step('rescale').applied, false, `${label}: not rescaled`);
    assert.equal(out.dpi, 300);
  }
});
