// Ink on a page that nobody typed: received stamps, file numbers written or stamped in
// the margin, a signature in pen over the typed name, punched holes, an archive's folio
// stamp. Real scans carry them (the EHRI despatches' header zone is full of them); the
// corpus's line truth leaves them out, and so does ours: they are listed per page as
// `marks`, with their boxes, so a test can check that a stamp's date is never read as
// the document's.

import type { SKRSContext2D } from '@napi-rs/canvas';
import type { BBox } from '../types.ts';
import { registerFontFile } from './fonts.ts';
import { PRINT_FONT } from './render.ts';

export type MarkType = 'stamp' | 'fileNumber' | 'note' | 'signatureScrawl' | 'seal' | 'holes' | 'folio' | 'distributionBox';

/** A mark as drawn: what a reader of the truth needs (type, text, the date it carries, where it is). */
export interface PageMark {
  type: MarkType;
  /** Its text lines joined by " / " (none for holes and seals). */
  text?: string;
  /** YYYY-MM-DD, for a dated stamp. */
  date?: string;
  bbox: BBox;
}

export type MarkFace = 'stamp' | 'hand' | 'print';

/** What to draw: text lines in a face, optionally in an oval or a box, rotated about its centre. */
export interface MarkSpec {
  type: MarkType;
  lines: string[];
  face: MarkFace;
  /** Letter size in px. */
  size: number;
  cx: number;
  cy: number;
  /** Degrees, clockwise. */
  angle: number;
  shape: 'oval' | 'rect' | 'none' | 'holes' | 'seal' | 'table';
  /** Ink strength (a violet or pale stamp scans lighter than typescript). */
  alpha: number;
  date?: string;
  /** For shapes without text: width and height in px. */
  width?: number;
  height?: number;
}

const HAND_FONT = { family: 'cablescan-caveat', packageName: '@fontsource/caveat', file: 'files/caveat-latin-500-normal.woff2' } as const;
let fontsReady = false;

function ensureFonts(): void {
  if (fontsReady) return;
  registerFontFile(HAND_FONT.packageName, HAND_FONT.file, HAND_FONT.family);
  for (const weight of ['500', '700']) registerFontFile(PRINT_FONT.packageName, `files/libre-franklin-latin-${weight}-normal.woff2`, PRINT_FONT.family);
  fontsReady = true;
}

function fontOf(face: MarkFace, size: number): string {
  if (face === 'hand') return `${size}px ${HAND_FONT.family}`;
  return `${face === 'stamp' ? '700' : '500'} ${size}px ${PRINT_FONT.family}`;
}

function rotatedBox(cx: number, cy: number, w: number, h: number, angle: number, width: number, height: number): BBox {
  const t = (angle * Math.PI) / 180;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [dx, dy] of [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [-w / 2, h / 2],
    [w / 2, h / 2],
  ]) {
    xs.push(cx + dx * Math.cos(t) - dy * Math.sin(t));
    ys.push(cy + dx * Math.sin(t) + dy * Math.cos(t));
  }
  return [
    Math.max(0, Math.floor(Math.min(...xs))),
    Math.max(0, Math.floor(Math.min(...ys))),
    Math.min(width, Math.ceil(Math.max(...xs))),
    Math.min(height, Math.ceil(Math.max(...ys))),
  ];
}

/** Draws the marks (ink is black; `alpha` sets its strength) and returns them with their boxes. */
export function drawMarks(ctx: SKRSContext2D, specs: readonly MarkSpec[], pageWidth: number, pageHeight: number): PageMark[] {
  ensureFonts();
  const drawn: PageMark[] = [];
  for (const spec of specs) {
    ctx.save();
    ctx.globalAlpha = spec.alpha;
    ctx.fillStyle = '#000000';
    ctx.strokeStyle = '#000000';
    ctx.translate(spec.cx, spec.cy);
    ctx.rotate((spec.angle * Math.PI) / 180);
    let w = spec.width ?? 0;
    let h = spec.height ?? 0;
    if (spec.shape === 'holes') {
      // Two punched holes: dark discs (the scanner's backing shows through).
      const r = w / 2;
      for (const dy of [-h / 2 + r, h / 2 - r]) {
        ctx.beginPath();
        ctx.arc(0, dy, r, 0, Math.PI * 2);
        ctx.fill();
      }
    } else if (spec.shape === 'seal') {
      // An embossed seal printed in outline: two rings and a rough emblem.
      ctx.lineWidth = 6;
      for (const r of [w / 2, w / 2 - 14]) {
        ctx.beginPath();
        ctx.arc(0, 0, r, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.lineWidth = 4;
      for (let k = 0; k < 9; k++) {
        const a = (k / 9) * Math.PI * 2;
        ctx.beginPath();
        ctx.moveTo(0, 0);
        ctx.lineTo(Math.cos(a) * (w / 2 - 30), Math.sin(a) * (w / 2 - 30));
        ctx.stroke();
      }
    } else {
      ctx.font = fontOf(spec.face, spec.size);
      const lineHeight = spec.size * 1.15;
      const textWidth = Math.max(0, ...spec.lines.map((l) => ctx.measureText(l).width));
      const textHeight = spec.lines.length * lineHeight;
      const padX = spec.shape === 'oval' ? spec.size * 1.6 : spec.shape === 'none' ? 0 : spec.size * 0.7;
      const padY = spec.shape === 'oval' ? spec.size * 1.1 : spec.shape === 'none' ? 0 : spec.size * 0.5;
      w = Math.max(w, textWidth + 2 * padX);
      h = Math.max(h, textHeight + 2 * padY);
      ctx.lineWidth = Math.max(3, spec.size / 9);
      if (spec.shape === 'oval') {
        ctx.beginPath();
        ctx.ellipse(0, 0, w / 2, h / 2, 0, 0, Math.PI * 2);
        ctx.stroke();
      } else if (spec.shape === 'rect') {
        ctx.strokeRect(-w / 2, -h / 2, w, h);
      } else if (spec.shape === 'table') {
        // A distribution-instructions box: a ruled grid with its two headings.
        ctx.strokeRect(-w / 2, -h / 2, w, h);
        ctx.beginPath();
        ctx.moveTo(-w / 2, -h / 2 + lineHeight * 1.3);
        ctx.lineTo(w / 2, -h / 2 + lineHeight * 1.3);
        ctx.moveTo(-w / 2 + w * 0.3, -h / 2);
        ctx.lineTo(-w / 2 + w * 0.3, h / 2);
        ctx.stroke();
      }
      ctx.textBaseline = 'middle';
      if (spec.shape === 'table') {
        ctx.fillText(spec.lines[0] ?? '', -w / 2 + spec.size * 0.4, -h / 2 + lineHeight * 0.65);
        ctx.fillText(spec.lines[1] ?? '', -w / 2 + w * 0.3 + spec.size * 0.4, -h / 2 + lineHeight * 0.65);
      } else {
        spec.lines.forEach((line, i) => {
          const lw = ctx.measureText(line).width;
          ctx.fillText(line, -lw / 2, -textHeight / 2 + lineHeight * (i + 0.5));
        });
      }
    }
    ctx.restore();
    drawn.push({
      type: spec.type,
      ...(spec.lines.length ? { text: spec.lines.join(' / ') } : {}),
      ...(spec.date ? { date: spec.date } : {}),
      bbox: rotatedBox(spec.cx, spec.cy, w, h, spec.angle, pageWidth, pageHeight),
    });
  }
  return drawn;
}
