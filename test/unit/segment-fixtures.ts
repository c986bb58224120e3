// Test helper: builds PageResult objects from plain text lines, with synthetic
// word boxes (a monospaced typewriter grid) and confidences, plus OCR-like noise.
import type { OcrLine, PageResult } from '../../src/types.ts';

export const CHAR_W = 20;
export const LINE_H = 50;
export const LEFT = 100;
export const TOP = 150;

export interface PageOptions {
  pageId?: string;
  documentKey?: string;
  /** Confidence for every word (default 92), or a function of the word. */
  confidence?: number | ((word: string, line: number, index: number) => number);
  /** Blank lines start a new paragraph (default true). */
  paragraphsFromBlankLines?: boolean;
}

/** One page from text: each non-blank line becomes an OcrLine with one OcrWord per token. */
export function pageFromText(text: string | string[], options: PageOptions = {}): PageResult {
  const rawLines = Array.isArray(text) ? text : text.split('\n');
  const pageId = options.pageId ?? 'page-1';
  const lines: OcrLine[] = [];
  let paragraph = 0;
  rawLines.forEach((raw, row) => {
    if (raw.trim() === '') {
      if (lines.length && options.paragraphsFromBlankLines !== false) paragraph++;
      return;
    }
    const y0 = TOP + row * LINE_H;
    const words = [...raw.matchAll(/\S+/g)].map((m, i) => {
      const x0 = LEFT + (m.index ?? 0) * CHAR_W;
      const conf = typeof options.confidence === 'function' ? options.confidence(m[0], row, i) : options.confidence ?? 92;
      return { text: m[0], confidence: conf, bbox: [x0, y0, x0 + m[0].length * CHAR_W, y0 + 36] as [number, number, number, number] };
    });
    const conf = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
    lines.push({
      text: raw.trim(),
      confidence: conf,
      bbox: [Math.min(...words.map((w) => w.bbox[0])), y0, Math.max(...words.map((w) => w.bbox[2])), y0 + 36],
      paragraph,
      words,
    });
  });
  const pageText = lines.map((l) => l.text).join('\n');
  return {
    schemaVersion: 1,
    pipelineVersion: 'test',
    pageId,
    file: `${pageId}.png`,
    pageIndex: 0,
    pageCount: 1,
    contentHash: `hash-${pageId}`,
    documentKey: options.documentKey ?? 'doc-1',
    width: 2480,
    height: 3508,
    lang: 'eng',
    preprocess: { recipe: 'none', steps: [], outputWidth: 2480, outputHeight: 3508, toOriginal: [1, 0, 0, 0, 1, 0] },
    ocr: { meanConfidence: 90, wordCount: lines.reduce((s, l) => s + l.words.length, 0), engine: 'test', engineVersion: '0', lang: 'eng', psm: 3 },
    lines,
    text: pageText,
    timings: {},
  };
}

/**
 * Wraps long lines at `width` characters, like a typewritten page, and hyphenates one
 * long word per wrap when `hyphenate` is set (to exercise unwrapping).
 */
export function wrapText(text: string, width = 64): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    let current = '';
    for (const word of line.split(' ')) {
      if (current && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    if (current) out.push(current);
  }
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32), so noisy tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The telegram part of the seed file (from its heading on), as printed. */
export function seedTelegramLines(seedText: string): string[] {
  const lines = seedText.split('\n');
  const start = lines.findIndex((l) => l.startsWith('CIPHERED TELEGRAM'));
  return lines.slice(start).map((l) => l.trimEnd());
}

/** Character confusions typical of Tesseract on typewritten text. */
const CONFUSIONS: Record<string, string[]> = {
  '1': ['l', 'I'], l: ['1', 'I'], I: ['l', '1'], '0': ['O', 'o'], O: ['0'], o: ['0', 'c'], m: ['rn'], e: ['c'], c: ['e'], h: ['b'],
  n: ['u'], u: ['n'], '5': ['S'], S: ['5'], '8': ['B', '3'], '3': ['8'], '6': ['b'], a: ['o'], i: ['l'], r: ['n'], ',': ['.'], '.': [','],
};

function misread(word: string, random: () => number): string {
  const positions = [...word].map((c, i) => (CONFUSIONS[c] ? i : -1)).filter((i) => i >= 0);
  if (positions.length && random() < 0.85) {
    const i = positions[Math.floor(random() * positions.length)];
    const options = CONFUSIONS[word[i]];
    return word.slice(0, i) + options[Math.floor(random() * options.length)] + word.slice(i + 1);
  }
  if (word.length > 1) {
    const i = Math.floor(random() * word.length);
    return word.slice(0, i) + word.slice(i + 1); // a dropped character
  }
  return word;
}

export interface NoiseOptions {
  seed: number;
  /** Share of words misread. */
  rate: number;
  /** Share of misread words the OCR is nevertheless sure of (confidence 85-95). */
  confidentErrors: number;
  pageId?: string;
}

/**
 * An OCR-like page from clean lines: a share of the words is misread with typical
 * confusions; misread words mostly get low confidences (30-80), some get high ones,
 * correct words get 88-97 (what tesseract.js gave the correctly read words of the
 * field benchmark's scans, docs/fields.md). Deterministic for a given seed.
 */
export function noisyPage(lines: string[], options: NoiseOptions): PageResult {
  const random = seededRandom(options.seed);
  const confidences = new Map<string, number>();
  const noisyLines = lines.map((line, row) =>
    line
      .split(' ')
      .map((word, i) => {
        if (!word) return word;
        const wrong = random() < options.rate ? misread(word, random) : word;
        const bad = wrong !== word;
        const conf = bad ? (random() < options.confidentErrors ? 85 + random() * 10 : 30 + random() * 50) : 88 + random() * 9;
        confidences.set(`${row}:${i}`, conf);
        return wrong;
      })
      .join(' '),
  );
  // Word i of the page helper's line = i-th non-empty token of the raw line.
  return pageFromText(noisyLines, {
    pageId: options.pageId,
    confidence: (_w, row, index) => {
      const tokens = lines[row].split(' ');
      let seen = -1;
      for (let k = 0; k < tokens.length; k++) {
        if (tokens[k]) seen++;
        if (seen === index) return confidences.get(`${row}:${k}`) ?? 90;
      }
      return 90;
    },
  });
}

/** DFAT Markdown (front matter, escapes, footnote links removed) as plain cable text. */
export function dfatPlainText(markdown: string): string {
  return markdown
    .replace(/^---[\s\S]*?---\n/, '')
    .replace(/\\\./g, '.')
    .replace(/\[(\d+)\]\(#f\d+\)/g, '')
    .replace(/^\s*_\s*$/gm, '')
    .replace(/_\[/g, '[')
    .replace(/\]_/g, ']')
    .replace(/\*\*/g, '');
}
