// Lines the whole-page reading lost or garbled, read again where the ink measure found them.
//
// Tesseract's layout analysis sometimes takes a block of typed lines for an image and returns no
// words for it at all (a corpus despatch lost "many. Rumanians in general seem to wish to wreak /
// their wrath ..." when told 319 dpi instead of 300), and it reads a small centred line (a page mark
// "- 3 -") as part of a wider block of marks, at confidence 18 ("TTT clpos -F-"). The ink measure
// (src/preprocess/ink.ts) found those lines before OCR ran: letters on a line, independent of
// Tesseract's segmentation. So after the page is read:
// - a *dropped* line: an ink line of three letters or more (or a page mark, at the top or foot of
//   the page) that no word of the reading covers, is read alone (ink-lines.ts: its strip cut out,
//   cleaned, read as one line) and its words go into the page in reading position (among the
//   words of a line of the reading whose row it lies inside: the middle word of a letter-spaced
//   heading);
// - a *doubtful* line of the reading (below DOUBTFUL_CONFIDENCE; or with a word of several
//   characters read at next to no confidence, marks or a stamp taken for letters; or lying on an ink
//   line whose letters reach well past its words) has its rows of ink (the measure's pieces of a line
//   on one row joined, widened to the reading's line) read alone, and for each row the better of the
//   two readings stays: by confidence weighted by characters, times the share of tokens that look
//   like words (the language evidence: "TTT £4iVUbl" has tokens no language has). Words a sure line
//   already has are never read twice.
// Both on a budget (MAX_READS line readings a page): a clean page has neither and costs nothing.
import type { BBox, OcrLine, OcrResult, OcrWord, RawImage } from '../types.ts';
import { joinLineText, type OcrEngine } from './engine.ts';
import { readInkLines, type ImageLine } from './ink-lines.ts';
import { pageConfidence } from './tesseract-result.ts';
import { median as middle } from '../stats.ts';

/** A line of the reading below this mean confidence is doubtful (clean typed lines read 85-96). */
export const DOUBTFUL_CONFIDENCE = 50;
/** An ink line with less than this share of its width under words of the reading was dropped. */
const MIN_COVERED = 0.35;
/** A word of two characters or more below this confidence is garbled (typed words read 60-96). */
const GARBLED_WORD = 20;
/** An ink line with less than this share under words, and UNREAD_LETTER_HEIGHTS or more of it bare, was read in part. */
const MIN_COMPLETE = 0.75;
const UNREAD_LETTER_HEIGHTS = 4;
/**
 * What a line read alone must reach (median word confidence) to be taken: a typed line the
 * layout analysis dropped reads at 80-96 alone; handwriting and stamps beside the text read at
 * 20-50 ("Tend aly wy Ve" at 38, a stamp's "rtnte ku DCIV AVS RE" at 31) and are left out.
 */
export const MIN_RECOVERED_CONFIDENCE = 60;
/**
 * Where the reading of a row is garbage (median below GARBLED_WORD), a reading alone between
 * these two is sure enough if it is no longer: both are unsure, and the one that adds no text risks
 * less ("WiaChisks" at 0 for "W. C. l.", read alone "W. C. 1." at 38-61; a stamp's "nm Ka etekm .
 * TTTRTEE" at 0, read alone "nm Ka rtnte ku DCIV AVS RE" at 31, stays).
 */
const MIN_REPLACING_GARBAGE = 35;

function letters(lines: readonly OcrLine[]): number {
  return lines.reduce((n, l) => n + l.words.reduce((m, w) => m + [...w.text].length, 0), 0);
}

function sureEnough(alternative: readonly OcrLine[], before: readonly OcrLine[]): boolean {
  const sure = sureness(alternative);
  if (sure >= MIN_RECOVERED_CONFIDENCE) return true;
  return before.length > 0 && sureness(before) < GARBLED_WORD && sure >= MIN_REPLACING_GARBAGE && letters(alternative) <= letters(before) + 2;
}

/** A row read alone replaces the page's reading of it when its evidence is this much larger. */
const BETTER_BY = 1.1;
/** Line readings a page may spend (each is one small OCR call, retries apart). */
export const MAX_READS = 6;
/** Page marks and catchwords sit in the top and bottom this share of the page. */
const MARGIN_BAND = 0.12;

