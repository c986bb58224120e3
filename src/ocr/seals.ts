// Seals in a page's header: rings of ink several letters across, found so that the lines they touch
// can be read again without them (seal-lines.ts).
//
// A despatch's printed seal sits at the left of the post heading, and on generated despatches (two
// rings and the spokes of an emblem, as dark as the typescript) it often touches the `No.` of the
// number's line: Tesseract then reads the line as garbage (`OF 2 74.3` for `No. 2773.`, `Os 095,`
// for `No. 693.`). A ring is what tells a seal from a letter, a stamp's text or a drawing: its ink
// lies on a circle. A component (or an arc of a broken ring) is a ring when its pixels fit a circle
// closely (the fit done twice, the second time without the pixels far off the first circle: a
// letter joined to the ring, an emblem joined inside it), and the circle is 3-15 letter heights
// across. Rings with one centre are one seal; the seal's disc is the largest ring and a line width.
import { connectedComponents, histogram, maskAtMost, otsuThreshold } from '../preprocess/analysis.ts';
import { scratchBytes } from '../preprocess/analysis/levels.ts';
import type { RawImage } from '../types.ts';
import { upperMedian as median } from '../stats.ts';

export interface Seal {
  /** Centre and radius of the outer ring's outer edge, pixels of the image. */
  cx: number;
  cy: number;
  r: number;
}

/** Seals are looked for in the top this share of the page (the post heading's zone). */
const HEADER_SHARE = 0.35;
/** A ring's diameter, in letter heights (the generated seal: 5-9; the corpus's 1939 seal: about 6). */
const MIN_DIAMETER = 3;
const MAX_DIAMETER = 15;
/**
 * Pixels of a ring lie within this share of the radius from its circle (median): one ring's width is
 * a few percent of it; the generated seal's two rings, joined by blur into one component, 6%.
 */
const MAX_SPREAD = 0.1;
/**
 * Share of a component's pixels that must lie on its circle: the rest is an emblem inside it (the
 * generated seal's spokes, joined to its inner ring on some scans) or letters run into it.
 */
const MIN_ON_CIRCLE = 0.4;
/** Share of a component's pixels that may lie outside its circle (letters run into the ring). */
const MAX_OUTSIDE = 0.2;
/** A ring covers this share of its circle's angles at least (an arc of a broken ring: a third). */
const MIN_ARC = 0.3;
/** The union of a seal's rings covers this share of the angles. */
const MIN_COVER = 0.6;
const ANGLE_BINS = 72;

interface Fit {
  cx: number;
  cy: number;
  r: number;
}

/** Least-squares circle (Kasa) through the points, or null when they are collinear. */
function fitCircle(xs: Float64Array, ys: Float64Array, keep: (i: number) => boolean): Fit | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    if (!keep(i)) continue;
    n += 1;
    sx += xs[i]!;
    sy += ys[i]!;
  }
  if (n < 10) return null;
  const mx = sx / n;
  const my = sy / n;
  let suu = 0;
  let svv = 0;
  let suv = 0;
  let suuu = 0;
  let svvv = 0;
  let suvv = 0;
  let svuu = 0;
  for (let i = 0; i < xs.length; i += 1) {
    if (!keep(i)) continue;
    const u = xs[i]! - mx;
    const v = ys[i]! - my;
    suu += u * u;
    svv += v * v;
    suv += u * v;
    suuu += u * u * u;
    svvv += v * v * v;
    suvv += u * v * v;
    svuu += v * u * u;
  }
  const det = suu * svv - suv * suv;
  if (Math.abs(det) < 1e-9) return null;
  const a = (suuu + suvv) / 2;
  const b = (svvv + svuu) / 2;
  const uc = (a * svv - b * suv) / det;
  const vc = (b * suu - a * suv) / det;
  return { cx: mx + uc, cy: my + vc, r: Math.sqrt(uc * uc + vc * vc + (suu + svv) / n) };
}

/**
 * The seals in the header of `image` (a grey page), given the typescript's letter height (pixels).
 * A page without one costs a threshold and the components of its header band.
 */
