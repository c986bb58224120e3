// What every per-page exporter needs beside the page: where the images are,
// when the export ran, and which software wrote it.
import type { BBox, StepReport } from '../types.ts';
import { unionBoxes } from '../geometry.ts';
import type { ExportLine, ExportPage } from './corrections.ts';

export interface PageExportContext {
  /** The original page image, as the XML file should reference it (relative to the XML file, or a URL). */
  imageHref: string;
  /** The preprocessed image OCR read (PAGE AlternativeImage), when one was written. */
  preprocessedHref?: string;
  /** ISO 8601 date-time of the export. */
  createdAt: string;
  /** cablescan's version (package version + pipeline revision). */
  softwareVersion: string;
  /** Fields whose corrections were applied to this page (for the processing history). */
  correctedFields?: string[];
  /** When the last of those corrections was made (ISO 8601), when known. */
  reviewedAt?: string;
}

/** Lines grouped by paragraph, in reading order: the text blocks of ALTO, regions of PAGE, ocr_par of hOCR. */
export interface ExportBlock {
  paragraph: number;
  bbox: BBox;
  lines: ExportLine[];
}

export function blocksOf(page: ExportPage): ExportBlock[] {
  const blocks: ExportBlock[] = [];
  for (const line of page.lines) {
    if (line.words.length === 0) continue;
    const last = blocks[blocks.length - 1];
    if (last && last.paragraph === line.paragraph) last.lines.push(line);
    else blocks.push({ paragraph: line.paragraph, bbox: line.bbox, lines: [line] });
  }
  for (const block of blocks) block.bbox = unionBoxes(block.lines.map(lineBox)) ?? block.bbox;
  return blocks;
}

/** A line's box, grown to hold its words (corrections may have re-cut word boxes). */
export function lineBox(line: ExportLine): BBox {
  return unionBoxes([line.bbox, ...line.words.map((w) => w.bbox)]) ?? line.bbox;
}

/** The deskew angle measured on the page (degrees, lines descending to the right positive), or null. */
export function measuredSkew(steps: readonly StepReport[]): number | null {
  const step = steps.find((s) => s.step === 'deskew');
  const angle = step?.measured.angle;
  if (typeof angle !== 'number' || !Number.isFinite(angle)) return null;
  // A best angle at the search limit or without evidence is not a skew (see the deskew step).
  const skipped = step?.measured.skipped;
  if (!step?.applied && skipped !== undefined && skipped !== 'below minAngle') return null;
  return angle;
}

export type QuarterTurn = 0 | 90 | 180 | 270;

/** The clockwise quarter turn the orientation step gave the page to make it upright (0 when none). */
export function uprightTurn(steps: readonly StepReport[]): QuarterTurn {
  const step = steps.find((s) => s.step === 'orientation' && s.applied);
  const rotate = step?.measured.rotate;
  return rotate === 90 || rotate === 180 || rotate === 270 ? rotate : 0;
}

/**
 * The preprocessing steps that changed the image OCR read, in order. Steps the recipe
 * measured and then left alone (a page already straight, a clean background) did nothing
 * to it, and a processing history that listed them would say otherwise.
 */
export function appliedSteps(steps: readonly StepReport[]): StepReport[] {
  return steps.filter((s) => s.applied);
}

/** A processing step's parameters and measurements as one line of settings. */
export function stepSettings(step: StepReport): string {
  return JSON.stringify({ params: step.params, measured: step.measured, applied: step.applied });
}
