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
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.gt.txt'))
    .map((f) => path.join(dir, f));
}

function words(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 2);
}

test('reads all 22 corpus pages, each in its language, and skips the files beside them', { skip, timeout: 900_000 }, async () => {
  const result = await runCli([
    'run',
    '--manifest',
    'docs/corpus-manifest.json',
    '--allow-outside-inputs',
    '--tessdata',
    TESSDATA,
    '--out',
    out,
    '--no-progress',
    '--log-level',
    'warn',
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

interface CorpusDocument {
  id: string;
  kind: string;
  pages: string[];
  fields?: Record<string, string>;
}

interface RecordLike {
  kind?: string;
  source: { pages: string[] };
  fields: Record<string, { value: string | number | null; status: string }>;
  grouping?: { status: string };
}

function readRecords(): RecordLike[] {
  const dir = path.join(out, 'records');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as RecordLike);
}

const DOCUMENTS = path.resolve(CORPUS, '..', 'documents.json');
const documents = (): CorpusDocument[] => (JSON.parse(readFileSync(DOCUMENTS, 'utf8')) as { documents: CorpusDocument[] }).documents;
const pageIdOf = (p: string): string => path.basename(p);

test('every real document is one record holding exactly its pages, read as what it is (no telegram among them)', { skip }, () => {
  const records = readRecords();
  for (const doc of documents()) {
    const pages = doc.pages.map(pageIdOf);
    const record = records.find((r) => r.source.pages[0] === pages[0]);
    assert.ok(record, `${doc.id}: no record starts at ${pages[0]}`);
    assert.deepEqual(record.source.pages, pages, `${doc.id}: the record's pages`);
    assert.notEqual(record.kind, 'telegram', `${doc.id} (${doc.kind}) is no telegram`);
    if (['despatch', 'letter', 'report'].includes(doc.kind)) assert.equal(record.kind, doc.kind, `${doc.id}: kind`);
  }
  assert.equal(records.length, documents().length, 'no record besides them');
});

test('the header fields documents.json gives are read right: accepted only when right', { skip }, () => {
  const records = readRecords();
  for (const doc of documents()) {
    const record = records.find((r) => r.source.pages[0] === pageIdOf(doc.pages[0]!))!;
    for (const [name, expected] of Object.entries(doc.fields ?? {})) {
      const field = record.fields[name];
      const right = field !== undefined && String(field.value) === expected;
      if (field?.status === 'accepted') assert.ok(right, `${doc.id} ${name}: "${field.value}" accepted, expected "${expected}"`);
      // The US despatches' fields and the Danish despatch's date and place must be right (accepted or in review).
      const mustBeRight = doc.id.endsWith('-US') || (doc.id.endsWith('-DK') && ['date', 'place'].includes(name));
      if (mustBeRight) assert.ok(right, `${doc.id} ${name}: "${field?.value}" (${field?.status}), expected "${expected}"`);
    }
  }
});

test("no field value is a catchword (the lone word at a page foot that repeats the next page's first word)", { skip }, () => {
  const catchwords = new Set<string>();
  for (const doc of documents()) {
    for (let i = 0; i + 1 < doc.pages.length; i++) {
      const gt = (p: string) =>
        readFileSync(path.join(CORPUS, `${p}.gt.txt`), 'utf8')
          .trim()
          .split('\n');
      const last = gt(doc.pages[i]!).at(-1)!.trim();
      const next = gt(doc.pages[i + 1]!)
        .find((l) => !/^[-–\s\d]*$/.test(l))
        ?.trim()
        .split(/\s+/)[0];
      if (!last.includes(' ') && next && last.replace(/\W/g, '') === next.replace(/\W/g, '')) catchwords.add(last.replace(/\W/g, '').toLowerCase());
    }
  }
  assert.ok(catchwords.size >= 5, `the corpus has catchwords (${[...catchwords].join(', ')})`);
  for (const record of readRecords()) {
    for (const [name, field] of Object.entries(record.fields)) {
      assert.ok(!catchwords.has(String(field.value).replace(/\W/g, '').toLowerCase()), `${record.source.pages[0]} ${name} is the catchword "${field.value}"`);
    }
  }
});
