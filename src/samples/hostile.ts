// Files an unlucky archive (or someone who can drop files in a scan folder) can hold,
// made small on disk and expensive to read, for the hostile-input bench and tests
// (issue 24): a PDF page declared 3390 pt square, a white 14000 x 14000 PNG of
// 600 KB, strips of 30000 x 200, a TIFF of hundreds of pages, a PDF of thousands.
import { writeFile } from 'node:fs/promises';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

/** A one-page PDF whose page is `points` square (3390 pt: 14125 px a side at 300 dpi, 200 Mpx). */
export async function writeHugePagePdf(file: string, points = 3390): Promise<void> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Courier);
  const page = doc.addPage([points, points]);
  page.drawText('CIPHERED TELEGRAM No. 21301', { x: 72, y: points - 144, size: 24, font });
  await writeFile(file, await doc.save({ useObjectStreams: true }));
}

/** A white PNG of `side` x `side` pixels (compresses to almost nothing). */
export async function writeWhitePng(file: string, side = 14000): Promise<void> {
  await sharp({ create: { width: side, height: side, channels: 3, background: '#ffffff' }, limitInputPixels: false })
    .png({ compressionLevel: 9 })
    .toFile(file);
}

/** A grey strip `width` x `height` with a dark band in it, as PNG. */
export async function writeStrip(file: string, width: number, height: number): Promise<void> {
  const pixels = Buffer.alloc(width * height, 235);
  const y0 = Math.floor(height / 3);
  pixels.fill(40, y0 * width, Math.min(height, y0 + Math.max(1, Math.floor(height / 10))) * width);
  await sharp(pixels, { raw: { width, height, channels: 1 }, limitInputPixels: false })
    .png()
    .toFile(file);
}

/** A TIFF of `pages` pages, each a white `width` x `height` page with a short dark rule (a near-blank scan). */
export async function writeManyPageTiff(file: string, pages: number, width = 850, height = 1100): Promise<void> {
  const page = Buffer.alloc(width * height, 255);
  for (let x = 100; x < 400; x++) page[120 * width + x] = 0;
  const stacked = Buffer.concat(Array.from({ length: pages }, () => page));
  await sharp(stacked, { raw: { width, height: height * pages, channels: 1, pageHeight: height } as never, limitInputPixels: false })
    .tiff({ compression: 'deflate', pageHeight: height } as never)
    .toFile(file);
}

/** A PDF of `pages` US-letter pages, each with its number: pages share one font, so the file stays small. */
export async function writeLongPdf(file: string, pages: number): Promise<void> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Courier);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`Page ${i + 1} of ${pages}`, { x: 72, y: 720, size: 12, font });
  }
  await writeFile(file, await doc.save({ useObjectStreams: true }));
}
