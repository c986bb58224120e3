// discoverInputs: folders, globs, explicit files, the pageId rules of DESIGN.md,
// content hashes and document keys.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { discoverInputs } from '../../src/ingest/index.ts';
import { createLogger } from '../../src/logger.ts';
import { makeTempDir, writeJpeg, writeMultiPageTiff, writePdf, writePng, writeText } from '../fixtures/scans.ts';

const MAX_PIXELS = 50_000_000;
const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('discoverInputs on a folder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const scans = path.join(dir, 'scans');
    await writeJpeg(path.join(scans, 'page10.jpg'), 40, 30, 10);
    await writeJpeg(path.join(scans, 'page2.JPG'), 40, 30, 20);
    await writePng(path.join(scans, 'page1.png'), 40, 30, 30);
    await writeMultiPageTiff(path.join(scans, 'box12', 'bundle.tif'), [40, 80]);
    await writePng(path.join(scans, 'box12', 'sub', '0042.png'), 40, 30, 50);
    await writePdf(path.join(scans, 'box3', 'cables.pdf'), ['CABLE ONE', 'CABLE TWO']);
    await writeText(path.join(scans, 'page1.xml'), '<alto/>');
    await writeText(path.join(scans, 'notes.txt'), 'notes');
    await writeText(path.join(scans, 'box12', 'lines.json'), '{}');
    await writeText(path.join(scans, 'README'), 'no extension');
    await writePng(path.join(scans, '.hidden.png'), 40, 30, 60);
    await writePng(path.join(scans, '.thumbs', 'x.png'), 40, 30, 70);
  });
  after(() => cleanup());

  test('takes images by extension, recursively, in natural order; lists the rest as skipped', async () => {
    const logLines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream });
    const result = await discoverInputs(['scans'], { cwd: dir, maxPixels: MAX_PIXELS, logger });
    assert.deepEqual(result.failures, []);
    const summary = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'inputs discovered');
    assert.deepEqual([summary?.pages, summary?.failures, summary?.skipped], [8, 0, 4]);
    assert.deepEqual(
      result.pages.map((p) => p.pageId),
      ['box3__cables-p1', 'box3__cables-p2', 'box12__bundle-p1', 'box12__bundle-p2', 'box12__sub__0042', 'page1', 'page2', 'page10'],
    );
    assert.deepEqual(
      result.pages.map((p) => p.file),
      [
        'scans/box3/cables.pdf',
        'scans/box3/cables.pdf',
        'scans/box12/bundle.tif',
        'scans/box12/bundle.tif',
        'scans/box12/sub/0042.png',
        'scans/page1.png',
        'scans/page2.JPG',
        'scans/page10.jpg',
      ],
    );
    assert.deepEqual(result.skipped.map((s) => s.file).sort(), ['scans/README', 'scans/box12/lines.json', 'scans/notes.txt', 'scans/page1.xml']);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.file, s.reason]));
    assert.match(reasons['scans/page1.xml'], /\.xml/);
    assert.match(reasons['scans/README'], /no extension/);
    // Hidden files and folders are neither pages nor skipped entries.
    assert.ok(!JSON.stringify(result).includes('hidden') && !JSON.stringify(result).includes('thumbs'));
  });

  test('records format, page index and count, absolute path', async () => {
    const { pages } = await discoverInputs(['scans'], { cwd: dir, maxPixels: MAX_PIXELS });
    const byId = Object.fromEntries(pages.map((p) => [p.pageId, p]));
    assert.equal(byId['box3__cables-p2'].format, 'pdf');
    assert.equal(byId['box3__cables-p2'].pageIndex, 1);
    assert.equal(byId['box3__cables-p2'].pageCount, 2);
    assert.equal(byId['box12__bundle-p1'].format, 'tiff');
    assert.equal(byId['page2'].format, 'jpeg');
    assert.equal(byId['page1'].format, 'png');
    assert.equal(byId['page1'].pageCount, 1);
    assert.equal(byId['page1'].path, path.join(dir, 'scans', 'page1.png'));
  });

  test('content hashes: the file hash for single pages, sha256("<fileHash>:<N>") for page N of a multi-page file', async () => {
    const { pages } = await discoverInputs(['scans'], { cwd: dir, maxPixels: MAX_PIXELS });
    const byId = Object.fromEntries(pages.map((p) => [p.pageId, p]));
    assert.equal(byId['page10'].contentHash, await sha256(path.join(dir, 'scans', 'page10.jpg')));
    const tiffHash = await sha256(path.join(dir, 'scans', 'box12', 'bundle.tif'));
    assert.equal(byId['box12__bundle-p2'].contentHash, createHash('sha256').update(`${tiffHash}:2`).digest('hex'));
    const hashes = pages.map((p) => p.contentHash);
    assert.equal(new Set(hashes).size, hashes.length, 'every page has its own hash');
    assert.ok(hashes.every((h) => /^[0-9a-f]{64}$/.test(h)));
  });

  test('sequence keys follow --documents: a folder (auto, folder), a file (file), a page (page)', async () => {
    const keys = async (documents?: 'auto' | 'file' | 'folder' | 'page') => {
      const { pages } = await discoverInputs(['scans'], { cwd: dir, maxPixels: MAX_PIXELS, documents });
      return Object.fromEntries(pages.map((p) => [p.pageId, p.documentKey]));
    };
    const auto = await keys();
    // auto: every file of a folder, multi-page or not, is one sequence the grouping stage decides over.
    assert.equal(auto['box3__cables-p1'], `dir:${path.join(dir, 'scans', 'box3')}`);
    assert.equal(auto['box3__cables-p1'], auto['box3__cables-p2']);
    assert.equal(auto['page1'], `dir:${path.join(dir, 'scans')}`);
    assert.equal(auto['page1'], auto['page10']);
    assert.equal(auto['box12__sub__0042'], `dir:${path.join(dir, 'scans', 'box12', 'sub')}`);
    assert.deepEqual(await keys('auto'), auto);

    const file = await keys('file');
    assert.equal(file['box3__cables-p1'], `file:${path.join(dir, 'scans', 'box3', 'cables.pdf')}`);
    assert.equal(file['box3__cables-p1'], file['box3__cables-p2']);
    assert.notEqual(file['page1'], file['page10']);

    const folder = await keys('folder');
    assert.equal(folder['page1'], `folder:${path.join(dir, 'scans')}`);
    assert.equal(folder['box3__cables-p1'], folder['box3__cables-p2']);

    const page = await keys('page');
    assert.notEqual(page['box3__cables-p1'], page['box3__cables-p2']);
    assert.equal(new Set(Object.values(page)).size, Object.keys(page).length, 'one sequence per page');
  });

  test('explicit files get their base name; a second input with the same id gets ~2, ~3', async () => {
    await writePng(path.join(dir, 'other', 'page1.png'), 40, 30, 90);
    await writePng(path.join(dir, 'third', 'page1.tif.png'), 40, 30, 95);
    const result = await discoverInputs(['scans/page1.png', 'other/page1.png', path.join(dir, 'other'), 'third'], {
      cwd: dir,
      maxPixels: MAX_PIXELS,
    });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(
      result.pages.map((p) => [p.pageId, p.file]),
      [
        ['page1', 'scans/page1.png'],
        ['page1~2', 'other/page1.png'],
        ['page1.tif', 'third/page1.tif.png'],
      ],
    );
    // The folder `other` only held other/page1.png, which was already named: read once, listed as skipped.
    assert.deepEqual(result.skipped, [{ file: path.join(dir, 'other', 'page1.png'), reason: 'already included as other/page1.png' }]);
  });

  test('three inputs with one id: ~2 then ~3, in input order', async () => {
    await writePng(path.join(dir, 'a', 'x.png'), 40, 30, 1);
    await writePng(path.join(dir, 'b', 'x.png'), 40, 30, 2);
    await writePng(path.join(dir, 'c', 'x.jpg'), 40, 30, 3);
    const { pages } = await discoverInputs(['c/x.jpg', 'a/x.png', 'b/x.png'], { cwd: dir, maxPixels: MAX_PIXELS });
    assert.deepEqual(
      pages.map((p) => `${p.pageId}=${p.file}`),
      ['x=c/x.jpg', 'x~2=a/x.png', 'x~3=b/x.png'],
    );
  });

  test('glob patterns: matches named relative to the static base, non-images skipped', async () => {
    const result = await discoverInputs(['scans/**/*.{png,tif,xml}'], { cwd: dir, maxPixels: MAX_PIXELS });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(
      result.pages.map((p) => [p.pageId, p.file]),
      [
        ['box12__bundle-p1', 'scans/box12/bundle.tif'],
        ['box12__bundle-p2', 'scans/box12/bundle.tif'],
        ['box12__sub__0042', 'scans/box12/sub/0042.png'],
        ['page1', 'scans/page1.png'],
      ],
    );
    assert.deepEqual(
      result.skipped.map((s) => s.file),
      ['scans/page1.xml'],
    );
  });

  test('a glob with an absolute path and a flat pattern', async () => {
    const result = await discoverInputs([path.join(dir, 'scans', 'page*.jpg'), path.join(dir, 'scans', 'page?.png')], {
      cwd: '/',
      maxPixels: MAX_PIXELS,
    });
    assert.deepEqual(
      result.pages.map((p) => [p.pageId, p.file]),
      [
        ['page10', path.join(dir, 'scans', 'page10.jpg')],
        ['page1', path.join(dir, 'scans', 'page1.png')],
      ],
    );
  });

  test('a path that does not exist and a glob that matches nothing are failures; the rest goes on', async () => {
    const result = await discoverInputs(['missing.png', 'scans/page1.png', 'nowhere/*.jpg'], { cwd: dir, maxPixels: MAX_PIXELS });
    assert.deepEqual(
      result.pages.map((p) => p.pageId),
      ['page1'],
    );
    assert.deepEqual(
      result.failures.map((f) => [f.file, f.code, f.stage]),
      [
        ['missing.png', 'CS_ERR_INPUT_NOT_FOUND', 'ingest'],
        ['nowhere/*.jpg', 'CS_ERR_INPUT_NOT_FOUND', 'ingest'],
      ],
    );
    assert.match(result.failures[0].message, /missing\.png: no such file or folder/);
    assert.match(result.failures[1].message, /no files match/);
  });

  test('lang comes from options.lang when there is no manifest', async () => {
    const { pages } = await discoverInputs(['scans/page1.png'], { cwd: dir, maxPixels: MAX_PIXELS, lang: 'eng+fra' });
    assert.equal(pages[0].lang, 'eng+fra');
    const { pages: noLang } = await discoverInputs(['scans/page1.png'], { cwd: dir, maxPixels: MAX_PIXELS });
    assert.equal(noLang[0].lang, undefined);
  });
});
