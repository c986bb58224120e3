// A second reading of doubtful words. Tesseract's LSTM misreads a word now and then
// even on a clean page (`[Ustinovichl]`, `Dorckhov`), and the same word cut out,
// enlarged and read alone (PSM 8) often gets it right, with a higher confidence.
// Each word below `minConfidence` is read again at each of `scales` and keeps the
// most confident of its readings. Boxes stay those of the first reading, so
// provenance is unchanged. Words, not lines: a word crop costs ~70 ms to read,
// a whole line several times that, and lines of a bad page are mostly doubtful.
// An engine that can read many images in one call (the native CLI) gets all crops at once.
//
// Its budget (issue 20): a word is re-read only when re-reading words like it (its model, its
// confidence band) put more words right than wrong where it was measured (second-opinion-gain.json,
// from `npm run measure:second-opinion`), the words of most gain first, at most `maxWords` a page.
import sharp from 'sharp';
import type { OcrResult, RawImage } from '../types.ts';
import { joinLineText, recognizeEach, type OcrEngine } from './engine.ts';
import { readFileSync } from 'node:fs';
import { pageConfidence } from './tesseract-result.ts';

export interface SecondOpinionOptions {
  lang: string;
  dpi?: number;
  /** Words below this confidence (0..100) are read again. */
  minConfidence: number;
  /** Enlargements to try; each is one more OCR call per doubtful word. */
  scales: readonly number[];
  /** At most this many words per page (the most expected gain first): bounded cost on bad pages. */
  maxWords: number;
  /**
   * Re-read only words whose expected gain (words put right minus words put wrong, per word
   * re-read, measured for the page's model and the word's confidence band) is above this (config
   * default 0.02: a re-read costs ~70 ms, so it must put one word right net in 50); -1: every
   * doubtful word (as before issue 20).
   */
  minGain?: number;
}

/** Expected gain of re-reading a word, by model class and confidence band (second-opinion-gain.json). */
export interface GainTable {
  /** Upper bounds (exclusive) of the confidence bands. */
  bands: number[];
  /** Per model class, one gain per band; a class not listed is re-read without a budget. */
  gain: Record<string, number[]>;
}

export const GAIN_TABLE: GainTable = JSON.parse(readFileSync(new URL('./second-opinion-gain.json', import.meta.url), 'utf8')) as GainTable;

/** The expected gain of re-reading a word of `confidence` read with `model`, or null when none was measured. */
export function expectedGain(confidence: number, model: string | undefined, table: GainTable = GAIN_TABLE): number | null {
  const gains = model ? table.gain[model] : undefined;
  if (!gains) return null;
  const band = table.bands.findIndex((upper) => confidence < upper);
  return band < 0 ? null : (gains[band] ?? null);
}

export interface SecondOpinionReport {
  wordsReread: number;
  wordsReplaced: number;
  /**
   * Each replaced word (its line and index in the page's lines, in reading order) with what the
   * page reading had: so a reviewer, or a measurement, can see what the second reading changed.
   */
  replaced?: ReplacedWord[];
  /** The engine died reading the words (its signal): none was replaced (src/pipeline/read-scan.ts). */
  crashed?: string;
}

export interface ReplacedWord {
  line: number;
  word: number;
  /** The page reading's text and confidence. */
  was: string;
  wasConfidence: number;
}

const PAD = 10;
/**
 * Short tokens (`No.`, `28`) are left alone: read without their line they lose the
 * context that made them legible (native Tesseract read a right `No.` at 60 as `Noe`
 * at 82). Misread names and words, the case this is for, are longer.
 */
const MIN_LETTERS = 4;

