// ALTO, PAGE, hOCR and METS on a synthetic typewritten page: schema requirements
// (test/helpers/exports-checks.ts), geometry against the page JSON, corrections carried in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCorrections, correctionsFromRecord, correctionsFromStoredFields, toAlto, toHocr, toMets, toPageXml } from '../../src/exports/index.ts';
import type { PageExportContext } from '../../src/exports/context.ts';
import { recordStatus } from '../../src/exports/mets.ts';
import { checkAlto, checkHocr, checkMets, checkPageXml, find, parseXml } from '../helpers/exports-checks.ts';
import { SEED_ROWS, typedPage } from '../fixtures/pages.ts';
import { corrected, seedRecord } from '../fixtures/records.ts';

// Read on 30 December, reviewed on 1 January, exported on 2 January.
const READ_AT = '2025-12-30T10:00:00.000Z';
const REVIEWED_AT = '2026-01-01T09:30:00.000Z';
const page = { ...typedPage('seed', SEED_ROWS, { skew: 1.2 }), readAt: READ_AT };
const record = seedRecord(page);
const final = corrected(corrected(record, 'to', 'Cde. Stalyn'), 'number', '21341');
const { page: exportPage } = applyCorrections(page, correctionsFromRecord(final, record));
const ctx: PageExportContext = {
  imageHref: '../images/seed.png',
  preprocessedHref: '../preprocessed/seed.png',
  createdAt: '2026-01-02T03:04:05.000Z',
  softwareVersion: '0.1.0+r1',
  correctedFields: ['to', 'number'],
  reviewedAt: REVIEWED_AT,
};
const pageWords = page.lines.flatMap((l) => l.words);

test('ALTO: meets the ALTO 4 schema requirements, every String on its word (within 2 px), WC 0-1, SP between words', () => {
  const xml = toAlto(exportPage, ctx);
  assert.deepEqual(checkAlto(xml), []);
  const strings = find(parseXml(xml), 'String');
  assert.equal(strings.length, pageWords.length);
  strings.forEach((s, i) => {
    const w = pageWords[i]!;
    const box = [Number(s.attrs.HPOS), Number(s.attrs.VPOS), Number(s.attrs.HPOS) + Number(s.attrs.WIDTH), Number(s.attrs.VPOS) + Number(s.attrs.HEIGHT)];
    box.forEach((v, k) => assert.ok(Math.abs(v - w.bbox[k]!) <= 2, `${s.attrs.CONTENT}: ${box} vs ${w.bbox}`));
    const wc = Number(s.attrs.WC);
    assert.ok(wc >= 0 && wc <= 1);
    if (!s.attrs.CS) assert.equal(wc, w.confidence / 100);
  });
  const root = parseXml(xml);
  assert.equal(find(root, 'SP').length, pageWords.length - page.lines.length, 'one SP between each pair of words');
  assert.equal(find(root, 'TextBlock').length, 4, 'one block per paragraph');
  const page1 = find(root, 'Page')[0]!;
  assert.deepEqual([page1.attrs.WIDTH, page1.attrs.HEIGHT], [String(page.width), String(page.height)]);
});

test('ALTO: the processing history names the applied preprocessing steps with their parameters, the OCR engine and the review, each at its own time', () => {
  const root = parseXml(toAlto(exportPage, ctx));
  const processing = find(root, 'Processing');
  // grey was measured and not applied (the page was grey already): not a processing step.
  assert.deepEqual(
    processing.map((p) => p.attrs.ID),
    ['preprocess_1_deskew', 'ocr', 'review'],
  );
  const deskew = processing.find((p) => p.attrs.ID === 'preprocess_1_deskew')!;
  assert.deepEqual(JSON.parse(find(deskew, 'processingStepSettings')[0]!.text).measured.angle, 1.2);
  const ocr = processing.find((p) => p.attrs.ID === 'ocr')!;
  assert.equal(find(ocr, 'softwareName')[0]!.text, 'tesseract.js');
  assert.deepEqual(JSON.parse(find(ocr, 'processingStepSettings')[0]!.text).psm, 3);
  const review = processing.find((p) => p.attrs.ID === 'review')!;
  assert.equal(find(review, 'processingCategory')[0]!.text, 'contentModification');
  // When each step happened: reading for preprocessing and OCR, the reviewer's decision for the review.
  assert.deepEqual(
    processing.map((p) => find(p, 'processingDateTime')[0]?.text),
    [READ_AT, READ_AT, REVIEWED_AT],
  );
  // A page read before its JSON said when: no time rather than the export's.
  const { readAt: _readAt, ...undated } = exportPage;
  const older = find(parseXml(toAlto(undated, { ...ctx, reviewedAt: undefined })), 'processingDateTime');
  assert.equal(older.length, 0);
  assert.deepEqual(checkAlto(toAlto(undated, { ...ctx, reviewedAt: undefined })), []);
});

