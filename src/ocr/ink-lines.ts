// Reading a nearly blank page (and a page whose whole reading ran past its time): its few lines (a
// signature, a page number, a stamp) where the ink measure found them, each read alone as a single
// line of text from a strip cut out with a margin, turned level, trimmed to the line's band, its
// paper whitened and any frame painted out, enlarged when small. Given the whole page, Tesseract's
// layout analysis looks for text columns in a page of empty paper and its grain and finds none:
// native Tesseract read nothing at all on 33 of 48 such lines (docs/benchmarks.md), and on grainy
// paper a call could run for minutes. What comes back is filtered hard (see MIN_CONFIDENCE): a
// "page number" the measure found may be a speck.
// Boxes come back in the coordinates of the image the lines were cut from.
import { compose, invert, rotationAbout, scaling, translation } from '../preprocess/affine.ts';
import { connectedComponents, histogram, otsuThreshold } from '../preprocess/analysis.ts';
import { backgroundGrid, flattenWith } from '../preprocess/background.ts';
import { extractGrey, sharpOf, toGreyRaw } from '../preprocess/raw.ts';
import { applyAffine, boxesOverlap, mapBox } from '../geometry.ts';
import type { Affine, BBox, OcrLine, OcrResult, RawImage } from '../types.ts';
import { engineCrashOf, type OcrEngine } from './engine.ts';
import { pageConfidence } from './tesseract-result.ts';

/** A line to read, in pixels of the image it is cut from. */
export interface ImageLine {
  /** Box around the line (and its slant), pixels of the image. */
  bbox: BBox;
  /** The middle of the line, and its thickness across its direction (letters and slant apart), pixels of the image. */
  centre: [number, number];
  thickness: number;
  /** Median letter height, pixels of the image. */
  letterHeight: number;
  /** Slope of the line, degrees (positive: descending to the right). */
  angle: number;
  /** Lines running down the page (a sideways page): read turned both ways, the better kept. */
  vertical: boolean;
  /** Lines of one region (a stamp, a signature and its title) share a paragraph. */
  region: number;
  /** Letters the ink measure counted on it. */
  letters: number;
}

export interface LineReadOptions {
  lang: string;
  /** Resolution of the image the lines are cut from. */
  dpi: number;
  /** Bound on each line's OCR call (the engine's --ocr-timeout still applies). */
  timeoutSeconds?: number;
  /** Gaussian blur for each strip (grainy paper), pixels; 0 or absent: none. */
  blurSigma?: number;
  /** Read a line that kept nothing again, enlarged, then black and white (default true). */
  retries?: boolean;
  /**
   * Paint out the pieces of neighbouring lines the strip's edges cut (cleanStrip; default false: the
   * lines of a nearly blank page are read as they were, measured so on bench:blank).
   */
  paintNeighbours?: boolean;
}

export interface LineReport {
  /** The part of the image read (the line with its margin), image pixels. */
  bbox: BBox;
  turned: number;
  scale: number;
  words: number;
  /** Words Tesseract returned and the filter dropped (no letter or digit, or too unsure). */
  dropped: number;
  /** Pieces of neighbouring lines painted out of the strip read (see cleanStrip). */
  neighbours: number;
  /** The engine died reading this line's strip (its signal): the line was not read, the rest were. */
  crashed?: string;
}

/** Each line is read as a single line of text: as a block (PSM 6), a stamp's clear date came back as "Py DEC*1951". */
const LINE_PSM = 7;
/** How much more a line with no sure word is enlarged for its second reading. */
const RETRY_ENLARGEMENT = 1.5;
/** Lines are turned level from this slope (degrees): Tesseract reads a line slanted less than that as it is. */
const MIN_TURN = 1;
/** Letters smaller than this (median component height, px) are enlarged to TARGET_LETTER_PX. */
const MIN_LETTER_PX = 20;
const TARGET_LETTER_PX = 28;
/**
 * A line is kept when one of its words has a letter or a digit and a confidence of at least
 * MIN_CONFIDENCE (a word of one character: MIN_SINGLE_CONFIDENCE); then all its words with a letter
 * or a digit are (a speck beside a word makes it unsure: "8°DEC" at 18, in a line read at 92-97).
 * Faint stamps read right at 30-40 ("RECEIVED" at 32). A line of one or two letters is kept only
 * when it reads as a page number, at MIN_SINGLE_CONFIDENCE, or at MIN_DECORATED_CONFIDENCE between
 * dashes ("-4-": tesseract.js reads a clear "- 4 -" at 37, and dust does not come with dashes):
 * what else a lone letter-shaped mark in a margin reads as is a scratch or a hair ("C", "roo."),
 * or two blots one above the other ("8" at 55).
 */
