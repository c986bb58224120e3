// Pieces of one typed row are joined again (Tesseract splits a row at a run of spaces), but a
// received stamp's words set sideways, many rows tall, are not part of the row they cross: joined,
// they hid a despatch's `Subject:` line from its profile (a generated heavy despatch, seed bench-kinds-2026).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRowPieces } from '../../src/segment/lines.ts';
import type { BBox, OcrLine } from '../../src/types.ts';

function line(words: Array<[string, BBox]>): OcrLine {
  const bbox: BBox = [
    Math.min(...words.map((w) => w[1][0])),
    Math.min(...words.map((w) => w[1][1])),
    Math.max(...words.map((w) => w[1][2])),
    Math.max(...words.map((w) => w[1][3])),
  ];
  return {
    text: words.map((w) => w[0]).join(' '),
    bbox,
    confidence: 90,
    paragraph: 0,
    words: words.map(([text, b]) => ({ text, bbox: b, confidence: 90 })),
  } as unknown as OcrLine;
}

test("a stamp's word set sideways is not joined to the typed row it crosses; a row's own right-hand piece is", () => {
  const subject = line([
    ['Subject:', [636, 599, 800, 644]],
    ['The', [820, 606, 880, 640]],
    ['Situation', [900, 608, 1100, 648]],
  ]);
  const sideways = line([
    ['OF', [487, 928, 520, 967]],
    ['COMMUNICATIONS', [487, 591, 520, 918]],
  ]);
  const rightPiece = line([['Spain.', [1700, 603, 1852, 650]]]);
  const rows = mergeRowPieces([subject, sideways, rightPiece], 0);
  assert.deepEqual(
    rows.map((r) => r.line.text),
    ['Subject: The Situation Spain.', 'OF COMMUNICATIONS'],
  );
});
