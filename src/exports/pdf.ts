// Searchable PDF per telegram, as PDF/A-2b: each page image (grey JPEG) at its physical
// size, with an invisible text layer (text render mode 3) placed word by word over the
// image, so text selection and search in ordinary viewers land on the printed words. Each
// word is stretched horizontally (text matrix) to reach the next word, as Tesseract's own
// PDF renderer does, and sized from its line's height. Corrected words carry the reviewed
// text. A page the orientation step turned (sideways or upside-down scan) gets /Rotate, so
// viewers show it upright, and its text runs along the scan's lines.
//
// PDF/A-2b (ISO 19005-2, level B) asks for every font to be embedded, XMP metadata that
// says the file is PDF/A and matches the document information, an output intent with an
// ICC profile, a file identifier and no .notdef glyph. The text uses DejaVu Sans Mono
// (npm @fontsource/dejavu-mono: Latin with its extensions, Greek, Cyrillic) embedded as a
// subset through pdf-lib's fontkit, with a ToUnicode map so copied and searched text is
// the text that was read (Romanian ș, Polish ł, Greek, Cyrillic...). The output intent is
// sRGB, with the ICC profile libvips builds into sharp.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFString,
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
  type PDFOperator,
} from 'pdf-lib';
import sharp from 'sharp';
import type { BBox } from '../types.ts';
import { lineBox, uprightTurn, type QuarterTurn } from './context.ts';
import type { ExportPage } from './corrections.ts';
import { escapeText } from './xml.ts';

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

const require = createRequire(import.meta.url);
/** The text layer's font: the regular face of DejaVu Sans Mono as @fontsource ships it (WOFF, the whole font). */
export const TEXT_FONT_FILE = require.resolve('@fontsource/dejavu-mono/files/dejavu-mono-latin-400-normal.woff');
const TEXT_FONT_NAME = 'DejaVuSansMono';

let textFontFile: { bytes: Uint8Array; ascent: number; descent: number } | undefined;
/** The font's bytes and its ascender and descender as a share of the font size. */
function textFont(): { bytes: Uint8Array; ascent: number; descent: number } {
  if (!textFontFile) {
    const bytes = readFileSync(TEXT_FONT_FILE);
    const parsed = fontkit.create(bytes);
    textFontFile = { bytes, ascent: parsed.ascent / parsed.unitsPerEm, descent: -parsed.descent / parsed.unitsPerEm };
  }
  return textFontFile;
}

let srgbProfile: Promise<Buffer> | undefined;
/** libvips' built-in sRGB profile (ICC v4), read back from a tiny image sharp tags with it. */
export function srgbIccProfile(): Promise<Buffer> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const icc = (await sharp(png).metadata()).icc;
      if (!icc) throw new Error('sharp gave no sRGB ICC profile');
      return icc;
    });
  return srgbProfile;
}

/** Text the font can show: NFC first (ș, not s + comma below), then each character it lacks as its base letter, or '?'. */
function encodable(text: string, charset: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
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

interface TextFont {
  font: PDFFont;
  charset: ReadonlySet<number>;
  /** Ascender and descender as a share of the font size: a Tesseract line box spans both. */
  ascent: number;
  descent: number;
}

function textLayer(page: ExportPage, text: TextFont, fontKey: PDFName, scale: number, turn: QuarterTurn): PDFOperator[] {
  const { font, charset, ascent: ASCENT, descent: DESCENT } = text;
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
      const shown = encodable(word.text, charset) + (i < words.length - 1 ? ' ' : '');
      const next = words[i + 1];
      const right = next && next.box[0] > word.box[0] ? next.box[0] : word.box[2];
      const widthPt = Math.max(0.5, (right - word.box[0]) * scale);
      const natural = font.widthOfTextAtSize(shown, size);
      const stretch = natural > 0 ? widthPt / natural : 1;
      const matrix = fromUpright([stretch, 0, 0, 1, word.box[0] * scale, baseline], turn, page.width * scale, page.height * scale);
      ops.push(setTextMatrix(...matrix), showText(font.encodeText(shown)));
    }
  }
  ops.push(endText(), popGraphicsState());
  return ops;
}

/** XMP date: ISO 8601 to the second, as the document information's dates are. */
const xmpDate = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The XMP packet PDF/A asks for: the PDF/A identification (part 2, level B) and the same
 * title, description, keywords, tools and dates as the document information dictionary.
 */
export function pdfaXmp(meta: PdfMetadata, info: { creator: string; producer: string; keywords?: string }): string {
  const alt = (name: string, value: string) => `<${name}><rdf:Alt><rdf:li xml:lang="x-default">${escapeText(value)}</rdf:li></rdf:Alt></${name}>`;
  const date = xmpDate(meta.createdAt);
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>',
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format>${alt('dc:title', meta.title)}${meta.subject ? alt('dc:description', meta.subject) : ''}</rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>${escapeText(info.creator)}</xmp:CreatorTool><xmp:CreateDate>${date}</xmp:CreateDate><xmp:ModifyDate>${date}</xmp:ModifyDate><xmp:MetadataDate>${date}</xmp:MetadataDate></rdf:Description>`,
    `<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>${escapeText(info.producer)}</pdf:Producer>${info.keywords ? `<pdf:Keywords>${escapeText(info.keywords)}</pdf:Keywords>` : ''}</rdf:Description>`,
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** A subset's tag (six capital letters, as PDF names subsets) from what the subset holds. */
function subsetTag(pages: readonly PdfPageInput[]): string {
  const hash = createHash('sha256');
  for (const { page } of pages) for (const line of page.lines) for (const w of line.words) hash.update(`${w.text}\u0000`);
  return [...hash.digest().subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
}

export async function buildSearchablePdf(pages: readonly PdfPageInput[], meta: PdfMetadata): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const creator = `cablescan ${meta.softwareVersion}`;
  const producer = `cablescan ${meta.softwareVersion} (pdf-lib)`;
  const keywords = meta.keywords?.length ? meta.keywords.join(' ') : undefined;
  doc.setTitle(meta.title);
  if (meta.subject) doc.setSubject(meta.subject);
  if (meta.keywords?.length) doc.setKeywords(meta.keywords);
  doc.setCreator(creator);
  doc.setProducer(producer);
  doc.setCreationDate(meta.createdAt);
  doc.setModificationDate(meta.createdAt);

  const file = textFont();
  const font = await doc.embedFont(file.bytes, { subset: true, customName: `${subsetTag(pages)}+${TEXT_FONT_NAME}` });
  const text: TextFont = { font, charset: new Set(font.getCharacterSet()), ascent: file.ascent, descent: file.descent };

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
    pdfPage.pushOperators(...textLayer(page, text, fontKey, scale, turn));
  }

  // PDF/A: the identification and metadata (an uncompressed XMP stream), the output intent
  // (the grey page images are DeviceGray, which PDF/A allows under any output intent), and
  // a file identifier that stays the same for the same content.
  const { context, catalog } = doc;
  const xmp = context.stream(Buffer.from(pdfaXmp(meta, { creator, producer, keywords }), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(xmp));
  const icc = context.flateStream(await srgbIccProfile(), { N: 3 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: context.register(icc),
  });
  catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));
  const id = createHash('sha256').update(meta.title).update(xmpDate(meta.createdAt)).update(subsetTag(pages));
  for (const input of pages) id.update(input.page.contentHash);
  const fileId = PDFHexString.of(id.digest('hex').slice(0, 32));
  context.trailerInfo.ID = context.obj([fileId, fileId]);
  return doc.save({ useObjectStreams: true });
}
