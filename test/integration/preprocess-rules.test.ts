// The rules step (issue 19): an underline typed through the feet of a heading's letters is painted
// out and the letters stay, so the heading is read. On the corpus's catalogue page (1962, French
// typescript; ../shared/corpus, skipped when absent), cropped as the corpus README says, tesseract.js
// read the underlined heading "Plan de présentation" as "Plan d a". A page without rules is left to
// the bit.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { cropRegion, writeCrop } from '../../src/eval/crop.ts';
import { lineRecall } from '../../src/eval/line-recall.ts';
import { silentLogger } from '../../src/logger.ts';
import { preprocessPage } from '../../src/preprocess/index.ts';
import { removeRules } from '../../src/preprocess/steps/rules.ts';
import type { RawImage } from '../../src/types.ts';
import { readScanAlone } from '../fixtures/read-scan.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
// ../shared from the repository; from a worktree under the project's wt/ folder, ../../shared.
const SHARED =
  [path.resolve(REPO, '..', 'shared'), path.resolve(REPO, '..', '..', 'shared')].find((dir) => existsSync(dir)) ?? path.resolve(REPO, '..', 'shared');
const PAGE = path.join(SHARED, 'corpus', 'scans', 'tapuscorpus', 'catalogue1962_FRAN_0011_11082');
const skip = existsSync(`${PAGE}.jpg`) ? false : `corpus page not found at ${PAGE}.jpg (the corpus lives outside the repository)`;
const work = mkdtempSync(path.join(os.tmpdir(), 'rules-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function grey(file: string, region?: { left: number; top: number; width: number; height: number }): Promise<RawImage> {
  let pipeline = sharp(file).greyscale();
  if (region) pipeline = pipeline.extract(region);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

/** Rows holding a horizontal run of ink at least `minRun` long. */
function rowsWithRuns(image: RawImage, threshold: number, minRun: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < image.height; y += 1) {
    let run = 0;
    let longest = 0;
    for (let x = 0; x < image.width; x += 1) {
      run = image.data[y * image.width + x]! <= threshold ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    if (longest >= minRun) rows.push(y);
  }
  return rows;
}

const inkIn = (image: RawImage, top: number, bottom: number, threshold: number) => {
  let n = 0;
  for (let y = top; y < bottom; y += 1) for (let x = 0; x < image.width; x += 1) if (image.data[y * image.width + x]! <= threshold) n += 1;
  return n;
};

test("an underline typed through a heading's letters is painted out and the letters keep their ink", { skip }, async () => {
  // The heading's band on the scan: "Plan de présentation" and its underline (the scan's own pixels).
  const strip = await grey(`${PAGE}.jpg`, { left: 0, top: 360, width: 1000, height: 60 });
  const threshold = 169; // Otsu's threshold of this page
  const before = rowsWithRuns(strip, threshold, 200);
  assert.ok(before.length >= 3, `the underline is ${before.length} rows thick`);
  const lettersTop = Math.max(0, before[0]! - 30);
  const lettersInk = inkIn(strip, lettersTop, before[0]! - 2, threshold);
  const removed = removeRules(strip.data, strip.width, strip.height, threshold, 46, 7);
  assert.equal(removed.rules, 1, 'one rule found');
  const after: RawImage = { ...strip, data: removed.data };
  assert.deepEqual(rowsWithRuns(after, threshold, 40), [], 'no run of ink longer than a few letters is left');
  const lettersAfter = inkIn(after, lettersTop, before[0]! - 2, threshold);
  assert.ok(lettersAfter >= 0.97 * lettersInk, `the letters keep their ink: ${lettersAfter} of ${lettersInk} pixels`);
});

test('catalogue1962: the underlined heading "Plan de présentation" is read on the page', { skip }, async () => {
  const coverage = JSON.parse(readFileSync(`${PAGE}.lines.json`, 'utf8')) as {
    width: number;
    height: number;
    gt_coverage_bbox: [number, number, number, number];
    lines: { text: string }[];
  };
  const file = path.join(work, 'catalogue.png');
  await writeCrop(`${PAGE}.jpg`, cropRegion(coverage.gt_coverage_bbox, coverage.width, coverage.height), file);
  const page = await readScanAlone(file, { cwd: work, lang: 'fra' });
  const rules = page.preprocess.steps.find((s) => s.step === 'rules');
  assert.equal(rules?.applied, true, JSON.stringify(rules?.measured));
  // The ground truth marks underlined words with "_"; the heading counts as found at 70% similarity.
  const recall = lineRecall(page.text, ['Plan de présentation']);
  assert.equal(recall.found, 1, page.text);
  const all = lineRecall(
    page.text,
    coverage.lines.map((l) => l.text),
  );
  assert.ok(all.found >= all.lines - 1, `${all.found} of ${all.lines} lines`);
});

test('a page without rules goes through the step unchanged, to the bit', async () => {
  const image = await grey(path.join(REPO, 'samples', 'cipher-01-clean.png'));
  const out = await preprocessPage(image, { name: 'rules only', steps: [{ step: 'grey' }, { step: 'rules' }] }, { logger: silentLogger(), density: 300 });
  const step = out.steps.find((s) => s.step === 'rules');
  assert.ok(step, 'the step ran');
  assert.equal(step.applied, false, JSON.stringify(step.measured));
  assert.equal(step.measured.rules, 0);
  assert.equal(Buffer.compare(out.image.data, image.data), 0, 'the image is the same to the bit');
});
