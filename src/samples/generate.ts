// Generates one sample: invents (or takes) a telegram, types it in a layout,
// renders the pages, degrades them as a scan and builds the expected record
// and the per-line ground truth. Everything is a pure function of the spec.

import sharp from 'sharp';
import type { BBox } from '../types.ts';
import type { About, AnyLayout, DocumentKind, FieldValue, Telegram } from './model.ts';
import { createRng } from './random.ts';
import { layoutByProfile, telegramLayout } from './layouts/index.ts';
import { asRead, planDocument, renderDocument } from './document.ts';
import type { PageMark } from './marks.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { paginate } from './typeset.ts';
import { CLEAN_STRIKES, renderInk } from './render.ts';
import { drawDegradation, renderScan, rotateBox, type Degradation } from './degrade.ts';
import { fontById, type TypewriterFont } from './fonts.ts';
import { A4_300DPI, type PageGeometry } from './geometry.ts';

/** Bump when the same spec would render different pixels or records. */
export const GENERATOR_VERSION = 1;

export interface SampleSpec {
  name: string;
  /** Layout = segment profile name, e.g. "soviet-cipher". */
  profile: string;
  seed: string;
  font: TypewriterFont['id'];
  /** A degradation preset (see DEGRADATION_PRESETS). */
  degradation: string;
  /** A fixed telegram (the seed); otherwise one is invented from `seed`. */
  telegram?: Telegram;
  /** Body length bounds in sentences for invented telegrams. */
  sentences?: { min: number; max: number };
}

export interface ExpectedLine {
  text: string;
  /** Ink box in pixels of the page image as written (after skew). */
  bbox: BBox;
  /** Set on lines that are not the document's own text: page marks, catchwords, continuation headings; and letterheads, signatures. */
  role?: string;
}

export interface ExpectedPage {
  pageId: string;
  width: number;
  height: number;
  groundTruth: string;
  lines: ExpectedLine[];
  /** Untyped ink (stamps, pen, holes), not in the line truth. Absent on telegram evaluation sets. */
  marks?: PageMark[];
}

export interface ExpectedRecord {
  name: string;
  /** Absent on the telegram layouts' records (their sets predate kinds): read it as 'telegram'. */
  kind?: DocumentKind;
  profile: string;
  file: string;
  generator: { version: number; seed: string; font: string; dpi: number };
  degradation: Degradation;
  fields: Record<string, FieldValue>;
  /** Facts that are not record fields (a report's title, a stamp's received date). Not on telegram records. */
  about?: About;
  /** Every typed line of every page in reading order (blank lines left out), joined with "\n". */
  text: string;
  pages: ExpectedPage[];
}

export interface GeneratedSample {
  /** Files to write, by name: the image, `<name>.expected.json` and the ground-truth text files. */
  files: { name: string; data: Buffer }[];
  expected: ExpectedRecord;
  /** Decoded greyscale pixels of each page, for tests. */
  pixels: Buffer[];
}

export async function generateSample(spec: SampleSpec, geometry: PageGeometry = A4_300DPI): Promise<GeneratedSample> {
  const layout = telegramLayout(spec.profile);
  if (!layout) return generateDocumentSample(spec, layoutByProfile(spec.profile));
  const font = fontById(spec.font);
  const rng = createRng(`${spec.seed}`);
  const telegram =
    spec.telegram ??
    layout.invent(rng.fork('telegram'), {
      minSentences: spec.sentences?.min ?? 4,
      maxSentences: spec.sentences?.max ?? 10,
    });
  const degradation = drawDegradation(spec.degradation, rng.fork('degradation'));
  const { placed, pages: pageCount } = paginate(layout.typeset(telegram, geometry.columns), layout, geometry);

  const strikeRng = rng.fork('strikes');
  const scanRng = rng.fork('scan');
  const encoded: Buffer[] = [];
  const pixels: Buffer[] = [];
  const pages: ExpectedPage[] = [];
  const gtFiles: { name: string; data: Buffer }[] = [];
  let format: 'png' | 'jpeg' = 'png';
  for (let page = 1; page <= pageCount; page++) {
    const lines = placed.filter((l) => l.page === page);
    const ink = renderInk(lines, font, geometry, strikeRng, CLEAN_STRIKES);
    const scan = await renderScan(ink.ink, ink.width, ink.height, degradation, scanRng);
    format = scan.format;
    encoded.push(scan.image);
    pixels.push(scan.grey);
    const pageId = pageCount === 1 ? spec.name : `${spec.name}-p${page}`;
    const groundTruth = `${pageId}.gt.txt`;
    gtFiles.push({ name: groundTruth, data: Buffer.from(lines.map((l) => asRead(l.text)).join('\n') + '\n') });
    pages.push({
      pageId,
      width: geometry.width,
      height: geometry.height,
      groundTruth,
      lines: ink.lines.map((l) => ({ text: asRead(l.text), bbox: rotateBox(l.bbox, degradation.skewDeg, geometry.width, geometry.height) })),
    });
  }

  let imageName: string;
  let image: Buffer;
  if (pageCount === 1) {
    imageName = `${spec.name}.${format === 'jpeg' ? 'jpg' : 'png'}`;
    image = encoded[0];
  } else {
    // A telegram running over several sheets is delivered as one multi-page TIFF, as archives scan them.
    imageName = `${spec.name}.tif`;
    image = await multiPageTiff(encoded, geometry.width, geometry.height, geometry.dpi);
  }
  const expected: ExpectedRecord = {
    name: spec.name,
    profile: layout.profile,
    file: imageName,
    generator: { version: GENERATOR_VERSION, seed: spec.seed, font: font.id, dpi: geometry.dpi },
    degradation,
    fields: layout.expectedFields(telegram),
    text: placed.map((l) => asRead(l.text)).join('\n'),
    pages,
  };
  return {
    files: [{ name: imageName, data: image }, { name: `${spec.name}.expected.json`, data: Buffer.from(JSON.stringify(expected, null, 2) + '\n') }, ...gtFiles],
    expected,
    pixels,
  };
}

