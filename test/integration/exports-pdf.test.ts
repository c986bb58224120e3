// The searchable PDF's invisible text layer, read back with poppler's pdftotext
// (Debian poppler-utils) as an ordinary viewer would read it, and its PDF/A-2b structure
// (test/helpers/pdfa-checks.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { applyCorrections, buildSearchablePdf, correctionsFromRecord } from '../../src/exports/index.ts';
import type { PageResult } from '../../src/types.ts';
import { SEED_ROWS, typedPage } from '../fixtures/pages.ts';
import { corrected, seedRecord } from '../fixtures/records.ts';
import { checkPdfA2b, tools as pdfaTools } from '../helpers/pdfa-checks.ts';

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
// On CI a missing tool is a failure, not a skip: .ci/run installs poppler-utils.
const skip = !hasPdftotext && !process.env.CI ? 'pdftotext not installed (apt-get install poppler-utils)' : false;

const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const page = typedPage('seed', SEED_ROWS);
const record = seedRecord(page);
const DPI = 200;

async function pdfOf(words = applyCorrections(page, []).page): Promise<string> {
  const jpeg = await sharp({ create: { width: page.width, height: page.height, channels: 3, background: '#ffffff' } })
    .toColourspace('b-w')
    .jpeg()
    .toBuffer();
  const bytes = await buildSearchablePdf([{ page: words, jpeg, dpi: DPI }], {
    title: 'test telegram',
    createdAt: new Date('2026-01-02T03:04:05Z'),
    softwareVersion: 'test',
  });
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

function pdftotext(file: string, ...args: string[]): string {
  const r = spawnSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

test('pdftotext returns the page text, word for word, in reading order', { skip }, async () => {
  const text = pdftotext(await pdfOf(), '-layout');
  assert.deepEqual(words(text), words(page.text));
});

test('each word of the text layer lies on its word in the image (within 2 px)', { skip }, async () => {
  const html = pdftotext(await pdfOf(), '-bbox');
  const boxes = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)];
  const pageWords = page.lines.flatMap((l) => l.words);
  assert.equal(boxes.length, pageWords.length);
  const px = (pt: string) => (Number(pt) * DPI) / 72;
  boxes.forEach((m, i) => {
    const w = pageWords[i]!;
    assert.equal(m[5], w.text);
    assert.ok(Math.abs(px(m[1]!) - w.bbox[0]) <= 2, `${w.text} left edge ${px(m[1]!)} vs ${w.bbox[0]}`);
    // The line box (all words of a typewritten line share it) is the font's full height.
    assert.ok(Math.abs(px(m[2]!) - w.bbox[1]) <= 2, `${w.text} top ${px(m[2]!)} vs ${w.bbox[1]}`);
    assert.ok(Math.abs(px(m[4]!) - w.bbox[3]) <= 2, `${w.text} bottom ${px(m[4]!)} vs ${w.bbox[3]}`);
    // The right edge reaches the next word (the space is part of the selection) or the word's end.
    assert.ok(px(m[3]!) >= w.bbox[2] - 2, `${w.text} right edge ${px(m[3]!)} vs ${w.bbox[2]}`);
  });
});

test("a corrected field's new text is in the text layer, the old one is not", { skip }, async () => {
  const final = corrected(record, 'to', 'Cde. Stalyn');
  const text = pdftotext(await pdfOf(applyCorrections(page, correctionsFromRecord(final, record)).page));
  assert.match(text, /To Cde\. Stalyn \(2 copies\)/);
  assert.doesNotMatch(text, /Stalin/);
});

test("the page has the image's physical size; Latin with accents, Romanian, Cyrillic and Greek text comes back as read", { skip }, async () => {
  const rows: Array<[number, number, string]> = [
    [0, 100, 'Café Győr Łódź Ærø Čeština'],
    [1, 100, 'Țară și oraș: București, ȘTEFAN'],
    [2, 100, 'Москва, Кремль — Ёлка'],
    [3, 100, 'Αθήνα, Ελλάδα: λόγος'],
    // Decomposed as some OCR output is (s + comma below): shown and copied as the one letter.
    [4, 100, 'Timișoara'],
  ];
  const multilingual = typedPage('acc', rows);
  const file = await pdfOf(applyCorrections({ ...multilingual, width: page.width, height: page.height }, []).page);
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  assert.ok(Math.abs(Number(size[1]) - (page.width * 72) / DPI) < 0.01);
  assert.ok(Math.abs(Number(size[2]) - (page.height * 72) / DPI) < 0.01);
  assert.deepEqual(
    words(pdftotext(file)),
    words(
      rows
        .map((r) => r[2])
        .join(' ')
        .replace('Timis\u0326oara', 'Timișoara'),
    ),
  );
});

