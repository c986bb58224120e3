// Blank and nearly blank pages, as archive boxes are full of them: the backs of sheets scanned
// duplex, separator sheets, the last page of a telegram holding only its signature. Each page is a
// pure function of its spec (kind, scan level, seed), drawn on an A4 300 dpi sheet and degraded
// like the telegram samples (degrade.ts), with the typed lines it holds as ground truth.
//
// Blank kinds: white paper; paper grain (grey paper and strong sensor noise, the page that used to
// hang a worker); speckles (dust, dirt and scratches); show-through (the reverse side's text,
// mirrored, blurred and faint); scanner edge shadows (dark bands along the edges).
// Nearly blank kinds: a signature line, a page number, a rubber stamp (a frame and two lines,
// turned a few degrees).
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { BBox } from '../types.ts';
import { drawDegradation, renderScan, rotateBox, type Degradation } from './degrade.ts';
import { ensureFontRegistered, fontById, TYPEWRITER_FONTS, type TypewriterFont } from './fonts.ts';
import { A4_300DPI, type PageGeometry } from './geometry.ts';
import { createRng, type Rng } from './random.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { ENGLISH_SURNAMES, INITIALS, MONTHS, SURNAMES } from './vocabulary.ts';

export const BLANK_KINDS = ['white', 'grain', 'speckles', 'show-through', 'edge-shadow'] as const;
export const NEARLY_BLANK_KINDS = ['signature', 'page-number', 'stamp'] as const;
export const SPARSE_LEVELS = ['clean', 'mild', 'heavy'] as const;

export type BlankKind = (typeof BLANK_KINDS)[number];
export type NearlyBlankKind = (typeof NEARLY_BLANK_KINDS)[number];
export type SparseKind = BlankKind | NearlyBlankKind;
export type SparseLevel = (typeof SPARSE_LEVELS)[number];

export interface SparsePageSpec {
  name: string;
  kind: SparseKind;
  level: SparseLevel;
  seed: string;
  font: TypewriterFont['id'];
  /** The signature or page number to type, instead of one drawn from the seed. */
  text?: string;
}

export interface SparseLine {
  text: string;
  /** Ink box in pixels of the page as written (after skew). */
  bbox: BBox;
}

export interface SparsePageExpected {
  name: string;
  file: string;
  kind: SparseKind;
  level: SparseLevel;
  /** True for the blank kinds: nothing on the page is text. */
  blank: boolean;
  degradation: Degradation;
  /** What the kind added on top of the scan degradation (grain sigma, speck count, shadow width...). */
  extras: Record<string, unknown>;
  lines: SparseLine[];
  width: number;
  height: number;
}

export interface GeneratedSparsePage {
  file: string;
  image: Buffer;
  expected: SparsePageExpected;
}

export function isBlankKind(kind: SparseKind): kind is BlankKind {
  return (BLANK_KINDS as readonly string[]).includes(kind);
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A layer of ink coverage (0 paper .. 255 full ink) drawn with canvas in black on white. */
function drawLayer(width: number, height: number, draw: (ctx: SKRSContext2D) => void): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.strokeStyle = '#000000';
  draw(ctx);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const ink = Buffer.alloc(width * height);
  for (let p = 0, q = 0; p < ink.length; p += 1, q += 4) ink[p] = 255 - rgba[q]!;
  return ink;
}

/** Tight box of the ink above `min` coverage, or null. */
function inkExtent(ink: Buffer, width: number, height: number, min = 40): BBox | null {
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      if (ink[row + x]! > min) {
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y >= y1) y1 = y + 1;
      }
    }
  }
  return x1 > x0 ? [x0, y0, x1, y1] : null;
}

function maxInto(target: Buffer, layer: Buffer, scale = 1): void {
  for (let i = 0; i < target.length; i += 1) {
    const v = scale === 1 ? layer[i]! : Math.round(layer[i]! * scale);
    if (v > target[i]!) target[i] = v;
  }
}

/** Types a line character by character in typewriter cells, with small seeded jitter. */
function typeLine(ctx: SKRSContext2D, text: string, x: number, baseline: number, font: TypewriterFont, pitch: number, rng: Rng): void {
  ctx.font = `${font.sizePx}px ${font.family}`;
  ctx.textBaseline = 'alphabetic';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    const dx = rng.range(-0.8, 0.8);
    const dy = rng.range(-0.8, 0.8);
    ctx.globalAlpha = rng.range(0.8, 1);
    if (ch === ' ') continue;
    const advance = ctx.measureText(ch).width;
    ctx.fillText(ch, x + i * pitch + Math.max(0, (pitch - advance) / 2) + dx, baseline + dy);
  }
  ctx.globalAlpha = 1;
}

