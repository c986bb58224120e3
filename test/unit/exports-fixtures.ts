// A typewritten page as the pipeline would describe it: monospaced words on lines
// (20 px per character, 40 px per line), with paragraphs, plus records on it.
import type { BBox, OcrLine, PageResult, RecordField, StepReport, TelegramRecord } from '../../src/types.ts';

export const CHAR = 20;
export const LINE = 40;

/** Lines of text, each [paragraph, x of the first character, text]. */
export function typedPage(pageId: string, rows: Array<[number, number, string]>, options: { width?: number; height?: number; skew?: number; confidence?: number } = {}): PageResult {
  const lines: OcrLine[] = rows.map(([paragraph, x, text], i) => {
    const y0 = 100 + i * LINE;
    const words = [];
    let col = 0;
    for (const token of text.split(' ')) {
      if (token) {
        const x0 = x + col * CHAR;
        words.push({ text: token, confidence: options.confidence ?? 80 + ((i * 7 + col) % 20), bbox: [x0, y0, x0 + token.length * CHAR, y0 + 30] as BBox });
      }
      col += token.length + 1;
    }
    const bbox: BBox = [words[0]!.bbox[0], y0, words[words.length - 1]!.bbox[2], y0 + 30];
    return { text: words.map((w) => w.text).join(' '), confidence: 85, bbox, paragraph, words };
  });
  const steps: StepReport[] = [
    { step: 'grey', params: {}, measured: { channels: 1 }, applied: false, ms: 1 },
    {
      step: 'deskew',
      params: { maxAngle: 10, step: 0.1, minAngle: 0.5, minStrength: 1.2 },
      measured: { angle: options.skew ?? 1.2, strength: 3, inkPoints: 5000 },
      applied: true,
      ms: 10,
    },
  ];
  const width = options.width ?? 1200;
  const height = options.height ?? 100 + rows.length * LINE + 100;
  return {
    schemaVersion: 1,
    pipelineVersion: 'test',
    pageId,
    file: `scans/${pageId}.png`,
    pageIndex: 0,
    pageCount: 1,
    contentHash: 'c'.repeat(64),
    documentKey: 'dir:scans',
    width,
    height,
    lang: 'eng',
    preprocess: { recipe: 'auto', steps, outputWidth: width, outputHeight: height, toOriginal: [1, 0, 0, 0, 1, 0] },
    ocr: { meanConfidence: 88.5, wordCount: lines.reduce((n, l) => n + l.words.length, 0), engine: 'tesseract.js', engineVersion: '7.0.0', lang: 'eng', psm: 3 },
    lines,
    // As Tesseract's text: paragraphs apart by a blank line.
    text: lines.map((l, i) => (i > 0 && lines[i - 1]!.paragraph !== l.paragraph ? `\n${l.text}` : l.text)).join('\n'),
    timings: {},
  };
}

/** The box of words `from`..`to` (inclusive, 0-based) of line `line`. */
export function wordsBox(page: PageResult, line: number, from: number, to: number): BBox {
  const words = page.lines[line]!.words.slice(from, to + 1);
  return [words[0]!.bbox[0], words[0]!.bbox[1], words[words.length - 1]!.bbox[2], words[words.length - 1]!.bbox[3]];
}

export const SEED_ROWS: Array<[number, number, string]> = [
  [0, 300, 'CIPHERED TELEGRAM No. 21340'],
  [1, 100, 'To Cde. Stalin (2 copies)'],
  [1, 100, 'From: Peking, 15:00, 30 June 1951.'],
  [2, 140, 'The commander of the troops of the enemy,'],
  [2, 100, 'Ridgway, today made a statement with'],
  [3, 800, 'Mao Zedong.'],
];

export function field(value: string | number | null, text: string, page: string, bbox: BBox | null, status: RecordField['status'] = 'accepted'): RecordField {
  return { value, text, confidence: 0.9, status, page, bbox, reasons: [] };
}

/** The seed telegram's record on a typedPage(SEED_ROWS). */
export function seedRecord(page: PageResult, id = '8c756e80086911ba'): TelegramRecord {
  const p = page.pageId;
  return {
    schemaVersion: 1,
    id,
    profile: 'soviet-cipher',
    profileScore: 0.9,
    source: { files: [page.file], pages: [p] },
    fields: {
      docType: field('CIPHERED TELEGRAM', 'CIPHERED TELEGRAM', p, wordsBox(page, 0, 0, 1)),
      number: field('21340', 'No. 21340', p, wordsBox(page, 0, 2, 3)),
      to: field('Cde. Stalin', 'Cde. Stalin', p, wordsBox(page, 1, 1, 2)),
      copies: field(2, '(2 copies)', p, wordsBox(page, 1, 3, 4)),
      place: field('Peking', 'Peking', p, wordsBox(page, 2, 1, 1)),
      time: field('15:00', '15:00', p, wordsBox(page, 2, 2, 2)),
      date: field('1951-06-30', '30 June 1951', p, wordsBox(page, 2, 3, 5)),
      body: field(
        'The commander of the troops of the enemy, Ridgway, today made a statement with',
        'The commander of the troops of the enemy,\nRidgway, today made a statement with',
        p,
        [100, wordsBox(page, 3, 0, 0)[1], wordsBox(page, 3, 0, 7)[2], wordsBox(page, 4, 0, 5)[3]],
      ),
      signature: field('Mao Zedong', 'Mao Zedong', p, wordsBox(page, 5, 0, 1)),
      from: field('Mao Zedong', 'Mao Zedong', p, wordsBox(page, 5, 0, 1)),
    },
    text: page.text,
    review: { needed: [], status: 'done' },
  };
}

/** The record with `name` corrected to `value` (as the review store hands it out). */
export function corrected(record: TelegramRecord, name: string, value: string | number): TelegramRecord {
  const copy = structuredClone(record);
  copy.fields[name] = { ...copy.fields[name]!, value, status: 'corrected' };
  return copy;
}
