// Test inputs for the ingest tests, generated into a temporary folder at test
// time (nothing binary is committed): small scans made with sharp, PDFs made
// with pdf-lib, and hand-crafted bad files.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';

export async function makeTempDir(prefix = 'cablescan-ingest-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function writeAt(file: string, data: Buffer | Uint8Array | string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
  return file;
}

/** A flat-coloured image; `shade` makes files differ in content (and so in hash). */
function flat(width: number, height: number, shade: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: shade, b: shade } } });
}

export async function writePng(file: string, width = 40, height = 30, shade = 200): Promise<string> {
  return writeAt(file, await flat(width, height, shade).png().toBuffer());
}

export async function writeJpeg(file: string, width = 40, height = 30, shade = 180): Promise<string> {
  return writeAt(file, await flat(width, height, shade).jpeg().toBuffer());
}

/** A JPEG stored 60x30, left half red and right half blue, with EXIF orientation 6 (rotate 90° clockwise). */
export async function writeOrientedJpeg(file: string): Promise<string> {
  const left = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#ff0000' } }).png().toBuffer();
  const data = await sharp({ create: { width: 60, height: 30, channels: 3, background: '#0000ff' } })
    .composite([{ input: left, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return writeAt(file, data);
}

/** A greyscale multi-page TIFF, one flat shade per page. */
export async function writeMultiPageTiff(file: string, shades: number[], width = 50, height = 40): Promise<string> {
  const pixels = Buffer.alloc(width * height * shades.length);
  shades.forEach((shade, i) => pixels.fill(shade, i * width * height, (i + 1) * width * height));
  const data = await sharp(pixels, { raw: { width, height: height * shades.length, channels: 1, pageHeight: height } })
    .toColourspace('b-w')
    .tiff({ compression: 'lzw' })
    .toBuffer();
  return writeAt(file, data);
}

/** A4 pages (595x842 pt) with a line of text and a black box, so renders have ink to find. */
export async function writePdf(file: string, pageTexts: string[], pageSize: [number, number] = [595.28, 841.89]): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Courier);
  pageTexts.forEach((text, i) => {
    const page = doc.addPage(pageSize);
    page.drawText(text, { x: 72, y: pageSize[1] - 100, size: 18, font, color: rgb(0, 0, 0) });
    // The box moves with the page number: pages differ visibly, not only in text.
    page.drawRectangle({ x: 72 + 100 * i, y: 200, width: 72, height: 72, color: rgb(0, 0, 0) });
  });
  return writeAt(file, await doc.save());
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid PNG header (correct CRCs) declaring a
 * `width`x`height` 8-bit grey image, followed by a tiny IDAT (one zero row).
 * The file is about a hundred bytes; decoding it would need width*height bytes.
 */
export function craftPngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function writeBombPng(file: string, width = 30000, height = 30000): Promise<string> {
  return writeAt(file, craftPngHeader(width, height));
}

/** A JPEG cut off halfway through its entropy-coded data: headers intact, pixels missing. */
export async function writeTruncatedJpeg(file: string): Promise<string> {
  const full = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .toBuffer();
  return writeAt(file, full.subarray(0, Math.floor(full.length / 2)));
}

export async function writeText(file: string, text: string): Promise<string> {
  return writeAt(file, text);
}

/**
 * A one-page PDF encrypted with the standard security handler whose keys match
 * no password we know: readers must ask for a password (pdfjs: PasswordException).
 */
export async function writePasswordPdf(file: string): Promise<string> {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const id = '0123456789abcdef'.repeat(2);
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return writeAt(file, pdf);
}
