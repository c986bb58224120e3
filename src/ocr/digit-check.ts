// A second model's reading of the digits of a page read with a fast model (issue 20: "others may
// read worse, not accept worse"). Debian's tessdata_fast reads a 3 as a 5 at 90-97 confidence
// (2813 -> 2815, 07:30 -> 07:50), as sure as of the digits it reads right, so no confidence
// calibration can tell them apart. npm's best_int does not make that error: each confident word
// with three digits or more is cut out and read again with it, and where the two readings differ
// only by the fast model's known confusion (its 5, best_int's 3) the word takes best_int's digits.
// Where they differ otherwise, the page's reading stays: read alone, without its line, best_int
// misreads digits too (10:30 as 10:50), and those go the other way. Words without enough digits are
// left alone: the fast model's letters are checked by the vocabularies, its digits by nothing.
//
// Its budget (issue 20, "by expected gain"): only the words the confidence stage would trust (at
// `minConfidence` or more: below, a short field holding them goes to review anyway), at most
// `maxWords` a page, those most sure first (the ones a calibration cannot doubt). All crops go to
// the checking engine in one call (one model load for the native CLI).
import { extractGrey } from '../preprocess/raw.ts';
import type { OcrResult, RawImage } from '../types.ts';
import { joinLineText, recognizeEach, type OcrEngine } from './engine.ts';

export interface DigitCheckOptions {
  lang: string;
  dpi?: number;
  /** Words below this confidence (0..100) are not checked: they are doubted already. */
  minConfidence: number;
  /** At most this many words a page. */
  maxWords: number;
}

export interface DigitCheckReport {
  /** The checking model's class ('best'); the check is skipped when it is the page's own. */
  model: string;
  wordsChecked: number;
  /** Words whose digits were taken from the checking model (a known confusion of the page's model): what the page read, and the word now. */
  corrected: Array<{ line: number; word: number; was: string; text: string }>;
}

const PAD = 8;
const SINGLE_WORD_PSM = 8;

/**
 * Words with fewer digits are not checked: read alone, without their line, best_int misread short
 * ones the fast model had right (`22` as `2.7`, a paragraph's `3.` as `5`), while the 3 read as 5
 * was in numbers, times and years (2813, 07:30, 936, 83456).
 */
export const MIN_DIGITS = 3;

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** The words to check: a digit in them, read at `minConfidence` or more; the most confident first, at most `maxWords`. */
export function wordsToCheck(lines: OcrResult['lines'], options: Pick<DigitCheckOptions, 'minConfidence' | 'maxWords'>) {
  return lines
    .flatMap((line, li) => line.words.map((word, wi) => ({ word, li, wi })))
    .filter(({ word }) => digitsOf(word.text).length >= MIN_DIGITS && word.confidence >= options.minConfidence)
    .sort((a, b) => b.word.confidence - a.word.confidence)
    .slice(0, options.maxWords);
}

/**
 * The misreads each model class is known for, as (the page's digit, the checking model's digit):
 * Debian's tessdata_fast reads a 3 as a 5. Measured on the fitting set (calib-fit-2026-12-07, 98
 * pages, 275 words checked): of 14 words the two models read with other digits, the 5 where the
 * fast model had a 5 and best_int a 3 were all the fast model's misreads (2815, 07:50, 1965, 42205,
 * 5500 for 3300); the 9 others were best_int's, reading a word alone (10:30 as 10:50, 6700 as 8700).
 */
export const KNOWN_CONFUSIONS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = { fast: [['5', '3']] };

/**
 * The page's word with the checking model's digits where the two differ only by the page model's
 * known confusions (`2815.` and `2813` -> `2813.`), or null. Only when the checking model read one
 * word with as many digits: a crop read as two words, as nothing, or with another count of digits
 * (best_int read alone the colon of `17:55` as a 5) says nothing about the digits.
 */
export function correctedDigits(text: string, other: OcrResult, confusions: ReadonlyArray<readonly [string, string]>): string | null {
  const words = other.lines.flatMap((l) => l.words);
  if (words.length !== 1 || confusions.length === 0) return null;
  const ours = digitsOf(text);
  const theirs = digitsOf(words[0]!.text);
  if (theirs.length !== ours.length || theirs === ours) return null;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== theirs[i] && !confusions.some(([page, checker]) => ours[i] === page && theirs[i] === checker)) return null;
  }
  let k = 0;
  return text.replace(/\d/g, () => theirs[k++]!);
}

/** The word's box and a margin, clipped to the page, as grey pixels (cut in JavaScript, as line strips are). */
function crop(image: RawImage, box: [number, number, number, number]): Promise<RawImage> {
  const left = Math.max(0, box[0] - PAD);
  const top = Math.max(0, box[1] - PAD);
  return extractGrey(image, { left, top, width: Math.min(image.width, box[2] + PAD) - left, height: Math.min(image.height, box[3] + PAD) - top });
}

/**
 * Reads the page's confident digit words again with `checker` and doubts those it reads with other
 * digits. The checker's model is known only from its first result: when it is the page's own
 * (a language npm has no best_int model for), nothing changes.
 */
export async function checkDigits(
  image: RawImage,
  result: OcrResult,
  checker: OcrEngine,
  options: DigitCheckOptions,
): Promise<{ result: OcrResult; report: DigitCheckReport }> {
  const chosen = wordsToCheck(result.lines, options);
  const report: DigitCheckReport = { model: '', wordsChecked: 0, corrected: [] };
  if (chosen.length === 0) return { result, report };
  const requests = await Promise.all(
    chosen.map(async ({ word }) => ({
      image: await crop(image, word.bbox),
      lang: options.lang,
      psm: SINGLE_WORD_PSM,
      dpi: options.dpi,
      invertedRetry: false,
    })),
  );
  const readings = checker.recognizeMany ? await checker.recognizeMany(requests) : await recognizeEach(checker, requests);
  report.model = readings[0]?.model ?? '';
  if (report.model === result.model) return { result, report };
  report.wordsChecked = chosen.length;

  const confusions = KNOWN_CONFUSIONS[result.model ?? ''] ?? [];
  const lines = result.lines.map((line) => ({ ...line, words: [...line.words] }));
  for (const [k, { word, li, wi }] of chosen.entries()) {
    const corrected = correctedDigits(word.text, readings[k]!, confusions);
    if (corrected === null) continue;
    report.corrected.push({ line: li, word: wi, was: word.text, text: corrected });
    lines[li]!.words[wi] = { ...word, text: corrected };
  }
  if (report.corrected.length === 0) return { result, report };
  for (const line of lines) line.text = line.words.map((w) => w.text).join(' ');
  return { result: { ...result, lines, text: joinLineText(lines) }, report };
}
