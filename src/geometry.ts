// Box arithmetic shared by the stages: OCR boxes live in the preprocessed image,
// records promise boxes in the original page, so every box is mapped back.
import type { Affine, BBox } from './types.ts';

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Axis-aligned box around the mapped corners, rounded outwards and clipped to the page. */
export function mapBox(box: BBox, m: Affine, width: number, height: number): BBox {
  const corners = [applyAffine(m, box[0], box[1]), applyAffine(m, box[2], box[1]), applyAffine(m, box[0], box[3]), applyAffine(m, box[2], box[3])];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clip(Math.floor(Math.min(...xs)), width),
    clip(Math.floor(Math.min(...ys)), height),
    clip(Math.ceil(Math.max(...xs)), width),
    clip(Math.ceil(Math.max(...ys)), height),
  ];
}

export function unionBoxes(boxes: readonly BBox[]): BBox | null {
  if (boxes.length === 0) return null;
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
}

/** Do two boxes overlap, each grown by `margin` pixels (0: they share pixels)? */
export function boxesOverlap(a: BBox, b: BBox, margin = 0): boolean {
  return a[0] < b[2] + margin && b[0] < a[2] + margin && a[1] < b[3] + margin && b[1] < a[3] + margin;
}
