// Slow check (tesseract.js, ~20-40 s): a generated page turned by 90/180/270 degrees or skewed by
// up to 8 degrees reads, after `auto` preprocessing, within 0.5 percentage points of CER of the
// upright page (the issue's acceptance test). Without orientation and deskew Tesseract reads
// a sideways page as noise, an upside-down one as nothing or garbage.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreText } from '../../src/eval/score.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTesseractJsEngine } from '../../src/ocr/tesseract-js.ts';
import { renderTextImage } from '../fixtures/text-images.ts';
import { AUTO_RECIPE, preprocessPage } from '../../src/preprocess/index.ts';
import { sharpOf, toGreyRaw } from '../../src/preprocess/raw.ts';
import type { RawImage } from '../../src/types.ts';

const LINES = [
  'Your telegram of 29 June was received. We have studied',
  'the proposals concerning the negotiations and agree with',
  'them; the delegation will leave on the 2nd of July by the',
  'morning train. Please inform us of the date of the meeting',
  'at Kaesong and of the composition of the other side.',
  'Secretary of State, Washington. I have the honor to report',
  'that the new Minister received the directors of newspapers.',
];
const TRUTH = LINES.join('\n');

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-rotation-test-'));
const engine = createTesseractJsEngine({ concurrency: 2, recycleAfter: 100, logger: silentLogger(), tessdataCacheDir: cacheDir });
after(async () => {
  await engine.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function read(image: RawImage): Promise<{ cer: number; steps: string[] }> {
  const pre = await preprocessPage(image, AUTO_RECIPE, { logger: silentLogger(), density: 300 });
  const ocr = await engine.recognize({ image: pre.image, lang: 'eng', psm: 3, dpi: pre.dpi });
  return {
    cer: scoreText(ocr.text, TRUTH).cer,
    steps: pre.steps
      .filter((s) => s.applied)
      .map((s) => `${s.step}${s.step === 'deskew' ? ` ${s.measured.angle}` : s.step === 'orientation' ? ` ${s.measured.rotate}` : ''}`),
  };
}

test('pages turned 90/180/270 degrees or skewed up to 8 degrees read within 0.5 pp CER of the upright page', { timeout: 720_000 }, async () => {
  const { image } = renderTextImage({ lines: LINES, fontPx: 40, lineHeight: 80, width: 1800, x: 120, y: 140 });
  const variants: Array<[string, (img: RawImage) => Promise<RawImage>]> = [
    ['turned 90', (img) => toGreyRaw(sharpOf(img).rotate(90))],
    ['turned 180', (img) => toGreyRaw(sharpOf(img).rotate(180))],
    ['turned 270', (img) => toGreyRaw(sharpOf(img).rotate(270))],
    ['skewed 8', (img) => toGreyRaw(sharpOf(img).rotate(8, { background: '#ffffff' }))],
    ['skewed -5.5', (img) => toGreyRaw(sharpOf(img).rotate(-5.5, { background: '#ffffff' }))],
  ];
  const [upright, ...others] = await Promise.all([read(image), ...variants.map(async ([, make]) => read(await make(image)))]);
  assert.ok(upright!.cer < 0.03, `upright page CER ${(upright!.cer * 100).toFixed(2)}%`);
  others.forEach((r, i) => {
    const [name] = variants[i]!;
    const delta = (r.cer - upright!.cer) * 100;
    assert.ok(delta <= 0.5, `${name}: CER ${(r.cer * 100).toFixed(2)}% vs upright ${(upright!.cer * 100).toFixed(2)}% (steps: ${r.steps.join(', ')})`);
  });
});
