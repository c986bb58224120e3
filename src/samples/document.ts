// One document of any kind, from invention to scanned pages: the layout invents it,
// a per-document style is drawn (paper, margins, typewriter pitch, line spacing, how
// continuation pages are marked), the composer lays it out on pages, the layout's
// decorations (stamps, pen signatures...) are planned, and each page is inked and
// scanned with the document's degradation, varied a little from sheet to sheet as a
// scanner's feed varies. Pure functions of the random generator handed in.

import type { BBox } from '../types.ts';
import type { About, AnyLayout, FieldValue } from './model.ts';
import type { Rng } from './random.ts';
import { compose, type Composition } from './compose.ts';
import { drawContinuationStyle, type ContinuationStyle } from './continuation.ts';
import { A4_300DPI, US_LETTER_300DPI, typewriterLine, type PageGeometry } from './geometry.ts';
import { fontById, TYPEWRITER_FONTS, type TypewriterFont } from './fonts.ts';
import { CLEAN_STRIKES, renderInk } from './render.ts';
import { renderScan, rotateBox, type Degradation } from './degrade.ts';
import { drawMarks, type MarkSpec, type PageMark } from './marks.ts';
import { planDecorations, type DecorationContext } from './decorations.ts';

export interface DocumentStyle {
  font: TypewriterFont['id'];
  geometry: PageGeometry;
  /** Default line spacing in typewriter lines. */
  spacing: number;
  continuation: ContinuationStyle;
  /** Punched for a binder: the same two holes on every page. */
  holes: { side: 'left' | 'top'; offset: number } | null;
}

export interface PlannedDocument {
  layout: AnyLayout;
  data: unknown;
  style: DocumentStyle;
  composition: Composition;
  fields: Record<string, FieldValue>;
  about: About;
}

export interface RenderedPage {
  image: Buffer;
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  degradation: Degradation;
  lines: { text: string; bbox: BBox; role?: string }[];
  marks: PageMark[];
  /** The page's ink before scanning, kept for a blank back page's show-through. */
  ink: Buffer;
  /** The scanned page's grey pixels as encoded (before JPEG), for tests. */
  grey: Buffer;
}

/**
 * A typed line as a reader transcribes it: the run of spaces that pushes a date to
 * the right margin ("Spec. No. 1967      November 22, 1963") is one space in the text.
 */
export function asRead(typed: string): string {
  return typed.replace(/ {2,}/g, ' ');
}

/** Paper, pitch and margins by kind: despatches on US letter paper in pica, letters and reports often in elite. */
export function drawGeometry(layout: AnyLayout, rng: Rng): PageGeometry {
  const kind = layout.kind;
  const paper = kind === 'despatch' ? US_LETTER_300DPI : kind === 'letter' && rng.chance(0.4) ? US_LETTER_300DPI : A4_300DPI;
  const elite = (kind === 'letter' && rng.chance(0.6)) || (kind === 'report' && rng.chance(0.7));
  const pitch = elite ? 25 : 30;
  const marginLeft = kind === 'despatch' ? rng.int(300, 380) : rng.int(230, 340);
  const marginTop = kind === 'despatch' ? rng.int(170, 240) : rng.int(220, 320);
  const marginBottom = rng.int(240, 320);
  const rightMargin = kind === 'despatch' ? rng.int(300, 420) : rng.int(180, 300);
  const columns = Math.floor((paper.width - marginLeft - rightMargin) / pitch);
  return { ...paper, marginLeft, marginTop, marginBottom, pitch, columns: kind === 'telegram' ? Math.min(66, Math.max(58, columns)) : columns };
}

/** The typewriter face scaled to the pitch (elite: 12 characters per inch instead of 10). */
export function fontForPitch(font: TypewriterFont, geometry: PageGeometry): TypewriterFont {
  return geometry.pitch === 30 ? font : { ...font, sizePx: Math.round((font.sizePx * geometry.pitch) / 30) };
}

export function drawDocumentStyle(layout: AnyLayout, data: unknown, rng: Rng): DocumentStyle {
  const geometry = drawGeometry(layout, rng.fork('geometry'));
  const spacingRng = rng.fork('spacing');
  const spacing = layout.spacing?.(data) ?? spacingRng.pick([1.5, 1.5, 1.5, 1, 2]);
  const holes = rng.chance(0.25) ? { side: 'left' as const, offset: rng.int(60, 110) } : null;
  return {
    font: rng.pick(TYPEWRITER_FONTS).id,
    geometry,
    spacing,
    continuation: drawContinuationStyle(layout.kind, layout.continuationContext(data), rng.fork('continuation')),
    holes,
  };
}

export function composeDocument(layout: AnyLayout, data: unknown, style: DocumentStyle): Composition {
  return compose({
    lines: layout.typeset(data, style.geometry.columns),
    geometry: style.geometry,
    spacing: style.spacing,
    style: style.continuation,
    context: layout.continuationContext(data),
  });
}

/**
 * Invents a document of `layout` and lays it out; with `pages`, retries (from forks of
 * `rng`, so the result stays a function of it) until the document fills exactly that many
 * pages, longer or shorter bodies as needed. Returns null when no try gives that count.
 */
