// Looks at one candidate file without decoding its pixels: what it really is,
// how many pages it has, whether its declared size is within the pixel budget,
// and its content hash. Everything a bad file can do wrong is turned into a
// CablescanError naming the file, so discovery can list it and go on.
import { open, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import sharp, { type Metadata } from 'sharp';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { InputFormat } from '../types.ts';
import { specialKind } from './expand.ts';
import { describeHead, detectFormat, HEAD_BYTES, readHead } from './format.ts';
import { hashBytes, hashFile } from './hash.ts';
import type { PdfWorker } from './pdf.ts';

export interface ProbedFile {
  format: InputFormat;
  pageCount: number;
  fileHash: string;
  /** Size of the first page in pixels as the file declares it (images only). */
  width?: number;
  height?: number;
}

export interface ProbeOptions {
  maxPixels: number;
  /** Files with more pages are refused (CS_ERR_INPUT_TOO_LARGE); absent: no limit. */
  maxPages?: number;
  /** Counts PDF pages (a thread shared by the whole discovery). */
  pdf: PdfWorker;
}

/** sharp's message when limitInputPixels trips. */
export const PIXEL_LIMIT_MESSAGE = /exceeds pixel limit/i;

export function tooLargeError(file: string, width: number, height: number, maxPixels: number): CablescanError {
  return new CablescanError(
    ErrorCode.INPUT_TOO_LARGE,
    `${file}: image is ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels} (maxPixels); refusing to decode it`,
    { file, retryable: false, details: { width, height, maxPixels } },
  );
}

/** A page's sides may be this many times apart at most: a longer strip is no document page. */
export const MAX_ASPECT = 20;
/** A page's shorter side must have this many pixels at least: below it no engine finds a line (tesseract.js fails on a 1-pixel row). */
export const MIN_SIDE = 4;

/**
 * Refuses a page whose shape is no document page's (a 30000 x 200 strip, a 5-pixel sliver),
 * named and not retryable: OCR engines fail on them in their own ways, tesseract.js with
 * "Unexpected end of JSON input", which would be tried again and again.
 */
export function checkGeometry(file: string, width: number, height: number, pageIndex?: number): void {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short >= MIN_SIDE && long / short <= MAX_ASPECT) return;
  const where = pageIndex === undefined ? '' : ` (page ${pageIndex + 1})`;
  const why = short < MIN_SIDE ? `a side shorter than ${MIN_SIDE} pixels` : `sides more than ${MAX_ASPECT}:1 apart`;
  throw new CablescanError(
    ErrorCode.INPUT_GEOMETRY,
    `${file}${where}: image is ${width}x${height}, not the shape of a document page (${why}); refusing to read it`,
    {
      file,
      retryable: false,
      details: { width, height },
    },
  );
}

function tooManyPages(file: string, pageCount: number, maxPages: number): CablescanError {
  return new CablescanError(
    ErrorCode.INPUT_TOO_LARGE,
    `${file}: ${pageCount} pages, over the limit of ${maxPages} pages a file (maxPagesPerFile, --max-pages-per-file)`,
    {
      file,
      retryable: false,
      details: { pageCount, maxPages },
    },
  );
}

/** `file` is the name used in messages; `absolutePath` the one opened. */
export async function probeFile(file: string, absolutePath: string, options: ProbeOptions): Promise<ProbedFile> {
  const info = await stat(absolutePath);
  if (!info.isFile()) {
    // Never opened: a FIFO would block the read, a device would stream for ever.
    throw new CablescanError(ErrorCode.INPUT_UNSUPPORTED, `${file}: ${info.isDirectory() ? 'a folder' : specialKind(info)}, not an image file`, {
      file,
      retryable: false,
    });
  }
  if (info.size === 0) {
    throw new CablescanError(ErrorCode.INPUT_EMPTY, `${file}: the file is empty (0 bytes)`, { file, retryable: false });
  }
  // A small file (a typical single-page scan) is read once: its head, hash and header come from
  // the same bytes. A large one is hashed as a stream and its header read by sharp from disk.
  const bytes = info.size <= WHOLE_READ_BYTES ? await readWhole(absolutePath, info.size) : null;
  const head = bytes ? bytes.subarray(0, HEAD_BYTES) : await readHead(absolutePath);
  const format = detectFormat(head);
  if (format === null) {
    throw new CablescanError(ErrorCode.INPUT_UNSUPPORTED, `${file}: not an image: ${describeHead(head)}; supported are PNG, JPEG, TIFF, PDF (and WebP, GIF)`, {
      file,
      retryable: false,
    });
  }
  if (format === 'pdf') {
    const [pageCount, fileHash] = await Promise.all([options.pdf.countPages(file, absolutePath), bytes ? hashBytes(bytes) : hashFile(absolutePath)]);
    if (pageCount < 1) throw new CablescanError(ErrorCode.INPUT_CORRUPT, `${file}: the PDF has no pages`, { file, retryable: false });
    if (options.maxPages !== undefined && pageCount > options.maxPages) throw tooManyPages(file, pageCount, options.maxPages);
    return { format, pageCount, fileHash };
  }

  // metadata() reads headers only, so it is safe without a pixel limit; we check
  // the declared size ourselves to name it in the error (sharp's own message
  // does not say how large the image claims to be).
  // A PNG read whole says its size in its IHDR chunk: no decoder is needed for that (sharp's
  // metadata was a fifth of a folder's planning). Anything unusual goes to sharp, as before.
  const png = bytes && format === 'png' ? pngHeader(bytes) : null;
  let metadata: Pick<Metadata, 'width' | 'height' | 'pages'>;
  try {
    metadata = png ?? (await sharp(bytes ?? absolutePath, { limitInputPixels: false }).metadata());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CablescanError(ErrorCode.INPUT_CORRUPT, `${file}: cannot read the ${format.toUpperCase()} header (${reason})`, {
      file,
      retryable: false,
      cause: err,
    });
  }
  const { width, height } = metadata;
  if (!width || !height) {
    throw new CablescanError(ErrorCode.INPUT_CORRUPT, `${file}: the ${format.toUpperCase()} header declares no image size`, { file, retryable: false });
  }
  if (width * height > options.maxPixels) throw tooLargeError(file, width, height, options.maxPixels);
  checkGeometry(file, width, height);
  // Only TIFF pages are separate scans; further frames of a GIF/WebP animation are not pages.
  const pageCount = format === 'tiff' ? Math.max(1, metadata.pages ?? 1) : 1;
  if (options.maxPages !== undefined && pageCount > options.maxPages) throw tooManyPages(file, pageCount, options.maxPages);
  return { format, pageCount, fileHash: bytes ? hashBytes(bytes) : await hashFile(absolutePath), width, height };
}

/**
 * Files up to this size are read whole by the probe, once (a folder of 100,000 small scans was
 * opened three times a file: head, header, hash). Larger ones are streamed: scans can be
 * hundreds of megabytes, and the probe runs several files at a time.
 */
export const WHOLE_READ_BYTES = 1024 * 1024;

/**
 * A PNG's size from its IHDR chunk (the first, right after the signature), when the chunk is
 * whole and its CRC right; null otherwise (sharp then reads the header and names what is wrong).
 */
export function pngHeader(bytes: Buffer): { width: number; height: number } | null {
  // signature (8) + length (4) + "IHDR" (4) + 13 bytes of data + CRC (4)
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  if (crc32(bytes.subarray(12, 29)) !== bytes.readUInt32BE(29)) return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) return null;
  return { width, height };
}

/** The file's bytes: `size` as stat said, fewer if it shrank meanwhile (never more: a growing file is read to `size`). */
async function readWhole(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