const MIN_CONFIDENCE = 25;
const MIN_SINGLE_CONFIDENCE = 60;
const MIN_DECORATED_CONFIDENCE = 30;
const PAGE_NUMBER = /^[-–—.(\s]*\d{1,4}[-–—.)\s]*$/u;
const DECORATED_PAGE_NUMBER = /^\s*[-–—]+\s*\d{1,4}\s*[-–—]+[.\s]*$/u;

function alphanumerics(text: string): number {
  return [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

function sureWord(text: string, confidence: number): boolean {
  const n = alphanumerics(text);
  return n > 0 && confidence >= (n === 1 ? MIN_SINGLE_CONFIDENCE : MIN_CONFIDENCE);
}

/**
 * How far (letter heights) a piece the strip's edge cuts may reach into the line's rows and still be
 * a neighbour's. No letter of the line itself touches the strip's top or bottom edge (the band
 * reaches 0.45 letter heights past its box), so what the edge cuts and stops short of the line's
 * middle is its neighbours': the feet of the line above, the tops of the line below. Measured on
 * the corpus: 0.15 left the deeper feet of single-spaced lines above ("R. af Dbg., p.p.," over the
 * letter-spaced "K ø b e n h a v n", which then read as nothing); 0.5 reads it.
 */
const NEIGHBOUR_FRINGE = 0.5;

/** Grey levels above the strip's ink threshold over which pixels fade to white (the letters' soft edges). */
const PAPER_RAMP = 24;

/**
 * Cleans a line's strip for Tesseract: the paper white (a stamp's clear date on blotchy grey paper
 * read "Py DEC*1951", whitened "17 DEC 1951"), and what is not letters painted white: shapes
 * taller than any letter (a stamp's frame, the edge of a shadow) and thin rules much wider than
 * tall, which Tesseract reads as letters of their own (`|`, `l`, `[`). Letters run together into a
 * word stay: they are as tall as a letter. Otsu's threshold is sound on a strip: it is mostly letters.
 * Pieces of the neighbouring lines go too: what the strip's top or bottom edge cuts and what does not
 * reach into the line's own rows (`core`, strip rows) by more than a fringe. On single-spaced
 * typescript the band reaches into the feet of the line above, and Tesseract reads them as a letter
 * of this one ("W. C. l." under "Woburn House," came back "CW. C. 1.", "w.C. 1.").
 */
function cleanStrip(image: RawImage, letterHeight: number, ramp = PAPER_RAMP, core?: readonly [number, number]): { image: RawImage; neighbours: number } {
  const { width, height } = image;
  const threshold = otsuThreshold(histogram(image));
  const data = Buffer.from(image.data);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i += 1) mask[i] = data[i]! <= threshold ? 1 : 0;
  const { components, runs } = connectedComponents({ data: mask, width, height });
  // The strip reaches half a letter height above and below the line: what touches both its top
  // and its bottom is not the line's (the sides of a stamp's frame, cut by the strip).
  const fringe = NEIGHBOUR_FRINGE * letterHeight;
  const neighbour = (c: { y0: number; y1: number }) =>
    core !== undefined && ((c.y0 === 0 && c.y1 <= core[0] + fringe) || (c.y1 === height && c.y0 >= core[1] - fringe));
  let neighbours = 0;
  const large = components.map((c) => {
    if (c.y1 - c.y0 > 1.7 * letterHeight || (c.x1 - c.x0 > 3 * letterHeight && c.y1 - c.y0 < 0.3 * letterHeight) || (c.y0 === 0 && c.y1 === height))
      return true;
    if (!neighbour(c)) return false;
    neighbours += 1;
    return true;
  });
  for (let r = 0; r < runs.length; r += 4) {
    if (!large[runs[r + 3]!]) continue;
    // One pixel around the run too: the shape's soft edge would stay as a faint ghost of it.
    for (let y = Math.max(0, runs[r]! - 1); y <= Math.min(height - 1, runs[r]! + 1); y += 1) {
      data.fill(255, y * width + Math.max(0, runs[r + 1]! - 1), y * width + Math.min(width, runs[r + 2]! + 1));
    }
  }
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v += 1)
    lut[v] = ramp === 0 ? (v <= threshold ? 0 : 255) : v <= threshold ? v : v >= threshold + ramp ? 255 : Math.round(v + ((255 - v) * (v - threshold)) / ramp);
  for (let i = 0; i < data.length; i += 1) data[i] = lut[data[i]!]!;
  return { image: { ...image, data }, neighbours };
}