export function planDocument(layout: AnyLayout, rng: Rng, options: { sentences: { min: number; max: number }; pages?: number }): PlannedDocument | null {
  let { min, max } = options.sentences;
  for (let attempt = 0; attempt < 16; attempt++) {
    const tryRng = rng.fork(`attempt-${attempt}`);
    const data = layout.invent(tryRng.fork('document'), { minSentences: min, maxSentences: max });
    const style = drawDocumentStyle(layout, data, tryRng.fork('style'));
    const composition = composeDocument(layout, data, style);
    const count = composition.pages.length;
    if (options.pages === undefined || count === options.pages) {
      return { layout, data, style, composition, fields: layout.expectedFields(data), about: layout.about?.(data) ?? {} };
    }
    // Scale the body towards the wanted page count and try again.
    const factor = count < options.pages ? 1.35 : 0.7;
    min = Math.max(1, Math.round(min * factor));
    max = Math.max(min, Math.round(max * factor));
  }
  return null;
}

/** Small sheet-to-sheet differences of one scan session: skew, paper tone and light. */
export function varyDegradation(base: Degradation, rng: Rng): Degradation {
  if (base.preset === 'clean') return base;
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    ...base,
    skewDeg: round2(base.skewDeg + rng.range(-0.35, 0.35)),
    paper: base.paper
      ? {
          ...base.paper,
          tone: Math.max(150, Math.min(255, base.paper.tone + rng.int(-4, 4))),
          gradientAngle: (base.paper.gradientAngle + rng.int(-25, 25) + 360) % 360,
        }
      : null,
  };
}

function holeSpecs(style: DocumentStyle): MarkSpec[] {
  if (!style.holes) return [];
  const { height } = style.geometry;
  return [
    {
      type: 'holes',
      lines: [],
      face: 'print',
      size: 0,
      cx: style.holes.offset,
      cy: height / 2,
      angle: 0,
      shape: 'holes',
      alpha: 0.92,
      width: 70,
      height: Math.round(height * 0.24),
    },
  ];
}

/** Inks and scans every page of a planned document. */
export async function renderDocument(plan: PlannedDocument, degradation: Degradation, rng: Rng): Promise<RenderedPage[]> {
  const { style } = plan;
  const geometry = style.geometry;
  const font = fontForPitch(fontById(style.font), geometry);
  const strikeRng = rng.fork('strikes');
  const scanRng = rng.fork('scan');
  const sheetRng = rng.fork('sheets');
  const context: DecorationContext = { layout: plan.layout, data: plan.data, geometry, font, unit: typewriterLine(geometry), about: plan.about };
  const decorations = planDecorations(context, plan.composition, rng.fork('decorations'));
  const pages: RenderedPage[] = [];
  for (let index = 0; index < plan.composition.pages.length; index++) {
    const page = plan.composition.pages[index];
    const specs = [...holeSpecs(style), ...(decorations[index] ?? [])];
    let marks: PageMark[] = [];
    const ink = renderInk(
      page.lines,
      font,
      geometry,
      strikeRng,
      CLEAN_STRIKES,
      specs.length
        ? (ctx) => {
            marks = drawMarks(ctx, specs, geometry.width, geometry.height);
          }
        : undefined,
    );
    const sheet = varyDegradation(degradation, sheetRng);
    const scan = await renderScan(ink.ink, geometry.width, geometry.height, sheet, scanRng);
    pages.push({
      image: scan.image,
      format: scan.format,
      width: geometry.width,
      height: geometry.height,
      degradation: sheet,
      lines: ink.lines.map((l, i) => ({
        text: page.lines[i].read ?? asRead(l.text),
        bbox: rotateBox(l.bbox, sheet.skewDeg, geometry.width, geometry.height),
        ...(page.lines[i].role ? { role: page.lines[i].role } : {}),
      })),
      marks: marks.map((m) => ({ ...m, bbox: rotateBox(m.bbox, sheet.skewDeg, geometry.width, geometry.height) })),
      ink: ink.ink,
      grey: scan.grey,
    });
  }
  return pages;
}

/**
 * The back of the last sheet, scanned because the scanner was set to duplex: paper with,
 * on a degraded scan, the front's typing showing through faintly, mirrored.
 */
export async function renderBlankBack(front: RenderedPage, degradation: Degradation, rng: Rng): Promise<RenderedPage> {
  const { width, height } = front;
  const ink = Buffer.alloc(width * height);
  if (degradation.preset !== 'clean') {
    const strength = rng.range(0.06, 0.16);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) ink[row + x] = Math.round(front.ink[row + (width - 1 - x)] * strength);
    }
  }
  const sheet = varyDegradation(degradation, rng);
  const scan = await renderScan(
    ink,
    width,
    height,
    { ...sheet, blurSigma: Math.max(sheet.blurSigma, degradation.preset === 'clean' ? 0 : 1.5) },
    rng.fork('scan'),
  );
  return { image: scan.image, format: scan.format, width, height, degradation: sheet, lines: [], marks: [], ink, grey: scan.grey };
}
