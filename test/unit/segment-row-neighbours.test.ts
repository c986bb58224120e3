// A signer read under a scribble's larger word, or beside words of another line on its row, or
// read again differently on the line below: the value is held (incomplete_value, multiple_candidates).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldDraft } from '../../src/segment/draft.ts';
import type { TextLine } from '../../src/segment/lines.ts';
import { markSplitRows } from '../../src/segment/row-neighbours.ts';
import type { BBox } from '../../src/types.ts';

function textLine(pageLine: number, words: Array<[string, BBox]>): TextLine {
  let at = 0;
  const ws = words.map(([text, bbox]) => {
    const w = { text, confidence: 90, bbox, page: 'p', start: at, end: at + text.length };
    at += text.length + 1;
    return w;
  });
  return { page: 'p', pageLine, paragraph: 0, text: words.map((w) => w[0]).join(' '), words: ws };
}

function signature(value: string, bbox: BBox): Record<string, FieldDraft> {
  return { signature: { value, text: value, page: 'p', bbox, wordConfidences: [91], labelScore: 1, required: false, found: true, notes: [] } };
}

test('a signer under a larger word of the scribble is incomplete; one read again differently below is doubtful; a clean signer is left alone', () => {
  // The scribble `6. C SUWARNO` drawn over the typed `G. S. SUWARNO`, of which only `SUWARNO` was read.
  const scribble = textLine(23, [
    ['6.', [937, 2789, 997, 2868]],
    ['C', [1046, 2777, 1091, 2858]],
    ['SUWARNO', [1106, 2736, 1517, 2888]],
  ]);
  const typed = textLine(24, [['SUWARNO', [1258, 2860, 1428, 2886]]]);
  const covered = signature('SUWARNO', [1258, 2860, 1428, 2886]);
  markSplitRows(covered, [scribble, typed]);
  assert.ok(covered.signature!.notes.includes('incomplete_value'));

  const fromScribble = textLine(10, [
    ['(.', [1139, 1948, 1181, 2008]],
    ['A.', [1205, 1943, 1256, 2003]],
    ['RANSOME', [1283, 1921, 1585, 1999]],
  ]);
  const typedBelow = textLine(11, [
    ['L.', [1180, 2026, 1227, 2055]],
    ['A.', [1269, 2026, 1316, 2055]],
    ['RANSOME', [1360, 2019, 1565, 2052]],
  ]);
  const twice = signature('A. RANSOME', [1205, 1921, 1585, 2003]);
  markSplitRows(twice, [fromScribble, typedBelow]);
  assert.ok(twice.signature!.notes.includes('multiple_candidates'));

  const alone = signature('L. A. RANSOME', [1180, 2019, 1565, 2055]);
  markSplitRows(alone, [
    textLine(9, [
      ['Yours', [1176, 1826, 1320, 1857]],
      ['truly,', [1507, 1815, 1672, 1856]],
    ]),
    typedBelow,
  ]);
  assert.deepEqual(alone.signature!.notes, []);
});
