// The export driver on a synthetic page with a real image on disk: folder layout, two
// telegrams on one page sharing its words, unplaced corrections, and refusals.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { archivalFormatsFrom } from '../../src/exports/from-store.ts';
import { correctionsFromRecord, writeArchivalExport, type ArchivalExportOptions } from '../../src/exports/index.ts';
import { createLogger } from '../../src/logger.ts';
import { NONE_RECIPE } from '../../src/preprocess/index.ts';
import type { PageResult } from '../../src/types.ts';
import { checkAlto, checkMets, checkPageXml, find, parseXml } from '../helpers/exports-checks.ts';
import { SEED_ROWS, typedPage, wordsBox } from '../fixtures/pages.ts';
import { boxedField, corrected, seedRecord } from '../fixtures/records.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const page = typedPage('seed', SEED_ROWS);
page.file = 'scans/seed.png';
const first = seedRecord(page, 'aaaaaaaaaaaaaaaa');
// A second telegram on the same page: its signature block.
const second = { ...seedRecord(page, 'bbbbbbbbbbbbbbbb'), fields: { signature: boxedField('Mao Zedong', 'Mao Zedong', 'seed', wordsBox(page, 5, 0, 1)) } };

before(async () => {
  mkdirSync(path.join(dir, 'scans'));
  await sharp({ create: { width: page.width, height: page.height, channels: 3, background: '#f4f0e8' } })
    .png()
    .toFile(path.join(dir, 'scans', 'seed.png'));
});

function options(
  to: string,
  pages: Record<string, PageResult> = { seed: page },
  formats: ArchivalExportOptions['formats'] = ['alto', 'page', 'hocr', 'mets', 'pdf'],
): ArchivalExportOptions {
  return {
    formats,
    to: path.join(dir, to),
    cwd: dir,
    loadPage: async (id) => pages[id] ?? null,
    recipe: NONE_RECIPE,
    logger: createLogger({ level: 'silent' }),
    maxPixels: 1e8,
    pdfDpi: 300,
    now: () => new Date('2026-01-02T03:04:05Z'),
  };
}

test('--format names archival formats, alone or as a list; mixing with record formats is refused', () => {
  assert.deepEqual(archivalFormatsFrom('alto'), ['alto']);
  assert.deepEqual(archivalFormatsFrom('ALTO, mets,pdf,alto'), ['alto', 'mets', 'pdf']);
  assert.equal(archivalFormatsFrom('csv'), null);
  assert.equal(archivalFormatsFrom(undefined), null);
  assert.throws(() => archivalFormatsFrom('alto,csv'), /not with csv/);
});

test('writes the folder layout; a page shared by two telegrams is written once, with the corrections of both', async () => {
  const firstFinal = corrected(first, 'to', 'Cde. Stalyn');
  const secondFinal = corrected(second, 'signature', 'Mao Tse-tung');
  const result = await writeArchivalExport(
    [
      { record: firstFinal, corrections: correctionsFromRecord(firstFinal, first) },
      { record: secondFinal, corrections: correctionsFromRecord(secondFinal, second) },
    ],
    options('both'),
  );
  assert.equal(result.records, 2);
  assert.equal(result.pages, 1);
  assert.deepEqual(result.unplaced, []);
  assert.deepEqual([...result.files].sort(), [
    'alto/seed.xml',
    'hocr/seed.hocr',
    'images/seed.png',
    'mets/aaaaaaaaaaaaaaaa.mets.xml',
    'mets/bbbbbbbbbbbbbbbb.mets.xml',
    'page/seed.xml',
    'pdf/aaaaaaaaaaaaaaaa.pdf',
    'pdf/bbbbbbbbbbbbbbbb.pdf',
    'preprocessed/seed.png',
  ]);
  const out = (f: string) => readFileSync(path.join(dir, 'both', f), 'utf8');
  assert.deepEqual(checkAlto(out('alto/seed.xml')), []);
  assert.deepEqual(checkPageXml(out('page/seed.xml')), []);
  assert.deepEqual(checkMets(out('mets/aaaaaaaaaaaaaaaa.mets.xml')), []);
  const contents = find(parseXml(out('alto/seed.xml')), 'String').map((s) => s.attrs.CONTENT);
  assert.ok(contents.includes('Stalyn') && contents.includes('Tse-tung.'), "both records' corrections on the shared page");
  // A single-page scan ships byte for byte as the master image.
  assert.deepEqual(readFileSync(path.join(dir, 'both', 'images', 'seed.png')), readFileSync(path.join(dir, 'scans', 'seed.png')));
  assert.equal(
    readFileSync(path.join(dir, 'both', 'pdf', 'aaaaaaaaaaaaaaaa.pdf'))
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
});

test('METS alone still writes the ALTO files it points to; a correction with no word under it is reported', async () => {
  const final = corrected(
    { ...first, fields: { ...first.fields, archiveRef: boxedField('[NAA]', '[NAA]', 'seed', [5, 5, 60, 30]) } },
    'archiveRef',
    '[NAA: A1838]',
  );
  const result = await writeArchivalExport([{ record: final, corrections: correctionsFromRecord(final, first) }], options('mets', { seed: page }, ['mets']));
  assert.ok(existsSync(path.join(dir, 'mets', 'alto', 'seed.xml')));
  assert.ok(!existsSync(path.join(dir, 'mets', 'pdf')));
  assert.deepEqual(result.unplaced, [{ record: first.id, field: 'archiveRef', page: 'seed' }]);
});

test('refuses when a page JSON is missing or the image no longer matches it', async () => {
  await assert.rejects(writeArchivalExport([{ record: first, corrections: [] }], options('missing', {})), /no page JSON for page seed/);
  const resized = { ...page, width: page.width + 10 };
  await assert.rejects(writeArchivalExport([{ record: first, corrections: [] }], options('changed', { seed: resized })), /changed since the run/);
});
