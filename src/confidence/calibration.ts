// Confidence calibration per (engine, model) pair (issue 20): "accepted" must mean the same on every
// pair, and the pairs are sure of themselves to different degrees (Debian's fast model misreads
// more words at the same word confidence than npm's best_int). A pair's `doubt` stretches the
// distance of each word confidence from certainty, c -> 100 - (100 - c) x doubt, before scoring:
// 1 leaves it as the engine said; 1.5 turns a 90 into an 85. Words with a digit have a doubt of
// their own (`digitDoubt`, default the same): Debian's fast model reads a 3 as a 5 at 90-97
// (1953 -> 1955, 10:35 -> 10:55), where npm's best_int does not. Two numbers per pair, so a set of
// 60 telegrams can fit them without fitting its noise, and every threshold of the scoring (accept,
// the body's, the weak word's) moves with them, as the user configured them.
// The numbers come from scripts/fit-calibration.ts (fit on one seed, checked on another); pairs
// not listed (a --tessdata model, test engines) are taken as the engine says.
import { readFileSync } from 'node:fs';
import type { PageResult } from '../types.ts';

export interface Calibration {
  /** The pair, e.g. "tesseract/best"; "none" when no calibration applies. */
  pair: string;
  doubt: number;
  /** The doubt of a word with a digit in it (default: `doubt`). */
  digitDoubt?: number;
}

type Entry = { doubt: number; digitDoubt?: number };

const TABLE = JSON.parse(readFileSync(new URL('./calibration.json', import.meta.url), 'utf8')) as { pairs: Record<string, Entry> };

export const NO_CALIBRATION: Calibration = Object.freeze({ pair: 'none', doubt: 1 });

export function pairOf(ocr: Pick<PageResult['ocr'], 'engine' | 'model'>): string {
  return `${ocr.engine}/${ocr.model ?? 'unknown'}`;
}

/** The calibration of one pair, or none for a pair the table does not know. */
export function calibrationOf(pair: string, table: Readonly<Record<string, Entry>> = TABLE.pairs): Calibration {
  const entry = table[pair];
  return entry ? { pair, doubt: entry.doubt, ...(entry.digitDoubt !== undefined ? { digitDoubt: entry.digitDoubt } : {}) } : NO_CALIBRATION;
}

/** How doubtful a calibration is overall, to choose between pairs: its larger doubt. */
const severity = (c: Calibration) => Math.max(c.doubt, c.digitDoubt ?? c.doubt);

/**
 * The calibration for a document's pages: its pair's, or, when its pages were read by different
 * pairs (queue workers on different machines), the most doubtful of them.
 */
export function calibrationForPages(pages: ReadonlyArray<Pick<PageResult, 'ocr' | 'blank'>>, table?: Readonly<Record<string, Entry>>): Calibration {
  let chosen = NO_CALIBRATION;
  for (const page of pages) {
    if (page.blank && !page.ocr.model) continue;
    const c = calibrationOf(pairOf(page.ocr), table);
    if (severity(c) > severity(chosen) || chosen === NO_CALIBRATION) chosen = c;
  }
  return chosen;
}

/** A word's confidence as the pair's calibration takes it (`text` tells a word with a digit). */
export function calibrate(confidence: number, calibration: Calibration, text = ''): number {
  const doubt = calibration.digitDoubt !== undefined && /\p{N}/u.test(text) ? calibration.digitDoubt : calibration.doubt;
  if (doubt === 1 || !Number.isFinite(confidence)) return confidence;
  return Math.max(0, Math.min(100, 100 - (100 - confidence) * doubt));
}
