// Batch manifests (JSON, CSV, TSV): the batch's files and their OCR languages.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CablescanError } from '../../src/errors.ts';
import { discoverInputs, loadManifest } from '../../src/ingest/index.ts';
import { splitDelimitedLine } from '../../src/ingest/manifest.ts';
import { makeTempDir, writeJpeg, writePng, writeText } from '../fixtures/scans.ts';

const MAX_PIXELS = 50_000_000;

describe('manifest', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await writeJpeg(path.join(dir, 'batch', 'scans', 'dk1.jpg'), 40, 30, 10);
    await writeJpeg(path.join(dir, 'batch', 'scans', 'en1.jpg'), 40, 30, 20);
    await writePng(path.join(dir, 'batch', 'scans', 'fr', 'p1.png'), 40, 30, 30);
    await writePng(path.join(dir, 'batch', 'scans', 'fr', 'p2.png'), 40, 30, 40);
    await writePng(path.join(dir, 'batch', 'extra.png'), 40, 30, 50);
  });
  after(() => cleanup());

  test('a JSON manifest is the batch when no inputs are given; paths are relative to the manifest', async () => {
    await writeText(
      path.join(dir, 'batch', 'manifest.json'),
      JSON.stringify({
        defaults: { lang: 'eng' },
        files: [{ path: 'scans/dk1.jpg', lang: 'dan' }, { path: 'scans/en1.jpg' }, { path: 'scans/fr', lang: 'fra' }, { path: 'missing.jpg' }],
      }),
    );
    const result = await discoverInputs([], { cwd: dir, manifest: 'batch/manifest.json', maxPixels: MAX_PIXELS, lang: 'deu' });
    assert.deepEqual(
      result.pages.map((p) => [p.pageId, p.file, p.lang]),
      [
        ['dk1', 'batch/scans/dk1.jpg', 'dan'],
        ['en1', 'batch/scans/en1.jpg', 'eng'],
        ['p1', 'batch/scans/fr/p1.png', 'fra'],
        ['p2', 'batch/scans/fr/p2.png', 'fra'],
      ],
    );
    assert.deepEqual(
      result.failures.map((f) => [f.file, f.code]),
      [['batch/missing.jpg', 'CS_ERR_INPUT_NOT_FOUND']],
    );
  });

  test('with inputs given, a CSV manifest only supplies languages; the most specific entry wins', async () => {
    await writeText(path.join(dir, 'batch', 'langs.csv'), 'path,lang\n# the Danish report\nscans/dk1.jpg,dan\nscans,eng+fra\n"scans/fr/p2.png",fra\n');
    const result = await discoverInputs(['batch/scans', 'batch/extra.png'], { cwd: dir, manifest: 'batch/langs.csv', maxPixels: MAX_PIXELS, lang: 'deu' });
    assert.deepEqual(
      result.pages.map((p) => [p.file, p.lang]),
      [
        ['batch/scans/dk1.jpg', 'dan'],
        ['batch/scans/en1.jpg', 'eng+fra'],
        ['batch/scans/fr/p1.png', 'eng+fra'],
        ['batch/scans/fr/p2.png', 'fra'],
        ['batch/extra.png', 'deu'],
      ],
      'extra.png is not in the manifest, which has no defaults: the run language applies',
    );
  });

  test('a TSV manifest with the columns in another order', async () => {
    await writeText(path.join(dir, 'batch', 'langs.tsv'), 'lang\tpath\ndan\tscans/dk1.jpg\n\tscans/en1.jpg\n');
    const manifest = await loadManifest('batch/langs.tsv', dir);
    assert.deepEqual(
      manifest.entries.map((e) => [e.file, e.absolutePath, e.lang]),
      [
        ['batch/scans/dk1.jpg', path.join(dir, 'batch', 'scans', 'dk1.jpg'), 'dan'],
        ['batch/scans/en1.jpg', path.join(dir, 'batch', 'scans', 'en1.jpg'), undefined],
      ],
    );
    const result = await discoverInputs([], { cwd: dir, manifest: 'batch/langs.tsv', maxPixels: MAX_PIXELS, lang: 'eng' });
    assert.deepEqual(
      result.pages.map((p) => p.lang),
      ['dan', 'eng'],
    );
  });

  const invalidCases: Array<[string, string, string, RegExp]> = [
    ['bad-lang.json', 'JSON', JSON.stringify({ files: [{ path: 'a.jpg', lang: 'english!' }] }), /files\.0\.lang/],
    ['unknown-key.json', 'JSON', JSON.stringify({ files: [], language: 'eng' }), /language/],
    ['broken.json', 'JSON', '{ "files": [', /not valid JSON/],
    ['no-path.csv', 'CSV', 'file,lang\na.jpg,eng\n', /"path" column/],
    ['empty-path.csv', 'CSV', 'path,lang\n,eng\n', /line 2: empty path/],
  ];
  for (const [name, kind, content, reason] of invalidCases) {
    test(`an invalid ${kind} manifest (${name}) is CS_ERR_CONFIG_INVALID naming the manifest`, async () => {
      await writeText(path.join(dir, 'bad', name), content);
      await assert.rejects(discoverInputs([], { cwd: dir, manifest: `bad/${name}`, maxPixels: MAX_PIXELS }), (err: unknown) => {
        assert.ok(err instanceof CablescanError);
        assert.equal(err.code, 'CS_ERR_CONFIG_INVALID');
        assert.equal(err.file, `bad/${name}`);
        assert.match(err.message, new RegExp(`^manifest bad/${name.replace('.', '\\.')}: `));
        assert.match(err.message, reason);
        return true;
      });
    });
  }

  test('a missing manifest is CS_ERR_CONFIG_INVALID', async () => {
    await assert.rejects(discoverInputs([], { cwd: dir, manifest: 'nope.json', maxPixels: MAX_PIXELS }), { code: 'CS_ERR_CONFIG_INVALID' });
  });

  test('CSV fields: quotes, doubled quotes, delimiters inside quotes', () => {
    assert.deepEqual(splitDelimitedLine('"a, b.jpg",eng', ','), ['a, b.jpg', 'eng']);
    assert.deepEqual(splitDelimitedLine('"say ""hi"".png", fra ', ','), ['say "hi".png', 'fra']);
    assert.deepEqual(splitDelimitedLine('x.png\t\tdan', '\t'), ['x.png', '', 'dan']);
  });
});