/**
 * Stacks pages vertically and lets libvips write them as TIFF pages (its `pageHeight`).
 * LZW, not deflate or JPEG: tesseract.js's Leptonica cannot read deflate TIFFs ("read fail at line 0").
 */
async function multiPageTiff(encodedPages: Buffer[], width: number, height: number, dpi: number): Promise<Buffer> {
  // Decode each page's PNG/JPEG so JPEG artefacts are kept, then store them losslessly.
  const decoded = await Promise.all(encodedPages.map((page) => sharp(page).toColourspace('b-w').raw().toBuffer()));
  return sharp(Buffer.concat(decoded), { raw: { width, height: height * decoded.length, channels: 1, pageHeight: height } })
    .toColourspace('b-w')
    .withDensity(dpi)
    .tiff({ compression: 'lzw', predictor: 'horizontal', xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' })
    .toBuffer();
}

/**
 * A sample of a layout that is not a telegram (despatch, letter, report): the document
 * composer lays it out with its own style (paper, pitch, spacing, page marks, catchwords)
 * and decorations; files and expected record as for telegrams, plus `kind`, `about` and
 * each page's `marks`.
 */
async function generateDocumentSample(spec: SampleSpec, layout: AnyLayout): Promise<GeneratedSample> {
  if (spec.telegram) throw new CablescanError(ErrorCode.CONFIG_INVALID, `sample ${spec.name}: a fixed telegram needs a telegram layout, not ${layout.profile}`);
  const rng = createRng(`${spec.seed}`);
  const plan = planDocument(layout, rng.fork('document'), { sentences: { min: spec.sentences?.min ?? 4, max: spec.sentences?.max ?? 10 } });
  if (!plan) throw new CablescanError(ErrorCode.INTERNAL, `sample ${spec.name}: could not lay out a ${layout.profile}`);
  // The spec's font wins over the drawn one, as for telegrams.
  plan.style.font = spec.font;
  const degradation = drawDegradation(spec.degradation, rng.fork('degradation'));
  const rendered = await renderDocument(plan, degradation, rng.fork('render'));
  const multi = rendered.length > 1;
  const pages: ExpectedPage[] = rendered.map((page, i) => ({
    pageId: multi ? `${spec.name}-p${i + 1}` : spec.name,
    width: page.width,
    height: page.height,
    groundTruth: `${multi ? `${spec.name}-p${i + 1}` : spec.name}.gt.txt`,
    lines: page.lines,
    marks: page.marks,
  }));
  const format = rendered[0].format;
  const imageName = multi ? `${spec.name}.tif` : `${spec.name}.${format === 'jpeg' ? 'jpg' : 'png'}`;
  const { width, height, dpi } = plan.style.geometry;
  const image = multi
    ? await multiPageTiff(
        rendered.map((p) => p.image),
        width,
        height,
        dpi,
      )
    : rendered[0].image;
  const expected: ExpectedRecord = {
    name: spec.name,
    kind: layout.kind,
    profile: layout.profile,
    file: imageName,
    generator: { version: GENERATOR_VERSION, seed: spec.seed, font: spec.font, dpi },
    degradation,
    fields: plan.fields,
    about: plan.about,
    text: pages.flatMap((p) => p.lines.map((l) => l.text)).join('\n'),
    pages,
  };
  return {
    files: [
      { name: imageName, data: image },
      { name: `${spec.name}.expected.json`, data: Buffer.from(JSON.stringify(expected, null, 2) + '\n') },
      ...pages.map((p) => ({ name: p.groundTruth, data: Buffer.from(p.lines.map((l) => l.text).join('\n') + '\n') })),
    ],
    expected,
    pixels: rendered.map((p) => p.grey),
  };
}
