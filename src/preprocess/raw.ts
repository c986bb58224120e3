// Moving pixels between RawImage and sharp. sharp turns 1-channel raw input into 3-channel
// output unless told otherwise, so every grey pipeline ends in toColourspace('b-w').
import sharp, { type Sharp } from 'sharp';
import type { RawImage } from '../types.ts';

export function sharpOf(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

/** Runs a sharp pipeline and returns 1-channel 8-bit pixels. */
export async function toGreyRaw(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel from sharp, got ${info.channels}`);
  return { data, width: info.width, height: info.height, channels: 1 };
}

/**
 * A rectangle of an image as 1-channel pixels: what `toGreyRaw(sharpOf(image).extract(rect))` gives,
 * the same bytes. A grey image's rows are copied here (a line's strip is cut from a whole page
 * several times per page; through sharp each cut cost a pipeline), other images go through sharp.
 */
export async function extractGrey(image: RawImage, rect: { left: number; top: number; width: number; height: number }): Promise<RawImage> {
  const { left, top, width, height } = rect;
  const inside =
    Number.isInteger(left + top + width + height) &&
    left >= 0 &&
    top >= 0 &&
    width > 0 &&
    height > 0 &&
    left + width <= image.width &&
    top + height <= image.height;
  if (image.channels !== 1 || !inside) return toGreyRaw(sharpOf(image).extract(rect));
  const data = Buffer.allocUnsafe(width * height);
  for (let y = 0; y < height; y += 1) {
    const from = (top + y) * image.width + left;
    data.set(image.data.subarray(from, from + width), y * width);
  }
  return { data, width, height, channels: 1 };
}

export function assertGrey(image: RawImage, step: string): void {
  if (image.channels !== 1) throw new Error(`step "${step}" needs a grey image (run "grey" first), got ${image.channels} channels`);
}
