// Turns tesseract.js `blocks` (blocks > paragraphs > lines > words) into cablescan's OcrResult.
// Pure and synchronous so it can be tested without running Tesseract.
import type { BBox, OcrLine, OcrResult, OcrWord } from '../types.ts';

/** The parts of tesseract.js' block tree we read (its d.ts types are wider than what arrives). */
export interface TessBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export interface TessWord {
  text: string;
  confidence: number;
  bbox: TessBox;
}
export interface TessLine {
  confidence: number;
  bbox: TessBox;
  words: TessWord[];
}
export interface TessParagraph {
  lines: TessLine[];
}
export interface TessBlock {
  paragraphs: TessParagraph[];
}

export interface EngineInfo {
  engine: string;
  engineVersion: string;
  lang: string;
  psm: number;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

// Tesseract's boxes are already [x0, y0, x1, y1) with x1/y1 exclusive, like BBox.
const toBBox = (b: TessBox): BBox => [b.x0, b.y0, b.x1, b.y1];

function unionBox(boxes: BBox[]): BBox {
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
}

/**
 * Lines keep Tesseract's order (its reading order). `paragraph` counts paragraphs across blocks,
 * skipping paragraphs that end up with no words, so indices are dense. A line's text is its
 * words joined by one space (Tesseract's own line text ends in "\n" and may hold stray spaces).
 */
export function blocksToOcrResult(blocks: TessBlock[] | null | undefined, info: EngineInfo): OcrResult {
  const lines: OcrLine[] = [];
  let paragraph = 0;
  for (const block of blocks ?? []) {
    for (const para of block.paragraphs ?? []) {
      let linesInParagraph = 0;
      for (const line of para.lines ?? []) {
        const words: OcrWord[] = [];
        for (const w of line.words ?? []) {
          const text = (w.text ?? '').trim();
          if (text) words.push({ text, confidence: round2(w.confidence), bbox: toBBox(w.bbox) });
        }
        if (words.length === 0) continue;
        lines.push({
          text: words.map((w) => w.text).join(' '),
          confidence: round2(line.confidence),
          bbox: line.bbox ? toBBox(line.bbox) : unionBox(words.map((w) => w.bbox)),
          paragraph,
          words,
        });
        linesInParagraph += 1;
      }
      if (linesInParagraph > 0) paragraph += 1;
    }
  }

  const paragraphs: string[][] = [];
  for (const line of lines) (paragraphs[line.paragraph] ??= []).push(line.text);
  const text = paragraphs.map((p) => p.join('\n')).join('\n\n');

  const { meanConfidence, wordCount } = pageConfidence(lines);
  return { lines, text, meanConfidence, wordCount, ...info };
}

/**
 * Mean word confidence weighted by length, so a page of confident long words is not
 * dragged down by a few uncertain one-letter specks (and vice versa). 0 when nothing was
 * read: Tesseract's own page confidence can be 95 with no words at all.
 */
export function pageConfidence(lines: readonly OcrLine[]): { meanConfidence: number; wordCount: number } {
  let weighted = 0;
  let letters = 0;
  let wordCount = 0;
  for (const line of lines) {
    for (const w of line.words) {
      const len = [...w.text].length;
      weighted += w.confidence * len;
      letters += len;
      wordCount += 1;
    }
  }
  return { meanConfidence: letters > 0 ? round2(weighted / letters) : 0, wordCount };
}