function signatureText(rng: Rng): string {
  const english = rng.chance(0.3);
  const surname = english ? rng.pick(ENGLISH_SURNAMES) : rng.pick(SURNAMES);
  const initial = rng.pick(INITIALS);
  const style = rng.int(0, 2);
  if (style === 0) return `${initial} ${surname.toUpperCase()}`;
  if (style === 1) return `${initial} ${surname}`;
  return `${surname.toUpperCase()}.`;
}

function pageNumberText(rng: Rng): string {
  const n = rng.int(2, 19);
  const style = rng.int(0, 3);
  if (style === 0) return `- ${n} -`;
  if (style === 1) return `-${n}-`;
  if (style === 2) return `${n}`;
  return `Page ${n}`;
}

const STAMP_WORDS = ['RECEIVED', 'REGISTERED', 'FILED', 'DECLASSIFIED', 'ARCHIVE COPY', 'INCOMING'] as const;

function stampLines(rng: Rng): [string, string] {
  const month = rng.pick(MONTHS).slice(0, 3).toUpperCase();
  return [rng.pick(STAMP_WORDS), `${rng.int(1, 28)} ${month} ${rng.int(1939, 1972)}`];
}

interface TypedContent {
  ink: Buffer;
  lines: { text: string; bbox: BBox }[];
  extras: Record<string, unknown>;
}

/** The lines a nearly blank page holds, drawn at their place on the sheet. */
function typeContent(kind: NearlyBlankKind, font: TypewriterFont, geometry: PageGeometry, rng: Rng, given?: string): TypedContent {
  const { width, height, pitch, marginLeft, marginTop, lineHeight, columns } = geometry;
  const baselineOf = (row: number) => marginTop + row * lineHeight + Math.round(font.sizePx * 0.8);
  if (kind === 'signature' || kind === 'page-number') {
    const drawn = kind === 'signature' ? signatureText(rng) : pageNumberText(rng);
    const text = given ?? drawn;
    // A signature spilled onto the next sheet sits at its top, right-aligned; a page number is
    // centred in the top or the bottom margin.
    const column = kind === 'signature' ? columns - text.length - rng.int(0, 6) : Math.floor((columns - text.length) / 2);
    const baseline = kind === 'signature' ? baselineOf(rng.int(0, 3)) : rng.chance(0.7) ? baselineOf(0) : height - geometry.marginBottom + lineHeight;
    const strikes = rng.fork('strikes');
    const ink = drawLayer(width, height, (ctx) => typeLine(ctx, text, marginLeft + column * pitch, baseline, font, pitch, strikes));
    const bbox = inkExtent(ink, width, height);
    if (!bbox) throw new CablescanError(ErrorCode.INTERNAL, `sparse page: "${text}" left no ink`);
    return { ink, lines: [{ text, bbox }], extras: {} };
  }
  // A rubber stamp: a frame around two lines in a larger face, turned a few degrees, printed
  // unevenly (its ink thins out in patches).
  const [first, second] = stampLines(rng);
  const size = Math.round(font.sizePx * rng.range(1.0, 1.3));
  const stampPitch = Math.round((pitch * size) / font.sizePx);
  const angle = round2(rng.range(-8, 8));
  const boxWidth = (Math.max(first.length, second.length) + 2) * stampPitch;
  const boxHeight = Math.round(size * 3.2);
  const cx = rng.int(Math.round(width * 0.3), Math.round(width * 0.7));
  const cy = rng.int(Math.round(height * 0.15), Math.round(height * 0.8));
  const strikes = rng.fork('strikes');
  const drawStamp = (part: 'frame' | 0 | 1) => (ctx: SKRSContext2D) => {
    ctx.translate(cx, cy);
    ctx.rotate((angle * Math.PI) / 180);
    if (part === 'frame') {
      ctx.lineWidth = Math.max(3, Math.round(size / 10));
      ctx.strokeRect(-boxWidth / 2, -boxHeight / 2, boxWidth, boxHeight);
      return;
    }
    const text = part === 0 ? first : second;
    const baseline = part === 0 ? -boxHeight / 2 + size * 1.25 : -boxHeight / 2 + size * 2.55;
    typeLine(ctx, text, -(text.length * stampPitch) / 2, baseline, { ...font, sizePx: size }, stampPitch, strikes);
  };
  const layers = (['frame', 0, 1] as const).map((part) => drawLayer(width, height, drawStamp(part)));
  const ink = Buffer.alloc(width * height);
  for (const layer of layers) maxInto(ink, layer);
  // Patchy inking: a smooth random field takes 0-45% off the coverage.
  const patches = rng.fork('patches');
  for (let i = 0; i < ink.length; i += 1) if (ink[i]! > 0 && patches.chance(0.15)) ink[i] = Math.round(ink[i]! * patches.range(0.55, 1));
  const lines = [first, second].map((text, i) => {
    const bbox = inkExtent(layers[i + 1]!, width, height);
    if (!bbox) throw new CablescanError(ErrorCode.INTERNAL, `sparse page: stamp line "${text}" left no ink`);
    return { text, bbox };
  });
  // Stamps are violet or red: in grey they print a little lighter than typewriter ink.
  for (let i = 0; i < ink.length; i += 1) ink[i] = Math.round(ink[i]! * 0.85);
  return { ink, lines, extras: { stampAngle: angle, stampSize: size } };
}

