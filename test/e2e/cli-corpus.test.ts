// The real scans: `cablescan run` over the 22 corpus pages, each in its language
// (a manifest names them; Danish from Debian's tesseract-ocr-dan through --tessdata).
// Skips with a message when the corpus or the Danish data is not on this machine.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO, runCli } from './helpers.ts';

const CORPUS = path.resolve(REPO, '../shared/corpus/scans');
const TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
const skip = !existsSync(CORPUS)
  ? `no corpus at ${CORPUS}`
  : !existsSync(path.join(TESSDATA, 'dan.traineddata'))
    ? `no Danish traineddata in ${TESSDATA} (apt-get install tesseract-ocr-dan)`
    : false;
const out = mkdtempSync(path.join(os.tmpdir(), 'cablescan-corpus-'));
after(() => rmSync(out, { recursive: true, force: true }));

function groundTruthFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.gt.txt')).map((f) => path.join(dir, f));
}

function words(text: string): string[] {
  return text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2);
}

test('reads all 22 corpus pages, each in its language, and skips the files beside them', { skip, timeout: 600_000 }, async () => {
  const result = await runCli([
    'run', '--manifest', 'docs/corpus-manifest.json', '--tessdata', TESSDATA, '--out', out, '--no-progress', '--log-level', 'warn',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.counts.pagesRead, 22);
  assert.equal(report.failures.length, 0);
  const skippedExt = new Set(report.skipped.map((s: { file: string }) => path.extname(s.file)));
  for (const ext of ['.xml', '.txt', '.json']) assert.ok(skippedExt.has(ext), `${ext} files are listed as skipped`);

  const gts = groundTruthFiles(CORPUS);
  assert.equal(gts.length, 22);
  for (const gt of gts) {
    const pageId = path.basename(gt, '.gt.txt');
    const page = JSON.parse(readFileSync(path.join(out, 'pages', `${pageId}.json`), 'utf8'));
    const expectedLang = gt.includes('/danish/') ? 'dan' : gt.includes('/tapuscorpus/') ? 'fra' : 'eng';
    assert.equal(page.lang, expectedLang, `${pageId} read in ${expectedLang}`);
    // The page text covers the ground truth's words (headers and stamps outside it are extra).
    const ocr = new Set(words(readFileSync(path.join(out, 'pages', `${pageId}.txt`), 'utf8')));
    const truth = words(readFileSync(gt, 'utf8'));
    const found = truth.filter((w) => ocr.has(w)).length / truth.length;
    assert.ok(found > 0.75, `${pageId}: ${(found * 100).toFixed(1)}% of the ground-truth words were read`);
  }
  const danish = readFileSync(path.join(out, 'pages', 'EHRI-DR-19410127-DK_01.txt'), 'utf8');
  assert.match(danish, /[æøå]/, 'Danish letters come through');
});
