// Scores a reading of a generated blank or nearly blank page (sparse-pages.ts) against what the page
// holds: a blank page must read as nothing; a nearly blank page's lines must each be found.
// A line counts as found when some line of the reading has its letters and digits within a third
// of their number in edit distance (a signature read "G. Sukhanov." for "G. Sukhanov" is found, and
// a page number "- 9 -" read "9"; "Py" for "17 DEC 1951" is not). CER is over the page: the
// reading's text against the lines joined, punctuation and all, normalised as for the corpus
// (src/eval/score.ts).
import { characterScore, normalizeForScoring } from '../eval/score.ts';
import type { SparsePageExpected } from './sparse-pages.ts';

/** A line is found when the best line read is at most this far from it, per character. */
export const LINE_FOUND_MAX_CER = 1 / 3;

export interface SparseScore {
  blank: boolean;
  lines: number;
  linesFound: number;
  /** Edit distance of the page's text to its lines (joined), and their length. */
  distance: number;
  gtLength: number;
  /** Characters read (normalised text length): on a blank page, anything is text that is not there. */
  readLength: number;
}

export function scoreSparsePage(expected: Pick<SparsePageExpected, 'blank' | 'lines'>, readText: string, readLines: readonly string[]): SparseScore {
  const gt = normalizeForScoring(expected.lines.map((l) => l.text).join('\n'));
  const read = normalizeForScoring(readText);
  const page = characterScore(read, gt);
  let linesFound = 0;
  const content = (text: string) => [...normalizeForScoring(text)].filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');
  for (const line of expected.lines) {
    const truth = content(line.text);
    const best = Math.min(Infinity, ...readLines.map((r) => characterScore(content(r), truth).cer));
    if (best <= LINE_FOUND_MAX_CER) linesFound += 1;
  }
  return { blank: expected.blank, lines: expected.lines.length, linesFound, distance: page.distance, gtLength: page.gtLength, readLength: [...read].length };
}
