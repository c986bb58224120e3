// Turns Tesseract's TSV output into cablescan's OcrResult: the native CLI's, and tesseract.js's
// (asked for TSV rather than its JSON `blocks`, whose word confidences are rounded another way), so
// both engines go through one conversion and report a word's confidence alike (issue 20).
//
// TSV rows are levels 1 page, 2 block, 3 paragraph, 4 line, 5 word, each with its box
// (left, top, width, height) and, for words only, a confidence 0..100 (-1 elsewhere).
// The rows are rebuilt into the same block > paragraph > line > word tree tesseract.js returns,
// and handed to blocksToOcrResult, so both engines share one conversion: same paragraph
// numbering, same line text, same mean confidence.
//
// One difference cannot be removed: TSV has no line confidence (Tesseract writes -1), so a
// line's confidence here is the mean of its words' confidences.
// Pure and synchronous so it can be tested without running Tesseract.
import type { OcrResult } from '../types.ts';
import { blocksToOcrResult, type EngineInfo, type TessBlock, type TessBox, type TessLine, type TessParagraph } from './tesseract-result.ts';

const COLUMNS = ['level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text'] as const;

export class TsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsvFormatError';
  }
}

function box(left: number, top: number, width: number, height: number): TessBox {
  return { x0: left, y0: top, x1: left + width, y1: top + height };
}

/** Parses tesseract's TSV into the tree shape tesseract.js produces (`blocks`). */
export function tsvToBlocks(tsv: string): TessBlock[] {
  const rows = tsv.split('\n');
  const header = rows[0]?.replace(/\r$/, '').split('\t') ?? [];
  if (COLUMNS.some((c, i) => header[i] !== c)) throw new TsvFormatError(`not tesseract TSV: header is "${rows[0]?.slice(0, 80) ?? ''}"`);

  const blocks: TessBlock[] = [];
  // Keyed by the numbers Tesseract gives, because a word row only says which line it is on.
  const blockByNum = new Map<string, TessBlock>();
  const paraByNum = new Map<string, TessParagraph>();
  const lineByNum = new Map<string, TessLine & { confSum: number }>();
  const lineOf = (page: string, b: string, p: string, l: string, bbox: TessBox): TessLine & { confSum: number } => {
    const key = `${page}/${b}/${p}/${l}`;
    let line = lineByNum.get(key);
    if (!line) {
      line = { confidence: 0, bbox, words: [], confSum: 0 };
      lineByNum.set(key, line);
      paraOf(page, b, p).lines.push(line);
    }
    return line;
  };
  const paraOf = (page: string, b: string, p: string): TessParagraph => {
    const key = `${page}/${b}/${p}`;
    let para = paraByNum.get(key);
    if (!para) {
      para = { lines: [] };
      paraByNum.set(key, para);
      blockOf(page, b).paragraphs.push(para);
    }
    return para;
  };
  const blockOf = (page: string, b: string): TessBlock => {
    const key = `${page}/${b}`;
    let block = blockByNum.get(key);
    if (!block) {
      block = { paragraphs: [] };
      blockByNum.set(key, block);
      blocks.push(block);
    }
    return block;
  };

  for (let i = 1; i < rows.length; i += 1) {
    const row = rows[i]!.replace(/\r$/, '');
    if (row === '') continue;
    const cells = row.split('\t');
    if (cells.length < COLUMNS.length - 1) throw new TsvFormatError(`TSV row ${i + 1} has ${cells.length} columns, expected ${COLUMNS.length}`);
    const [level, page, b, p, l, , left, top, width, height, conf] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    // The text is the last column; join the rest back in case a word ever carried a tab.
    const text = cells.slice(COLUMNS.length - 1).join('\t');
    const bbox = box(Number(left), Number(top), Number(width), Number(height));
    switch (level) {
      case '2':
        blockOf(page, b);
        break;
      case '3':
        paraOf(page, b, p);
        break;
      case '4':
        lineOf(page, b, p, l, bbox).bbox = bbox;
        break;
      case '5': {
        const line = lineOf(page, b, p, l, bbox);
        const confidence = Number(conf);
        if (text.trim() === '' || !(confidence >= 0)) break;
        line.words.push({ text, confidence, bbox });
        line.confSum += confidence;
        line.confidence = line.confSum / line.words.length;
        break;
      }
      default:
        break;
    }
  }
  return blocks;
}

/** TSV text from `tesseract ... tsv` -> OcrResult, exactly as blocksToOcrResult builds it for tesseract.js. */
export function tsvToOcrResult(tsv: string, info: EngineInfo): OcrResult {
  return blocksToOcrResult(tsvToBlocks(tsv), info);
}

/** The header line the CLI's TSV renderer writes; Tesseract's GetTSVText (tesseract.js) gives the rows alone. */
export const TSV_HEADER = COLUMNS.join('\t');
