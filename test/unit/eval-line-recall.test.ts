// Line recall (src/eval/line-recall.ts): a ground-truth line is found when a stretch of the OCR
// text matches it at >= 70% similarity, each stretch serving one line at most, lines under five
// characters left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestStretch, lineRecall } from '../../src/eval/line-recall.ts';

test('the closest stretch anywhere in the text, with its distance and place', () => {
  const text = 'xx the quick brwn fox yy';
  const best = bestStretch('the quick brown fox', text);
  assert.equal(best.distance, 1);
  assert.equal(text.slice(best.start, best.end), 'the quick brwn fox');
});

test('a line read with a few errors is found; a line missing is not, and is named', () => {
  const gt = ['to Rumanian citizens enjoying full civil rights.', 'many. Rumanians in general seem to wish to wreak', 'from the practice of medicine.'];
  const ocr = '$0 Rumanian citizens -enjoying full civil rights.\nfrom the practlce of medicine.';
  const r = lineRecall(ocr, gt);
  assert.equal(r.lines, 3);
  assert.equal(r.found, 2);
  assert.deepEqual(
    r.matches.filter((m) => !m.found).map((m) => m.line),
    ['many. Rumanians in general seem to wish to wreak'],
  );
  // The line breaks of the OCR text do not matter: a line split in two is still one stretch.
  assert.equal(lineRecall('many. Rumanians in general\nseem to wish to wreak', gt.slice(1, 2)).found, 1);
});

test('one stretch serves one line: a repeated line read once is found once', () => {
  const gt = ['Strictly Confidential', 'Strictly Confidential'];
  assert.equal(lineRecall('Strictly Confidential', gt).found, 1);
  assert.equal(lineRecall('Strictly Confidential\nStrictly Confidentia1', gt).found, 2);
});

test('lines under five characters are left out; below 70% similarity is not found', () => {
  const r = lineRecall('No.3\nsomething else entirely', ['No.3', 'the quick brown fox']);
  assert.equal(r.lines, 1);
  assert.equal(r.found, 0);
  assert.ok(r.matches[0].similarity < 0.7);
});
