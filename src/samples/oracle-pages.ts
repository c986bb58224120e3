// Pages as a perfect reader would return them: the expected lines of a generated
// sample turned into PageResults (words boxed by their share of the line's ink box,
// confidence 96). The field benchmark's `--oracle` mode runs segmentation and
// confidence on these, so layout reading can be measured apart from OCR, in seconds.
import path from 'node:path';
import type { BBox, OcrLine, PageResult } from '../types.ts';
import type { ExpectedRecord } from './generate.ts';

const ORACLE_CONFIDENCE = 96;

function wordsOf(text: string, box: BBox): OcrLine['words'] {
  const [x0, y0, x1, y1] = box;
  const perChar = (x1 - x0) / Math.max(1, text.length);
  return [...text.matchAll(/\S+/g)].map((m) => {
    const start = m.index ?? 0;
    return {
      text: m[0],
      confidence: ORACLE_CONFIDENCE,
      bbox: [Math.round(x0 + start * perChar), y0, Math.round(x0 + (start + m[0].length) * perChar), y1] as BBox,
    };
  });
}

/** One PageResult per page of the sample; all samples of one folder share `documentKey` (one sequence), as ingest makes them by default. */
export function oraclePages(expected: ExpectedRecord, dir: string): PageResult[] {
  return expected.pages.map((page, pageIndex) => {
    let paragraph = 0;
    let previousBottom = -1;
    const lines: OcrLine[] = page.lines.map((line) => {
      // A gap of more than one line height starts a new block, as tesseract groups them.
      const height = line.bbox[3] - line.bbox[1];
      if (previousBottom >= 0 && line.bbox[1] - previousBottom > height * 1.2) paragraph++;
      previousBottom = line.bbox[3];
      return { text: line.text.trim(), confidence: ORACLE_CONFIDENCE, bbox: line.bbox, paragraph, words: wordsOf(line.text.trim(), line.bbox) };
    });
    const file = path.join(dir, expected.file);
    return {
      schemaVersion: 1,
      pipelineVersion: 'oracle',
      pageId: page.pageId,
      file,
      pageIndex,
      pageCount: expected.pages.length,
      contentHash: `oracle-${page.pageId}`,
      documentKey: `dir:${dir}`,
      width: page.width,
      height: page.height,
      lang: 'eng',
      preprocess: { recipe: 'none', steps: [], outputWidth: page.width, outputHeight: page.height, toOriginal: [1, 0, 0, 0, 1, 0] },
      ocr: {
        meanConfidence: ORACLE_CONFIDENCE,
        wordCount: lines.reduce((n, l) => n + l.words.length, 0),
        engine: 'oracle',
        engineVersion: '0',
        lang: 'eng',
        psm: 3,
      },
      lines,
      text: lines.map((l) => l.text).join('\n'),
      timings: {},
    };
  });
}
