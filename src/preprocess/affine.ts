// 2x3 affine matrices [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f.
// Coordinates are pixel-edge coordinates (pixel i spans [i, i+1)), the convention of BBox,
// so a box edge maps exactly under scaling.
import type { Affine } from '../types.ts';

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** The transform "apply `second`, then `first`": compose(first, second)(p) = first(second(p)). */
export function compose(first: Affine, second: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = first;
  const [a2, b2, c2, d2, e2, f2] = second;
  return [a1 * a2 + b1 * d2, a1 * b2 + b1 * e2, a1 * c2 + b1 * f2 + c1, d1 * a2 + e1 * d2, d1 * b2 + e1 * e2, d1 * c2 + e1 * f2 + f1];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('affine matrix is not invertible');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function scaling(sx: number, sy: number = sx): Affine {
  return [sx, 0, 0, 0, sy, 0];
}

export function translation(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

/**
 * Rotation by `degrees` clockwise on screen (y points down) about (cx, cy) in the source,
 * landing (cx, cy) on (ox, oy) in the target.
 */
export function rotationAbout(degrees: number, cx: number, cy: number, ox: number, oy: number): Affine {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  // Screen-clockwise with y down is the usual counter-clockwise matrix.
  return compose(translation(ox, oy), compose([cos, -sin, 0, sin, cos, 0], translation(-cx, -cy)));
}

/** Rounds matrix entries so page JSON stays readable (1e-9 is far below a pixel). */
export function tidy(m: Affine): Affine {
  return m.map((v) => Math.round(v * 1e9) / 1e9) as Affine;
}
