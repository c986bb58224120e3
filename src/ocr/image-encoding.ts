// How pixels travel to a tesseract.js worker. Tesseract reads the image through Leptonica, which
// understands binary PNM: a 15-byte header in front of the raw bytes, so "encoding" costs nothing
// and the OCR call is the fastest of the formats tried (docs/benchmarks.md, "Measurements behind
// code choices"). BMP goes through a JavaScript decoder inside tesseract.js and is avoided.
import sharp from 'sharp';
import type { RawImage } from '../types.ts';

/** P5 (grey) or P6 (RGB) bytes for `image`; alpha is dropped (composited on white). */
export function toPnm(image: RawImage): Buffer {
  const { width, height, channels, data } = image;
  const expected = width * height * channels;
  if (data.length < expected) throw new Error(`image buffer holds ${data.length} bytes, expected ${expected} for ${width}x${height}x${channels}`);
  const outChannels = channels <= 2 ? 1 : 3;
  const header = Buffer.from(`${outChannels === 1 ? 'P5' : 'P6'}\n${width} ${height}\n255\n`, 'ascii');
  if (channels === outChannels) return Buffer.concat([header, data.subarray(0, expected)]);

  const pixels = width * height;
  const out = Buffer.allocUnsafe(header.length + pixels * outChannels);
  header.copy(out, 0);
  let o = header.length;
  for (let i = 0, p = 0; i < pixels; i += 1, p += channels) {
    // Composite over white: transparent areas of a scan are background, not ink.
    const alpha = data[p + channels - 1]!;
    for (let c = 0; c < outChannels; c += 1) {
      const v = data[p + c]!;
      out[o++] = (v * alpha + 255 * (255 - alpha) + 127) / 255;
    }
  }
  return out;
}

/**
 * Writes `image` as an uncompressed TIFF carrying its resolution: what the long-lived native
 * tesseract process reads (a file named on its stdin, and no --dpi per image, so the resolution
 * has to travel in the file; PNM cannot carry one). It costs what PNM costs (docs/benchmarks.md).
 */
export async function writeTiff(file: string, image: RawImage, dpi: number): Promise<void> {
  const { width, height, channels, data } = image;
  let pipeline = sharp(data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
  // Transparent areas of a scan are background, not ink (as toPnm composites them).
  if (channels === 2 || channels === 4) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (channels <= 2) pipeline = pipeline.toColourspace('b-w');
  // sharp takes the resolution in pixels per millimetre and writes it per inch.
  const perMm = dpi / 25.4;
  await pipeline.tiff({ compression: 'none', xres: perMm, yres: perMm, resolutionUnit: 'inch' }).toFile(file);
}
