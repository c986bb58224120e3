// The batch report as both drivers build it: fed a page, a failure, a sequence at a time, kept
// on disk until `finish`, and written in plan order whatever order things settled in.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { JsonObjectWriter } from '../../src/pipeline/report/json-writer.ts';
import { ReportBuilder, type ReportOpenOptions } from '../../src/pipeline/report/builder.ts';
import { Spool } from '../../src/pipeline/report/spool.ts';
import type { ReportPage, ReportRecord, SequenceReport } from '../../src/pipeline/report/summaries.ts';
import type { GroupingDecision, InputFailure } from '../../src/types.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-report-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const folder = () => path.join(scratch, `run-${n++}`);

const page = (pageId: string, extra: Partial<ReportPage> = {}): ReportPage => ({
  pageId,
  file: `${pageId}.png`,
  ocr: { wordCount: 10, meanConfidence: 90.04, engine: 'tesseract', engineVersion: '5.3.0', model: 'best', engineReason: 'auto: native Tesseract 5.3.0 found' },
  ink: { verdict: 'text' },
  timings: { decode: 1, preprocess: 2, ocr: 3 },
  ...extra,
});
const record = (id: string, fields: Record<string, [ReportRecord['fields'][string]['status'], number]>, pages = ['a']): ReportRecord => ({
  id,
  profile: 'generic',
  source: { pages },
  review: {
    needed: Object.entries(fields)
      .filter(([, [s]]) => s === 'needs_review')
      .map(([k]) => k),
  },
  fields: Object.fromEntries(Object.entries(fields).map(([k, [status, confidence]]) => [k, { status, confidence }])),
});
const decision = (pageId: string, start: boolean, uncertain = false): GroupingDecision => ({
  page: pageId,
  decision: start ? 'start' : 'continue',
  confidence: uncertain ? 0.55 : 0.99,
  uncertain,
  rule: 'model',
  evidence: [],
});
const sequence = (documentKey: string, pages: string[], telegrams: SequenceReport['telegrams'] = []): SequenceReport => ({
  documentKey,
  pages,
  telegrams,
  grouping: { mode: 'auto', decisions: pages.map((p, i) => decision(p, i === 0, p.endsWith('?'))) },
});
const options = (outDir: string, over: Partial<ReportOpenOptions> = {}): ReportOpenOptions => ({
  outDir,
  batch: 'b',
  inputs: ['x'],
  startedAt: new Date(0),
  settings: { lang: 'eng' },
  sequences: [
    { documentKey: 'dir:/one', pages: [{ pageId: 'a' }, { pageId: 'b?' }] },
    { documentKey: 'dir:/two', pages: [{ pageId: 'c' }] },
  ],
  failures: [],
  skipped: [{ file: 'notes.txt', reason: 'not an image or PDF' }],
  lowCoverageThreshold: 0.5,
  ...over,
});
const readReport = (outDir: string) => JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8'));

test('report.json is laid out exactly as JSON.stringify(report, null, 2) would lay it out, written piece by piece', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.array(fc.jsonValue(), { maxLength: 4 }),
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.array(fc.jsonValue(), { maxLength: 3 }),
      async (head, list, fields, tail) => {
        const file = path.join(folder(), 'out.json');
        const out = await JsonObjectWriter.create(file);
        for (const [k, v] of Object.entries(head)) await out.member(k, v);
        await out.array('list', list);
        await out.objectEndingInArray('grouping', fields, 'tail', tail);
        await out.close();
        const whole = { ...head, list, grouping: { ...fields, tail } };
        // (A key of `head` named like a later member is overwritten in `whole` but written twice in the file.)
        fc.pre(!('list' in head) && !('grouping' in head) && !('tail' in fields));
        assert.equal(readFileSync(file, 'utf8'), `${JSON.stringify(whole, null, 2)}\n`);
      },
    ),
    { numRuns: 150 },
  );
});

