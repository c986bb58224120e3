// Scoring rules of ../shared/corpus/README.md ("How the project is scored on real scans"):
//   CER = Levenshtein(OCR, GT) / length(GT), both texts normalised the same way;
//   bag-of-words WER = max(missing words, extra words) / GT words, order ignored;
//   totals sum the distances (words) over pages and divide by the summed GT lengths (words),
//   so long pages weigh more than short ones; the median page shows the typical page.
// Lengths and distances count Unicode code points (after NFC), not UTF-16 units.
import { distance } from 'fastest-levenshtein';
import { median } from '../stats.ts';

/**
 * The normal form both texts are compared in: NFC; Tapuscorpus transcription marks removed
 * (`~~~` handwritten word, `⟦`/`⟧` brackets, `^` superscript, `_` starting an underlined word);
 * whitespace runs (line breaks included) collapsed to one space; no leading/trailing space.
 * The same function is applied to the OCR text, so a mark can never count for or against it.
 */
export function normalizeForScoring(text: string): string {
  return text
    .normalize('NFC')
    .replace(/~~~|[⟦⟧^]/gu, '')
    .replace(/(?<![\p{L}\p{N}_])_(?=[\p{L}\p{N}])/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * fastest-levenshtein compares UTF-16 units. When either text has characters outside the BMP,
 * both are rewritten so that every distinct code point becomes one private-use unit: the
 * distance is then counted in code points, like the lengths.
 */
function asSingleUnits(a: string, b: string): [string, string] {
  const astral = /[\uD800-\uDFFF]/;
  if (!astral.test(a) && !astral.test(b)) return [a, b];
  const codes = new Map<string, string>();
  let next = 0xe000;
  const encode = (s: string): string =>
    Array.from(s, (ch) => {
      if (ch.length === 1 && !(ch.charCodeAt(0) >= 0xe000 && ch.charCodeAt(0) <= 0xf8ff)) return ch;
      let code = codes.get(ch);
      if (code === undefined) {
        // Private-use characters of the input are remapped too, so they cannot collide with the codes.
        code = String.fromCharCode(next++);
        codes.set(ch, code);
      }
      return code;
    }).join('');
  return [encode(a), encode(b)];
}

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface CharScore {
  /** Edit distance between the normalised texts. */
  distance: number;
  /** Length of the normalised ground truth. */
  gtLength: number;
  /** distance / gtLength (0 when both are empty; distance itself when the GT is empty). */
  cer: number;
}

export interface WordScore {
  /** GT words (with repeats) the OCR text lacks. */
  missing: number;
  /** OCR words (with repeats) the GT lacks. */
  extra: number;
  /** max(missing, extra): the word errors counted by bag-of-words WER. */
  errors: number;
  gtWords: number;
  wer: number;
}

export interface TextScore extends CharScore, WordScore {}

/** Character error rate of already normalised texts. */
export function characterScore(ocrNormalized: string, gtNormalized: string): CharScore {
  const [ocr, gt] = asSingleUnits(ocrNormalized, gtNormalized);
  const dist = distance(ocr, gt);
  const gtLength = codePointLength(gtNormalized);
  return { distance: dist, gtLength, cer: gtLength > 0 ? dist / gtLength : dist };
}

function countWords(normalized: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of normalized.split(' ')) if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Bag-of-words WER of already normalised texts (words = space-separated tokens, case and punctuation kept). */
export function bagOfWordsScore(ocrNormalized: string, gtNormalized: string): WordScore {
  const ocr = countWords(ocrNormalized);
  const gt = countWords(gtNormalized);
  let missing = 0;
  let gtWords = 0;
  for (const [word, n] of gt) {
    gtWords += n;
    missing += Math.max(0, n - (ocr.get(word) ?? 0));
  }
  let extra = 0;
  for (const [word, n] of ocr) extra += Math.max(0, n - (gt.get(word) ?? 0));
  const errors = Math.max(missing, extra);
  return { missing, extra, errors, gtWords, wer: gtWords > 0 ? errors / gtWords : errors };
}

/** Scores raw OCR text against raw ground truth: both are normalised first. */
export function scoreText(ocrText: string, gtText: string): TextScore {
  const ocr = normalizeForScoring(ocrText);
  const gt = normalizeForScoring(gtText);
  return { ...characterScore(ocr, gt), ...bagOfWordsScore(ocr, gt) };
}

export interface TotalScore {
  pages: number;
  distance: number;
  gtLength: number;
  /** Sum of distances / sum of GT lengths. */
  cer: number;
  /** Median of the per-page CERs. */
  medianCer: number;
  wordErrors: number;
  gtWords: number;
  /** Sum of word errors / sum of GT words. */
  wer: number;
}

export { median };

export function totalScore(pages: readonly TextScore[]): TotalScore {
  const sum = (pick: (s: TextScore) => number) => pages.reduce((acc, s) => acc + pick(s), 0);
  const dist = sum((s) => s.distance);
  const gtLength = sum((s) => s.gtLength);
  const wordErrors = sum((s) => s.errors);
  const gtWords = sum((s) => s.gtWords);
  return {
    pages: pages.length,
    distance: dist,
    gtLength,
    cer: gtLength > 0 ? dist / gtLength : Number.NaN,
    medianCer: median(pages.map((s) => s.cer)),
    wordErrors,
    gtWords,
    wer: gtWords > 0 ? wordErrors / gtWords : Number.NaN,
  };
}
