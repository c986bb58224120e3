// The pixel loops made faster for issue 20 give what the plain loops gave: the ink mask four
// levels at a time, rules found row by row, the label keys remembered, a grey rectangle cut in JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskAtMost } from '../../src/preprocess/analysis.ts';
import { removeRules } from '../../src/preprocess/steps/rules.ts';
import { labelKey } from '../../src/segment/text.ts';

const plainMask = (levels: Uint8Array, threshold: number) => Uint8Array.from(levels, (v) => (v <= threshold ? 1 : 0));

test('maskAtMost: every level against every threshold, aligned or not, with a tail of odd length', () => {
  const levels = new Uint8Array(4 * 256 + 7);
  for (let i = 0; i < levels.length; i += 1) levels[i] = i < 256 ? i : (i * 37 + (i >> 3)) & 255;
  for (let threshold = -2; threshold <= 257; threshold += 1) {
    assert.deepEqual(maskAtMost(levels, threshold), plainMask(levels, threshold), `threshold ${threshold}`);
    const shifted = new Uint8Array(levels.length + 1).subarray(1);
    shifted.set(levels);
    assert.deepEqual(maskAtMost(shifted, threshold), plainMask(levels, threshold), `unaligned, threshold ${threshold}`);
  }
  assert.deepEqual(maskAtMost(levels, 100.7), plainMask(levels, 100.7), 'a fractional threshold');
});

test('removeRules: a rule with a letter standing on it is painted but for the letter; a page without one comes back as it is', () => {
  const width = 120;
  const height = 40;
  const page = Buffer.alloc(width * height, 250);
  for (let x = 10; x < 110; x += 1) for (let y = 20; y < 22; y += 1) page[y * width + x] = 20; // the rule
  for (let y = 8; y < 26; y += 1) for (let x = 50; x < 53; x += 1) page[y * width + x] = 20; // a stroke through it
  const found = removeRules(page, width, height, 128, 40, 4);
  assert.equal(found.rules, 1);
  assert.deepEqual(found.boxes, [[10, 20, 110, 22]]);
  assert.equal(found.data[21 * width + 30], 250, 'the rule is paper');
  assert.equal(found.data[21 * width + 51], 20, 'the stroke keeps its ink');
  assert.equal(page[21 * width + 30], 20, 'the input is not changed');
  const blank = Buffer.alloc(width * height, 250);
  const none = removeRules(blank, width, height, 128, 40, 4);
  assert.equal(none.rules, 0);
  assert.equal(none.data, blank);
});

test('labelKey: the same key asked again, and for new texts after many', () => {
  assert.equal(labelKey('Frorn:'), 'FROM:');
  assert.equal(labelKey('Frorn:'), 'FROM:');
  for (let i = 0; i < 25_000; i += 1) labelKey(`line ${i}`);
  assert.equal(labelKey('N0. 5'), 'NO.S');
});

test('extractGrey: the same bytes as sharp cutting the rectangle', async () => {
  const { extractGrey, sharpOf, toGreyRaw } = await import('../../src/preprocess/raw.ts');
  const width = 97;
  const height = 61;
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 31 + (i >> 5)) & 255;
  const image = { data, width, height, channels: 1 as const };
  for (const rect of [
    { left: 0, top: 0, width, height },
    { left: 13, top: 7, width: 40, height: 21 },
    { left: 96, top: 60, width: 1, height: 1 },
  ]) {
    const ours = await extractGrey(image, rect);
    const theirs = await toGreyRaw(sharpOf(image).extract(rect));
    assert.deepEqual([ours.width, ours.height, ours.channels], [theirs.width, theirs.height, theirs.channels]);
    assert.ok(Buffer.from(ours.data).equals(Buffer.from(theirs.data)), JSON.stringify(rect));
  }
});
