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

export function assertGrey(image: RawImage, step: string): void {
  if (image.channels !== 1) throw new Error(`step "${step}" needs a grey image (run "grey" first), got ${image.channels} channels`);
}
