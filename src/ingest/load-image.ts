// Decodes one page into raw pixels: the "original page" every later stage and
// every bbox refers to (after EXIF orientation, before any preprocessing).
import sharp, { type Metadata } from 'sharp';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { PageSource, RawImage } from '../types.ts';
import { renderPdfPage } from './pdf.ts';
import { checkGeometry, PIXEL_LIMIT_MESSAGE, tooLargeError } from './probe.ts';

export interface LoadPageOptions {
  /** Pages declaring more pixels are refused (CS_ERR_INPUT_TOO_LARGE). */
  maxPixels: number;
  /**
   * A page is decoded to at most this many pixels: a PDF page at a lower resolution, a larger
   * image downscaled while it is decoded (never whole in memory). Absent: no budget.
   */
  budgetPixels?: number;
  pdfDpi: number;
  /** Give up on a PDF page after this long (default 120 s): the render thread is stopped. */
  pdfTimeoutMs?: number;
}

export interface LoadedPage {
  image: RawImage;
  /** Pixels per inch from the file (PDF: the render resolution); null when the file does not say. */
  density: number | null;
  /** EXIF orientation found in the file (1..8), already applied to `image`; null when absent. */
  orientation: number | null;
  /** Below 1 when the page was decoded smaller than it declares (its pixel budget): `image` is that size. */
  scale: number;
}

/** Greyscale stays 1 channel (a third of the memory); everything else becomes sRGB. */
const GREY_SPACES: ReadonlySet<string> = new Set(['b-w', 'grey16']);

function decodeError(source: PageSource, err: unknown, maxPixels: number, size?: { width: number; height: number }): CablescanError {
  const reason = err instanceof Error ? err.message.trim() : String(err);
  if (PIXEL_LIMIT_MESSAGE.test(reason)) {
    return size
      ? tooLargeError(source.file, size.width, size.height, maxPixels)
      : new CablescanError(ErrorCode.INPUT_TOO_LARGE, `${source.file}: image exceeds the limit of ${maxPixels} pixels (maxPixels)`, {
          file: source.file,
          retryable: false,
        });
  }
  const where = source.pageCount > 1 ? ` (page ${source.pageIndex + 1})` : '';
  return new CablescanError(ErrorCode.INPUT_CORRUPT, `${source.file}${where}: the image cannot be decoded (${reason})`, {
    file: source.file,
    retryable: false,
    cause: err,
  });
}

async function loadRasterPage(source: PageSource, options: LoadPageOptions): Promise<LoadedPage> {
  const page = source.format === 'tiff' ? { page: source.pageIndex } : {};
  // Header first, without a limit (no pixels are decoded), so a refusal can say
  // how large the image claims to be; the decode below enforces the limit again.
  let metadata: Metadata;
  try {
    metadata = await sharp(source.path, { limitInputPixels: false, ...page }).metadata();
  } catch (err) {
    throw decodeError(source, err, options.maxPixels);
  }
  const size = { width: metadata.width, height: metadata.height };
  if (size.width * size.height > options.maxPixels) throw tooLargeError(source.file, size.width, size.height, options.maxPixels);
  checkGeometry(source.file, size.width, size.height, source.pageCount > 1 ? source.pageIndex : undefined);
  const grey = GREY_SPACES.has(metadata.space);
  // Over the budget, the image is shrunk as it is decoded (libvips reads it in strips, and
  // JPEG decodes at a fraction of its size), so the whole image is never in memory.
  const pixels = size.width * size.height;
  const scale = options.budgetPixels && pixels > options.budgetPixels ? Math.sqrt(options.budgetPixels / pixels) : 1;
  const quarterTurn = (metadata.orientation ?? 1) >= 5; // EXIF 5-8 swap width and height
  const [outW, outH] = quarterTurn ? [size.height, size.width] : [size.width, size.height];
  try {
    let pipeline = sharp(source.path, {
      limitInputPixels: options.maxPixels,
      // 'error' stops on truncated or corrupt pixel data but tolerates libjpeg
      // *warnings* ("extraneous bytes before marker"), which real scanner output has.
      failOn: 'error',
      ...page,
    }).rotate(); // applies EXIF orientation, then drops the tag
    if (scale < 1) pipeline = pipeline.resize({ width: Math.max(1, Math.floor(outW * scale)), height: Math.max(1, Math.floor(outH * scale)), fit: 'fill' });
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' }) // transparent areas read as paper, not black
      .toColourspace(grey ? 'b-w' : 'srgb') // also brings 16-bit samples to 8-bit
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3) {
      throw new Error(`unexpected ${info.channels}-channel output`);
    }
    return {
      image: { data, width: info.width, height: info.height, channels: info.channels },
      // libvips reports 72 dpi when a JPEG's JFIF header gives only an aspect
      // ratio (no unit): that is not a measurement, so it is not passed on.
      density: metadata.density && metadata.resolutionUnit ? metadata.density * (info.width / outW) : null,
      orientation: metadata.orientation ?? null,
      scale: info.width / outW,
    };
  } catch (err) {
    throw decodeError(source, err, options.maxPixels, size);
  }
}

/**
 * Decodes `source` to raw pixels: 8-bit, 1 (grey) or 3 (RGB) channels, alpha
 * flattened onto white, EXIF orientation applied; PDF pages rendered at
 * `options.pdfDpi`. Throws CablescanError (retryable: false) for bad input.
 */
export async function loadPageImage(source: PageSource, options: LoadPageOptions): Promise<LoadedPage> {
  if (source.format === 'pdf') {
    const { image, dpi } = await renderPdfPage(source.file, source.path, {
      pageIndex: source.pageIndex,
      dpi: options.pdfDpi,
      maxPixels: options.maxPixels,
      budgetPixels: options.budgetPixels,
      timeoutMs: options.pdfTimeoutMs,
    });
    return { image, density: dpi, orientation: null, scale: dpi / options.pdfDpi };
  }
  return loadRasterPage(source, options);
}
