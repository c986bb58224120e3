// The region every engine reads: the part of the page the ground truth covers
// (`gt_coverage_bbox` of NAME.lines.json) plus a margin of 2% of the page width on every
// side, clipped to the page. Stamps, handwriting and headers outside the transcribed part
// would otherwise count as OCR errors. The crop is written as a lossless PNG with the
// original's resolution tag, and every engine (native tesseract, cablescan with and without
// preprocessing) reads that same file.
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { BBox } from '../types.ts';

export const CROP_MARGIN_OF_WIDTH = 0.02;

export interface CropRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * `bbox` ([x0, y0, x1, y1], x1/y1 exclusive) grown by `marginFraction` x page width on every
 * side, rounded outwards to whole pixels and clipped to the page. Throws when the box does
 * not overlap the page.
 */
export function cropRegion(bbox: BBox, pageWidth: number, pageHeight: number, marginFraction = CROP_MARGIN_OF_WIDTH): CropRegion {
  const margin = marginFraction * pageWidth;
  const left = Math.max(0, Math.floor(bbox[0] - margin));
  const top = Math.max(0, Math.floor(bbox[1] - margin));
  const right = Math.min(pageWidth, Math.ceil(bbox[2] + margin));
  const bottom = Math.min(pageHeight, Math.ceil(bbox[3] + margin));
  if (right <= left || bottom <= top) {
    throw new CablescanError(ErrorCode.INPUT_CORRUPT, `box [${bbox.join(', ')}] lies outside the ${pageWidth}x${pageHeight} page`, {
      retryable: false,
    });
  }
  return { left, top, width: right - left, height: bottom - top };
}

export interface GroundTruthCoverage {
  /** gt_coverage_bbox, scaled to the image's pixels when the JSON was made for another size. */
  bbox: BBox;
  /** The page size the JSON states. */
  width: number;
  height: number;
}

function isBox(value: unknown): value is BBox {
  return (
    Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[2] > value[0] && value[3] > value[1]
  );
}

/**
 * Reads `gt_coverage_bbox` from a NAME.lines.json. Its coordinates are for the page size the
 * JSON states (`width`, `height`); when the image has another size the box is scaled to it.
 */
export async function readCoverage(linesJsonFile: string, imageWidth: number, imageHeight: number): Promise<GroundTruthCoverage> {
  const bad = (reason: string, cause?: unknown) =>
    new CablescanError(ErrorCode.INPUT_CORRUPT, `${linesJsonFile}: ${reason}`, { file: linesJsonFile, retryable: false, cause });
  let json: unknown;
  try {
    json = JSON.parse(await readFile(linesJsonFile, 'utf8'));
  } catch (err) {
    throw bad(`cannot be read as JSON (${(err as Error).message})`, err);
  }
  const data = json as { gt_coverage_bbox?: unknown; width?: unknown; height?: unknown };
  if (!isBox(data.gt_coverage_bbox)) throw bad('gt_coverage_bbox must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0');
  const width = typeof data.width === 'number' && data.width > 0 ? data.width : imageWidth;
  const height = typeof data.height === 'number' && data.height > 0 ? data.height : imageHeight;
  const sx = imageWidth / width;
  const sy = imageHeight / height;
  const [x0, y0, x1, y1] = data.gt_coverage_bbox;
  return { bbox: [x0 * sx, y0 * sy, x1 * sx, y1 * sy], width, height };
}

/** Resolution as the pipeline's loader sees it: only a density with a unit counts. */
function effectiveDensity(meta: Metadata): number | null {
  return meta.density && meta.resolutionUnit ? meta.density : null;
}

export interface WrittenCrop {
  region: CropRegion;
  pageWidth: number;
  pageHeight: number;
  density: number | null;
}

/**
 * Cuts `region` out of the image (after EXIF orientation, the page every box refers to)
 * and writes it as PNG, greyscale when the source is, keeping the resolution tag so the
 * pipeline and tesseract make the same resolution decisions as on the full page.
 */
export async function writeCrop(imageFile: string, region: CropRegion | null, outFile: string): Promise<WrittenCrop> {
  const meta = await sharp(imageFile).metadata();
  const oriented = (meta.orientation ?? 1) >= 5;
  const pageWidth = oriented ? meta.height : meta.width;
  const pageHeight = oriented ? meta.width : meta.height;
  const density = effectiveDensity(meta);
  let pipeline = sharp(imageFile).rotate();
  if (region) pipeline = pipeline.extract(region);
  if (meta.channels === 1 || meta.space === 'b-w') pipeline = pipeline.toColourspace('b-w');
  if (density !== null) pipeline = pipeline.withDensity(density);
  await pipeline.png({ compressionLevel: 1 }).toFile(outFile);
  return { region: region ?? { left: 0, top: 0, width: pageWidth, height: pageHeight }, pageWidth, pageHeight, density };
}

/** The page size after EXIF orientation. */
export async function orientedSize(imageFile: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(imageFile).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  return { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height };
}
