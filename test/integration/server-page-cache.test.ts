// The review server's page cache on real corpus scans (EHRI dataset, 300 dpi):
// decoded pages are kept within a byte budget, a page larger than the budget is
// rendered and not kept, crops are kept within their own byte budget, and a
// burst of requests for different pages decodes at most decodeConcurrency at
// once (all of them still answered).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { hashFile, pageContentHash } from '../../src/ingest/hash.ts';
import { PageImages } from '../../src/server/review/page-images.ts';
import type { StoredPage } from '../../src/store/index.ts';
import { sharedPath } from '../e2e/helpers.ts';

const FOLDER = sharedPath('corpus', 'scans', 'ehri-dataset', 'english');
const skip = existsSync(FOLDER) ? false : `no corpus scans at ${FOLDER} (the shared corpus beside the repository)`;
const OPTIONS = { maxPixels: 60_000_000, pdfDpi: 300 };

let pages: StoredPage[] = [];

before(async () => {
  if (skip) return;
  const files = readdirSync(FOLDER)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, 4);
  pages = await Promise.all(
    files.map(async (file): Promise<StoredPage> => {
      const full = path.join(FOLDER, file);
      const meta = await sharp(full).metadata();
      return {
        contentHash: pageContentHash(await hashFile(full), 1, 1),
        pageId: file,
        file,
        path: full,
        pageIndex: 0,
        pageCount: 1,
        width: meta.width!,
        height: meta.height!,
        textBox: null,
      };
    }),
  );
});

test('decoded pages stay within the byte budget; a page larger than it is not kept', { skip }, async () => {
  const probe = new PageImages({ ...OPTIONS });
  await probe.preview(pages[0]!);
  const onePage = probe.stats().pageBytes;
  assert.ok(onePage > 1_000_000, `a 300 dpi page decodes to megabytes (${onePage})`);

  const small = new PageImages({ ...OPTIONS, cacheBytes: Math.floor(onePage / 2) });
  const preview = await small.preview(pages[0]!);
  assert.equal(preview.contentType, 'image/jpeg');
  assert.deepEqual([small.stats().pages, small.stats().pageBytes], [0, 0], 'too big for the budget: rendered, not kept');

  const budget = Math.floor(onePage * 1.6);
  const bounded = new PageImages({ ...OPTIONS, cacheBytes: budget });
  for (const page of pages) await bounded.preview(page);
  const stats = bounded.stats();
  assert.ok(stats.pageBytes <= budget, `${stats.pageBytes} <= ${budget}`);
  assert.equal(stats.pages, 1, 'only the last page fits next to nothing else');
});

test('crops stay within their own byte budget', { skip }, async () => {
  const box = (i: number): [number, number, number, number] => [200 + i * 40, 300, 1400 + i * 40, 420];
  const one = (await new PageImages({ ...OPTIONS }).crop(pages[0]!, box(0))).data.length;
  const budget = Math.floor(one * 2.5);
  const images = new PageImages({ ...OPTIONS, cropCacheBytes: budget });
  for (let i = 0; i < 8; i++) await images.crop(pages[0]!, box(i));
  const stats = images.stats();
  assert.ok(stats.crops >= 1 && stats.crops < 8, `recent crops are kept, not all (${stats.crops})`);
  assert.ok(stats.cropBytes <= budget, `${stats.cropBytes} <= ${budget}`);
});

test('a burst of requests for different pages decodes at most decodeConcurrency at once, and answers them all', { skip }, async () => {
  const bounded = new PageImages({ ...OPTIONS, decodeConcurrency: 2 });
  const previews = await Promise.all(pages.map((p) => bounded.preview(p)));
  assert.equal(previews.length, pages.length);
  assert.ok(previews.every((p) => p.data.length > 1000));
  assert.equal(bounded.stats().peakDecodes, 2);
  // The same burst with room for all of them decodes them together: the bound above is what held it.
  const loose = new PageImages({ ...OPTIONS, decodeConcurrency: 64 });
  await Promise.all(pages.map((p) => loose.preview(p)));
  assert.equal(loose.stats().peakDecodes, pages.length);
});