/** Dust, dirt blobs and scratches, drawn as ink. */
function drawDirt(width: number, height: number, rng: Rng, blobs: number, scratches: number): Buffer {
  return drawLayer(width, height, (ctx) => {
    for (let i = 0; i < blobs; i += 1) {
      ctx.globalAlpha = rng.range(0.5, 1);
      ctx.beginPath();
      ctx.ellipse(rng.range(0, width), rng.range(0, height), rng.range(2, 7), rng.range(2, 7), rng.range(0, Math.PI), 0, 2 * Math.PI);
      ctx.fill();
    }
    for (let i = 0; i < scratches; i += 1) {
      ctx.globalAlpha = rng.range(0.3, 0.8);
      ctx.lineWidth = rng.range(1, 3);
      const x = rng.range(0, width);
      const y = rng.range(0, height);
      const length = rng.range(15, 120);
      const a = rng.range(0, Math.PI);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.quadraticCurveTo(x + rng.range(-20, 20), y + rng.range(-20, 20), x + Math.cos(a) * length, y + Math.sin(a) * length);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  });
}

/** The reverse side's typed text, mirrored and diffused through the paper, as faint ink coverage. */
async function drawShowThrough(
  width: number,
  height: number,
  geometry: PageGeometry,
  font: TypewriterFont,
  rng: Rng,
  strength: number,
  blur: number,
): Promise<Buffer> {
  const words = [...SURNAMES, ...ENGLISH_SURNAMES, 'the', 'of', 'and', 'Embassy', 'telegram', 'Ministry', 'received', 'instructions'];
  const strikes = rng.fork('strikes');
  const rows = rng.int(18, 34);
  const text = drawLayer(width, height, (ctx) => {
    for (let row = 0; row < rows; row += 1) {
      let line = '';
      while (line.length < geometry.columns - 12) line += `${rng.pick(words)} `;
      typeLine(ctx, line.trim(), geometry.marginLeft, geometry.marginTop + row * geometry.lineHeight + font.sizePx, font, geometry.pitch, strikes);
    }
  });
  const diffused = await sharp(text, { raw: { width, height, channels: 1 } })
    .flop()
    .blur(blur)
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  for (let i = 0; i < diffused.length; i += 1) diffused[i] = Math.round(diffused[i]! * strength);
  return diffused;
}

/** Dark bands along one or two edges: the scanner lid's shadow or the book's fold. */
function drawEdgeShadow(width: number, height: number, rng: Rng): { ink: Buffer; extras: Record<string, unknown> } {
  const ink = Buffer.alloc(width * height);
  const edges = rng.chance(0.5)
    ? [rng.pick(['left', 'right', 'top', 'bottom'] as const)]
    : (rng.pick([
        ['left', 'top'],
        ['right', 'bottom'],
        ['left', 'right'],
      ] as const) as readonly string[]);
  const bands: Record<string, number> = {};
  for (const edge of edges) {
    const solid = rng.int(0, 60);
    const fade = rng.int(40, 220);
    bands[edge] = solid + fade;
    const wobble = rng.range(0, 25);
    const phase = rng.range(0, Math.PI * 2);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const along = edge === 'left' || edge === 'right' ? y : x;
        const distance = edge === 'left' ? x : edge === 'right' ? width - 1 - x : edge === 'top' ? y : height - 1 - y;
        const d = distance - wobble * Math.sin(phase + along / 300);
        if (d >= solid + fade) continue;
        const v = d <= solid ? 255 : Math.round(255 * (1 - (d - solid) / fade) ** 2);
        const i = y * width + x;
        if (v > ink[i]!) ink[i] = v;
      }
    }
  }
  return { ink, extras: { shadowEdges: bands } };
}