export interface RecoveryReport {
  /** Ink lines no word covered, read alone; lines of them kept. */
  dropped: number;
  added: number;
  /** Doubtful lines of the reading compared with their ink lines read alone; replaced by them. */
  doubtful: number;
  replaced: number;
  /** Line strips the engine died on: skipped, the page keeps the rest (ink-lines.ts). */
  crashed?: number;
}

export interface RecoverOptions {
  lang: string;
  dpi: number;
  timeoutSeconds?: number;
  blurSigma?: number;
  maxReads?: number;
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function boxOf(boxes: readonly BBox[]): BBox {
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
}

function overlapArea(a: BBox, b: BBox): number {
  return Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * overlapY(a, b);
}

/** `lines` without the words that lie mostly on a word of `others`. */
function withoutWordsOf(lines: readonly OcrLine[], others: readonly OcrLine[]): OcrLine[] {
  const theirs = others.flatMap((l) => l.words.map((w) => w.bbox));
  return lines
    .map((l) => {
      const ws = l.words.filter((w) => {
        const area = (w.bbox[2] - w.bbox[0]) * (w.bbox[3] - w.bbox[1]);
        return !theirs.some((b) => overlapArea(w.bbox, b) > 0.5 * area);
      });
      return ws.length === l.words.length ? l : { ...l, words: ws, text: ws.map((w) => w.text).join(' ') };
    })
    .filter((l) => l.words.length > 0);
}

function overlapY(a: BBox, b: BBox): number {
  return Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
}

/** Share of the ink line's width covered by words of the reading lying on it. */
function coveredShare(line: ImageLine, lines: readonly OcrLine[]): number {
  const [x0, , x1] = line.bbox;
  const spans: [number, number][] = [];
  for (const l of lines) {
    for (const w of l.words) {
      const h = Math.min(w.bbox[3] - w.bbox[1], line.bbox[3] - line.bbox[1]);
      if (h <= 0 || overlapY(w.bbox, line.bbox) < 0.4 * h) continue;
      const a = Math.max(x0, w.bbox[0]);
      const b = Math.min(x1, w.bbox[2]);
      if (b > a) spans.push([a, b]);
    }
  }
  spans.sort((p, q) => p[0] - q[0]);
  let covered = 0;
  let end = x0;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return x1 > x0 ? covered / (x1 - x0) : 1;
}

/** Tokens that look like words of a language or numbers: letters (an inner apostrophe or hyphen), or digits, with their punctuation. */
const WORDLIKE = /^[("'“‘[-]*(?:\p{L}[\p{Ll}'’-]*\p{Ll}|\p{Lu}{1,12}|\p{L}|\d[\d.,/:-]*)[)"'”’\].,;:!?-]*$/u;

/** Tokens of `least` characters or more that do not look like words or numbers (marks alone among them: `#.`, `..`). */
export function unwordlikeTokens(text: string, least = 1): number {
  return text.split(/\s+/u).filter((t) => [...t].length >= least && !WORDLIKE.test(t)).length;
}

/** Share of alphanumeric tokens that look like words: what a misreading of marks and stamps lacks. */
export function wordlikeShare(text: string): number {
  const tokens = text.split(/\s+/u).filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (tokens.length === 0) return 0;
  return tokens.filter((t) => WORDLIKE.test(t)).length / tokens.length;
}

/** Characters times confidence, times the word-like share: how much sure, plausible text a reading holds. */
export function evidence(lines: readonly OcrLine[]): number {
  const text = lines.map((l) => l.text).join(' ');
  let weight = 0;
  for (const l of lines) for (const w of l.words) weight += (w.confidence / 100) * [...w.text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  return weight * wordlikeShare(text);
}

/**
 * The median confidence of the words: tesseract.js reads a right word at 0 now and then ("either
 * actively" in a line of 87-96), so a mean would throw out a good line for two words.
 */
function sureness(lines: readonly OcrLine[]): number {
  const values = lines.flatMap((l) => l.words.map((w) => w.confidence)).sort((a, b) => a - b);
  if (values.length === 0) return 0;
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

function centreY(b: BBox): number {
  return (b[1] + b[3]) / 2;
}

/**
 * Rows of ink (pieces of a typed line the measure found apart) widened to the lines of the reading
 * on them: read alone, a piece cuts words at its ends ("4 Genn", "OprøretirR").
 */
export function wholeRows(rows: ImageLine[], lines: readonly OcrLine[]): ImageLine[] {
  return rows.map((row) => {
    const on = lines.filter((l) => overlapY(l.bbox, row.bbox) >= 0.5 * Math.min(l.bbox[3] - l.bbox[1], row.bbox[3] - row.bbox[1]));
    if (on.length === 0) return row;
    const x0 = Math.min(row.bbox[0], ...on.map((l) => l.bbox[0]));
    const x1 = Math.max(row.bbox[2], ...on.map((l) => l.bbox[2]));
    return { ...row, bbox: [x0, row.bbox[1], x1, row.bbox[3]] as BBox, centre: [(x0 + x1) / 2, row.centre[1]] as [number, number] };
  });
}

/** Top to bottom, and left to right along a row. */
function readingOrder(a: ImageLine, b: ImageLine): number {
  const dy = centreY(a.bbox) - centreY(b.bbox);
  return Math.abs(dy) < Math.min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]) / 2 ? a.bbox[0] - b.bbox[0] : dy;
}

/**
 * A line of the reading is doubtful when it is unsure as a whole; when it has a word of several
 * characters read at next to no confidence (marks or a stamp read as letters: "re SE Oprøret", where
 * the line is "4 Gennemslag. Oprøret"); or when it lies on an ink line whose letters reach well past
 * the words read on it (an underlined "Plan de présentation" read "Plan d a").
 */
function isDoubtful(line: OcrLine, inks: readonly ImageLine[], all: readonly OcrLine[]): boolean {
  if (line.confidence < DOUBTFUL_CONFIDENCE) return true;
  if (line.words.some((w) => w.confidence < GARBLED_WORD && [...w.text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length >= 2)) return true;
  return inks.some((ink) => {
    if (ink.letters < 3 || overlapY(ink.bbox, line.bbox) < 0.5 * (ink.bbox[3] - ink.bbox[1])) return false;
    if (ink.bbox[0] >= line.bbox[2] || line.bbox[0] >= ink.bbox[2]) return false;
    const share = coveredShare(ink, all);
    return share < MIN_COMPLETE && (1 - share) * (ink.bbox[2] - ink.bbox[0]) >= UNREAD_LETTER_HEIGHTS * ink.letterHeight;
  });
}

const median = (values: readonly number[]): number => middle(values, 0);

/** A box this many of the page's letter heights tall holds several lines, not one. */
const MAX_LINE_IN_LETTER_HEIGHTS = 8;
/** A box taller than wide and this many letter heights tall is text set sideways (a lone "3" is taller than wide too). */
const MAX_UPRIGHT_IN_LETTER_HEIGHTS = 2;

/**
 * Whether a box of the reading can be one typed line, to be read alone as one (PSM 7). Tesseract's
 * reading returns a sideways file number among specks as one tall, narrow "line"; read as one line
 * it means nothing, and Tesseract 5.3 dies on it (SIGFPE, "Image too small to scale";
 * test/fixtures/images/tesseract-sigfpe-strip.png). Without a letter height (no ink measured),
 * every box is let through, as before.
 */
export function oneTypedLine(bbox: BBox, typicalLetterHeight: number): boolean {
  if (typicalLetterHeight <= 0) return true;
  const width = bbox[2] - bbox[0];
  const height = bbox[3] - bbox[1];
  if (height > MAX_LINE_IN_LETTER_HEIGHTS * typicalLetterHeight) return false;
  return !(height > width && height > MAX_UPRIGHT_IN_LETTER_HEIGHTS * typicalLetterHeight);
}

/** A line of the reading as a line to read alone: its box, its height as the letters'. */
function ownLine(line: OcrLine): ImageLine {
  const [x0, y0, x1, y1] = line.bbox;
  const h = y1 - y0;
  return {
    bbox: line.bbox,
    centre: [(x0 + x1) / 2, (y0 + y1) / 2],
    thickness: h,
    letterHeight: 0.75 * h,
    angle: 0,
    vertical: false,
    region: 0,
    letters: [...line.text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length,
  };
}

/**
 * Where a recovered line goes: before the first line of the reading that is on its row and to its
 * right, or below it in its columns; else last.
 */
function insertionIndex(lines: readonly OcrLine[], box: BBox): number {
  const y = centreY(box);
  const h = box[3] - box[1];
  const i = lines.findIndex((l) => {
    const dy = centreY(l.bbox) - y;
    if (Math.abs(dy) < h / 2) return l.bbox[0] > box[0];
    return dy > 0 && l.bbox[0] < box[2] && box[0] < l.bbox[2];
  });
  return i < 0 ? lines.length : i;
}

/**
 * The line of the reading a recovered piece lies inside of: on its row, reaching past it on both
 * sides. The page reading of a letter-spaced heading ("J e w i s h   S u r v i v o r s   R e p o r t")
 * kept its first and last words and dropped the middle one; read alone, the middle word belongs
 * between them, not on a line of its own after them ("Jewish Report Survivors").
 */
function hostIndex(lines: readonly OcrLine[], box: BBox): number {
  return lines.findIndex((l) => {
    const h = Math.min(l.bbox[3] - l.bbox[1], box[3] - box[1]);
    return h > 0 && overlapY(l.bbox, box) >= 0.5 * h && l.bbox[0] < box[0] && box[2] < l.bbox[2];
  });
}

/** `piece` without the words lying mostly on words of `host` (their overlaps summed), or null when none is left. */
function newWordsOf(piece: OcrLine, host: OcrLine): OcrLine | null {
  const words = piece.words.filter((w) => {
    const area = (w.bbox[2] - w.bbox[0]) * (w.bbox[3] - w.bbox[1]);
    return host.words.reduce((sum, h) => sum + overlapArea(w.bbox, h.bbox), 0) <= 0.5 * area;
  });
  if (words.length === 0) return null;
  return words.length === piece.words.length ? piece : { ...piece, words, text: words.map((w) => w.text).join(' '), bbox: boxOf(words.map((w) => w.bbox)) };
}

/** `host` with the words of `piece` in their places along the row. */
function withWordsOf(host: OcrLine, piece: OcrLine): OcrLine {
  const words = [...host.words, ...piece.words].sort((a, b) => a.bbox[0] - b.bbox[0]);
  return { ...host, words, text: words.map((w) => w.text).join(' '), confidence: mean(words.map((w) => w.confidence)), bbox: boxOf([host.bbox, piece.bbox]) };
}

/**
 * Dropped ink lines on one row (the measure splits a typed line at a wide gap: "many.  Rumanians
 * ...") read as one: alone, a piece loses the letters at its cut ("manians in general").
 */
export function mergeRows(lines: readonly ImageLine[]): ImageLine[] {
  const rows: ImageLine[] = [];
  for (const line of [...lines].sort((a, b) => a.bbox[0] - b.bbox[0])) {
    const row = rows.find((r) => {
      const h = Math.min(r.bbox[3] - r.bbox[1], line.bbox[3] - line.bbox[1]);
      return overlapY(r.bbox, line.bbox) >= 0.5 * h && line.bbox[0] - r.bbox[2] < 12 * Math.max(r.letterHeight, line.letterHeight);
    });
    if (!row) {
      rows.push({ ...line });
      continue;
    }
    const bbox: BBox = [
      Math.min(row.bbox[0], line.bbox[0]),
      Math.min(row.bbox[1], line.bbox[1]),
      Math.max(row.bbox[2], line.bbox[2]),
      Math.max(row.bbox[3], line.bbox[3]),
    ];
    const letters = row.letters + line.letters;
    Object.assign(row, {
      bbox,
      centre: [(bbox[0] + bbox[2]) / 2, (row.centre[1] * row.letters + line.centre[1] * line.letters) / letters],
      thickness: Math.max(row.thickness, line.thickness),
      letterHeight: (row.letterHeight * row.letters + line.letterHeight * line.letters) / letters,
      angle: row.letters >= line.letters ? row.angle : line.angle,
      letters,
    });
  }
  return rows;
}

/** Paragraph numbers renumbered in reading order (a recovered line is a paragraph of its own). */
function renumber(lines: OcrLine[]): OcrLine[] {
  let current = -1;
  let previous: number | undefined;
  return lines.map((l) => {
    if (l.paragraph !== previous) current += 1;
    previous = l.paragraph;
    return { ...l, paragraph: current };
  });
}

/**
 * The page's reading with its dropped lines read and added, and its doubtful lines replaced where
 * their ink lines read alone are better. `inkLines` are in the coordinates of `image`, as the
 * reading's boxes are (ink-lines.ts linesInImage).
 */
export async function recoverLines(
  image: RawImage,
  ocr: OcrResult,
  inkLines: readonly ImageLine[],
  engine: OcrEngine,
  options: RecoverOptions,
): Promise<{ result: OcrResult; report: RecoveryReport }> {
  const report: RecoveryReport = { dropped: 0, added: 0, doubtful: 0, replaced: 0 };
  let budget = options.maxReads ?? MAX_READS;
  const inMargin = (l: ImageLine) => centreY(l.bbox) < MARGIN_BAND * image.height || centreY(l.bbox) > (1 - MARGIN_BAND) * image.height;
  // The measure ran on the whole scan: lines in margins the recipe cropped away lie outside the image.
  const inside = (l: ImageLine) => {
    const [x0, y0, x1, y1] = l.bbox;
    const w = Math.min(image.width, x1) - Math.max(0, x0);
    const h = Math.min(image.height, y1) - Math.max(0, y0);
    return w > 0 && h > 0 && w * h >= 0.5 * (x1 - x0) * (y1 - y0) && l.centre[1] > 0 && l.centre[1] < image.height;
  };
  const candidates = inkLines.filter((l) => !l.vertical && inside(l) && (l.letters >= 3 || inMargin(l)));
  const dropped = mergeRows(candidates.filter((l) => coveredShare(l, ocr.lines) < MIN_COVERED)).sort((a, b) => b.letters - a.letters);
  const readOnce = async (line: ImageLine, paintNeighbours: boolean) => {
    const { result, lines } = await readInkLines(image, [line], engine, {
      lang: options.lang,
      dpi: options.dpi,
      timeoutSeconds: options.timeoutSeconds,
      blurSigma: options.blurSigma,
      retries: false,
      paintNeighbours,
    });
    if (lines[0]?.crashed) report.crashed = (report.crashed ?? 0) + 1;
    return { lines: result.lines, neighbours: lines[0]?.neighbours ?? 0 };
  };
  // A line is read from its strip with the pieces of its neighbours painted out (ink-lines.ts
  // cleanStrip); a dropped line whose reading is not taken and whose strip had pieces painted is
  // read once more with them: what the strip's edge cut may have been a mark of the line's own the
  // measure's box left out, and Tesseract's reading of a line moves with everything on its strip.
  // A doubtful row is read once: the page already has a reading of it, and on the corpus the second
  // readings that replaced it read worse more often than better (docs/decisions.md, session 14).
  const read = async (line: ImageLine, taken: (lines: OcrLine[]) => boolean, again: boolean): Promise<OcrLine[] | null> => {
    const first = await readOnce(line, true);
    if (taken(first.lines)) return first.lines;
    if (!again || first.neighbours === 0) return null;
    const second = await readOnce(line, false);
    return taken(second.lines) ? second.lines : null;
  };

  let lines: OcrLine[] = ocr.lines.map((l) => ({ ...l }));
  // Recovered lines of one ink region share a paragraph (consecutive ones join in the text).
  const firstParagraph = Math.max(0, ...lines.map((l) => l.paragraph)) + 1;
  for (const line of dropped) {
    if (budget <= 0) break;
    budget -= 1;
    report.dropped += 1;
    const found = await read(line, (lines) => sureness(lines) >= MIN_RECOVERED_CONFIDENCE, true);
    if (!found) continue;
    for (const l of found) {
      const host = hostIndex(lines, l.bbox);
      if (host < 0) {
        lines.splice(insertionIndex(lines, l.bbox), 0, { ...l, paragraph: firstParagraph + line.region });
        report.added += 1;
        continue;
      }
      // Words the line already has are not read twice: a word lying mostly on its words, one or
      // several ("1: A =Pr" over the catalogue's "1 : Q =": each spans two of them).
      const piece = newWordsOf(l, lines[host]!);
      if (!piece) continue;
      lines[host] = withWordsOf(lines[host]!, piece);
      report.added += 1;
    }
  }

  // Doubtful lines, least sure first, each with the ink lines under its middle that no sure line
  // covers; doubtful lines over the same ink lines are compared together (a wide line of marks and
  // the page mark under it). A doubtful line the measure found no ink line under (a page mark run
  // into its dashes is not letter-shaped to it) is read alone from its own box.
  const doubtful = lines.filter((l) => l.words.length > 0 && isDoubtful(l, candidates, lines)).sort((a, b) => a.confidence - b.confidence);
  const sure = lines.filter((l) => !doubtful.includes(l));
  const own = new Map<OcrLine, ImageLine>();
  const typicalLetterHeight = median(candidates.map((l) => l.letterHeight));
  const under = (line: OcrLine): ImageLine[] => {
    const found = candidates.filter((ink) => {
      const y = centreY(ink.bbox);
      return y > line.bbox[1] && y < line.bbox[3] && ink.bbox[0] < line.bbox[2] && line.bbox[0] < ink.bbox[2] && coveredShare(ink, sure) < MIN_COVERED;
    });
    if (found.length > 0) return found;
    if (!oneTypedLine(line.bbox, typicalLetterHeight)) return [];
    if (!own.has(line)) own.set(line, ownLine(line));
    return [own.get(line)!];
  };
  const taken = new Set<OcrLine>();
  for (const first of doubtful) {
    if (taken.has(first)) continue;
    const group = [first];
    const inks = new Set(under(first));
    for (const other of doubtful) {
      if (other === first || taken.has(other)) continue;
      const its = under(other);
      if (its.some((ink) => inks.has(ink))) {
        group.push(other);
        for (const ink of its) inks.add(ink);
      }
    }
    for (const l of group) taken.add(l);
    if (inks.size === 0) continue;
    // Each row is compared on its own: one row read better alone does not carry a worse one.
    const rows = mergeRows(wholeRows(mergeRows([...inks]), group)).sort(readingOrder);
    if (rows.length > budget) continue;
    budget -= rows.length;
    report.doubtful += group.length;
    const words = group.flatMap((l) => l.words.map((w) => ({ w, line: l })));
    const onRow = (b: BBox, row: ImageLine) => overlapY(b, row.bbox) >= 0.5 * (b[3] - b[1]) && b[0] < row.bbox[2] && row.bbox[0] < b[2];
    const replaced = new Set<OcrWord>();
    const added: OcrLine[] = [];
    for (const row of rows) {
      const before = words.filter(({ w }) => !replaced.has(w) && onRow(w.bbox, row)).map(({ w }) => w);
      const asLine = (ws: OcrWord[]): OcrLine[] =>
        ws.length ? [{ text: ws.map((w) => w.text).join(' '), confidence: 0, bbox: row.bbox, paragraph: 0, words: ws }] : [];
      const better = (lines: OcrLine[]) => lines.length > 0 && sureEnough(lines, asLine(before)) && evidence(lines) > BETTER_BY * evidence(asLine(before));
      // Words a sure line of the reading already has (the row reached into it) are not read twice.
      const found = await read(row, (lines) => better(withoutWordsOf(lines, sure)), false);
      if (!found) continue;
      const alternative = withoutWordsOf(found, sure);
      for (const w of before) replaced.add(w);
      added.push(...alternative);
    }
    if (added.length === 0) continue;
    report.replaced += added.length;
    // The group's lines keep their words no row replaced; the rows read alone go in among them.
    const kept = group
      .map((l) => {
        const ws = l.words.filter((w) => !replaced.has(w));
        return ws.length === l.words.length
          ? l
          : { ...l, words: ws, text: ws.map((w) => w.text).join(' '), confidence: mean(ws.map((w) => w.confidence)), bbox: boxOf(ws.map((w) => w.bbox)) };
      })
      .filter((l) => l.words.length > 0);
    const at = Math.min(...group.map((l) => lines.indexOf(l)));
    const paragraph = lines[at]!.paragraph;
    const merged = [...kept, ...added.map((l) => ({ ...l, paragraph }))].sort((a, b) => {
      const dy = centreY(a.bbox) - centreY(b.bbox);
      return Math.abs(dy) < Math.min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]) / 2 ? a.bbox[0] - b.bbox[0] : dy;
    });
    lines = lines.filter((l) => !group.includes(l));
    lines.splice(at, 0, ...merged.map((l) => ({ ...l, paragraph })));
  }
  if (report.added === 0 && report.replaced === 0) return { result: ocr, report };
  lines = renumber(lines);
  return { result: { ...ocr, lines, text: joinLineText(lines), ...pageConfidence(lines) }, report };
}
