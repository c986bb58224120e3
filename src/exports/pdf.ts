// Searchable PDF per telegram: each page image (grey JPEG) at its physical size, with an
// invisible text layer (text render mode 3) placed word by word over the image, so text
// selection and search in ordinary viewers land on the printed words. Each word is
// stretched horizontally (text matrix) to reach the next word, as Tesseract's own PDF
// renderer does, and sized from its line's height. Corrected words carry the reviewed text.
// A page the orientation step turned (sideways or upside-down scan) gets /Rotate, so
// viewers show it upright, and its text runs along the scan's lines.
import {
  PDFDocument,
  StandardFonts,
  TextRenderingMode,
  beginText,
  degrees,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  type PDFFont,
  type PDFName,
  type PDFOperator,
} from 'pdf-lib';
import type { BBox } from '../types.ts';
import { lineBox, uprightTurn, type QuarterTurn } from './context.ts';
import type { ExportPage } from './corrections.ts';

export interface PdfPageInput {
  page: ExportPage;
  /** The page image as JPEG, at the page's original pixel size. */
  jpeg: Uint8Array;
  /** Pixels per inch of the image: sets the PDF page's physical size. */
  dpi: number;
}

export interface PdfMetadata {
  title: string;
  subject?: string;
  keywords?: string[];
  createdAt: Date;
  softwareVersion: string;
}

// Helvetica's ascender and descender (per 1000 em): a Tesseract line box spans both.
const ASCENT = 0.718;
const DESCENT = 0.207;

/** Text the standard font can encode (WinAnsi): other characters become their base letter or '?'. */
function encodable(text: string, charset: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text) {
    if (charset.has(ch.codePointAt(0)!)) {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += [...base].every((c) => charset.has(c.codePointAt(0)!)) && base ? base : '?';
  }
  return out;
}

/** Maps boxes of the scan (w x h px) into the upright page, turned clockwise by `turn`. */
function uprightBox(box: BBox, turn: QuarterTurn, w: number, h: number): BBox {
  const [x0, y0, x1, y1] = box;
  switch (turn) {
    case 90:
      return [h - y1, x0, h - y0, x1];
    case 180:
      return [w - x1, h - y1, w - x0, h - y0];
    case 270:
      return [y0, w - x1, y1, w - x0];
    default:
      return box;
  }
}

type Matrix = [number, number, number, number, number, number];

/**
 * A text matrix built in upright page space (points, y up) expressed in the unrotated page
 * space (W x H points) the content stream uses: the inverse of the viewer's /Rotate turn.
 */
function fromUpright(m: Matrix, turn: QuarterTurn, W: number, H: number): Matrix {
  const [a, b, c, d, e, f] = m;
  switch (turn) {
    case 90:
      return [-b, a, -d, c, W - f, e];
    case 180:
      return [-a, -b, -c, -d, W - e, H - f];
    case 270:
      return [b, -a, d, -c, f, H - e];
    default:
      return m;
  }
}

function textLayer(page: ExportPage, font: PDFFont, fontKey: PDFName, scale: number, turn: QuarterTurn): PDFOperator[] {
  const charset = new Set(font.getCharacterSet());
  const sideways = turn === 90 || turn === 270;
  const uprightHeightPt = (sideways ? page.width : page.height) * scale;
  const ops: PDFOperator[] = [pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
  for (const line of page.lines) {
    const box = uprightBox(lineBox(line), turn, page.width, page.height);
    const lineHeightPt = Math.max(1, (box[3] - box[1]) * scale);
    const size = lineHeightPt / (ASCENT + DESCENT);
    const baseline = uprightHeightPt - box[3] * scale + DESCENT * size;
    ops.push(setFontAndSize(fontKey, size));
    const words = line.words.map((w) => ({ text: w.text, box: uprightBox(w.bbox, turn, page.width, page.height) }));
    for (const [i, word] of words.entries()) {
      // A trailing space keeps words apart when a viewer copies text; it is stretched with the word.
      const text = encodable(word.text, charset) + (i < words.length - 1 ? ' ' : '');
      const next = words[i + 1];
      const right = next && next.box[0] > word.box[0] ? next.box[0] : word.box[2];
      const widthPt = Math.max(0.5, (right - word.box[0]) * scale);
      const natural = font.widthOfTextAtSize(text, size);
      const stretch = natural > 0 ? widthPt / natural : 1;
      const matrix = fromUpright([stretch, 0, 0, 1, word.box[0] * scale, baseline], turn, page.width * scale, page.height * scale);
      ops.push(setTextMatrix(...matrix), showText(font.encodeText(text)));
    }
  }
  ops.push(endText(), popGraphicsState());
  return ops;
}

export async function buildSearchablePdf(pages: readonly PdfPageInput[], meta: PdfMetadata): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(meta.title);
  if (meta.subject) doc.setSubject(meta.subject);
  if (meta.keywords?.length) doc.setKeywords(meta.keywords);
  doc.setCreator(`cablescan ${meta.softwareVersion}`);
  doc.setProducer(`cablescan ${meta.softwareVersion} (pdf-lib)`);
  doc.setCreationDate(meta.createdAt);
  doc.setModificationDate(meta.createdAt);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const input of pages) {
    const { page } = input;
    const scale = 72 / input.dpi;
    const widthPt = page.width * scale;
    const heightPt = page.height * scale;
    const pdfPage = doc.addPage([widthPt, heightPt]);
    const turn = uprightTurn(page.preprocess.steps);
    if (turn) pdfPage.setRotation(degrees(turn));
    const image = await doc.embedJpg(input.jpeg);
    pdfPage.drawImage(image, { x: 0, y: 0, width: widthPt, height: heightPt });
    const fontKey = pdfPage.node.newFontDictionary('CsText', font.ref);
    pdfPage.pushOperators(...textLayer(page, font, fontKey, scale, turn));
  }
  return doc.save({ useObjectStreams: true });
}
