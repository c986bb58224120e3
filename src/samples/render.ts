// Draws placed lines as typewriter strikes onto a blank sheet and returns the
// ink coverage (0 = paper, 255 = full ink) plus each line's ink bounding box.
// Characters are struck one by one in fixed 30 px cells like a typewriter, with
// small seeded variations in position and pressure.

import { createCanvas } from '@napi-rs/canvas';
import type { BBox } from '../types.ts';
import type { Rng } from './random.ts';
import type { PageGeometry } from './geometry.ts';
import type { PlacedLine } from './typeset.ts';
import { ensureFontRegistered, type TypewriterFont } from './fonts.ts';

export interface StrikeStyle {
  /** Max displacement of a character in px (uniform, each axis). */
  jitterPx: number;
  /** Lowest ink density of a strike (1 = solid black). */
  minDensity: number;
}

export const CLEAN_STRIKES: StrikeStyle = { jitterPx: 0.8, minDensity: 0.8 };

export interface InkPage {
  width: number;
  height: number;
  /** One byte per pixel, row-major: ink coverage 0..255. */
  ink: Buffer;
  lines: { text: string; bbox: BBox }[];
}

export function baselineOf(row: number, geometry: PageGeometry, font: TypewriterFont): number {
  return geometry.marginTop + row * geometry.lineHeight + Math.round(font.sizePx * 0.8);
}

export function renderInk(lines: PlacedLine[], font: TypewriterFont, geometry: PageGeometry, rng: Rng, style: StrikeStyle): InkPage {
  ensureFontRegistered(font);
  const { width, height, pitch } = geometry;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${font.sizePx}px ${font.family}`;
  ctx.textBaseline = 'alphabetic';
  for (const line of lines) {
    const baseline = baselineOf(line.row, geometry, font);
    for (let i = 0; i < line.text.length; i++) {
      const ch = line.text[i];
      // Draw every strike (spaces too) so the random stream does not depend on the text's spaces.
      const dx = rng.range(-style.jitterPx, style.jitterPx);
      const dy = rng.range(-style.jitterPx, style.jitterPx);
      const density = rng.range(style.minDensity, 1);
      if (ch === ' ') continue;
      const cellX = geometry.marginLeft + (line.column + i) * pitch;
      const advance = ctx.measureText(ch).width;
      ctx.globalAlpha = density;
      if (advance <= pitch) {
        ctx.fillText(ch, cellX + (pitch - advance) / 2 + dx, baseline + dy);
      } else {
        // A glyph wider than the typewriter cell (an em dash, Special Elite's M and W) is
        // condensed into it, as a typewriter's type slug would be, instead of touching its neighbours.
        ctx.save();
        ctx.translate(cellX + dx, baseline + dy);
        ctx.scale(pitch / advance, 1);
        ctx.fillText(ch, 0, 0);
        ctx.restore();
      }
    }
  }
  ctx.globalAlpha = 1;
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const ink = Buffer.alloc(width * height);
  for (let p = 0, q = 0; p < ink.length; p++, q += 4) ink[p] = 255 - rgba[q];
  return {
    width,
    height,
    ink,
    lines: lines.map((line) => ({ text: line.text, bbox: inkBox(ink, width, line, geometry, font) })),
  };
}

/** Tight box of the ink of one typed line, searched inside its row band. */
function inkBox(ink: Buffer, width: number, line: PlacedLine, geometry: PageGeometry, font: TypewriterFont): BBox {
  const baseline = baselineOf(line.row, geometry, font);
  const top = Math.max(0, baseline - font.sizePx);
  const bottom = Math.min(geometry.height, baseline + Math.ceil(font.sizePx * 0.4));
  const left = Math.max(0, geometry.marginLeft + line.column * geometry.pitch - geometry.pitch);
  const right = Math.min(width, geometry.marginLeft + (line.column + line.text.length + 1) * geometry.pitch);
  let x0 = right, y0 = bottom, x1 = left, y1 = top;
  for (let y = top; y < bottom; y++) {
    const rowStart = y * width;
    for (let x = left; x < right; x++) {
      if (ink[rowStart + x] > 40) {
        if (x < x0) x0 = x;
        if (x + 1 > x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y + 1 > y1) y1 = y + 1;
      }
    }
  }
  return x1 > x0 ? [x0, y0, x1, y1] : [left, top, left, top];
}