test('PAGE: the processing steps are the applied ones, dated when they happened', () => {
  const items = find(parseXml(toPageXml(exportPage, ctx)), 'MetadataItem');
  assert.deepEqual(
    items.map((i) => [i.attrs.name, i.attrs.date]),
    [
      ['preprocess:deskew', READ_AT],
      ['ocr', READ_AT],
      ['review', REVIEWED_AT],
    ],
  );
});

test('corrections from the review store carry when the reviewer decided', () => {
  const stored = {
    name: 'to',
    value: 'Cde. Stalyn',
    status: 'corrected',
    machineValue: 'Cde. Stalin',
    text: 'Cde. Stalin',
    page: 'seed',
    bbox: record.fields.to!.bbox,
    reviewedAt: REVIEWED_AT,
  };
  assert.equal(correctionsFromStoredFields([stored])[0]!.reviewedAt, REVIEWED_AT);
});

test('METS RECORDSTATUS says whether a person reviewed the record', () => {
  const pending = structuredClone(record);
  pending.fields.date = { ...pending.fields.date!, status: 'needs_review' };
  pending.review = { needed: ['date'], status: 'pending' };
  const confirmed = structuredClone(pending);
  confirmed.fields.date = { ...confirmed.fields.date!, status: 'confirmed' };
  confirmed.review = { needed: [], status: 'done' };
  // Every field accepted by the pipeline: done, but nobody looked at it.
  assert.equal(recordStatus(record), 'accepted without review');
  assert.equal(recordStatus(pending), 'review pending');
  assert.equal(recordStatus(confirmed), 'reviewed');
  assert.equal(recordStatus(final), 'reviewed');
  // A person who confirmed, split or merged its pages reviewed it, though every field was accepted.
  const regrouped = { ...structuredClone(record), grouping: { mode: 'auto', status: 'confirmed' as const, decisions: [] } };
  assert.equal(recordStatus(regrouped), 'reviewed');
  assert.equal(recordStatus({ ...regrouped, grouping: { ...regrouped.grouping, status: 'certain' as const } }), 'accepted without review');
  const ref = (href: string, mimetype: string) => ({ href, mimetype, sha256: 'a'.repeat(64), size: 10 });
  const mets = (r: typeof record) =>
    find(
      parseXml(
        toMets({ record: r, pages: [{ page: exportPage, image: ref('../images/seed.png', 'image/png') }], createdAt: ctx.createdAt, softwareVersion: '0' }),
      ),
      'mets:metsHdr',
    )[0]!.attrs.RECORDSTATUS;
  assert.deepEqual([mets(record), mets(pending), mets(final)], ['accepted without review', 'review pending', 'reviewed']);
});

test('ALTO: a corrected field shows the reviewed text, CS="true", and keeps the OCR reading as an ALTERNATIVE', () => {
  const strings = find(parseXml(toAlto(exportPage, ctx)), 'String');
  const stalyn = strings.find((s) => s.attrs.CONTENT === 'Stalyn')!;
  assert.ok(stalyn, 'the corrected word is there');
  assert.equal(stalyn.attrs.CS, 'true');
  assert.equal(find(stalyn, 'ALTERNATIVE')[0]!.text, 'Stalin');
  assert.ok(!strings.some((s) => s.attrs.CONTENT === 'Stalin'));
  const no = strings.find((s) => s.attrs.CONTENT === 'No.')!;
  assert.equal(no.attrs.CS, undefined, 'words of the field that did not change are not marked');
  assert.equal(find(strings.find((s) => s.attrs.CONTENT === '21341')!, 'ALTERNATIVE')[0]!.text, '21340');
});