test('the PDF is PDF/A-2b: embedded Unicode font, XMP identification, sRGB output intent, file identifier', {
  skip: skip || (!pdfaTools.qpdf && !process.env.CI ? 'qpdf not installed (apt-get install qpdf)' : false),
}, async () => {
  const multilingual = typedPage('pdfa', [[0, 100, 'Țară Москва Αθήνα Łódź']]);
  const file = await pdfOf(applyCorrections({ ...multilingual, width: page.width, height: page.height }, []).page);
  const { problems, preflight } = checkPdfA2b(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(preflight, [], 'PDFBox Preflight: nothing beyond what PDF/A-2 allows');
  // The same content gives the same file (the identifier and the font subset's name come from it).
  assert.deepEqual(readFileSync(file), readFileSync(await pdfOf(applyCorrections({ ...multilingual, width: page.width, height: page.height }, []).page)));
});

test('the PDF/A checks find what PDF/A forbids (so a passing check means something)', {
  skip: skip || (!pdfaTools.qpdf ? 'qpdf not installed' : false),
}, async () => {
  // An ordinary pdf-lib file: a standard font that is not embedded, no XMP, no output intent, no identifier.
  const plain = await PDFDocument.create();
  plain.setTitle('plain');
  const font = await plain.embedFont(StandardFonts.Helvetica);
  plain.addPage([200, 200]).drawText('Cafe', { font, x: 10, y: 10 });
  const file = path.join(dir, 'plain.pdf');
  writeFileSync(file, await plain.save());
  const { problems, preflight } = checkPdfA2b(file);
  for (const expected of [/no \/ID/, /no \/OutputIntents/, /no \/Metadata/, /pdfaid/, /font not embedded/]) {
    assert.ok(
      problems.some((p) => expected.test(p)),
      `${expected} in ${problems.join(' | ')}`,
    );
  }
  if (pdfaTools.preflight) assert.ok(preflight.length > 0, 'Preflight finds the plain file wanting');
});

test("a page the orientation step turned is shown upright (/Rotate) and its text layer reads along the scan's lines", { skip }, async () => {
  // The seed page scanned sideways: the scan is the upright page turned 90 degrees anticlockwise.
  const upright = typedPage('side', SEED_ROWS);
  const sideways: PageResult = {
    ...upright,
    width: upright.height,
    height: upright.width,
    lines: upright.lines.map((l) => ({
      ...l,
      bbox: toScan(l.bbox, upright.width),
      words: l.words.map((w) => ({ ...w, bbox: toScan(w.bbox, upright.width) })),
    })),
    preprocess: {
      ...upright.preprocess,
      steps: [{ step: 'orientation', params: {}, measured: { rotate: 90 }, applied: true, ms: 1 }, ...upright.preprocess.steps],
    },
  };
  const jpeg = await sharp({ create: { width: sideways.width, height: sideways.height, channels: 3, background: '#ffffff' } })
    .jpeg()
    .toBuffer();
  const bytes = await buildSearchablePdf([{ page: applyCorrections(sideways, []).page, jpeg, dpi: DPI }], {
    title: 't',
    createdAt: new Date(0),
    softwareVersion: 'test',
  });
  const file = path.join(dir, 'sideways.pdf');
  writeFileSync(file, bytes);
  assert.match(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout, /Page rot:\s+90/);
  assert.deepEqual(words(pdftotext(file, '-layout')), words(upright.text));
  // In the page as shown, each word lies on its upright box.
  const boxes = [...pdftotext(file, '-bbox').matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">/g)];
  const px = (pt: string) => (Number(pt) * DPI) / 72;
  upright.lines
    .flatMap((l) => l.words)
    .forEach((w, i) => {
      assert.ok(
        Math.abs(px(boxes[i]![1]!) - w.bbox[0]) <= 2 && Math.abs(px(boxes[i]![2]!) - w.bbox[1]) <= 2 && Math.abs(px(boxes[i]![3]!) - w.bbox[3]) <= 2,
        `${w.text}`,
      );
    });
});

/** A box of the upright page (width `uprightWidth`) in the scan that shows it turned 90 degrees anticlockwise. */
function toScan(b: [number, number, number, number], uprightWidth: number): [number, number, number, number] {
  return [b[1], uprightWidth - b[2], b[3], uprightWidth - b[0]];
}