function significantLength(text: string): number {
  return [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}
const SINGLE_WORD_PSM = 8;

async function cropBox(image: RawImage, box: [number, number, number, number], scale: number): Promise<RawImage> {
  const left = Math.max(0, box[0] - PAD);
  const top = Math.max(0, box[1] - PAD);
  const width = Math.min(image.width, box[2] + PAD) - left;
  const height = Math.min(image.height, box[3] + PAD) - top;
  let crop = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .extract({ left, top, width, height })
    .resize({ width: Math.round(width * scale), kernel: 'lanczos3' });
  // sharp writes a one-channel input back as three (sRGB): three times the bytes to hand over.
  if (image.channels === 1) crop = crop.toColourspace('b-w');
  const { data, info } = await crop.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as RawImage['channels'] };
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** The words of a reading the second opinion considers: below `minConfidence`, with enough letters, least confident first. */
export function doubtfulWords(
  lines: OcrResult['lines'],
  options: Pick<SecondOpinionOptions, 'minConfidence'>,
): Array<{ word: OcrResult['lines'][number]['words'][number]; li: number; wi: number }> {
  return lines
    .flatMap((line, li) => line.words.map((word, wi) => ({ word, li, wi })))
    .filter(({ word }) => word.confidence < options.minConfidence && significantLength(word.text) >= MIN_LETTERS)
    .sort((a, b) => a.word.confidence - b.word.confidence);
}

/**
 * The words worth a second reading on this page: doubtful words whose expected gain for the page's
 * model is above `minGain`, the most gain first (ties: the least confident), at most `maxWords`.
 * A model without a measured table (a --tessdata model) has every doubtful word re-read.
 */
export function chooseWords(
  result: Pick<OcrResult, 'lines' | 'model'>,
  options: Pick<SecondOpinionOptions, 'minConfidence' | 'maxWords' | 'minGain'>,
  table: GainTable = GAIN_TABLE,
) {
  const minGain = options.minGain ?? 0.02;
  return doubtfulWords(result.lines, options)
    .map((w) => ({ ...w, gain: minGain < -0.999 ? 1 : (expectedGain(w.word.confidence, result.model, table) ?? 1) }))
    .filter((w) => w.gain > minGain)
    .sort((a, b) => b.gain - a.gain || a.word.confidence - b.word.confidence)
    .slice(0, options.maxWords);
}

export async function secondOpinion(
  image: RawImage,
  result: OcrResult,
  engine: OcrEngine,
  options: SecondOpinionOptions,
): Promise<{ result: OcrResult; report: SecondOpinionReport }> {
  const report: SecondOpinionReport = { wordsReread: 0, wordsReplaced: 0 };
  const doubtful = chooseWords(result, options);
  if (doubtful.length === 0) return { result, report };

  const lines = result.lines.map((line) => ({ ...line, words: [...line.words] }));
  // All crops of one scale go to the engine together: one call for the native CLI (one model load).
  const readings = new Map<number, OcrResult[]>();
  for (const scale of options.scales) {
    const requests = await Promise.all(
      doubtful.map(async ({ word }) => ({
        image: await cropBox(image, word.bbox, scale),
        lang: options.lang,
        psm: SINGLE_WORD_PSM,
        dpi: options.dpi ? Math.round(options.dpi * scale) : undefined,
        invertedRetry: false,
      })),
    );
    readings.set(scale, engine.recognizeMany ? await engine.recognizeMany(requests) : await recognizeEach(engine, requests));
  }
  for (const [k, { word, li, wi }] of doubtful.entries()) {
    let best = word;
    for (const scale of options.scales) {
      const alternative = readings.get(scale)![k]!.lines.flatMap((l) => l.words);
      // Read as two words (or none): not the same unit, no comparison.
      if (alternative.length === 1 && alternative[0].confidence > best.confidence) {
        best = { ...word, text: alternative[0].text, confidence: alternative[0].confidence };
      }
    }
    report.wordsReread += 1;
    if (best.text !== word.text) {
      report.wordsReplaced += 1;
      (report.replaced ??= []).push({ line: li, word: wi, was: word.text, wasConfidence: word.confidence });
    }
    lines[li].words[wi] = best;
  }
  for (const line of lines) {
    line.text = line.words.map((w) => w.text).join(' ');
    line.confidence = mean(line.words.map((w) => w.confidence));
  }
  return { result: { ...result, lines, text: joinLineText(lines), ...pageConfidence(lines) }, report };
}
