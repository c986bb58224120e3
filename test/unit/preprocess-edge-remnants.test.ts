// Edge remnants (src/preprocess/edge-remnants.ts): ink cut by the scan's edge is painted out
// before a rotation; what runs in far from the edge, and everything inside the page, is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearEdgeRemnants } from '../../src/preprocess/edge-remnants.ts';

const W = 100;
const H = 60;
const PAPER = 240;
const INK = 20;

function page(): Buffer {
  return Buffer.alloc(W * H, PAPER);
}
function fill(data: Buffer, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) data[y * W + x] = INK;
}
const inkIn = (data: Buffer, x0: number, y0: number, x1: number, y1: number) => {
  let n = 0;
  for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) if (data[y * W + x]! <= 128) n += 1;
  return n;
};

test('clearEdgeRemnants: the feet of a number cut by the top edge and a blot on the right edge are painted as paper', () => {
  const data = page();
  fill(data, 70, 0, 74, 5); // a cut-off digit's stroke at the top
  fill(data, 78, 0, 84, 3);
  fill(data, 96, 30, 100, 34); // a blot on the right edge
  fill(data, 20, 25, 60, 30); // a typed line inside the page
  const out = clearEdgeRemnants(data, W, H, 128, 8, PAPER);
  assert.equal(out.remnants, 3);
  assert.equal(out.painted, 4 * 5 + 6 * 3 + 4 * 4);
  assert.equal(inkIn(out.data, 0, 0, W, 8), 0);
  assert.equal(inkIn(out.data, 90, 25, W, 40), 0);
  assert.equal(inkIn(out.data, 20, 25, 60, 30), 40 * 5, 'the line inside the page is kept');
  assert.equal(inkIn(data, 70, 0, 74, 5), 20, 'the input is not changed');
});

test('clearEdgeRemnants: ink touching an edge but running in beyond the band (a fold, a ruled margin) is kept, with what it touches', () => {
  const data = page();
  fill(data, 40, 0, 42, 50); // a fold line from the top edge down the page
  fill(data, 42, 2, 48, 5); // a remnant joined to it
  fill(data, 0, 10, 60, 12); // a rule from the left edge across the page (thin, but far from the left edge)
  const out = clearEdgeRemnants(data, W, H, 128, 8, PAPER);
  assert.equal(out.remnants, 0);
  assert.deepEqual(out.data, data);
});

test('clearEdgeRemnants: a page with no ink at its edges comes back as it was; band 0 paints nothing', () => {
  const data = page();
  fill(data, 10, 10, 90, 14);
  const out = clearEdgeRemnants(data, W, H, 128, 8, PAPER);
  assert.equal(out.remnants, 0);
  assert.deepEqual(out.data, data);
  const edge = page();
  fill(edge, 0, 0, 3, 3);
  assert.equal(clearEdgeRemnants(edge, W, H, 128, 0, PAPER).remnants, 0);
});
