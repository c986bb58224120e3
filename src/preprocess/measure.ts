// Lazily computed, cached measurements of one image, shared by the steps of a recipe so
// that, e.g., the binarised analysis copy is made once per image, not once per step.
import type { RawImage } from '../types.ts';
import { estimateOrientation, type OrientationEstimate } from './orientation.ts';
import { binarise, connectedComponents, estimateSkew, textScale, type BinaryImage, type Components, type SkewEstimate, type TextScale } from './analysis.ts';

export class Measure {
  private readonly cache = new WeakMap<Buffer, Map<string, Promise<unknown>>>();

  private memo<T>(image: RawImage, key: string, compute: () => Promise<T>): Promise<T> {
    let entries = this.cache.get(image.data);
    if (!entries) {
      entries = new Map();
      this.cache.set(image.data, entries);
    }
    let value = entries.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      entries.set(key, value);
    }
    return value;
  }

  binary(image: RawImage): Promise<BinaryImage> {
    return this.memo(image, 'binary', () => binarise(image));
  }

  components(image: RawImage): Promise<Components> {
    return this.memo(image, 'components', async () => connectedComponents(await this.binary(image)));
  }

  textScale(image: RawImage): Promise<TextScale> {
    return this.memo(image, 'textScale', async () => textScale(await this.binary(image), await this.components(image)));
  }

  orientation(image: RawImage, minLetters: number, minVote: number): Promise<OrientationEstimate> {
    return this.memo(image, `orientation:${minLetters}:${minVote}`, async () =>
      estimateOrientation(await this.binary(image), await this.components(image), { minLetters, minVote }),
    );
  }

  skew(image: RawImage, maxAngle: number, step: number): Promise<SkewEstimate> {
    return this.memo(image, `skew:${maxAngle}:${step}`, async () => estimateSkew(await this.binary(image), { maxAngle, step }, await this.components(image)));
  }
}
