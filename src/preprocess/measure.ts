// Lazily computed, cached measurements of one image, shared by the steps of a recipe so
// that, e.g., the binarised analysis copy is made once per image, not once per step.
// A step whose output keeps some measurements of its input true (a crop keeps the skew and
// the text size, a contrast stretch keeps everything) says so, and they are carried over
// instead of measured again: re-binarising the page after each such step was most of the
// preprocessing time (issue 8).
import type { RawImage } from '../types.ts';
import { estimateOrientation, type OrientationEstimate } from './orientation.ts';
import {
  binarise,
  connectedComponents,
  estimateSkew,
  histogram,
  SAMPLE_ROW_STEP,
  textScale,
  type BinaryImage,
  type Components,
  type SkewEstimate,
  type TextScale,
} from './analysis.ts';

/**
 * What can be measured. All but 'histogram' can be carried from a step's input to its output; a
 * grey-level histogram changes with any change of levels, so it is always taken again.
 */
export type MeasureKind = 'binary' | 'components' | 'textScale' | 'orientation' | 'skew' | 'histogram';

/** Kinds that describe pixel positions (the analysis copy and its components): only valid for an image of the same geometry. */
export const POSITIONAL_KINDS: readonly MeasureKind[] = ['binary', 'components'];
/** Kinds that do not depend on where the text is on the canvas. */
export const GEOMETRY_FREE_KINDS: readonly MeasureKind[] = ['textScale', 'orientation', 'skew'];
export const ALL_KINDS: readonly MeasureKind[] = [...POSITIONAL_KINDS, ...GEOMETRY_FREE_KINDS];

export class Measure {
  private readonly cache = new WeakMap<Buffer, Map<string, Promise<unknown>>>();
  /** Images whose measurements of some kinds are those of an earlier image. */
  private readonly origins = new WeakMap<Buffer, { from: RawImage; kinds: readonly MeasureKind[] }>();

  /**
   * Declares that `to`'s measurements of the given kinds are `from`'s: asked of `to`, they are
   * answered from `from` (measured there if need be, where the analysis copy usually exists
   * already).
   */
  carry(from: RawImage, to: RawImage, kinds: readonly MeasureKind[]): void {
    if (from.data === to.data || kinds.length === 0) return;
    this.origins.set(to.data, { from, kinds });
  }

  /** The image whose measurement of `kind` stands for `image`'s (itself unless carried). */
  private sourceOf(image: RawImage, kind: MeasureKind): RawImage {
    let source = image;
    for (let origin = this.origins.get(source.data); origin?.kinds.includes(kind); origin = this.origins.get(source.data)) source = origin.from;
    return source;
  }

  private memo<T>(image: RawImage, kind: MeasureKind, key: string, compute: (source: RawImage) => Promise<T>): Promise<T> {
    const source = this.sourceOf(image, kind);
    let entries = this.cache.get(source.data);
    if (!entries) {
      entries = new Map();
      this.cache.set(source.data, entries);
    }
    let value = entries.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute(source);
      entries.set(key, value);
    }
    return value;
  }

  /** Grey-level histogram of every SAMPLE_ROW_STEP-th row: what level decisions need (denoise, normalize, whiten). */
  sampledHistogram(image: RawImage): Promise<Uint32Array> {
    return this.memo(image, 'histogram', 'histogram', async (source) => histogram(source, SAMPLE_ROW_STEP));
  }

  binary(image: RawImage): Promise<BinaryImage> {
    return this.memo(image, 'binary', 'binary', (source) => binarise(source));
  }

  components(image: RawImage): Promise<Components> {
    return this.memo(image, 'components', 'components', async (source) => connectedComponents(await this.binary(source)));
  }

  textScale(image: RawImage): Promise<TextScale> {
    return this.memo(image, 'textScale', 'textScale', async (source) => textScale(await this.binary(source), await this.components(source)));
  }

  orientation(image: RawImage, minLetters: number, minVote: number): Promise<OrientationEstimate> {
    return this.memo(image, 'orientation', `orientation:${minLetters}:${minVote}`, async (source) =>
      estimateOrientation(await this.binary(source), await this.components(source), { minLetters, minVote }),
    );
  }

  skew(image: RawImage, maxAngle: number, step: number): Promise<SkewEstimate> {
    return this.memo(image, 'skew', `skew:${maxAngle}:${step}`, async (source) =>
      estimateSkew(await this.binary(source), { maxAngle, step }, await this.components(source)),
    );
  }
}
