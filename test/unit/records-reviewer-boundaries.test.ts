// A reviewer's boundary decisions win over the pipeline's in every --documents
// mode, apply only to the same pages in the same order, and a regrouping keeps
// the rest of a sequence as it stood. What becomes of field decisions when
// records are rebuilt (carried, back to review, left behind).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../src/logger.ts';
import { boundariesOf, type ReviewerBoundary } from '../../src/records/reviewer-boundaries.ts';
import { buildRecords } from '../../src/pipeline/index.ts';
import { planCarryOver, type StoredField } from '../../src/store/index.ts';
import type { GroupingDecision, PageResult } from '../../src/types.ts';
import { boxPages, config, profiles, timidModel } from '../fixtures/regroup-box.ts';

const boundary = (page: PageResult, previous: PageResult, decision: 'start' | 'continue', at = '2024-01-01T00:00:00.000Z'): ReviewerBoundary => ({
  page: page.pageId,
  contentHash: page.contentHash,
  previousPage: previous.pageId,
  previousContentHash: previous.contentHash,
  decision,
  reviewer: 'anna',
  at,
  action: decision === 'start' ? 'split' : 'merge',
});

const build = (pages: PageResult[], extra: { reviewerBoundaries?: ReviewerBoundary[]; keepDecisions?: Map<string, GroupingDecision> } = {}) =>
  buildRecords(pages, { config, logger: silentLogger(), profiles, ...extra });

test('a boundary decision applies only while the page and the one before it are the same content; the latest wins', () => {
  const pages = boxPages('dir:/box');
  const [p1, p2, p3] = pages as [PageResult, PageResult, PageResult];
  const applying = boundariesOf(pages, [
    boundary(p2, p1, 'start', '2024-01-01T00:00:00.000Z'),
    boundary(p2, p1, 'continue', '2024-02-01T00:00:00.000Z'),
    // p3 after p1: not this sequence's order (a page between was removed, say).
    boundary(p3, p1, 'continue'),
  ]);
  assert.deepEqual([...applying.keys()], ['0002']);
  assert.equal(applying.get('0002')!.decision, 'continue');
  // A re-scanned page (other content) does not inherit the decision.
  const rescanned = pages.map((p) => (p.pageId === '0002' ? { ...p, contentHash: 'other' } : p));
  assert.equal(boundariesOf(rescanned, [boundary(p2, p1, 'start')]).size, 0);
});

test("a reviewer's split and merge win in every --documents mode, and the records say a person decided", async () => {
  for (const mode of ['dir', 'folder', 'file']) {
    // In file mode each page is its own file; the pages of one file form the sequence here.
    const key = mode === 'file' ? 'file:/box/all.tif' : `${mode}:/box`;
    const pages = boxPages(key).map((p) => (mode === 'file' ? { ...p, file: 'box/all.tif' } : p));
    const [p1, p2, p3, p4] = pages as [PageResult, PageResult, PageResult, PageResult];
    const plain = await build(pages);
    assert.deepEqual(
      plain.records.map((r) => r.source.pages),
      [['0001', '0002'], ['0003'], ['0004']],
      mode,
    );
    const regrouped = await build(pages, { reviewerBoundaries: [boundary(p2, p1, 'start'), boundary(p4, p3, 'continue')] });
    assert.deepEqual(
      regrouped.records.map((r) => r.source.pages),
      [['0001'], ['0002'], ['0003', '0004']],
      mode,
    );
    const merged = regrouped.records[2]!;
    assert.equal(merged.grouping?.status, 'confirmed', mode);
    const decision = merged.grouping!.decisions.find((d) => d.page === '0004')!;
    assert.deepEqual([decision.rule, decision.decision, decision.decidedBy, decision.uncertain], ['reviewer', 'continue', 'anna', false], mode);
    // What the pipeline said is kept after the reviewer's cue.
    assert.equal(decision.evidence[0]!.cue, 'reviewer');
    assert.ok(
      decision.evidence.some((e) => e.cue.startsWith('pipeline:') && e.says === 'start'),
      mode,
    );
    assert.deepEqual(
      regrouped.grouping.decisions.map((d) => d.decision),
      ['start', 'start', 'start', 'continue'],
      mode,
    );
  }
});

