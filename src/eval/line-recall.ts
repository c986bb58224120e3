// Line recall: which ground-truth lines a page's OCR text contains. A line counts as found when
// some stretch of the output matches it at >= 70% character similarity (1 - edit distance / line
// length, both normalised as for CER); each stretch of the output is used for one line at most,
// so a line read once cannot be counted for two near-identical lines; lines under 5 characters
// (a page number, a stray initial) are left out. A CER can look good while a whole line is gone;
// this is the measure that says so, for the pipeline and for native tesseract alike.
import { normalizeForScoring } from './score.ts';

export const LINE_MATCH_SIMILARITY = 0.7;
export const MIN_LINE_CHARS = 5;

export interface LineMatch {
  /** The ground-truth line, normalised. */
  line: string;
  /** Its best similarity in the output (0..1), once stretches taken by better matches are excluded. */
  similarity: number;
  found: boolean;
  /** The matched stretch of the (normalised) output, when found. */
  matched?: string;
}

export interface LineRecall {
  /** Lines of at least MIN_LINE_CHARS characters. */
  lines: number;
  found: number;
  recall: number;
  matches: LineMatch[];
}

/** A character that no text contains: stretches already used are overwritten with it. */
const USED = '\u0000';

/**
 * The stretch of `text` closest to `pattern` by edit distance (semi-global alignment: the
 * stretch may start and end anywhere). Returns its distance and [start, end) in code units.
 */
export function bestStretch(pattern: string, text: string): { distance: number; start: number; end: number } {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return { distance: 0, start: 0, end: 0 };
  // prev[i]: distance of pattern[0..i) to the best stretch ending at the current text position;
  // startPrev[i]: where that stretch starts.
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  let startPrev = new Int32Array(m + 1);
  let startCur = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) prev[i] = i;
  let best = { distance: m, start: 0, end: 0 };
  for (let j = 1; j <= n; j++) {
    cur[0] = 0;
    startCur[0] = j;
    const c = text.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1] + (pattern.charCodeAt(i - 1) === c ? 0 : 1);
      const del = cur[i - 1] + 1;
      const ins = prev[i] + 1;
      if (sub <= del && sub <= ins) {
        cur[i] = sub;
        startCur[i] = i === 1 ? j - 1 : startPrev[i - 1];
      } else if (ins <= del) {
        cur[i] = ins;
        startCur[i] = startPrev[i];
      } else {
        cur[i] = del;
        startCur[i] = startCur[i - 1];
      }
    }
    if (cur[m] < best.distance) best = { distance: cur[m], start: startCur[m], end: j };
    [prev, cur] = [cur, prev];
    [startPrev, startCur] = [startCur, startPrev];
  }
  return best;
}

/**
 * Line recall of `ocrText` against `gtLines`. Lines are matched best first: the line with the
 * closest stretch takes it, and the others are matched again against what is left.
 */
export function lineRecall(ocrText: string, gtLines: readonly string[]): LineRecall {
  const lines = gtLines.map(normalizeForScoring).filter((l) => [...l].length >= MIN_LINE_CHARS);
  let text = normalizeForScoring(ocrText);
  const settled = new Map<number, LineMatch>();
  let pending = lines.map((_, i) => i);
  while (pending.length > 0) {
    const scored = pending.map((i) => ({ i, ...bestStretch(lines[i], text) })).map((s) => ({ ...s, similarity: 1 - s.distance / lines[s.i].length }));
    scored.sort((a, b) => b.similarity - a.similarity);
    const top = scored[0];
    if (top.similarity < LINE_MATCH_SIMILARITY) {
      for (const s of scored) settled.set(s.i, { line: lines[s.i], similarity: Math.max(0, s.similarity), found: false });
      break;
    }
    // Take every match in order that does not overlap one taken in this round; the rest are redone.
    const taken: [number, number][] = [];
    const next: number[] = [];
    for (const s of scored) {
      if (s.similarity < LINE_MATCH_SIMILARITY) {
        next.push(s.i);
        continue;
      }
      if (taken.some(([a, b]) => s.start < b && a < s.end)) {
        next.push(s.i);
        continue;
      }
      taken.push([s.start, s.end]);
      settled.set(s.i, { line: lines[s.i], similarity: s.similarity, found: true, matched: text.slice(s.start, s.end) });
    }
    for (const [a, b] of taken) text = text.slice(0, a) + USED.repeat(b - a) + text.slice(b);
    pending = next;
  }
  const matches = lines.map((_, i) => settled.get(i)!);
  const found = matches.filter((m) => m.found).length;
  return { lines: lines.length, found, recall: lines.length ? found / lines.length : 1, matches };
}
