// Turns a page's ink into a "scan": paper, skew, faint ink, speckles, blur,
// sensor noise and JPEG compression, each drawn from a seeded generator and
// recorded, so a degraded sample can be made again exactly and described in
// its expected file.

import sharp from 'sharp';
import type { BBox } from '../types.ts';
import type { Rng } from './random.ts';
import { CablescanError, ErrorCode } from '../errors.ts';

export interface PaperSpec {
  /** Grey level of the paper where it is brightest (white = 255). */
  tone: number;
  /** Fraction by which the illumination falls off across the page (0 = even light). */
  gradient: number;
  /** Direction of the fall-off, degrees (0 = darker to the right, 90 = darker downwards). */
  gradientAngle: number;
  /** Amplitude in grey levels of the blotchy paper texture. */
  texture: number;
}

export interface Degradation {
  preset: string;
  /** Rotation of the page in degrees, clockwise positive; 0 = none. */
  skewDeg: number;
  /** Standard deviation of additive gaussian noise in grey levels; 0 = none. */
  noiseSigma: number;
  /** Gaussian blur sigma in px; 0 = none. */
  blurSigma: number;
  /** JPEG quality, or null for lossless PNG. */
  jpegQuality: number | null;
  /** null = white paper. */
  paper: PaperSpec | null;
  /** Grey level of full ink (0 = black). */
  inkTone: number;
  /** Ink strength multiplier (1 = full, lower = faint ribbon). */
  inkStrength: number;
  /** Number of small dark specks of dust. */
  speckles: number;
}

export const DEGRADATION_PRESETS = ['clean', 'mild', 'heavy', 'skew-noise', 'jpeg-blur', 'paper-faint'] as const;
export type DegradationPreset = (typeof DEGRADATION_PRESETS)[number];

const round2 = (x: number): number => Math.round(x * 100) / 100;
const signed = (rng: Rng, min: number, max: number): number => round2(rng.range(min, max) * (rng.chance(0.5) ? -1 : 1));

function paper(rng: Rng, toneMin: number, toneMax: number, gradientMax: number, textureMax: number): PaperSpec {
  return {
    tone: rng.int(toneMin, toneMax),
    gradient: round2(rng.range(gradientMax / 3, gradientMax)),
    gradientAngle: rng.int(0, 359),
    texture: round2(rng.range(textureMax / 2, textureMax)),
  };
}