test("a regrouping keeps the sequence's other decisions as they stood, doubt included, instead of deciding them again", async () => {
  const pages = boxPages('dir:/box');
  const doubted = await build(pages, {});
  const timid = await buildRecords(pages, { config, logger: silentLogger(), profiles, groupingModel: timidModel() });
  const kept = new Map(timid.grouping.decisions.map((d) => [d.page, d]));
  const [p1, p2] = pages as [PageResult, PageResult];
  // The shipped model is sure of every boundary here; the kept decisions are not.
  assert.ok(doubted.grouping.decisions.every((d) => !d.uncertain));
  const rebuilt = await build(pages, { keepDecisions: kept, reviewerBoundaries: [boundary(p2, p1, 'start')] });
  assert.deepEqual(
    rebuilt.grouping.decisions.map((d) => [d.page, d.rule, d.uncertain]),
    [
      ['0001', 'first-page', false],
      ['0002', 'reviewer', false],
      ['0003', 'model', true],
      ['0004', 'model', true],
    ],
  );
  assert.deepEqual(
    rebuilt.records.map((r) => r.source.pages),
    [['0001'], ['0002'], ['0003'], ['0004']],
  );
  assert.deepEqual(
    rebuilt.records.map((r) => r.grouping?.status),
    ['confirmed', 'uncertain', 'uncertain', 'uncertain'],
  );
});

function field(
  recordId: string,
  name: string,
  page: string | null,
  bbox: [number, number, number, number] | null,
  review?: { status: 'confirmed' | 'corrected' | 'absent'; value: string | null },
  id = Math.floor(Math.random() * 1e9),
): StoredField {
  return {
    id,
    recordId,
    name,
    profile: 'soviet-cipher',
    value: review ? review.value : 'machine',
    status: review ? review.status : 'needs_review',
    machineValue: 'machine',
    machineStatus: 'needs_review',
    text: 'machine',
    confidence: 0.5,
    page,
    bbox,
    reasons: [],
    reviewStatus: review?.status ?? null,
    reviewedBy: review ? 'anna' : null,
    reviewedAt: review ? '2024-01-01T00:00:00.000Z' : null,
    inRecord: true,
    heldReason: null,
    version: 2,
  };
}

test('field decisions follow their field when it is read from the same page and box; otherwise the field waits again, or the decision stays behind', () => {
  const box: [number, number, number, number] = [10, 10, 100, 40];
  const old = {
    id: 'old',
    pages: ['p1', 'p2'],
    fields: [
      field('old', 'number', 'p1', box, { status: 'corrected', value: '42' }),
      field('old', 'date', 'p1', box, { status: 'confirmed', value: 'machine' }),
      field('old', 'signature', 'p2', [10, 900, 200, 940], { status: 'confirmed', value: 'machine' }),
      field('old', 'copies', null, null, { status: 'absent', value: null }),
      field('old', 'addressee', 'p2', box, { status: 'corrected', value: 'X' }),
      field('old', 'place', 'p1', box),
    ],
  };
  const left = {
    id: 'left',
    pages: ['p1'],
    fields: [
      field('left', 'number', 'p1', box, undefined, 1),
      field('left', 'date', 'p1', [10, 10, 100, 41], undefined, 2),
      field('left', 'copies', null, null, undefined, 3),
      field('left', 'place', 'p1', box, undefined, 4),
    ],
  };
  const right = { id: 'right', pages: ['p2'], fields: [field('right', 'signature', 'p2', [10, 900, 200, 940], undefined, 5)] };
  const plan = planCarryOver([old], [left, right]);
  assert.deepEqual(
    plan.carry.map((c) => [c.from.name, c.to.recordId, c.status, c.value]),
    [
      ['number', 'left', 'corrected', '42'],
      ['signature', 'right', 'confirmed', 'machine'],
      ['copies', 'left', 'absent', null],
    ],
  );
  // The date moved by a pixel: the person judged other ink.
  assert.deepEqual(
    plan.hold.map((h) => [h.from.name, h.to.id]),
    [['date', 2]],
  );
  // No record holding p2 has an addressee; a field nobody reviewed carries nothing.
  assert.deepEqual(
    plan.dropped.map((f) => f.name),
    ['addressee'],
  );
});
