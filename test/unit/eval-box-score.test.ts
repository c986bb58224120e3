// The box benchmark's scoring (src/eval/box-score.ts): page decisions, silent errors, whole
// documents, kinds (a journal is read as `other`), and fields, complete or header-only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreBox, type BoxTruthLike } from '../../src/eval/box-score.ts';
import type { TelegramRecord } from '../../src/types.ts';

function record(pages: string[], kind: string, fields: Record<string, [string, 'accepted' | 'needs_review']>, uncertain = false): TelegramRecord {
  return {
    schemaVersion: 1,
    id: pages.join('-'),
    kind,
    profile: kind,
    profileScore: 0.9,
    source: { files: [], pages },
    fields: Object.fromEntries(
      Object.entries(fields).map(([n, [value, status]]) => [n, { value, text: value, confidence: 0.9, status, page: pages[0]!, bbox: null, reasons: [] }]),
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
