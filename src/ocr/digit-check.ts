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
const SINGLE_LINE_PSM = 7;

/**
 * Words with fewer digits are not checked alone: read without their line, best_int misread short
 * ones the fast model had right (`22` as `2.7`, a paragraph's `3.` as `5`), while the 3 read as 5
 * was in numbers, times and years (2813, 07:30, 936, 83456). Short digits are checked with the
 * words around them that say what they are (`splitTimeAt`, `dateAt`): a time the page read as two
 * or three words (the fast model read 02:30 as `1965-2:` `50`, whose minutes alone have two digits)
 * and a day beside its month (`30 August` read `50 August`), cut out together and read as a line.
 */
export const MIN_DIGITS = 3;

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

type Word = OcrResult['lines'][number]['words'][number];
/** One word of the page, where it is (line and word index). */
export interface PlacedWord {
  word: Word;
  li: number;
  wi: number;
}
/** What is read again as one crop: a word, or the words of a split time or a date. */
export interface CheckUnit {
  parts: PlacedWord[];
  /** The most confident of its words with a digit: a unit is checked when any of its digits would be trusted. */
  confidence: number;
}

// The hour and its separator ending a word (`02:`, `1965-2:`, `4.`), the minutes opening the next (`30`, `30,`).
const HOUR_AND_SEPARATOR = /(?:^|\D)\d{1,2}[:.]$/;
const HOUR = /(?:^|\D)\d{1,2}$/;
const MINUTES = /^\d{2}(?!\d)\D{0,2}$/;
const SEPARATOR_AND_MINUTES = /^[:.]\d{2}(?!\d)\D{0,2}$/;
const SEPARATOR = /^[:.]$/;
// A day as typed beside its month (`3,`, `30`, `1st`), a month written out or abbreviated, a year (`1965`, `1965.`, `1965-2:`).
const DAY = /^\d{1,2}(?:st|nd|rd|th)?[.,]?$/;
const MONTH =
  /^(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)[.,]?$/i;
const YEAR = /^\d{4}(?!\d)/;

/** How many words from `i` on make a time split by the page's reading (2 or 3), or 1. */
export function splitTimeAt(words: ReadonlyArray<Pick<Word, 'text'>>, i: number): number {
  const [a, b, c] = [words[i]?.text, words[i + 1]?.text, words[i + 2]?.text];
  if (a === undefined || b === undefined) return 1;
  if ((HOUR_AND_SEPARATOR.test(a) && MINUTES.test(b)) || (HOUR.test(a) && SEPARATOR_AND_MINUTES.test(b))) return 2;
  if (c !== undefined && HOUR.test(a) && SEPARATOR.test(b) && MINUTES.test(c)) return 3;
  return 1;
}

/** How many words from `i` on make a date with its day typed (`February 3, 1965`, `3 February 1965`, `February 3,`), or 1. */
export function dateAt(words: ReadonlyArray<Pick<Word, 'text'>>, i: number): number {
  const [a, b, c] = [words[i]?.text, words[i + 1]?.text, words[i + 2]?.text];
  if (a === undefined || b === undefined) return 1;
  const dayAndMonth = (MONTH.test(a) && DAY.test(b)) || (DAY.test(a) && MONTH.test(b));
  if (!dayAndMonth) return 1;
  return c !== undefined && YEAR.test(c) ? 3 : 2;
}

/**
 * The units to check, read at `minConfidence` or more, the most confident first, at most
 * `maxWords`: words with `MIN_DIGITS` digits or more, alone; times split over words and dates with
 * their day, their words together (a date's year with them, and a time glued to that year with it:
 * `February 3, 1965-2:` `50` is one unit).
 */
