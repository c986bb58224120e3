// Draws placed lines as typewriter strikes onto a blank sheet and returns the
// ink coverage (0 = paper, 255 = full ink) plus each line's ink bounding box.
// Characters are struck one by one in fixed 30 px cells like a typewriter, with
// small seeded variations in position and pressure.

import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { BBox } from '../types.ts';
import type { Rng } from './random.ts';
import type { PageGeometry } from './geometry.ts';
import type { PlacedLine } from './typeset.ts';
import { ensureFontRegistered, registerFontFile, type TypewriterFont } from './fonts.ts';

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

export function baselineOf(line: Pick<PlacedLine, 'row' | 'y'>, geometry: PageGeometry, font: TypewriterFont): number {
  return geometry.marginTop + (line.y ?? line.row * geometry.lineHeight) + Math.round(font.sizePx * 0.8);
}

/** The face a letterhead is printed in (not a typewriter: proportional, from a press). */
export const PRINT_FONT = { family: 'cablescan-libre-franklin', packageName: '@fontsource/libre-franklin' } as const;

/**
 * Draws the page's lines; `decorate`, when given, draws on the same sheet after the lines'
 * ink boxes are measured (stamps, handwriting: ink that is not typed text and not in the truth).
 */
export function renderInk(
  lines: PlacedLine[],
  font: TypewriterFont,
  geometry: PageGeometry,
  rng: Rng,
  style: StrikeStyle,
  decorate?: (ctx: SKRSContext2D) => void,
): InkPage {
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
    const baseline = baselineOf(line, geometry, font);
    if (line.face) {
      drawPrinted(ctx, line, baseline, font, geometry);
      ctx.font = `${font.sizePx}px ${font.family}`;
      continue;
    }
    if (line.underline) strikeUnderline(ctx, line, baseline, font, geometry, rng, style);
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
  const inkOf = (): Buffer => {
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const ink = Buffer.alloc(width * height);
    for (let p = 0, q = 0; p < ink.length; p++, q += 4) ink[p] = 255 - rgba[q];
    return ink;
  };
  const typed = inkOf();
  const boxes = lines.map((line) => ({ text: line.text, bbox: inkBox(typed, width, line, geometry, font) }));
  if (!decorate) return { width, height, ink: typed, lines: boxes };
  ctx.save();
  decorate(ctx);
  ctx.restore();
  ctx.globalAlpha = 1;
  return { width, height, ink: inkOf(), lines: boxes };
}

/** A printed letterhead line: one proportional string, centred on (or aligned to) its typewriter columns. */
function drawPrinted(ctx: SKRSContext2D, line: PlacedLine, baseline: number, font: TypewriterFont, geometry: PageGeometry): void {
  ensurePrintFont();
  const size = Math.round(font.sizePx * 0.92);
  ctx.globalAlpha = 0.95;
  ctx.font = `${line.face === 'print-bold' ? '700' : '500'} ${size}px ${PRINT_FONT.family}`;
  const measured = ctx.measureText(line.text).width;
  const typedWidth = line.text.length * geometry.pitch;
  const left = geometry.marginLeft + line.column * geometry.pitch + (typedWidth - measured) / 2;
  ctx.fillText(line.text, left, baseline);
  ctx.globalAlpha = 1;
}

/** A typist's underline: an underscore struck under every character but trailing spaces. */
function strikeUnderline(
  ctx: SKRSContext2D,
  line: PlacedLine,
  baseline: number,
  font: TypewriterFont,
  geometry: PageGeometry,
  rng: Rng,
  style: StrikeStyle,
): void {
  const length = line.text.trimEnd().length;
  const advance = ctx.measureText('_').width;
  for (let i = 0; i < length; i++) {
    const dy = rng.range(-style.jitterPx, style.jitterPx);
    ctx.globalAlpha = rng.range(style.minDensity, 1);
    const cellX = geometry.marginLeft + (line.column + i) * geometry.pitch;
    // Underscores overlap a little so the rule looks continuous, as on a typewriter.
    ctx.save();
    ctx.translate(cellX - geometry.pitch * 0.1, baseline + Math.round(font.sizePx * 0.12) + dy);
    ctx.scale((geometry.pitch * 1.2) / advance, 1);
    ctx.fillText('_', 0, 0);
    ctx.restore();
  }
  ctx.globalAlpha = 1;
}

let printFontRegistered = false;
function ensurePrintFont(): void {
  if (printFontRegistered) return;
  for (const weight of ['500', '700']) registerFontFile(PRINT_FONT.packageName, `files/libre-franklin-latin-${weight}-normal.woff2`, PRINT_FONT.family);
  printFontRegistered = true;
}

/** Tight box of the ink of one typed line, searched inside its row band. */
function inkBox(ink: Buffer, width: number, line: PlacedLine, geometry: PageGeometry, font: TypewriterFont): BBox {
  const baseline = baselineOf(line, geometry, font);
  if (line.face) return printedBox(ink, width, line, baseline, font, geometry);
  const top = Math.max(0, baseline - font.sizePx);
  const bottom = Math.min(geometry.height, baseline + Math.ceil(font.sizePx * 0.4));
  const left = Math.max(0, geometry.marginLeft + line.column * geometry.pitch - geometry.pitch);
  const right = Math.min(width, geometry.marginLeft + (line.column + line.text.length + 1) * geometry.pitch);
  let x0 = right,
    y0 = bottom,
    x1 = left,
    y1 = top;
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

/** The ink box of a printed line: searched across the whole text width (proportional faces overrun the columns). */
function printedBox(ink: Buffer, width: number, line: PlacedLine, baseline: number, font: TypewriterFont, geometry: PageGeometry): BBox {
  const top = Math.max(0, baseline - font.sizePx);
  const bottom = Math.min(geometry.height, baseline + Math.ceil(font.sizePx * 0.4));
  const centre = geometry.marginLeft + (line.column + line.text.length / 2) * geometry.pitch;
  const half = line.text.length * geometry.pitch;
  const left = Math.max(0, Math.floor(centre - half));
  const right = Math.min(width, Math.ceil(centre + half));
  let x0 = right,
    y0 = bottom,
    x1 = left,
    y1 = top;
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      if (ink[y * width + x] > 40) {
        if (x < x0) x0 = x;
        if (x + 1 > x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y + 1 > y1) y1 = y + 1;
      }
    }
  }
  return x1 > x0 ? [x0, y0, x1, y1] : [left, top, left, top];
}