interface Crop {
  image: RawImage;
  /** Crop pixels to image pixels. */
  toImage: Affine;
  turned: number;
  scale: number;
  /** Pieces of neighbouring lines painted out. */
  neighbours: number;
}

/**
 * The line's strip: cut out with a margin, turned level, trimmed to the line's band, its paper level
 * divided out and its grain smoothed (on grainy pages), cleaned (cleanStrip; `ramp` 0: black and
 * white), enlarged when small.
 */
async function cut(
  image: RawImage,
  line: ImageLine,
  turn: number,
  blurSigma: number,
  enlarge = 1,
  ramp = PAPER_RAMP,
  paintNeighbours = false,
): Promise<{ crop: Crop; box: BBox }> {
  const h = line.letterHeight;
  // Two letter heights along the line (a letter at its end the measure did not count, run into a
  // frame or a speck, is still read), one across it (the band below trims it).
  const along = Math.round(Math.max(32, 2 * h));
  const across = Math.round(Math.max(16, h));
  const [padX, padY] = line.vertical ? [across, along] : [along, across];
  // Never an empty rectangle: a line measured at the page's very edge still gets a pixel of strip.
  const left = Math.min(image.width - 1, Math.max(0, Math.floor(line.bbox[0] - padX)));
  const top = Math.min(image.height - 1, Math.max(0, Math.floor(line.bbox[1] - padY)));
  const right = Math.max(left + 1, Math.min(image.width, Math.ceil(line.bbox[2] + padX)));
  const bottom = Math.max(top + 1, Math.min(image.height, Math.ceil(line.bbox[3] + padY)));
  let current = await extractGrey(image, { left, top, width: right - left, height: bottom - top });
  let toImage: Affine = translation(left, top);
  let centre = applyAffine(translation(-left, -top), line.centre[0], line.centre[1]);
  if (turn !== 0) {
    const turned = await toGreyRaw(sharpOf(current).rotate(turn, { background: '#ffffff' }));
    const forward = rotationAbout(turn, current.width / 2, current.height / 2, turned.width / 2, turned.height / 2);
    toImage = compose(toImage, invert(forward));
    centre = applyAffine(forward, centre[0], centre[1]);
    current = turned;
  }
  // Only the line's own band: a neighbouring line of a stamp reaches into the margin.
  const half = line.thickness / 2 + 0.45 * h;
  const bandTop = Math.max(0, Math.floor(centre[1] - half));
  const bandBottom = Math.min(current.height, Math.ceil(centre[1] + half));
  // A centre turned outside the strip (a line at the edge of the cut) leaves no band: the strip stays whole.
  let rowsTop = 0;
  if (bandBottom - bandTop >= 1 && bandBottom - bandTop < current.height) {
    current = await extractGrey(current, { left: 0, top: bandTop, width: current.width, height: bandBottom - bandTop });
    toImage = compose(toImage, translation(0, bandTop));
    rowsTop = bandTop;
  }
  // The strip's own paper level divided out (stains, uneven light, grey paper), then the grain smoothed.
  const grid = backgroundGrid(current.data, current.width, current.height, Math.max(8, Math.round(1.5 * h)));
  current = { ...current, data: flattenWith(current.data, current.width, current.height, grid) };
  if (blurSigma > 0) current = await toGreyRaw(sharpOf(current).blur(blurSigma));
  // The line's own rows in the strip: what lies beyond them at the strip's edges is its neighbours'.
  const core = [centre[1] - line.thickness / 2 - rowsTop, centre[1] + line.thickness / 2 - rowsTop] as const;
  const cleaned = cleanStrip(current, h, ramp, paintNeighbours ? core : undefined);
  current = cleaned.image;
  const scale = (h < MIN_LETTER_PX ? Math.min(4, TARGET_LETTER_PX / Math.max(1, h)) : 1) * enlarge;
  if (scale !== 1) {
    const enlarged = await toGreyRaw(
      sharpOf(current).resize(Math.round(current.width * scale), Math.round(current.height * scale), { kernel: 'lanczos3', fit: 'fill' }),
    );
    toImage = compose(toImage, scaling(current.width / enlarged.width, current.height / enlarged.height));
    current = enlarged;
  }
  return { crop: { image: current, toImage, turned: turn, scale, neighbours: cleaned.neighbours }, box: [left, top, right, bottom] };
}