test('the ALTO check finds what the schema forbids (so a passing check means something)', () => {
  const good = toAlto(exportPage, ctx);
  assert.ok(checkAlto(good.replace('WC="0.8"', 'WC="1.5"')).some((p) => p.includes('WC="1.5"')));
  assert.ok(checkAlto(good.replace(/CONTENT="CIPHERED" /, '')).some((p) => p.includes('CONTENT')));
  assert.ok(checkAlto(good.replace('<MeasurementUnit>pixel', '<MeasurementUnit>px')).length > 0);
  assert.ok(checkAlto(good.replace(/<TextLine ([^>]*)>/, '<TextLine $1><SP WIDTH="3"/>')).some((p) => p.includes('must start with a String')));
  assert.ok(checkAlto(good.replace('ID="block_2"', 'ID="block_1"')).some((p) => p.includes('duplicate')));
});

test('PAGE: meets the PAGE 2019 schema requirements, deskew angle as orientation, preprocessed image as AlternativeImage', () => {
  const xml = toPageXml(exportPage, ctx);
  assert.deepEqual(checkPageXml(xml), []);
  const root = parseXml(xml);
  const p = find(root, 'Page')[0]!;
  // Lines descending 1.2 degrees to the right must turn 1.2 degrees anticlockwise: -1.2.
  assert.equal(Number(p.attrs.orientation), -1.2);
  assert.equal(find(root, 'AlternativeImage')[0]!.attrs.filename, '../preprocessed/seed.png');
  const words = find(root, 'Word');
  assert.equal(words.length, pageWords.length);
  words.forEach((w, i) => {
    const pts = find(w, 'Coords')[0]!
      .attrs.points!.split(' ')
      .map((pt) => pt.split(',').map(Number));
    const xs = pts.map((q) => q[0]!);
    const ys = pts.map((q) => q[1]!);
    const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    box.forEach((v, k) => assert.ok(Math.abs(v - pageWords[i]!.bbox[k]!) <= 2));
  });
  const stalyn = words.find((w) => find(w, 'Unicode')[0]!.text === 'Stalyn')!;
  const equivs = find(stalyn, 'TextEquiv');
  assert.deepEqual(
    equivs.map((e) => [e.attrs.index, find(e, 'Unicode')[0]!.text]),
    [
      ['1', 'Stalyn'],
      ['2', 'Stalin'],
    ],
  );
  assert.ok(checkPageXml(xml.replace(/points="[^"]*"/, 'points="1,2"')).some((m) => m.includes('PointsType')));
  assert.ok(checkPageXml(xml.replace(/conf="0\.\d+"/, 'conf="7"')).some((m) => m.includes('outside')));
});

test('a quarter turn by the orientation step: PAGE orientation and AlternativeImage, ALTO ROTATION, hOCR textangle', () => {
  const turned = typedPage('turned', SEED_ROWS.slice(0, 2), { skew: 1.2 });
  turned.preprocess.steps.splice(1, 0, { step: 'orientation', params: {}, measured: { rotate: 270 }, applied: true, ms: 1 });
  const root = parseXml(toPageXml(applyCorrections(turned, []).page, ctx));
  assert.equal(Number(find(root, 'Page')[0]!.attrs.orientation), -91.2);
  assert.equal(find(root, 'AlternativeImage')[0]!.attrs.comments, 'rotated-270,deskewed');
  // ALTO and hOCR say how far the text runs turned (anticlockwise) in the scan.
  const alto = toAlto(applyCorrections(turned, []).page, ctx);
  assert.deepEqual(checkAlto(alto), []);
  assert.equal(find(parseXml(alto), 'Page')[0]!.attrs.ROTATION, '270');
  assert.match(toHocr(applyCorrections(turned, []).page, ctx), /class="ocr_line"[^>]*textangle 270/);
});

test('PAGE: no orientation when the deskew step found no real skew (angle at the search limit)', () => {
  const odd = typedPage('odd', SEED_ROWS.slice(0, 2), { skew: 9.8 });
  odd.preprocess.steps[1] = { ...odd.preprocess.steps[1]!, applied: false, measured: { angle: 9.8, skipped: 'at search limit' } };
  const root = parseXml(toPageXml(applyCorrections(odd, []).page, ctx));
  assert.equal(find(root, 'Page')[0]!.attrs.orientation, undefined);
});

test('hOCR: ocr_page/ocr_line/ocrx_word with bbox and x_wconf; word boxes within 2 px; corrected text with the OCR reading kept', () => {
  const { problems, words } = checkHocr(toHocr(exportPage, ctx));
  assert.deepEqual(problems, []);
  assert.equal(words.length, pageWords.length);
  words.forEach((w, i) => {
    w.bbox.forEach((v, k) => assert.ok(Math.abs(v - pageWords[i]!.bbox[k]!) <= 2));
    if (w.text !== 'Stalyn' && w.text !== '21341') assert.equal(w.wconf, pageWords[i]!.confidence);
  });
  assert.ok(words.some((w) => w.text === 'Stalyn'));
  const root = parseXml(toHocr(exportPage, ctx));
  const word = [...find(root, 'span')].find((s) => s.text === 'Stalyn')!;
  assert.equal(word.attrs['data-ocr-text'], 'Stalin');
});

test('METS: meets the METS schema requirements; the telegram is one logical unit with its fields as MODS and field areas in ALTO', () => {
  const ref = (href: string, mimetype: string) => ({ href, mimetype, sha256: 'a'.repeat(64), size: 10 });
  const xml = toMets({
    record: final,
    pages: [{ page: exportPage, image: ref('../images/seed.png', 'image/png'), alto: ref('../alto/seed.xml', 'text/xml') }],
    pdf: ref('../pdf/x.pdf', 'application/pdf'),
    createdAt: ctx.createdAt,
    softwareVersion: ctx.softwareVersion,
  });
  assert.deepEqual(checkMets(xml), []);
  const root = parseXml(xml);
  assert.equal(find(root, 'mods:title')[0]!.text, 'CIPHERED TELEGRAM No. 21341 (1951-06-30)');
  const names = find(root, 'mods:name').map((n) => [find(n, 'mods:namePart')[0]!.text, find(n, 'mods:roleTerm')[0]!.text]);
  assert.deepEqual(names, [
    ['Mao Zedong', 'sender'],
    ['Cde. Stalyn', 'recipient'],
  ]);
  assert.equal(find(root, 'mods:dateCreated')[0]!.text, '1951-06-30T15:00');
  const fields = find(root, 'cs:field');
  assert.deepEqual(fields.find((f) => f.attrs.name === 'to')!.attrs.status, 'corrected');
  assert.equal(fields.length, Object.keys(final.fields).length);

  const logical = find(root, 'mets:structMap').find((s) => s.attrs.TYPE === 'LOGICAL')!;
  const telegram = logical.children[0]!;
  assert.equal(telegram.attrs.TYPE, 'telegram');
  assert.equal(telegram.attrs.DMDID, 'DMD_0001');
  // The "to" field points at its two words in the ALTO file.
  const altoIds = new Set(find(parseXml(toAlto(exportPage, ctx)), 'String').map((s) => s.attrs.ID));
  const toArea = find(telegram.children.find((d) => d.attrs.LABEL === 'to')!, 'mets:area')[0]!;
  assert.equal(toArea.attrs.BETYPE, 'IDREF');
  assert.ok(altoIds.has(toArea.attrs.BEGIN) && altoIds.has(toArea.attrs.END));
  assert.deepEqual([toArea.attrs.BEGIN, toArea.attrs.END], ['string_2_1_2', 'string_2_1_3']);
  assert.ok(checkMets(xml.replace('FILEID="ALTO_0001"', 'FILEID="ALTO_0009"')).some((m) => m.includes('names no file')));
});

test("METS follows the record's kind: a letter is a letter (genre, title, logical division), never a telegram", () => {
  const letter: typeof final = {
    ...final,
    kind: 'letter',
    profile: 'letter',
    fields: {
      date: { ...final.fields.date! },
      to: { ...final.fields.to!, value: 'The Council for German Jewry', status: 'accepted' },
      signature: { ...final.fields.signature!, value: 'Michal Weissmandl', status: 'needs_review' },
    },
  };
  const ref = (href: string, mimetype: string) => ({ href, mimetype, sha256: 'a'.repeat(64), size: 10 });
  const xml = toMets({
    record: letter,
    pages: [{ page: exportPage, image: ref('../images/seed.png', 'image/png') }],
    createdAt: ctx.createdAt,
    softwareVersion: ctx.softwareVersion,
  });
  assert.deepEqual(checkMets(xml), []);
  const root = parseXml(xml);
  assert.equal(find(root, 'mods:genre')[0]!.text, 'letter');
  assert.equal(find(root, 'mods:title')[0]!.text, 'Letter (1951-06-30)');
  assert.ok(!xml.includes('TELEGRAM') && !/genre[^<]*>telegram/.test(xml));
  const logical = find(root, 'mets:structMap').find((s) => s.attrs.TYPE === 'LOGICAL')!;
  assert.equal(logical.children[0]!.attrs.TYPE, 'letter');
  assert.equal(find(root, 'cs:record')[0]!.attrs.kind, 'letter');
});