export function findSeals(image: RawImage, letterHeight: number): Seal[] {
  if (image.channels !== 1 || letterHeight <= 0) return [];
  const height = Math.min(image.height, Math.round(image.height * HEADER_SHARE));
  const band: RawImage = { data: image.data.subarray(0, image.width * height), width: image.width, height, channels: 1 };
  const threshold = otsuThreshold(histogram(band, 2));
  // Scratch (analysis/levels.ts): this function is synchronous and the components are copied out.
  const mask = maskAtMost(band.data, threshold, scratchBytes(band.width * band.height, 0));
  const { components, runs } = connectedComponents({ data: mask, width: band.width, height: band.height });
  const minSide = (MIN_DIAMETER / 2) * letterHeight;
  const maxSide = MAX_DIAMETER * letterHeight * 1.2;
  const candidates = new Set<number>();
  components.forEach((c, i) => {
    const w = c.x1 - c.x0;
    const h = c.y1 - c.y0;
    if (Math.max(w, h) >= minSide && Math.min(w, h) >= 0.5 * minSide && Math.max(w, h) <= maxSide) candidates.add(i);
  });
  if (candidates.size === 0) return [];
  // Pixels of each candidate (every other one along a run: enough for a fit).
  const points = new Map<number, { xs: number[]; ys: number[] }>();
  for (let k = 0; k < runs.length; k += 4) {
    const label = runs[k + 3]!;
    if (!candidates.has(label)) continue;
    let p = points.get(label);
    if (!p) points.set(label, (p = { xs: [], ys: [] }));
    for (let x = runs[k + 1]!; x < runs[k + 2]!; x += 2) {
      p.xs.push(x);
      p.ys.push(runs[k]!);
    }
  }
  const rings: (Fit & { bins: Set<number> })[] = [];
  for (const [, p] of points) {
    const xs = Float64Array.from(p.xs);
    const ys = Float64Array.from(p.ys);
    let fit = fitCircle(xs, ys, () => true);
    if (!fit) continue;
    // Refit without what lies far off the circle (a letter on the ring, an emblem joined inside it), twice.
    for (let k = 0; k < 2; k += 1) {
      const f: Fit = fit;
      fit = fitCircle(xs, ys, (i) => Math.abs(Math.hypot(xs[i]! - f.cx, ys[i]! - f.cy) - f.r) < 0.2 * f.r) ?? fit;
    }
    if (2 * fit.r < MIN_DIAMETER * letterHeight || 2 * fit.r > MAX_DIAMETER * letterHeight) continue;
    const off: number[] = [];
    let outside = 0;
    const bins = new Set<number>();
    for (let i = 0; i < xs.length; i += 1) {
      const dx = xs[i]! - fit.cx;
      const dy = ys[i]! - fit.cy;
      const d = Math.hypot(dx, dy) - fit.r;
      if (d > 2 * MAX_SPREAD * fit.r) outside += 1;
      if (Math.abs(d) <= 2 * MAX_SPREAD * fit.r) {
        off.push(Math.abs(d));
        bins.add(Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * ANGLE_BINS) % ANGLE_BINS);
      }
    }
    // Ink outside the ring is a letter or two run into it, not a shape of its own.
    if (outside > MAX_OUTSIDE * xs.length || off.length < MIN_ON_CIRCLE * xs.length) continue;
    if (median(off) > MAX_SPREAD * fit.r) continue;
    if (bins.size < MIN_ARC * ANGLE_BINS) continue;
    rings.push({ ...fit, bins });
  }
  // Rings (and arcs) with one centre are one seal.
  const seals: Seal[] = [];
  const used = new Set<number>();
  rings.sort((a, b) => b.r - a.r);
  rings.forEach((ring, i) => {
    if (used.has(i)) return;
    const group = [ring];
    rings.forEach((other, j) => {
      if (j === i || used.has(j)) return;
      if (Math.hypot(other.cx - ring.cx, other.cy - ring.cy) < 0.2 * ring.r) {
        group.push(other);
        used.add(j);
      }
    });
    used.add(i);
    const bins = new Set<number>();
    for (const g of group) for (const b of g.bins) bins.add(b);
    if (bins.size < MIN_COVER * ANGLE_BINS) return;
    const outer = Math.max(...group.map((g) => g.r));
    // The ring's outer edge: its circle plus half its width (the spread of its pixels).
    seals.push({ cx: ring.cx, cy: ring.cy, r: outer * (1 + MAX_SPREAD) });
  });
  return seals;
}
