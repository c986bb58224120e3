// Blank and nearly blank pages through the real CLI, on both engines (issue 26): the page of grain
// that used to hold a worker for ten minutes and a page of show-through are recorded as blank and
// not read; a continuation page holding only its signature ("G. ZARUBIN"), a page number and a
// stamp have their lines read; the report counts them; no record takes anything from a blank page.
// The native engine's run is skipped with a message when tesseract is not installed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createRng } from '../../src/samples/random.ts';
import { scoreSparsePage } from '../../src/samples/score-sparse.ts';
import { generateSparsePage, type SparsePageExpected, type SparsePageSpec } from '../../src/samples/sparse-pages.ts';
import type { PageResult } from '../../src/types.ts';
import { readRecords, runCli } from './helpers.ts';

const hasNative = (() => {
  try {
    execFileSync('tesseract', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cablescan-e2e-blank-'));
const scans = path.join(tmp, 'scans');
const expected = new Map<string, Pick<SparsePageExpected, 'blank' | 'lines'>>();
after(() => rmSync(tmp, { recursive: true, force: true }));

before(async () => {
  mkdirSync(scans, { recursive: true });
  // The page: grey paper (245) with Gaussian grain, 2550 x 3300.
  const rng = createRng('e2e-blank-grain');
  const grain = Buffer.alloc(2550 * 3300);
  for (let i = 0; i < grain.length; i += 1) grain[i] = Math.max(0, Math.min(255, Math.round(245 + 9 * rng.normal())));
  await sharp(grain, { raw: { width: 2550, height: 3300, channels: 1 } })
    .png()
    .toFile(path.join(scans, 'p1-grain.png'));
  expected.set('p1-grain', { blank: true, lines: [] });
  const specs: SparsePageSpec[] = [
    { name: 'p2-show-through', kind: 'show-through', level: 'heavy', seed: 'e2e-blank-2', font: 'courier-prime' },
    // Its dust includes a blot in the bottom margin shaped like a page number: read, and rejected.
    { name: 'p6-speckles', kind: 'speckles', level: 'heavy', seed: 'preprocess-ink-test-speckles-heavy-2', font: 'courier-prime' },
    { name: 'p3-signature', kind: 'signature', level: 'mild', seed: 'e2e-blank-3', font: 'special-elite', text: 'G. ZARUBIN' },
    { name: 'p4-page-number', kind: 'page-number', level: 'heavy', seed: 'e2e-blank-4', font: 'courier-prime' },
    { name: 'p5-stamp', kind: 'stamp', level: 'mild', seed: 'e2e-blank-5', font: 'courier-prime' },
  ];
  for (const spec of specs) {
    const page = await generateSparsePage(spec);
    writeFileSync(path.join(scans, page.file), page.image);
    expected.set(spec.name, page.expected);
  }
});

for (const engine of ['tesseract.js', 'tesseract'] as const) {
  test(`${engine}: blank pages recorded and not read, nearly blank pages' lines read, the report counts them`, {
    skip: engine === 'tesseract' && !hasNative ? 'native tesseract is not installed (apt-get install tesseract-ocr)' : false,
    timeout: 900_000,
  }, async () => {
    const out = path.join(tmp, `out-${engine}`);
    const result = await runCli(['run', scans, '--out', out, '--engine', engine, '--no-progress', '--log-level', 'warn']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /3 blank page\(s\), 3 nearly blank \(read line by line\)/);
    const pages = new Map<string, PageResult>();
    for (const id of expected.keys()) pages.set(id, JSON.parse(readFileSync(path.join(out, 'pages', `${id}.json`), 'utf8')) as PageResult);
    for (const [id, truth] of expected) {
      const page = pages.get(id)!;
      if (truth.blank) {
        assert.equal(page.blank, true, id);
        assert.equal(page.ink!.verdict, 'blank', id);
        assert.deepEqual([page.lines, page.text], [[], ''], id);
        if (id === 'p6-speckles') {
          // The measure's page-number candidate was read and rejected.
          assert.equal(page.ocr.readAs, 'regions');
          assert.match(page.ink!.note!, /no text read/);
        } else {
          assert.equal(page.ocr.readAs, 'none', `${id}: not read at all`);
          assert.deepEqual(page.preprocess.steps, [], id);
        }
        continue;
      }
      assert.equal(page.blank, undefined, id);
      assert.equal(page.ink!.verdict, 'nearly_blank', id);
      assert.equal(page.ocr.readAs, 'regions', id);
      const score = scoreSparsePage(
        truth,
        page.text,
        page.lines.map((l) => l.text),
      );
      assert.equal(score.linesFound, score.lines, `${id}: read ${JSON.stringify(page.text)} for ${JSON.stringify(truth.lines.map((l) => l.text))}`);
      for (const line of page.lines) assert.ok(line.bbox[2] <= page.width && line.bbox[3] <= page.height, 'boxes on the page');
    }
    assert.match(pages.get('p3-signature')!.text, /ZARUBIN/);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    assert.deepEqual([report.counts.pagesBlank, report.counts.pagesNearlyBlank, report.counts.pagesFailed], [3, 3, 0]);
    assert.deepEqual(
      report.pages
        .filter((p: { blank?: boolean }) => p.blank)
        .map((p: { pageId: string }) => p.pageId)
        .sort(),
      ['p1-grain', 'p2-show-through', 'p6-speckles'],
    );
    // Nothing in any record comes from a blank page.
    for (const record of readRecords(out)) {
      for (const field of Object.values(record.fields))
        assert.ok(!['p1-grain', 'p2-show-through', 'p6-speckles'].includes(field.page ?? ''), `${record.id}: a field from a blank page`);
    }
  });
}
