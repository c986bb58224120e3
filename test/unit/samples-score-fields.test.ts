// The field benchmark's scoring: records matched to samples by first page, bodies
// compared with a CER tolerance, accepted-but-wrong counted (also for fields the page
// does not print and for false splits), calibration bins; and the oracle pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_MAX_CER, calibrationBins, characterErrorRate, fieldCorrect, formatFieldBench, scoreFields } from '../../src/samples/score-fields.ts';
import { generateSample, type ExpectedRecord } from '../../src/samples/generate.ts';
import { oraclePages } from '../../src/samples/oracle-pages.ts';
import { loadProfiles, segmentDocument } from '../../src/segment/index.ts';
import type { RecordField, TelegramRecord } from '../../src/types.ts';

function expected(name: string, fields: ExpectedRecord['fields'], profile = 'generic'): ExpectedRecord {
  return {
    name,
    profile,
    file: `${name}.png`,
    generator: { version: 1, seed: name, font: 'courier-prime', dpi: 300 },
    degradation: {} as ExpectedRecord['degradation'],
    fields,
    text: '',
    pages: [{ pageId: name, width: 1, height: 1, groundTruth: '', lines: [] }],
  };
}
function field(value: string | number | null, status: RecordField['status'], confidence = 0.95): RecordField {
  return { value, text: String(value), confidence, status, page: null, bbox: null, reasons: [] };
}
function record(page: string, fields: Record<string, RecordField>, profile = 'generic'): TelegramRecord {
  return {
    schemaVersion: 1,
    id: page,
    profile,
    profileScore: 0.9,
    source: { files: [], pages: [page] },
    fields,
    text: '',
    review: { needed: [], status: 'done' },
  };
}

test('body within the CER tolerance is right; other fields must match exactly', () => {
  const body = 'a'.repeat(100);
  assert.ok(fieldCorrect('body', body, `${'a'.repeat(98)}bb`));
  assert.ok(!fieldCorrect('body', body, `${'a'.repeat(97)}bbb`));
  assert.equal(BODY_MAX_CER, 0.02);
  assert.equal(characterErrorRate('abcd', 'abce'), 0.25);
  assert.ok(fieldCorrect('copies', 2, 2));
  assert.ok(!fieldCorrect('place', 'Peking', 'peking'));
  assert.ok(!fieldCorrect('number', '21340', null));
});

test('scoring: matching by first page, accepted precision, spurious fields and false splits', () => {
  const samples = [
    { expected: expected('s1', { number: '12', date: '1950-01-02', body: 'text' }), degradation: 'clean' },
    { expected: expected('s2', { number: '13', date: '1951-01-02' }), degradation: 'heavy' },
    { expected: expected('s3', { number: '14' }), degradation: 'mild' },
  ];
  const records = [
    record('s1', {
      number: field('12', 'accepted'),
      date: field('1950-01-03', 'accepted', 0.85),
      body: field('text', 'accepted'),
      time: field('10:00', 'accepted'),
    }),
    record('s2', { number: field('13', 'needs_review', 0.5), date: field(null, 'missing', 0) }, 'dfat-cable'),
    record('x', { number: field('99', 'accepted') }),
  ];
  const r = scoreFields(samples, records);
  assert.equal(r.matchedRecords, 2);
  assert.equal(r.extraRecords, 1);
  const number = r.rows.find((x) => x.field === 'number')!;
  assert.deepEqual(
    [number.clean, number.degraded],
    [
      { n: 1, right: 1 },
      { n: 2, right: 1 },
    ],
  );
  assert.equal(number.accepted, 1);
  assert.equal(number.spuriousAccepted, 1); // the false split's number
  const date = r.rows.find((x) => x.field === 'date')!;
  assert.equal(date.accepted, 1);
  assert.equal(date.acceptedRight, 0);
  // accepted: number, date, body, time (not printed), false split's number; wrong: date, time, false split.
  assert.deepEqual(r.totals, { fields: 6, accepted: 5, wrongAccepted: 3, review: 2, absent: 1 });
  assert.deepEqual(r.profileDetection.confusion, { generic: { generic: 1, 'dfat-cable': 1, '(no record)': 1 } });
  const md = formatFieldBench(r, { seed: 's', count: 3 });
  assert.match(md, /Wrong-but-accepted: \*\*60\.0%\*\*/);
  assert.match(md, /\| number ★ \| 100\.0% \(1\) \| 50\.0% \(2\) \|/);
});