interface Reading {
  crop: Crop;
  box: BBox;
  /** The lines kept, in image pixels. */
  lines: OcrLine[];
  /** Words Tesseract returned. */
  seen: number;
  /** Confidence times characters of what was kept: the better of two readings of a line. */
  weight: number;
}

/** What of one reading of a line's strip is kept (see MIN_CONFIDENCE), in the image's pixels. */
function accept(result: OcrResult, crop: Crop, box: BBox, line: ImageLine, image: RawImage): Reading {
  const short = line.letters < 3;
  const lines: OcrLine[] = [];
  let seen = 0;
  let weight = 0;
  for (const found of result.lines) {
    seen += found.words.length;
    // Words where the measure saw the line's letters, not in the margin around them.
    const words = found.words
      .map((w) => ({ ...w, bbox: mapBox(w.bbox, crop.toImage, image.width, image.height) }))
      .filter((w) => alphanumerics(w.text) > 0 && boxesOverlap(w.bbox, line.bbox, line.letterHeight / 2));
    const text = words.map((w) => w.text).join(' ');
    if (short) {
      const least = DECORATED_PAGE_NUMBER.test(text) ? MIN_DECORATED_CONFIDENCE : MIN_SINGLE_CONFIDENCE;
      if (!PAGE_NUMBER.test(text) || words.some((w) => w.confidence < least)) continue;
    } else if (!words.some((w) => sureWord(w.text, w.confidence))) continue;
    lines.push({ text, confidence: found.confidence, bbox: mapBox(found.bbox, crop.toImage, image.width, image.height), paragraph: line.region, words });
    for (const w of words) weight += w.confidence * [...w.text].length;
  }
  return { crop, box, lines, seen, weight };
}

/**
 * Reads the lines of a nearly blank page, one call each: lines and words in the coordinates of
 * `image`, in the lines' order, one paragraph per region.
 */
