// Archival exports on the sample scans, end to end: `run --emit alto,pdf`, a reviewer's
// corrections in the store (one in Latin letters, and Cyrillic, Romanian and Greek ones),
// then `cablescan export --format alto,page,hocr,mets,pdf`. Every XML file is validated
// against the official schemas with xmllint (../shared/schemas: ALTO 4.4, PAGE 2019,
// METS 1.12 with MODS 3.7) and checked for what the schemas cannot say
// (test/helpers/exports-checks.ts); every PDF is checked as PDF/A-2b (test/helpers/pdfa-checks.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ReviewStore } from '../../src/store/index.ts';
import type { PageResult, TelegramRecord } from '../../src/types.ts';
import { correctedPrintedText } from '../../src/exports/index.ts';
import { checkAlto, checkHocr, checkMets, checkPageXml, find, parseXml } from '../helpers/exports-checks.ts';
import { checkPdfA2b, tools as pdfaTools } from '../helpers/pdfa-checks.ts';
import { cer, readRecords, runCli, sharedPath, type CliResult } from './helpers.ts';

const tool = (name: string, arg: string) => spawnSync(name, [arg]).error === undefined;
const tools = tool('pdftotext', '-v') && tool('xmllint', '--version');
// On CI a missing tool is a failure: .ci/run installs poppler-utils and libxml2-utils.
const skip = !tools && !process.env.CI ? 'pdftotext/xmllint not installed (apt-get install poppler-utils libxml2-utils)' : false;

const SCHEMAS = sharedPath('schemas');
const schemaSkip = existsSync(path.join(SCHEMAS, 'alto-4-4.xsd')) ? false : `no official schemas at ${SCHEMAS} (the shared folder beside the repository)`;
// A reviewer's corrections beyond Latin-1: Cyrillic, Romanian (comma-below letters) and Greek.
const CORRECTIONS: Record<string, string> = { to: 'Cde. Stalyn', addressee: 'Тов. Филиппов [Сталин]', signature: 'Ștefan Țurcanu', place: 'Πεκίνο' };

const work = mkdtempSync(path.join(os.tmpdir(), 'cablescan-exports-'));
const out = path.join(work, 'out');
const dest = path.join(work, 'archive');
let run: CliResult;
let exported: CliResult;
let seed: TelegramRecord;
let records: TelegramRecord[];

const pageJson = (pageId: string): PageResult => JSON.parse(readFileSync(path.join(out, 'pages', `${pageId}.json`), 'utf8')) as PageResult;
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : []);