test('key fields are scored by kind; a letter or report is detected by its kind; telegram fields on a letter are wrong', () => {
  const letter = { ...expected('l1', { date: '1938-05-09', place: 'London', to: 'The Council', signature: 'A. Fenwick' }, 'letter'), kind: 'letter' as const };
  const despatch = {
    ...expected(
      'd1',
      { number: '720', date: '1939-01-25', place: 'Bucharest', to: 'The Secretary of State', subject: 'Jews.', body: 'x', signature: 'F. Gunther' },
      'us-despatch',
    ),
    kind: 'despatch' as const,
  };
  const report = { ...expected('r1', {}, 'report'), kind: 'report' as const };
  const records = [
    // A letter read under another profile but named a letter: its kind is right. Its accepted docType is not printed: wrong.
    {
      ...record(
        'l1',
        {
          date: field('1938-05-09', 'accepted'),
          to: field('The Council', 'accepted'),
          signature: field('May', 'needs_review'),
          docType: field('TELEGRAM', 'accepted'),
        },
        'generic-letter',
      ),
      kind: 'letter' as const,
    },
    record(
      'd1',
      {
        number: field('720', 'accepted'),
        date: field('1939-01-25', 'accepted'),
        place: field('Turkey', 'needs_review'),
        to: field('The Secretary of State', 'accepted'),
        subject: field('Jews.', 'accepted'),
      },
      'us-despatch',
    ),
    record('r1', {}, 'dfat-cable'),
  ];
  const r = scoreFields(
    [
      { expected: letter, degradation: 'clean' },
      { expected: despatch, degradation: 'heavy' },
      { expected: report, degradation: 'mild' },
    ],
    records,
  );
  // letter keys: date, to, signature (2 of 3 right, clean); despatch keys: number, date, place, to, subject (4 of 5, degraded).
  assert.deepEqual(r.keyFields.clean, { n: 3, right: 2 });
  assert.deepEqual(r.keyFields.degraded, { n: 5, right: 4 });
  assert.deepEqual(r.keyFields.kinds, ['letter', 'despatch', 'report']);
  assert.equal(r.profileDetection.right, 2, 'the letter by its kind, the despatch by its profile; the report read as a cable is wrong');
  assert.equal(r.rows.find((x) => x.field === 'docType')!.spuriousAccepted, 1);
  assert.equal(r.outcomes.find((o) => o.field === 'subject')!.kind, 'despatch');
  const md = formatFieldBench(r, { seed: 's', count: 3 });
  assert.match(md, /generated documents \(letter, despatch, report\)/);
  assert.match(
    md,
    /Key fields \(letter: date, to, signature; despatch: number, date, place, to, subject; report: none\): exact \*\*66\.7%\*\* clean \(3\), \*\*80\.0%\*\* degraded \(5\)/,
  );
  assert.match(md, /\| subject ★ \|/);
});

test('calibration bins hold each outcome once, with its mean confidence and accuracy', () => {
  const outcome = (confidence: number, correct: boolean) => ({
    sample: 's',
    kind: 'telegram',
    profile: 'p',
    degradation: 'clean',
    field: 'number',
    expected: '1',
    got: '1',
    status: 'accepted',
    confidence,
    reasons: [],
    correct,
  });
  const bins = calibrationBins([outcome(0.95, true), outcome(1, true), outcome(0.91, false), outcome(0.05, false)]);
  assert.equal(
    bins.reduce((n, b) => n + b.n, 0),
    4,
  );
  assert.equal(bins[9].n, 3);
  assert.ok(Math.abs(bins[9].accuracy - 2 / 3) < 1e-9);
  assert.equal(bins[0].n, 1);
});

test('oracle pages of a generated sample read back to its expected fields', async () => {
  const sample = await generateSample({
    name: 'oracle-1',
    profile: 'generic',
    seed: 'oracle-test-1',
    font: 'courier-prime',
    degradation: 'clean',
    sentences: { min: 3, max: 4 },
  });
  const pages = oraclePages(sample.expected, '/tmp/set');
  assert.equal(pages[0].documentKey, 'dir:/tmp/set');
  const [t] = segmentDocument(pages, { profiles: loadProfiles() });
  assert.equal(t.profile, 'generic');
  for (const [name, value] of Object.entries(sample.expected.fields)) {
    assert.ok(fieldCorrect(name, value, t.fields[name]?.value ?? null), `${name}: ${t.fields[name]?.value} vs ${value}`);
  }
});
