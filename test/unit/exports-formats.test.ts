// The export format registry: the config's choices and options, the CLI's help and the writers
// all come from the descriptors in src/exports/formats/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.ts';
import { ARCHIVAL_FORMAT_NAMES, ARCHIVAL_FORMATS, FORMATS, RECORDS_FORMAT_NAMES, recordsFormat, withNeeds } from '../../src/exports/formats/index.ts';
import { writeArchivalExport } from '../../src/exports/index.ts';
import { writeExport } from '../../src/exports/records/index.ts';
import { createLogger } from '../../src/logger.ts';
import { NONE_RECIPE } from '../../src/preprocess/index.ts';
import { SEED_ROWS, typedPage } from '../fixtures/pages.ts';
import { seedRecord } from '../fixtures/records.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('every format has a unique name, a summary and an options schema whose defaults parse from nothing', () => {
  const names = FORMATS.map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(RECORDS_FORMAT_NAMES, ['json', 'jsonl', 'csv']);
  assert.deepEqual(ARCHIVAL_FORMAT_NAMES, ['alto', 'page', 'hocr', 'pdf', 'mets']);
  for (const f of FORMATS) {
    assert.ok(f.summary.length > 10, `${f.name} has a summary`);
    assert.doesNotThrow(() => f.options.parse({}), `${f.name}'s options all have defaults`);
  }
  // A format that refers to others' files is written after them.
  for (const f of ARCHIVAL_FORMATS) for (const need of f.needs ?? []) assert.ok(ARCHIVAL_FORMAT_NAMES.indexOf(need) < ARCHIVAL_FORMAT_NAMES.indexOf(f.name));
  assert.deepEqual(
    withNeeds(['mets']).map((f) => f.name),
    ['alto', 'mets'],
  );
  assert.equal(recordsFormat('csv')?.extension, 'csv');
});

test("the config's emit choices and export options are the registry's", () => {
  assert.deepEqual(loadConfig({ env: {}, flags: { emit: ['mets', 'pdf'] } }).emit, ['mets', 'pdf']);
  assert.throws(() => loadConfig({ env: {}, flags: { emit: ['docx'] } }), /emit/);
  assert.deepEqual(loadConfig({ env: {}, flags: { exportOptions: { pdf: { imageQuality: 40 } } } }).exportOptions, { pdf: { imageQuality: 40 } });
  assert.throws(() => loadConfig({ env: {}, flags: { exportOptions: { pdf: { imageQuality: 0 } } } }), /exportOptions\.pdf\.imageQuality/);
  assert.throws(() => loadConfig({ env: {}, flags: { exportOptions: { docx: {} } } }), /exportOptions/);
});

test("the command line offers the registry's formats", () => {
  const help = (args: string[]) =>
    spawnSync(process.execPath, [path.join(REPO, 'bin', 'cablescan.js'), ...args, '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  const exportHelp = help(['export']);
  assert.match(exportHelp, new RegExp(`json, jsonl or csv, or archival formats, comma-separated: ${ARCHIVAL_FORMAT_NAMES.join(',')}`));
  assert.match(help(['run']), new RegExp(`--emit <formats>.*${ARCHIVAL_FORMAT_NAMES.join(',')}`));
});

test('a format gets its own options: the PDF at a lower image quality is smaller', async () => {
  const page = typedPage('seed', SEED_ROWS);
  page.file = 'seed.png';
  // A page with grain, so the JPEG quality shows in the size.
  const noise = Buffer.alloc(page.width * page.height, 0).map(() => 200 + Math.floor(Math.random() * 55));
  await sharp(noise, { raw: { width: page.width, height: page.height, channels: 1 } })
    .png()
    .toFile(path.join(dir, 'seed.png'));
  const pdfSize = async (to: string, exportOptions?: Record<string, unknown>) => {
    await writeArchivalExport([{ record: seedRecord(page, 'aaaaaaaaaaaaaaaa'), corrections: [] }], {
      formats: ['pdf'],
      exportOptions,
      to: path.join(dir, to),
      cwd: dir,
      loadPage: async () => page,
      recipe: NONE_RECIPE,
      logger: createLogger({ level: 'silent' }),
      maxPixels: 1e8,
      pdfDpi: 300,
    });
    return statSync(path.join(dir, to, 'pdf', 'aaaaaaaaaaaaaaaa.pdf')).size;
  };
  const standard = await pdfSize('default');
  const low = await pdfSize('low', { pdf: { imageQuality: 10 } });
  assert.ok(low < standard * 0.8, `quality 10: ${low} bytes, default (80): ${standard} bytes`);
});

test('a records format writes to the file named, or into a folder as records.<extension>; an unknown one is refused', async () => {
  const page = typedPage('seed', SEED_ROWS);
  const records = () => [seedRecord(page, 'aaaaaaaaaaaaaaaa')];
  const file = await writeExport(records, { format: 'jsonl', to: path.join(dir, 'out.jsonl') });
  assert.equal(file.records, 1);
  assert.equal(JSON.parse(readFileSync(file.path, 'utf8')).id, 'aaaaaaaaaaaaaaaa');
  const folder = await writeExport(records, { format: 'csv', to: `${path.join(dir, 'csv-folder')}/` });
  assert.equal(folder.path, path.join(dir, 'csv-folder', 'records.csv'));
  await assert.rejects(writeExport(records, { format: 'docx', to: path.join(dir, 'x.docx') }), /no records format "docx"/);
});
