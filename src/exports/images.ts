// The page images an export ships: the original page (the master every box refers to),
// a grey JPEG for the searchable PDF, and the preprocessed image OCR read (PAGE's
// AlternativeImage), made again with the same recipe (its steps are deterministic).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { CablescanError, ErrorCode } from '../errors.ts';
import { loadPageImage, type LoadedPage } from '../ingest/index.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_DPI, preprocessPage, type Recipe } from '../preprocess/index.ts';
import type { InputFormat, PageResult, PageSource, RawImage } from '../types.ts';

const FORMAT_BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.pdf': 'pdf',
  '.webp': 'webp',
  '.gif': 'gif',
};

export interface PageImageOptions {
  maxPixels: number;
  pdfDpi: number;
}

/** The page as ingest saw it, rebuilt from its page JSON and the path of its file. */
export function pageSourceOf(page: PageResult, absolutePath: string): PageSource {
  const format = FORMAT_BY_EXTENSION[path.extname(absolutePath).toLowerCase()];
  if (!format)
    throw new CablescanError(ErrorCode.INPUT_UNSUPPORTED, `${page.file}: cannot tell the image format from the file name`, {
      file: page.file,
      retryable: false,
    });
  return {
    pageId: page.pageId,
    file: page.file,
    path: absolutePath,
    pageIndex: page.pageIndex,
    pageCount: page.pageCount,
    format,
    contentHash: page.contentHash,
    documentKey: page.documentKey,
  };
}

/** Decodes the original page; refuses when its size differs from the page JSON's (the file changed since). */
export async function loadOriginalPage(page: PageResult, absolutePath: string, options: PageImageOptions): Promise<LoadedPage> {
  const loaded = await loadPageImage(pageSourceOf(page, absolutePath), options);
  if (loaded.image.width !== page.width || loaded.image.height !== page.height) {
    throw new CablescanError(
      ErrorCode.INPUT_CORRUPT,
      `${page.file}: the image is ${loaded.image.width}x${loaded.image.height} px but was ${page.width}x${page.height} px when read: it changed since the run; run again before exporting`,
      { file: page.file, retryable: false },
    );
  }
  return loaded;
}

/** Resolution for the PDF page size: the file's (or the PDF render's) when plausible, else 300 dpi. */
export function pageDpi(loaded: LoadedPage): number {
  return loaded.density !== null && loaded.density >= 100 && loaded.density <= 2400 ? loaded.density : DEFAULT_DPI;
}

function sharpOf(image: RawImage) {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

export async function greyJpeg(image: RawImage, quality = 80): Promise<Buffer> {
  return sharpOf(image).toColourspace('b-w').jpeg({ quality, mozjpeg: false }).toBuffer();
}

export async function losslessPng(image: RawImage, dpi?: number): Promise<Buffer> {
  const s = sharpOf(image);
  return (dpi ? s.withMetadata({ density: dpi }) : s).png({ compressionLevel: 6 }).toBuffer();
}

export interface MasterImage {
  data: Buffer;
  /** File extension with the dot. */
  ext: string;
  mimetype: string;
}

const MIME: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/**
 * The image the XML files point to. A single-page raster without EXIF rotation is shipped
 * byte for byte (the archive's master keeps its checksum); a page of a multi-page TIFF
 * or PDF, or a rotated JPEG, as a lossless PNG of the page the boxes refer to.
 */
export async function masterImage(page: PageResult, absolutePath: string, loaded: LoadedPage): Promise<MasterImage> {
  const ext = path.extname(absolutePath).toLowerCase();
  if (page.pageCount === 1 && (loaded.orientation === null || loaded.orientation === 1) && MIME[ext]) {
    return { data: await readFile(absolutePath), ext: ext === '.jpeg' ? '.jpg' : ext === '.tiff' ? '.tif' : ext, mimetype: MIME[ext]! };
  }
  return { data: await losslessPng(loaded.image, pageDpi(loaded)), ext: '.png', mimetype: 'image/png' };
}

/** The preprocessed image, as OCR read it, made again with `recipe`. */
export async function preprocessedPng(loaded: LoadedPage, recipe: Recipe, logger: Logger): Promise<Buffer> {
  const pre = await preprocessPage(loaded.image, recipe, { logger, density: loaded.density });
  return losslessPng(pre.image);
}
