// The box benchmark's scoring (src/eval/box-score.ts): page decisions, silent errors, whole
// documents, kinds (a journal is read as `other`), and fields, complete or header-only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BELOW_THRESHOLD, formatReviewBreakdown, scoreBox, type BoxTruthLike } from '../../src/eval/box-score.ts';
import type { TelegramRecord } from '../../src/types.ts';

function record(pages: string[], kind: string, fields: Record<string, [string, 'accepted' | 'needs_review', string[]?]>, uncertain = false): TelegramRecord {
  return {
    schemaVersion: 1,
    id: pages.join('-'),
    kind,
    profile: kind,
    profileScore: 0.9,
    source: { files: [], pages },
    fields: Object.fromEntries(
      Object.entries(fields).map(([n, [value, status, reasons]]) => [
        n,
        { value, text: value, confidence: 0.9, status, page: pages[0]!, bbox: null, reasons: reasons ?? [] },
      ]),
    ),
    text: '',
    review: { needed: [], status: 'pending' },
    grouping: { mode: 'auto', status: uncertain ? 'uncertain' : 'certain', decisions: [] },
  } as unknown as TelegramRecord;
}

const truth: BoxTruthLike = {
  order: ['p1', 'p2', 'p3', 'p4'],
  documents: [
    { id: 'a', kind: 'telegram', degradation: 'clean', pages: ['p1', 'p2'], fields: { number: '12' } },
    { id: 'b', kind: 'letter', degradation: 'heavy', pages: ['p3'], fields: { date: '1940-01-02' } },
    { id: 'c', kind: 'journal', degradation: 'heavy', pages: ['p4'], fields: {} },
  ],
};

test('a wrong join held for review is not silent; a journal read as other is the right kind; an accepted field not printed is wrong', () => {
  const records = [
    record(['p1', 'p2'], 'telegram', { number: ['12', 'accepted'], signature: ['X', 'accepted'] }),
    record(['p3', 'p4'], 'letter', { date: ['1940-01-02', 'needs_review'] }, true),
  ];
  const s = scoreBox(truth, records);
  assert.equal(s.decisions.n, 3);
  assert.equal(s.decisions.right, 2);
  assert.deepEqual(
    s.wrong.map((w) => [w.page, w.truth, w.decided, w.flagged]),
    [['p4', 'start', 'continue', true]],
  );
  assert.equal(s.decisions.silent, 0);
  assert.equal(s.documents.whole, 1);
  assert.equal(s.kinds.confusion.journal?.letter, 1);
  assert.deepEqual(s.wrongAccepted, [{ document: 'a', field: 'signature', expected: null, got: 'X' }]);
  assert.equal(s.fields.review, 1);

  const split = scoreBox(truth, [records[0]!, record(['p3'], 'letter', {}), record(['p4'], 'other', {})]);
  assert.equal(split.kinds.right, 3);
  assert.equal(split.decisions.right, 3);
  // Header fields only (the corpus's documents.json): a field it does not give is not scored.
  const headerOnly = scoreBox({ ...truth, fieldsComplete: false }, records);
  assert.deepEqual(headerOnly.wrongAccepted, []);
});

test('the review share is taken apart by reason, by the reasons holding each field, by field, scan and kind, with how many held values were right', () => {
  const box: BoxTruthLike = {
    order: ['p1', 'p2', 'p3'],
    documents: [
      { id: 'a', kind: 'telegram', degradation: 'clean', pages: ['p1'], fields: { number: '12', date: '1951-06-30', to: 'Moscow' } },
      { id: 'b', kind: 'telegram', degradation: 'heavy', pages: ['p2'], fields: { number: '13', date: '1951-07-01' } },
      { id: 'c', kind: 'letter', degradation: 'heavy', pages: ['p3'], fields: { date: '1940-01-02' } },
    ],
  };
  const s = scoreBox(box, [
    record(['p1'], 'telegram', {
      number: ['12', 'accepted'],
      date: ['1951-06-30', 'needs_review', ['boundary_uncertain']],
      to: ['Moskow', 'needs_review', ['low_ocr_confidence', 'boundary_uncertain']],
    }),
    record(['p2'], 'telegram', { number: ['18', 'needs_review', ['low_ocr_confidence']], date: ['1951-07-01', 'needs_review'] }),
    record(['p3'], 'letter', { date: ['1940-01-02', 'accepted'] }),
  ]);
  const r = s.fields.reviewBy;
  assert.equal(s.fields.review, 4);
  assert.deepEqual(r.byReason.boundary_uncertain, { review: 2, right: 1 });
  assert.deepEqual(r.byReason.low_ocr_confidence, { review: 2, right: 0 });
  // Lifting boundary_uncertain alone would release one field (the date), not the misread name.
  assert.deepEqual(r.byReasonSet.boundary_uncertain, { review: 1, right: 1 });
  assert.deepEqual(r.byReasonSet['boundary_uncertain + low_ocr_confidence'], { review: 1, right: 0 });
  assert.deepEqual(r.byReasonSet[BELOW_THRESHOLD], { review: 1, right: 1 });
  assert.deepEqual(r.byField.date, { expected: 3, review: 2, right: 2 });
  assert.deepEqual(r.byDegradation.heavy, { expected: 3, review: 2, right: 1 });
  assert.deepEqual(r.byKind.letter, { expected: 1, review: 0, right: 0 });
  const table = formatReviewBreakdown(s);
  assert.ok(table.includes('\n| boundary_uncertain | 2 | 33.3% |  | 50.0% |\n'), table);
  assert.ok(table.includes('\n| date | 2 | 33.3% | 66.7% | 100.0% |\n'), table);
});