export function unitsToCheck(lines: OcrResult['lines'], options: Pick<DigitCheckOptions, 'minConfidence' | 'maxWords'>): CheckUnit[] {
  const units: CheckUnit[] = [];
  lines.forEach((line, li) => {
    // Each word joined to the next when the two are one time or one date.
    const joined = line.words.map(() => false);
    for (let wi = 0; wi < line.words.length; wi++) {
      const n = Math.max(splitTimeAt(line.words, wi), dateAt(line.words, wi));
      for (let k = wi; k < wi + n - 1; k++) joined[k] = true;
    }
    for (let wi = 0; wi < line.words.length; ) {
      let n = 1;
      while (joined[wi + n - 1]) n++;
      const parts = line.words.slice(wi, wi + n).map((word, k) => ({ word, li, wi: wi + k }));
      wi += n;
      const withDigits = parts.filter((p) => /\d/.test(p.word.text));
      const digits = withDigits.reduce((sum, p) => sum + digitsOf(p.word.text).length, 0);
      if (parts.length === 1 ? digits < MIN_DIGITS : digits === 0) continue;
      units.push({ parts, confidence: Math.max(...withDigits.map((p) => p.word.confidence)) });
    }
  });
  return units
    .filter((u) => u.confidence >= options.minConfidence)
    .sort((a, b) => b.confidence - a.confidence)
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
 * The page's words with the checking model's digits where the two differ only by the page model's
 * known confusions (`2815.` and `2813` -> `2813.`; `1965-2:` `50` and `1965-2:30` -> `1965-2:` `30`),
 * or null. The digits are compared in order, all words of each reading joined, and go back to the
 * page's words in order; only when the checking model read as many digits: a crop read as nothing
 * or with another count of digits (best_int read alone the colon of `17:55` as a 5) says nothing.
 * A single word must be read as one word (a crop read as two is read as something else).
 */
export function correctedDigitsOf(texts: readonly string[], other: OcrResult, confusions: ReadonlyArray<readonly [string, string]>): string[] | null {
  const words = other.lines.flatMap((l) => l.words);
  if (words.length === 0 || (texts.length === 1 && words.length !== 1) || confusions.length === 0) return null;
  const ours = texts.map(digitsOf).join('');
  const theirs = words.map((w) => digitsOf(w.text)).join('');
  if (theirs.length !== ours.length || theirs === ours) return null;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== theirs[i] && !confusions.some(([page, checker]) => ours[i] === page && theirs[i] === checker)) return null;
  }
  let k = 0;
  return texts.map((text) => text.replace(/\d/g, () => theirs[k++]!));
}

/** One word's digits taken from the checking model's reading of its crop (`correctedDigitsOf`), or null. */
export function correctedDigits(text: string, other: OcrResult, confusions: ReadonlyArray<readonly [string, string]>): string | null {
  return correctedDigitsOf([text], other, confusions)?.[0] ?? null;
}

/** The boxes' union and a margin, clipped to the page, as grey pixels (cut in JavaScript, as line strips are). */
function crop(image: RawImage, boxes: ReadonlyArray<[number, number, number, number]>): Promise<RawImage> {
  const left = Math.max(0, Math.min(...boxes.map((b) => b[0])) - PAD);
  const top = Math.max(0, Math.min(...boxes.map((b) => b[1])) - PAD);
  const right = Math.min(image.width, Math.max(...boxes.map((b) => b[2])) + PAD);
  const bottom = Math.min(image.height, Math.max(...boxes.map((b) => b[3])) + PAD);
  return extractGrey(image, { left, top, width: right - left, height: bottom - top });
}

/**
 * Reads the page's confident digit words (and split times) again with `checker` and takes its digits
 * where they differ by the page model's known confusion. Single words are read as a word (PSM 8), a
 * split time as a line (PSM 7: it has a space), in one call each. The checker's model is known only
 * from its results: when it is the page's own (a language npm has no best_int model for), nothing changes.
 */
export async function checkDigits(
  image: RawImage,
  result: OcrResult,
  checker: OcrEngine,
  options: DigitCheckOptions,
): Promise<{ result: OcrResult; report: DigitCheckReport }> {
  const chosen = unitsToCheck(result.lines, options);
  const report: DigitCheckReport = { model: '', wordsChecked: 0, corrected: [] };
  if (chosen.length === 0) return { result, report };
  const readings = new Map<CheckUnit, OcrResult>();
  for (const [psm, units] of [
    [SINGLE_WORD_PSM, chosen.filter((u) => u.parts.length === 1)],
    [SINGLE_LINE_PSM, chosen.filter((u) => u.parts.length > 1)],
  ] as const) {
    if (units.length === 0) continue;
    const requests = await Promise.all(
      units.map(async (u) => ({
        image: await crop(
          image,
          u.parts.map((p) => p.word.bbox),
        ),
        lang: options.lang,
        psm,
        dpi: options.dpi,
        invertedRetry: false,
      })),
    );
    const read = checker.recognizeMany ? await checker.recognizeMany(requests) : await recognizeEach(checker, requests);
    units.forEach((u, k) => readings.set(u, read[k]!));
  }
  report.model = [...readings.values()][0]?.model ?? '';
  if (report.model === result.model) return { result, report };
  report.wordsChecked = chosen.reduce((n, u) => n + u.parts.length, 0);

  const confusions = KNOWN_CONFUSIONS[result.model ?? ''] ?? [];
  const lines = result.lines.map((line) => ({ ...line, words: [...line.words] }));
  for (const unit of chosen) {
    const corrected = correctedDigitsOf(
      unit.parts.map((p) => p.word.text),
      readings.get(unit)!,
      confusions,
    );
    if (corrected === null) continue;
    unit.parts.forEach(({ word, li, wi }, k) => {
      if (corrected[k] === word.text) return;
      report.corrected.push({ line: li, word: wi, was: word.text, text: corrected[k]! });
      lines[li]!.words[wi] = { ...word, text: corrected[k]! };
    });
  }
  if (report.corrected.length === 0) return { result, report };
  for (const line of lines) line.text = line.words.map((w) => w.text).join(' ');
  return { result: { ...result, lines, text: joinLineText(lines) }, report };
}
