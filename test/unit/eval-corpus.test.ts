// Finding the scored pages of an evaluation folder: images with NAME.gt.txt (any image
// extension), NAME.lines.json when present, and each page's language (manifest > --lang >
// folder convention > eng).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { companionFiles, conventionLanguage, findEvalPages } from '../../src/eval/corpus.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'eval-corpus-test-'));
const MAX_PIXELS = 200_000_000;

async function image(rel: string, format: 'png' | 'jpeg' | 'tiff'): Promise<void> {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } })
    .toFormat(format)
    .toFile(file);
}

function text(rel: string, content: string): void {
  writeFileSync(path.join(root, rel), content);
}

before(async () => {
  await image('english/a.png', 'png');
  text('english/a.gt.txt', 'first line\nsecond line\n');
  text('english/a.lines.json', JSON.stringify({ width: 40, height: 30, gt_coverage_bbox: [1, 1, 30, 20], lines: [] }));
  await image('english/b.tiff', 'tiff');
  text('english/b.gt.txt', 'tiff page');
  await image('english/no-truth.jpg', 'jpeg');
  await image('danish/c.jpeg', 'jpeg');
  text('danish/c.gt.txt', 'københavn');
  await image('tapuscorpus/sub/d.png', 'png');
  text('tapuscorpus/sub/d.gt.txt', '_Plan');
});
after(() => rmSync(root, { recursive: true, force: true }));

test('folder conventions: danish -> dan, tapuscorpus -> fra (innermost folder wins), else eng', () => {
  assert.equal(conventionLanguage('danish/x.jpg'), 'dan');
  assert.equal(conventionLanguage('ehri-dataset/Danish/x.jpg'), 'dan');
  assert.equal(conventionLanguage('tapuscorpus/sub/x.png'), 'fra');
  assert.equal(conventionLanguage('danish/tapuscorpus/x.png'), 'fra');
  assert.equal(conventionLanguage('english/x.png'), 'eng');
  // The file's own name is not a folder.
  assert.equal(conventionLanguage('danish.png'), 'eng');
});

test('companion files sit beside the image, named after it without its extension', () => {
  assert.deepEqual(companionFiles('/s/p.1.jpeg'), { gtFile: '/s/p.1.gt.txt', linesFile: '/s/p.1.lines.json' });
});

test('pages need a .gt.txt; any image extension; lines.json optional; languages by folder', async () => {
  const corpus = await findEvalPages(root, { cwd: root, maxPixels: MAX_PIXELS });
  const byPath = new Map(corpus.pages.map((p) => [p.relativePath, p]));
  assert.deepEqual([...byPath.keys()].sort(), ['danish/c.jpeg', 'english/a.png', 'english/b.tiff', 'tapuscorpus/sub/d.png']);
  assert.deepEqual(
    corpus.skipped.map((s) => [path.basename(s.file), s.reason]),
    [['no-truth.jpg', 'no ground truth (no-truth.gt.txt)']],
  );
  const a = byPath.get('english/a.png')!;
  assert.equal(a.gtText, 'first line\nsecond line\n');
  assert.equal(a.linesFile, path.join(root, 'english/a.lines.json'));
  assert.equal(byPath.get('english/b.tiff')!.linesFile, null);
  assert.deepEqual(
    corpus.pages.map((p) => [p.relativePath, p.lang, p.source.lang]),
    corpus.pages.map((p) => [p.relativePath, { 'danish/c.jpeg': 'dan', 'tapuscorpus/sub/d.png': 'fra' }[p.relativePath] ?? 'eng', p.lang]),
  );
});

test('--lang overrides the folder conventions; a manifest entry overrides --lang', async () => {
  const withLang = await findEvalPages(root, { cwd: root, maxPixels: MAX_PIXELS, lang: 'deu' });
  assert.ok(withLang.pages.every((p) => p.lang === 'deu'));
  text('manifest.csv', 'path,lang\ndanish,nor\nenglish/a.png,eng+fra\n');
  const withManifest = await findEvalPages(root, { cwd: root, maxPixels: MAX_PIXELS, lang: 'deu', manifest: 'manifest.csv' });
  const langs = Object.fromEntries(withManifest.pages.map((p) => [p.relativePath, p.lang]));
  assert.deepEqual(langs, { 'danish/c.jpeg': 'nor', 'english/a.png': 'eng+fra', 'english/b.tiff': 'deu', 'tapuscorpus/sub/d.png': 'deu' });
});

const SCANS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpus', 'scans');
const skip = existsSync(SCANS) ? false : `corpus not found at ${SCANS} (it lives outside the repository)`;

test('the real corpus: 22 pages, all with lines.json; 2 dan, 3 fra, 17 eng', { skip }, async () => {
  const corpus = await findEvalPages(SCANS, { cwd: process.cwd(), maxPixels: MAX_PIXELS });
  assert.equal(corpus.pages.length, 22);
  assert.deepEqual(corpus.skipped, []);
  assert.ok(corpus.pages.every((p) => p.linesFile !== null && p.gtText.length > 0));
  const count = (lang: string) => corpus.pages.filter((p) => p.lang === lang).length;
  assert.deepEqual([count('dan'), count('fra'), count('eng')], [2, 3, 17]);
});