/** The scan degradation of a level, with the kind's own additions to paper and noise. */
function degradationFor(spec: SparsePageSpec, rng: Rng): { degradation: Degradation; extras: Record<string, unknown> } {
  const degradation = drawDegradation(spec.level, rng.fork('degradation'));
  const extras: Record<string, unknown> = {};
  if (spec.kind === 'grain') {
    // Grey paper and strong sensor noise: `convert xc:'gray(245)' +noise Gaussian` and its kin.
    const sigma = { clean: [3, 5], mild: [6, 10], heavy: [12, 20] }[spec.level];
    degradation.noiseSigma = round2(rng.range(sigma[0]!, sigma[1]!));
    degradation.paper = {
      tone: rng.int(228, 248),
      gradient: degradation.paper?.gradient ?? 0,
      gradientAngle: degradation.paper?.gradientAngle ?? 0,
      texture: round2(rng.range(2, 10)),
    };
    extras.grainSigma = degradation.noiseSigma;
  }
  if (spec.kind === 'speckles') {
    degradation.speckles += { clean: 400, mild: 1200, heavy: 3000 }[spec.level];
    extras.speckles = degradation.speckles;
  }
  return { degradation, extras };
}

export async function generateSparsePage(spec: SparsePageSpec, geometry: PageGeometry = A4_300DPI): Promise<GeneratedSparsePage> {
  const font = fontById(spec.font);
  ensureFontRegistered(font);
  const rng = createRng(`sparse:${spec.seed}`);
  const { width, height } = geometry;
  const { degradation, extras } = degradationFor(spec, rng);
  const ink = Buffer.alloc(width * height);
  let lines: { text: string; bbox: BBox }[] = [];
  const layerRng = rng.fork('content');
  switch (spec.kind) {
    case 'white':
    case 'grain':
      break;
    case 'speckles': {
      const blobs = { clean: 6, mild: 15, heavy: 40 }[spec.level];
      const scratches = { clean: 3, mild: 8, heavy: 20 }[spec.level];
      maxInto(ink, drawDirt(width, height, layerRng, blobs, scratches));
      extras.blobs = blobs;
      extras.scratches = scratches;
      break;
    }
    case 'show-through': {
      const strength = round2({ clean: layerRng.range(0.05, 0.09), mild: layerRng.range(0.08, 0.13), heavy: layerRng.range(0.12, 0.18) }[spec.level]);
      const blur = round2(layerRng.range(1.2, 2.5));
      maxInto(ink, await drawShowThrough(width, height, geometry, font, layerRng, strength, blur));
      extras.showThrough = { strength, blur };
      break;
    }
    case 'edge-shadow': {
      const shadow = drawEdgeShadow(width, height, layerRng);
      maxInto(ink, shadow.ink);
      Object.assign(extras, shadow.extras);
      break;
    }
    default: {
      const content = typeContent(spec.kind, font, geometry, layerRng, spec.text);
      maxInto(ink, content.ink);
      lines = content.lines;
      Object.assign(extras, content.extras);
    }
  }
  const scan = await renderScan(ink, width, height, degradation, rng.fork('scan'));
  const file = `${spec.name}.${scan.format === 'jpeg' ? 'jpg' : 'png'}`;
  return {
    file,
    image: scan.image,
    expected: {
      name: spec.name,
      file,
      kind: spec.kind,
      level: spec.level,
      blank: isBlankKind(spec.kind),
      degradation,
      extras,
      lines: lines.map((l) => ({ text: l.text, bbox: rotateBox(l.bbox, degradation.skewDeg, width, height) })),
      width,
      height,
    },
  };
}

/** Every kind at every level, `perCell` pages each (seeded, so the set is the same on every machine). */
export function sparsePageSpecs(options: { seed: string; perCell: number; kinds?: readonly SparseKind[]; levels?: readonly SparseLevel[] }): SparsePageSpec[] {
  const kinds = options.kinds ?? [...BLANK_KINDS, ...NEARLY_BLANK_KINDS];
  const levels = options.levels ?? SPARSE_LEVELS;
  const specs: SparsePageSpec[] = [];
  for (const kind of kinds) {
    for (const level of levels) {
      for (let i = 0; i < options.perCell; i += 1) {
        const seed = `${options.seed}:${kind}:${level}:${i}`;
        specs.push({ name: `${kind}-${level}-${i + 1}`, kind, level, seed, font: createRng(seed).pick(TYPEWRITER_FONTS).id });
      }
    }
  }
  return specs;
}
