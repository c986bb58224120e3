// The 1940 despatch's last page (EHRI-DR-19400712-US_04, ../shared/corpus; skipped when the corpus is
// absent), cropped as bench:accuracy crops it, is skewed 1.3 degrees: deskew turns it. Its top edge
// cuts a stamped number (`21062`) over a dotted rule; rotated with them, they came back as a line of
// garbage over the first typed line (`TT TT —_——ur`, +3.5 points of CER). Deskew paints the
// remnants out before rotating (src/preprocess/edge-remnants.ts): the page reads as it did unturned.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { cropRegion, writeCrop } from '../../src/eval/crop.ts';
import { readScanAlone } from '../fixtures/read-scan.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const SHARED =
  [path.resolve(REPO, '..', 'shared'), path.resolve(REPO, '..', '..', 'shared')].find((dir) => existsSync(dir)) ?? path.resolve(REPO, '..', 'shared');
const PAGE = path.join(SHARED, 'corpus', 'scans', 'ehri-dataset', 'english', 'EHRI-DR-19400712-US_04');
const skip = existsSync(`${PAGE}.jpg`) ? false : `corpus page not found at ${PAGE}.jpg (the corpus lives outside the repository)`;
const work = mkdtempSync(path.join(os.tmpdir(), 'edge-remnants-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('EHRI-DR-19400712-US_04: turned 1.3 degrees, its cut-off top edge is no line of text', { skip }, async () => {
  const coverage = JSON.parse(readFileSync(`${PAGE}.lines.json`, 'utf8')) as {
    width: number;
    height: number;
    gt_coverage_bbox: [number, number, number, number];
  };
  const file = path.join(work, 'US_04.png');
  await writeCrop(`${PAGE}.jpg`, cropRegion(coverage.gt_coverage_bbox, coverage.width, coverage.height), file);
  const page = await readScanAlone(file, { cwd: work, lang: 'eng' });
  const deskew = page.preprocess.steps.find((s) => s.step === 'deskew');
  assert.equal(deskew?.applied, true, JSON.stringify(deskew?.measured));
  assert.ok(Number(deskew?.measured.edgeRemnants) > 0, JSON.stringify(deskew?.measured));
  assert.match(page.lines[0]?.text ?? '', /Central Committee/u, page.text);
  assert.equal(page.lines.length, 8, page.text);
});
