// Turns pages of OCR lines into one stream of text lines whose every character
// can be traced back to an OCR word (page + box + confidence). Fields are found
// as character ranges in this text and mapped back to words for provenance.
import type { BBox, OcrLine, PageResult } from '../types.ts';
import { isNoiseLine } from './text.ts';

export interface SourceWord {
  text: string;
  confidence: number;
  bbox: BBox;
  page: string;
  /** Offsets of the word in its line's (or span's) text. */
  start: number;
  end: number;
}

export interface TextLine {
  page: string;
  /** Index of the line in its page's `lines`. */
  pageLine: number;
  paragraph: number;
  text: string;
  words: SourceWord[];
}

/** Consecutive lines joined with one space, words re-based onto the joined text. */
export interface Span {
  text: string;
  words: SourceWord[];
  /** Index (in the telegram's line list) of the first and last line. */
  first: number;
  last: number;
  /** Offset in `text` where each line starts. */
  lineStarts: number[];
}

/** A word of punctuation only, the way Tesseract reads a speck or a stain: `.`, `:`, `‘`, `]`, `-`. */
const SPECK_WORD = /^[.,:;'‘’"`´·•°~_|\-–—()[\]{}]{1,3}$/u;
/** Quote marks and dots stuck to the front of a line's first word: `‘8 May`, `.No.`, `'resume`. */
const LEADING_SPECK = /^[‘’'`´"·•.,]+(?=[A-Za-z0-9])/u;

/** Confidence (Tesseract's 0-100, under the word threshold of 85) given to a word after a lone `.` or `,`. */
const AFTER_LOST_INITIAL = 84;

/**
 * The words of a line without the specks Tesseract read at its ends. On scans with dust and
 * noise a line gains lone punctuation before or after it (`. No. 6624`, `attentively. : : ;`)
 * and a quote mark glued to its first word (`‘8 May 20.10 Rome`); left in, they hide the label a
 * field starts with or end up in its value. Punctuation inside a line is kept (`1967 - 1968`).
 * A lone `.` or `,` in front of a line can also be what is left of an initial whose letter was lost
 * (`. LINDQVIST` for `K. LINDQVIST`, even at confidence 91), so the word after it is put in doubt:
 * the value is then not accepted unseen. The page JSON keeps every word as read; this is only how segmentation sees it.
 */
export function withoutEdgeSpecks<W extends { text: string; confidence: number }>(words: readonly W[]): W[] {
  let first = 0;
  let last = words.length - 1;
  let lostInitial = false;
  while (first <= last && SPECK_WORD.test(words[first]!.text.trim())) {
    if (/^[.,]$/.test(words[first]!.text.trim())) lostInitial = true;
    first += 1;
  }
  while (last >= first && SPECK_WORD.test(words[last]!.text.trim())) last -= 1;
  const kept = words.slice(first, last + 1);
  if (kept.length > 0) {
    const head = kept[0]!;
    const text = head.text.trim().replace(LEADING_SPECK, '');
    const confidence = lostInitial ? Math.min(head.confidence, AFTER_LOST_INITIAL) : head.confidence;
    if (text !== head.text.trim() || confidence !== head.confidence) kept[0] = { ...head, text, confidence };
  }
  return kept;
}

function lineFromOcr(page: string, pageLine: number, line: OcrLine): TextLine {
  const words: SourceWord[] = [];
  let text = '';
  const read = (line.words ?? []).filter((w) => w.text.trim().length > 0);
  const usable = withoutEdgeSpecks(read);
  if (read.length === 0) {
    // No word boxes: the whole line is one "word" with the line's own box and confidence.
    text = line.text.trim().replace(/\s+/g, ' ');
    if (text) words.push({ text, confidence: line.confidence, bbox: line.bbox, page, start: 0, end: text.length });
  } else {
    for (const w of usable) {
      if (text) text += ' ';
      const t = w.text.trim().replace(/\s+/g, ' ');
      words.push({ text: t, confidence: w.confidence, bbox: w.bbox, page, start: text.length, end: text.length + t.length });
      text += t;
    }
  }
  return { page, pageLine, paragraph: line.paragraph, text, words };
}

/** Vertical overlap of two boxes as a share of the lower one's height. */
function verticalOverlap(a: BBox, b: BBox): number {
  const overlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const height = Math.min(a[3] - a[1], b[3] - b[1]);
  return height > 0 ? overlap / height : 0;
}

/** Share of the lower line's height two pieces must overlap to be one typed row. */
const SAME_ROW_OVERLAP = 0.6;
/** Pieces of one typed row are about as tall as each other; a stamp's words set sideways are many rows tall. */
const SAME_ROW_HEIGHT_RATIO = 2.5;

function comparableHeights(a: BBox, b: BBox): boolean {
  const ha = a[3] - a[1];
  const hb = b[3] - b[1];
  return Math.max(ha, hb) <= SAME_ROW_HEIGHT_RATIO * Math.max(1, Math.min(ha, hb));
}

/**
 * The box of a line's words without its specks: a speck read below or beside the text (`: : ;`
 * after `attentively.`) stretches the line's box into the next row, which then looked like the
 * same typed row and was joined to it (`attentively. : : : Ionescu.`, the signature lost).
 */
function textBox(line: OcrLine): BBox {
  const words = (line.words ?? []).filter((w) => !SPECK_WORD.test(w.text.trim()));
  if (words.length === 0) return line.bbox;
  return [
    Math.min(...words.map((w) => w.bbox[0])),
    Math.min(...words.map((w) => w.bbox[1])),
    Math.max(...words.map((w) => w.bbox[2])),
    Math.max(...words.map((w) => w.bbox[3])),
  ];
}

/**
 * Slope (dy/dx) of the typed rows in the page's coordinates: boxes are on the original scan,
 * before deskewing, so on a page scanned 3.9 degrees askew a signature at the right end of the
 * next row sat at the height of the left end of the row above. The median over lines of the
 * least-squares slope of their word centres.
 */
export function rowSlope(lines: readonly OcrLine[]): number {
  const slopes: number[] = [];
  for (const line of lines) {
    const words = (line.words ?? []).filter((w) => !SPECK_WORD.test(w.text.trim()));
    if (words.length < 3) continue;
    const xs = words.map((w) => (w.bbox[0] + w.bbox[2]) / 2);
    const ys = words.map((w) => (w.bbox[1] + w.bbox[3]) / 2);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxx = 0;
    let sxy = 0;
    xs.forEach((x, i) => {
      sxx += (x - mx) ** 2;
      sxy += (x - mx) * (ys[i]! - my);
    });
    if (sxx > 0) slopes.push(sxy / sxx);
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length / 2)]!;
}

/** A box with the rows' slope taken out (vertical positions as if the page were straight). */
function levelled(box: BBox, slope: number): BBox {
  const shift = slope * ((box[0] + box[2]) / 2);
  return [box[0], box[1] - shift, box[2], box[3] - shift];
}

/**
 * Tesseract splits one typed row into several "lines" when a run of spaces separates
 * its parts (`Spec. No. 1967 ... November 22, 1963`, an initial read as a speck left of
 * a right-aligned signature) and may list the right-hand part much later. Pieces that
 * share a row and do not overlap horizontally are joined again, left to right.
 */
export function mergeRowPieces(lines: readonly OcrLine[], slope = rowSlope(lines)): { line: OcrLine; index: number }[] {
  const rows: { line: OcrLine; index: number }[] = [];
  lines.forEach((line, index) => {
    const words = line.words ?? [];
    const box = levelled(textBox(line), slope);
    const row =
      words.length === 0
        ? undefined
        : rows.find(({ line: r }) => {
            if ((r.words ?? []).length === 0) return false;
            const rowBox = levelled(textBox(r), slope);
            return verticalOverlap(rowBox, box) >= SAME_ROW_OVERLAP && comparableHeights(rowBox, box) && (box[0] >= rowBox[2] - 5 || box[2] <= rowBox[0] + 5);
          });
    if (!row) {
      rows.push({ line, index });
      return;
    }
    const merged = [...row.line.words, ...words].sort((a, b) => a.bbox[0] - b.bbox[0]);
    row.line = {
      ...row.line,
      words: merged,
      text: merged.map((w) => w.text).join(' '),
      bbox: [
        Math.min(row.line.bbox[0], line.bbox[0]),
        Math.min(row.line.bbox[1], line.bbox[1]),
        Math.max(row.line.bbox[2], line.bbox[2]),
        Math.max(row.line.bbox[3], line.bbox[3]),
      ],
      confidence: merged.reduce((s, w) => s + w.confidence, 0) / merged.length,
    };
  });
  return rows;
}

/**
 * All readable lines of the pages, in order; noise lines (stray marks, `[...]`) are dropped,
 * and so are the rows `ignored` names per page (catchwords and page marks the grouping
 * stage recognised: evidence, not text).
 */
export function linesOfPages(pages: readonly PageResult[], ignored?: ReadonlyMap<string, ReadonlySet<number>>): TextLine[] {
  const out: TextLine[] = [];
  for (const page of pages) {
    const skip = ignored?.get(page.pageId);
    for (const { line, index } of mergeRowPieces(page.lines ?? [])) {
      if (skip?.has(index)) continue;
      // Judged as read (`- 2 -` is a page number) and as segmentation will see it (`. :` is nothing).
      const asRead =
        (line.words ?? [])
          .map((w) => w.text.trim())
          .filter(Boolean)
          .join(' ') || line.text;
      const t = lineFromOcr(page.pageId, index, line);
      if (!isNoiseLine(asRead) && !isNoiseLine(t.text)) out.push(t);
    }
  }
  return out;
}

export function spanOf(lines: readonly TextLine[], first: number, last = first): Span {
  let text = '';
  const words: SourceWord[] = [];
  const lineStarts: number[] = [];
  for (let i = first; i <= last && i < lines.length; i++) {
    if (i > first) text += ' ';
    const base = text.length;
    lineStarts.push(base);
    for (const w of lines[i].words) words.push({ ...w, start: w.start + base, end: w.end + base });
    text += lines[i].text;
  }
  return { text, words, first, last: Math.min(last, lines.length - 1), lineStarts };
}

/** Words overlapping [start, end) of the span's text. */
export function wordsIn(span: Span, start: number, end: number): SourceWord[] {
  return span.words.filter((w) => w.start < end && w.end > start);
}

/** Index (relative to span.first) of the line holding offset `at`. */
export function lineAt(span: Span, at: number): number {
  let idx = 0;
  for (let i = 0; i < span.lineStarts.length; i++) if (span.lineStarts[i] <= at) idx = i;
  return span.first + idx;
}

/** Union of the boxes of the words on `page` (the field's first page). */
export function unionBox(words: readonly SourceWord[]): { page: string | null; bbox: BBox | null } {
  if (words.length === 0) return { page: null, bbox: null };
  const page = words[0].page;
  const onPage = words.filter((w) => w.page === page);
  const bbox: BBox = [
    Math.min(...onPage.map((w) => w.bbox[0])),
    Math.min(...onPage.map((w) => w.bbox[1])),
    Math.max(...onPage.map((w) => w.bbox[2])),
    Math.max(...onPage.map((w) => w.bbox[3])),
  ];
  return { page, bbox };
}
