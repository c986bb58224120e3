// Discovery on the real evaluation corpus (../shared/corpus/scans, outside the
// repo): the 22 scans are pages, the ground-truth and licence files beside them
// are skipped, not failed. Skips when the corpus is absent (a fresh clone).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { discoverInputs, loadPageImage } from '../../src/ingest/index.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCANS = path.resolve(REPO, '..', 'shared', 'corpus', 'scans');
const skip = existsSync(SCANS) ? false : `corpus not found at ${SCANS} (it lives outside the repository)`;

test('corpus scans: 22 JPEG pages, every other file skipped with its extension, none failed', { skip }, async () => {
  const result = await discoverInputs(['../shared/corpus/scans'], { cwd: REPO, maxPixels: 200_000_000, lang: 'eng' });
  assert.deepEqual(result.failures, []);
  assert.equal(result.pages.length, 22);
  assert.ok(result.pages.every((p) => p.format === 'jpeg' && p.pageCount === 1 && p.file.startsWith('../shared/corpus/scans/')));
  assert.equal(new Set(result.pages.map((p) => p.contentHash)).size, 22);
  // Nested folders become "__" in pageIds, in natural order.
  assert.deepEqual(
    result.pages.slice(0, 3).map((p) => p.pageId),
    ['ehri-dataset__danish__EHRI-DR-19410127-DK_01', 'ehri-dataset__danish__EHRI-DR-19410127-DK_02', 'ehri-dataset__english__EHRI-BF-19380509b_EN_01'],
  );
  assert.equal(result.pages[21].pageId, 'tapuscorpus__catalogue1962_FRAN_0011_11082');
  // One document sequence per folder of single-page scans.
  assert.equal(new Set(result.pages.map((p) => p.documentKey)).size, 3);

  const skippedExtensions = new Set(result.skipped.map((s) => path.extname(s.file)));
  for (const ext of ['.xml', '.txt', '.json', '.md', '.tsv', '.yml']) assert.ok(skippedExtensions.has(ext), `${ext} files are listed as skipped`);
  assert.equal(result.skipped.filter((s) => s.file.endsWith('.xml')).length, 22);
  assert.ok(result.skipped.every((s) => !/\.jpe?g$/i.test(s.file)));
});

test('corpus scans: a greyscale 300 dpi scan loads as one channel with its density', { skip }, async () => {
  const { pages } = await discoverInputs(['../shared/corpus/scans/ehri-dataset/english/EHRI-DR-19390125-US_01.jpg'], {
    cwd: REPO,
    maxPixels: 200_000_000,
  });
  const { image, density } = await loadPageImage(pages[0], { maxPixels: 200_000_000, pdfDpi: 300 });
  assert.deepEqual([image.width, image.height, image.channels], [2178, 3279, 1]);
  assert.equal(density, 300);
});