test('a spool gives its entries back in position order, whatever order they were put in', async () => {
  const spool = await Spool.create(path.join(scratch, 'spool.jsonl'));
  await Promise.all([5, 0, 300, 2].map((i) => spool.put(i, { i, text: 'é'.repeat(i) })));
  await assert.rejects(spool.put(2, {}), /taken/);
  const back: Array<{ i: number }> = [];
  for await (const entry of spool.entries<{ i: number; text: string }>()) back.push(entry);
  assert.deepEqual(
    back.map((e) => e.i),
    [0, 2, 5, 300],
  );
  assert.equal(spool.size, 4);
  await spool.close();
});

test('the report counts pages, fields, failures and stage timings; lists pages and sequences in plan order; leaves no working files', async () => {
  const out = folder();
  const report = await ReportBuilder.open(
    options(out, { failures: [{ file: 'bad.png', pageId: 'bad', code: 'CS_ERR_INPUT_CORRUPT', message: 'bad.png: truncated', stage: 'ingest' }] }),
  );
  // Settled backwards: c first, then b?, then a.
  await report.page(page('c'), 'resumed');
  await report.sequence(
    1,
    sequence('dir:/two', ['c'], [{ recordId: 'r3', profile: 'generic', profileScore: 0.5, pages: ['c'], split: null as never, bodyCoverage: 0.2 }]),
    { segment: 4 },
    [record('r3', { to: ['accepted', 0.9], number: ['missing', 0] }, ['c'])],
  );
  // b? was read by tesseract.js (another machine's worker, say): the report says which engine read what.
  const js = { wordCount: 10, meanConfidence: 90, engine: 'tesseract.js', engineVersion: '7.0.0', model: 'best' as const, engineReason: 'auto: tesseract.js' };
  await report.page(page('b?', { ink: { verdict: 'nearly_blank' }, ocr: js }), 'read');
  await report.page(page('a', { timings: { decode: 7 } }), 'read');
  await report.page(page('a'), 'read'); // a page reported twice counts once
  await report.sequence(0, sequence('dir:/one', ['a', 'b?']), { segment: 6, group: 1 }, [
    record('r1', { number: ['accepted', 0.9], date: ['needs_review', 0.4] }),
    record('r2', { number: ['needs_review', 0.5], date: ['accepted', 0.9] }),
  ]);
  const summary = await report.finish({ interrupted: false, finishedAt: new Date(2000) });

  assert.deepEqual(readdirSync(out), ['report.json'], 'the spools are gone');
  const json = readReport(out);
  assert.deepEqual(json.counts, {
    pages: 4,
    pagesRead: 2,
    pagesResumed: 1,
    pagesFailed: 1,
    pagesNotReached: 0,
    pagesBlank: 0,
    pagesNearlyBlank: 1,
    inputsFailed: 1,
    filesSkipped: 1,
    records: 3,
    fields: { accepted: 3, needs_review: 2, missing: 1 },
  });
  assert.deepEqual(summary.counts, json.counts);
  assert.equal(json.durationMs, 2000);
  // Keys in the order a run in plan order meets them: sequence one's fields first.
  assert.deepEqual(Object.keys(json.fields), ['number', 'date', 'to']);
  assert.deepEqual(json.fields.number, { accepted: 1, needs_review: 1, missing: 1 });
  assert.deepEqual(
    json.pages.map((p: { pageId: string }) => p.pageId),
    ['a', 'b?', 'c'],
  );
  assert.equal(json.pages[0].meanConfidence, 90);
  assert.deepEqual(
    json.pages.map((p: { engine: string; model: string }) => `${p.engine}/${p.model}`),
    ['tesseract/best', 'tesseract.js/best', 'tesseract/best'],
  );
  // Which engines and models read the pages and why, most pages first (a page reported twice counts once).
  const engines = [
    { engine: 'tesseract', engineVersion: '5.3.0', model: 'best', reason: 'auto: native Tesseract 5.3.0 found', pages: 2 },
    { engine: 'tesseract.js', engineVersion: '7.0.0', model: 'best', reason: 'auto: tesseract.js', pages: 1 },
  ];
  assert.deepEqual(json.ocr, { engines });
  assert.deepEqual(summary.ocr.engines, engines);
  assert.deepEqual(Object.keys(json).slice(8, 11), ['settings', 'ocr', 'counts']);
  assert.deepEqual(
    json.documents.map((d: { documentKey: string }) => d.documentKey),
    ['dir:/one', 'dir:/two'],
  );
  assert.deepEqual(json.grouping, { pages: 3, starts: 2, uncertain: 1, uncertainPages: [{ page: 'b?', decision: 'continue', confidence: 0.55 }] });
  assert.deepEqual(json.lowCoverageTelegrams, [{ recordId: 'r3', pages: ['c'], bodyCoverage: 0.2 }]);
  assert.deepEqual(
    json.lowestConfidenceRecords.map((r: { recordId: string }) => r.recordId),
    ['r1', 'r2', 'r3'],
    'lowest mean confidence first (r1 and r2 tie at 0.65: plan order)',
  );
  // Resumed pages' timings belong to an earlier run; builds' timings follow the pages'.
  assert.deepEqual(Object.keys(json.timings), ['decode', 'preprocess', 'ocr', 'segment', 'group']);
  assert.deepEqual(json.timings.decode, { count: 2, medianMs: 1, p95Ms: 7, totalMs: 8 });
  assert.equal(json.timings.segment.count, 2);
  assert.deepEqual(json.failures, [{ file: 'bad.png', pageId: 'bad', code: 'CS_ERR_INPUT_CORRUPT', message: 'bad.png: truncated', stage: 'ingest' }]);
  assert.equal(summary.failuresTotal, 1);
});

