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

function lineFromOcr(page: string, pageLine: number, line: OcrLine): TextLine {
  const words: SourceWord[] = [];
  let text = '';
  const usable = (line.words ?? []).filter((w) => w.text.trim().length > 0);
  if (usable.length === 0) {
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

/** All readable lines of the pages, in order; noise lines (stray marks, `[...]`) are dropped. */
export function linesOfPages(pages: readonly PageResult[]): TextLine[] {
  const out: TextLine[] = [];
  for (const page of pages) {
    (page.lines ?? []).forEach((line, i) => {
      const t = lineFromOcr(page.pageId, i, line);
      if (!isNoiseLine(t.text)) out.push(t);
    });
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