export async function readInkLines(
  image: RawImage,
  lines: readonly ImageLine[],
  engine: OcrEngine,
  options: LineReadOptions,
): Promise<{ result: OcrResult; lines: LineReport[] }> {
  const read: OcrLine[] = [];
  const reports: LineReport[] = [];
  // The engine and its version as the first reading reports them (set inside the readings below).
  const seenInfo: { info: Pick<OcrResult, 'engine' | 'engineVersion' | 'lang' | 'model' | 'models' | 'engineReason'> | null } = { info: null };
  for (const line of lines) {
    // sharp turns clockwise for a positive angle; a line descending to the right by `angle` is turned back by -angle.
    const turns = line.vertical ? [90, 270] : [Math.abs(line.angle) >= MIN_TURN ? -line.angle : 0];
    // Assigned inside attempt(): typed wide so the checks below are not narrowed to null.
    let best = null as Reading | null;
    let crashed = null as string | null;
    const attempt = async (turn: number, enlarge: number, ramp = PAPER_RAMP) => {
      const { crop, box } = await cut(image, line, turn, options.blurSigma ?? 0, enlarge, ramp, options.paintNeighbours);
      let result: OcrResult;
      try {
        result = await engine.recognize({
          image: crop.image,
          lang: options.lang,
          psm: LINE_PSM,
          dpi: Math.round(options.dpi * crop.scale),
          timeoutSeconds: options.timeoutSeconds,
        });
      } catch (err) {
        // One strip that kills the engine costs that strip, not the page's other lines.
        crashed = engineCrashOf(err);
        if (crashed === null) throw err;
        return;
      }
      seenInfo.info ??= {
        engine: result.engine,
        engineVersion: result.engineVersion,
        lang: result.lang,
        model: result.model,
        models: result.models,
        engineReason: result.engineReason,
      };
      const reading = accept(result, crop, box, line, image);
      if (!best || reading.weight > best.weight) best = reading;
    };
    for (const turn of turns) await attempt(turn, 1);
    if (best === null) {
      // Every reading of the line crashed: reported, and neither retried nor kept.
      reports.push({ bbox: line.bbox, turned: 0, scale: 1, words: 0, dropped: 0, neighbours: 0, crashed: crashed ?? 'unknown' });
      continue;
    }
    // A line that kept nothing is read once more, enlarged, as the second opinion reads doubtful
    // words: Tesseract's single-line reading is unsteady (a clear "RECEIVED" came back at 23).
    const retries = options.retries ?? true;
    if (retries && best!.lines.length === 0) await attempt(best!.crop.turned, RETRY_ENLARGEMENT);
    // Then once more as black and white: faint stamps the fast models read as nothing in grey
    // ("RECEIVED", "DECLASSIFIED" on heavy scans) came out whole.
    if (retries && best!.lines.length === 0) await attempt(best!.crop.turned, 1, 0);
    const { crop, box, lines: kept, seen } = best!;
    const words = kept.reduce((n, l) => n + l.words.length, 0);
    read.push(...kept);
    reports.push({
      bbox: box,
      turned: Math.round(crop.turned * 100) / 100,
      scale: Math.round(crop.scale * 100) / 100,
      words,
      dropped: seen - words,
      neighbours: crop.neighbours,
    });
  }
  // Paragraph indices stay dense (a region that read nothing leaves no gap).
  const used = [...new Set(read.map((l) => l.paragraph))];
  for (const line of read) line.paragraph = used.indexOf(line.paragraph);
  const paragraphs: string[][] = [];
  for (const line of read) (paragraphs[line.paragraph] ??= []).push(line.text);
  const { meanConfidence, wordCount } = pageConfidence(read);
  const { info } = seenInfo;
  return {
    result: {
      lines: read,
      text: paragraphs.map((p) => p.join('\n')).join('\n\n'),
      meanConfidence,
      wordCount,
      engine: info?.engine ?? engine.name,
      engineVersion: info?.engineVersion ?? '',
      lang: info?.lang ?? options.lang,
      psm: LINE_PSM,
      // Which model read the lines, as a whole-page reading says it (absent keys stay absent).
      ...(info?.model ? { model: info.model, models: info.models } : {}),
      ...(info?.engineReason ? { engineReason: info.engineReason } : {}),
    },
    lines: reports,
  };
}

/** A page's ink lines (original page pixels) in the coordinates of its preprocessed image (`toOriginal` maps that image back). */
export function linesInImage(
  regions: ReadonlyArray<{ angle: number; lines: ReadonlyArray<{ bbox: BBox; letterHeight: number; letters: number }> }>,
  toOriginal: Affine,
  image: Pick<RawImage, 'width' | 'height'>,
  vertical: boolean,
): ImageLine[] {
  const toImage = invert(toOriginal);
  const scale = Math.sqrt(Math.abs(toImage[0] * toImage[4] - toImage[1] * toImage[3]));
  const turned = (Math.atan2(toImage[3], toImage[0]) * 180) / Math.PI;
  // A page the orientation step turned by a quarter has its lines across again.
  const quarter = Math.abs(Math.round(turned / 90)) % 2 === 1;
  return regions.flatMap((region, index) =>
    region.lines.map((line) => {
      const [x0, y0, x1, y1] = line.bbox;
      // Across a sideways line is its box's width; across a slanted one, its box's height less the slant.
      const across = vertical ? x1 - x0 : Math.max(line.letterHeight, y1 - y0 - (x1 - x0) * Math.abs(Math.tan((region.angle * Math.PI) / 180)));
      return {
        bbox: mapBox(line.bbox, toImage, image.width, image.height),
        centre: applyAffine(toImage, (x0 + x1) / 2, (y0 + y1) / 2),
        thickness: across * scale,
        letterHeight: line.letterHeight * scale,
        // Quarter turns are exact; what is left of the page's turn is the deskew's. A region's lines
        // share its slope (one word alone measures it poorly).
        angle: quarter ? 0 : region.angle + turned - 90 * Math.round(turned / 90),
        vertical: vertical !== quarter,
        region: index,
        letters: line.letters,
      };
    }),
  );
}