test('page counts add up: files that failed before becoming pages count once, as failed pages; an interruption leaves pages not reached', async () => {
  const ingest = (id: string): InputFailure => ({ file: `${id}.png`, pageId: id, code: 'CS_ERR_INPUT_CORRUPT', message: `${id}.png: bad`, stage: 'ingest' });
  // 1 page read; 3 files refused at ingest (empty, not an image, too large), one of them twice.
  const one = await ReportBuilder.open(
    options(folder(), { sequences: [{ documentKey: 'k', pages: [{ pageId: 'good' }] }], failures: [ingest('x'), ingest('y'), ingest('z')] }),
  );
  await one.page(page('good'), 'read');
  await one.failure({ ...ingest('z'), stage: 'read' });
  assert.deepEqual(one.pageCounts(), { pages: 4, pagesRead: 1, pagesResumed: 0, pagesFailed: 3, pagesNotReached: 0 });
  await one.discard();

  // 5 pages to read, 2 read, 1 failed reading, the rest not reached; a sequence's failure has no page.
  const out = folder();
  const five = await ReportBuilder.open(options(out, { sequences: [{ documentKey: 'k', pages: ['a', 'b', 'c', 'd', 'e'].map((pageId) => ({ pageId })) }] }));
  await five.page(page('a'), 'read');
  await five.page(page('b'), 'read');
  await five.failure({ file: 'c.png', pageId: 'c', code: 'CS_ERR_OCR_FAILED', message: 'c.png: timed out', stage: 'read' });
  await five.failure({ file: 'a.png', code: 'CS_ERR_INTERNAL', message: 'records for a', stage: 'emit' });
  const summary = await five.finish({ interrupted: true });
  assert.deepEqual(
    { pages: summary.counts.pages, read: summary.counts.pagesRead, failed: summary.counts.pagesFailed, notReached: summary.counts.pagesNotReached },
    { pages: 5, read: 2, failed: 1, notReached: 2 },
  );
  const json = readReport(out);
  assert.equal(json.interrupted, true);
  assert.deepEqual(
    json.failures.map((f: InputFailure) => f.stage),
    ['read', 'emit'],
    'failures in the order they happened',
  );
  assert.deepEqual(json.documents, []);
});

test('the summary carries the first failures only; report.json every one', async () => {
  const out = folder();
  const report = await ReportBuilder.open(options(out));
  for (let i = 0; i < 130; i++) await report.failure({ file: `f${i}.png`, code: 'CS_ERR_INPUT_CORRUPT', message: `f${i}.png: bad`, stage: 'ingest' });
  const summary = await report.finish({ interrupted: false });
  assert.equal(summary.failures.length, 100);
  assert.equal(summary.failuresTotal, 130);
  assert.equal(readReport(out).failures.length, 130);
});