before(async () => {
  if (skip) return;
  run = await runCli([
    'run',
    'samples/seed-21340.png',
    'samples/cipher-07-two-pages.tif',
    '--out',
    out,
    '--emit',
    'alto,pdf',
    '--no-progress',
    '--log-level',
    'warn',
  ]);
  records = readRecords(out);
  seed = records.find((r) => r.source.pages[0] === 'seed-21340')!;
  // A reviewer corrects the recipient and three more fields, as the review UI would.
  const store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  try {
    for (const [name, value] of Object.entries(CORRECTIONS)) {
      const field = (await store.getRecord(seed.id))!.fields.find((f) => f.name === name)!;
      const outcome = await store.review(field.id, { action: 'correct', value, version: field.version, reviewer: 'e2e' });
      assert.ok(outcome.ok, JSON.stringify(outcome));
    }
  } finally {
    await store.close();
  }
  exported = await runCli(['export', dest, '--format', 'alto,page,hocr,mets,pdf', '--out', out, '--log-level', 'warn']);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('run --emit alto,pdf writes ALTO per page and a searchable PDF per telegram as documents finish', { skip }, () => {
  assert.equal(run.code, 0, run.stderr);
  const alto = files(path.join(out, 'exports', 'alto'))
    .map((f) => path.basename(f))
    .sort();
  assert.deepEqual(alto, ['cipher-07-two-pages-p1.xml', 'cipher-07-two-pages-p2.xml', 'seed-21340.xml']);
  const pdfs = files(path.join(out, 'exports', 'pdf'))
    .map((f) => path.basename(f, '.pdf'))
    .sort();
  assert.deepEqual(pdfs, records.map((r) => r.id).sort());
  for (const f of files(path.join(out, 'exports', 'alto'))) assert.deepEqual(checkAlto(readFileSync(f, 'utf8')), [], f);
});

test('export writes every format; every ALTO, PAGE, METS and hOCR file is well-formed (xmllint) and meets its schema', { skip }, () => {
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /exported/);
  const checks: Record<string, (xml: string) => string[]> = {
    alto: checkAlto,
    page: checkPageXml,
    mets: checkMets,
    hocr: (xml) => checkHocr(xml).problems,
  };
  for (const [dir, check] of Object.entries(checks)) {
    const list = files(path.join(dest, dir));
    assert.ok(list.length >= (dir === 'mets' ? records.length : 3), `${dir}: ${list.length} files`);
    for (const f of list) {
      const lint = spawnSync('xmllint', ['--noout', '--nonet', f], { encoding: 'utf8' });
      assert.equal(lint.status, 0, `${f}: ${lint.stderr}`);
      assert.deepEqual(check(readFileSync(f, 'utf8')), [], f);
    }
  }
});

test('every ALTO, PAGE and METS file validates against the official schema (xmllint --schema)', { skip: skip || schemaSkip }, () => {
  const schemas: Record<string, string> = { alto: 'alto-4-4.xsd', page: 'pagecontent-2019.xsd', mets: 'mets-mods.xsd' };
  for (const [dir, xsd] of Object.entries(schemas)) {
    const list = [...files(path.join(dest, dir)), ...(dir === 'alto' ? files(path.join(out, 'exports', 'alto')) : [])];
    assert.ok(list.length > 0, dir);
    const lint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', path.join(SCHEMAS, xsd), ...list], { encoding: 'utf8' });
    assert.equal(lint.status, 0, `${dir}: ${lint.stderr}`);
    assert.equal(lint.stderr.match(/ validates$/gm)?.length, list.length, lint.stderr);
  }
});

test("ALTO and hOCR word boxes are the page JSON's words, within 2 px", { skip }, () => {
  for (const pageId of ['seed-21340', 'cipher-07-two-pages-p1', 'cipher-07-two-pages-p2']) {
    const words = pageJson(pageId).lines.flatMap((l) => l.words);
    const strings = find(parseXml(readFileSync(path.join(dest, 'alto', `${pageId}.xml`), 'utf8')), 'String');
    const hocr = checkHocr(readFileSync(path.join(dest, 'hocr', `${pageId}.hocr`), 'utf8')).words;
    assert.equal(strings.length, words.length, pageId);
    assert.equal(hocr.length, words.length, pageId);
    words.forEach((w, i) => {
      const s = strings[i]!;
      const alto = [Number(s.attrs.HPOS), Number(s.attrs.VPOS), Number(s.attrs.HPOS) + Number(s.attrs.WIDTH), Number(s.attrs.VPOS) + Number(s.attrs.HEIGHT)];
      for (let k = 0; k < 4; k++) {
        assert.ok(Math.abs(alto[k]! - w.bbox[k]!) <= 2, `${pageId} ALTO ${s.attrs.CONTENT} ${alto} vs ${w.bbox}`);
        assert.ok(Math.abs(hocr[i]!.bbox[k]! - w.bbox[k]!) <= 2, `${pageId} hOCR ${hocr[i]!.text} ${hocr[i]!.bbox} vs ${w.bbox}`);
      }
    });
  }
});

test("the corrected field's new text is in ALTO (OCR reading kept as ALTERNATIVE) and in the PDF text layer", { skip }, () => {
  const strings = find(parseXml(readFileSync(path.join(dest, 'alto', 'seed-21340.xml'), 'utf8')), 'String');
  const word = strings.find((s) => s.attrs.CONTENT === 'Stalyn');
  assert.ok(word, 'corrected word in ALTO');
  assert.equal(word.attrs.CS, 'true');
  assert.equal(find(word, 'ALTERNATIVE')[0]?.text, 'Stalin');
  const text = spawnSync('pdftotext', [path.join(dest, 'pdf', `${seed.id}.pdf`), '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /To Cde\. Stalyn/);
  // The METS descriptive metadata carries the reviewed value too.
  const mets = readFileSync(path.join(dest, 'mets', `${seed.id}.mets.xml`), 'utf8');
  assert.ok(find(parseXml(mets), 'mods:namePart').some((n) => n.text === 'Cde. Stalyn'));
});

test("pdftotext on each searchable PDF returns its pages' text, with the reviewed text in Cyrillic, Romanian and Greek", { skip }, () => {
  const squash = (t: string) => t.replace(/\s+/g, ' ').trim();
  for (const record of records) {
    const pdf = path.join(dest, 'pdf', `${record.id}.pdf`);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    let expected = squash(record.source.pages.map((p) => pageJson(p).text).join('\n'));
    if (record.id === seed.id) {
      for (const [name, value] of Object.entries(CORRECTIONS)) {
        const f = seed.fields[name]!;
        expected = expected.replace(
          squash(f.text),
          correctedPrintedText({ field: name, page: f.page!, bbox: f.bbox!, value, originalText: f.text, originalValue: f.value }),
        );
      }
      for (const value of Object.values(CORRECTIONS)) assert.ok(squash(text).includes(value), `"${value}" in the text layer`);
    }
    const rate = cer(text, expected);
    assert.ok(rate < 0.02, `${record.id}: CER ${rate.toFixed(3)} between pdftotext and the page text`);
  }
});

test('every exported PDF is PDF/A-2b', { skip: skip || (!pdfaTools.qpdf && !process.env.CI ? 'qpdf not installed (apt-get install qpdf)' : false) }, () => {
  const pdfs = [...files(path.join(dest, 'pdf')), ...files(path.join(out, 'exports', 'pdf'))];
  assert.ok(pdfs.length >= 2 * records.length);
  for (const pdf of pdfs) assert.deepEqual(checkPdfA2b(pdf), { problems: [], preflight: [] }, pdf);
});

test('METS points at files that exist, with their SHA-256 checksums', { skip }, () => {
  for (const f of files(path.join(dest, 'mets'))) {
    const root = parseXml(readFileSync(f, 'utf8'));
    for (const file of find(root, 'mets:file')) {
      const href = find(file, 'mets:FLocat')[0]!.attrs['xlink:href']!;
      const target = path.resolve(path.dirname(f), href);
      assert.ok(existsSync(target), `${href} from ${path.basename(f)}`);
      assert.equal(createHash('sha256').update(readFileSync(target)).digest('hex'), file.attrs.CHECKSUM, href);
    }
  }
});

test('export takes --to instead of the argument, and refuses mixing archival and record formats', { skip }, async () => {
  const to = path.join(work, 'mets-only');
  const ok = await runCli(['export', '--to', to, '--format', 'mets', '--out', out, '--log-level', 'warn']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(files(path.join(to, 'mets')).length, records.length);
  const mixed = await runCli(['export', '--to', to, '--format', 'alto,csv', '--out', out]);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /not with csv/);
});