/** Draws the parameters of a preset from `rng`. */
export function drawDegradation(preset: string, rng: Rng): Degradation {
  const base: Degradation = {
    preset,
    skewDeg: 0,
    noiseSigma: 0,
    blurSigma: 0,
    jpegQuality: null,
    paper: null,
    inkTone: 0,
    inkStrength: 1,
    speckles: 0,
  };
  switch (preset) {
    case 'clean':
      return base;
    case 'skew-noise':
      return {
        ...base,
        skewDeg: signed(rng, 0.5, 1.5),
        noiseSigma: round2(rng.range(4, 7)),
        jpegQuality: rng.int(70, 80),
        paper: paper(rng, 236, 248, 0.04, 3),
        inkTone: 20,
      };
    case 'jpeg-blur':
      return { ...base, blurSigma: round2(rng.range(0.9, 1.3)), jpegQuality: rng.int(40, 55), paper: paper(rng, 232, 246, 0.05, 3), inkTone: 25 };
    case 'paper-faint':
      return {
        ...base,
        skewDeg: signed(rng, 0.3, 0.8),
        paper: paper(rng, 205, 225, 0.2, 10),
        inkTone: 45,
        inkStrength: round2(rng.range(0.55, 0.7)),
        speckles: rng.int(150, 400),
        jpegQuality: rng.int(75, 85),
      };
    case 'mild':
      return {
        ...base,
        skewDeg: signed(rng, 0.5, 1.5),
        noiseSigma: round2(rng.range(3, 7)),
        blurSigma: rng.chance(0.5) ? round2(rng.range(0.5, 0.9)) : 0,
        jpegQuality: rng.int(60, 70),
        paper: paper(rng, 225, 248, 0.08, 5),
        inkTone: rng.int(10, 30),
        inkStrength: round2(rng.range(0.8, 1)),
        speckles: rng.int(0, 100),
      };
    case 'heavy':
      return {
        ...base,
        skewDeg: signed(rng, 1.5, 4),
        noiseSigma: round2(rng.range(7, 14)),
        blurSigma: round2(rng.range(0.8, 1.4)),
        jpegQuality: rng.int(40, 60),
        paper: paper(rng, 190, 225, 0.25, 12),
        inkTone: rng.int(30, 60),
        inkStrength: round2(rng.range(0.55, 0.8)),
        speckles: rng.int(300, 1500),
      };
    default:
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown degradation "${preset}" (known: ${DEGRADATION_PRESETS.join(', ')})`);
  }
}

/** Where a point of the unrotated page lands after rotating the page about its centre. */
export function rotatePoint(x: number, y: number, deg: number, width: number, height: number): [number, number] {
  const t = (deg * Math.PI) / 180;
  const cx = width / 2;
  const cy = height / 2;
  return [cx + (x - cx) * Math.cos(t) - (y - cy) * Math.sin(t), cy + (x - cx) * Math.sin(t) + (y - cy) * Math.cos(t)];
}

/** Axis-aligned box around a rotated box, clipped to the page. */
export function rotateBox(box: BBox, deg: number, width: number, height: number): BBox {
  if (deg === 0) return box;
  const corners = [
    [box[0], box[1]],
    [box[2], box[1]],
    [box[0], box[3]],
    [box[2], box[3]],
  ].map(([x, y]) => rotatePoint(x, y, deg, width, height));
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return [
    Math.max(0, Math.floor(Math.min(...xs))),
    Math.max(0, Math.floor(Math.min(...ys))),
    Math.min(width, Math.ceil(Math.max(...xs))),
    Math.min(height, Math.ceil(Math.max(...ys))),
  ];
}

async function rotateInk(ink: Buffer, width: number, height: number, deg: number): Promise<Buffer> {
  // sharp grows the canvas to hold the rotated page; cut the centre back to the page size.
  const { data, info } = await sharp(ink, { raw: { width, height, channels: 1 } })
    .rotate(deg, { background: { r: 0, g: 0, b: 0 } })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const left = Math.floor((info.width - width) / 2);
  const top = Math.floor((info.height - height) / 2);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left, top, width, height })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}

/** Smooth blotches: a coarse random grid upscaled with a smooth kernel, centred on 0. */
async function paperTexture(rng: Rng, width: number, height: number): Promise<Buffer> {
  // About 25 px per grid cell: fibre-and-stain blotches rather than clouds.
  const gw = Math.ceil(width / 25);
  const gh = Math.ceil(height / 25);
  const grid = Buffer.alloc(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.int(0, 255);
  return sharp(grid, { raw: { width: gw, height: gh, channels: 1 } })
    .resize(width, height, { kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}

/** Composes ink on paper and applies the degradation; returns an encoded image. */
export async function renderScan(
  ink: Buffer,
  width: number,
  height: number,
  spec: Degradation,
  rng: Rng,
): Promise<{ image: Buffer; format: 'png' | 'jpeg'; grey: Buffer }> {
  const inkOnPage = spec.skewDeg === 0 ? ink : await rotateInk(ink, width, height, spec.skewDeg);
  const texture = spec.paper && spec.paper.texture > 0 ? await paperTexture(rng, width, height) : null;
  const grey = Buffer.alloc(width * height);
  const p = spec.paper;
  const angle = p ? (p.gradientAngle * Math.PI) / 180 : 0;
  const gx = Math.cos(angle) / width;
  const gy = Math.sin(angle) / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let paperGrey = 255;
      if (p) {
        // Illumination falls off linearly along the gradient direction (0 at one side, 1 at the other).
        const along = 0.5 + (x - width / 2) * gx + (y - height / 2) * gy;
        paperGrey = p.tone * (1 - p.gradient * Math.min(1, Math.max(0, along)));
        if (texture) paperGrey += ((texture[i] - 128) / 128) * p.texture;
      }
      const coverage = (inkOnPage[i] / 255) * spec.inkStrength;
      grey[i] = Math.max(0, Math.min(255, Math.round(paperGrey - (paperGrey - spec.inkTone) * coverage)));
    }
  }
  for (let s = 0; s < spec.speckles; s++) {
    const cx = rng.int(0, width - 1);
    const cy = rng.int(0, height - 1);
    const r = rng.range(0.8, 2.5);
    const shade = rng.int(20, 120);
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) grey[y * width + x] = Math.min(grey[y * width + x], shade);
      }
    }
  }
  let out = grey;
  if (spec.blurSigma > 0) {
    out = await sharp(out, { raw: { width, height, channels: 1 } })
      .blur(Math.max(0.3, spec.blurSigma))
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  }
  if (spec.noiseSigma > 0) {
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(out[i] + rng.normal() * spec.noiseSigma)));
  }
  const pipeline = sharp(out, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .withDensity(300);
  if (spec.jpegQuality !== null) {
    return { image: await pipeline.jpeg({ quality: spec.jpegQuality }).toBuffer(), format: 'jpeg', grey: out };
  }
  return { image: await pipeline.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer(), format: 'png', grey: out };
}
