// Text helpers for noisy OCR lines: fuzzy label matching and digit repair.
import { distance } from 'fastest-levenshtein';

/**
 * Comparison key for labels: upper case, spaces removed, common OCR confusions
 * folded (`rn`->`M`, `0`->`O`, `1`/`l`/`|`->`I`, `5`->`S`), so `Frorn:` ~ `From:`.
 */
export function labelKey(text: string): string {
  // Segmentation asks for the keys of the same few label texts and line starts over and over (every
  // profile's labels against every line): remembered, within a bound, instead of six regex passes each time.
  let key = LABEL_KEYS.get(text);
  if (key === undefined) {
    if (LABEL_KEYS.size >= MAX_LABEL_KEYS) LABEL_KEYS.clear();
    key = foldLabel(text);
    LABEL_KEYS.set(text, key);
  }
  return key;
}

const LABEL_KEYS = new Map<string, string>();
const MAX_LABEL_KEYS = 20_000;

function foldLabel(text: string): string {
  return text
    .toUpperCase()
    .replace(/RN/g, 'M')
    .replace(/VV/g, 'W')
    .replace(/0/g, 'O')
    .replace(/[1|L!]/g, 'I')
    .replace(/5/g, 'S')
    .replace(/[\s'’`"]/g, '');
}

export interface LabelMatch {
  /** The label as the profile writes it. */
  label: string;
  start: number;
  end: number;
  /** 1 = exact (case-insensitive), lower = fuzzy. */
  score: number;
}

/** Minimum score for a fuzzy label; short labels must match exactly (after folding). */
const MIN_LABEL_SCORE = 0.75;

function scoreCandidate(candidate: string, label: string): number {
  const a = labelKey(candidate);
  const b = labelKey(label);
  if (a.length === 0 || b.length === 0) return 0;
  if (candidate.trim().toUpperCase() === label.toUpperCase()) return 1;
  const d = distance(a, b);
  if (d === 0) return 0.97; // equal only after folding OCR confusions (`N0.` for `No.`)
  // A short label with its colon (`To:`) read with one letter wrong or added (`Tos:`, `Ta:`):
  // the colon after a one-word line start is evidence enough, and the match counts as fuzzy.
  if (b.length <= 3 && /[:;]$/.test(candidate.trim()) && b.endsWith(':') && a.length >= 3 && distance(a.replace(/;$/, ':'), b) === 1) return 0.8;
  // ...or its colon read as another mark or an `s` (`Tos CE CPSU`, `To. USSR MFA`): the word itself exact, capitalised as printed.
  if (b.length === 3 && b.endsWith(':') && new RegExp(`^${label.slice(0, 2)}[s;.,]$`).test(candidate.trim())) return 0.8;
  if (b.length <= 3) return 0;
  if (b.length <= 6 && d > 1) return 0;
  return Math.max(0, 1 - d / Math.max(a.length, b.length));
}

const isBoundary = (text: string, i: number): boolean => i >= text.length || /[\s,;:.()[\]]/.test(text[i]) || /[\s,;:.()[\]]/.test(text[i - 1] ?? ' ');

/**
 * Matches `label` at position `from` of `text` (after skipping stray marks), trying
 * candidate lengths around the label's own length and ending at a word boundary.
 */
export function matchLabelAt(text: string, label: string, from = 0): LabelMatch | null {
  let start = from;
  while (start < text.length && /[\s'‘’`"*•·.,:;_~-]/.test(text[start])) start++;
  if (start >= text.length) return null;
  let best: LabelMatch | null = null;
  const min = Math.max(1, label.length - 3);
  const max = Math.min(text.length - start, label.length + 3);
  for (let len = min; len <= max; len++) {
    const end = start + len;
    if (!isBoundary(text, end)) continue;
    const score = scoreCandidate(text.slice(start, end), label);
    if (score >= MIN_LABEL_SCORE && (!best || score > best.score || (score === best.score && end > best.end))) {
      best = { label, start, end, score };
    }
  }
  return best;
}

/** Matches `label` at any word start in `text` from `from`; the best-scoring, then earliest, wins. */
export function matchLabelAnywhere(text: string, label: string, from = 0): LabelMatch | null {
  let best: LabelMatch | null = null;
  for (let i = from; i < text.length; i++) {
    if (i > 0 && !/[\s,;:.([]/.test(text[i - 1])) continue;
    if (/\s/.test(text[i])) continue;
    const m = matchLabelAt(text, label, i);
    if (m && m.start === i && (!best || m.score > best.score)) {
      best = m;
      if (m.score === 1) break;
    }
  }
  return best;
}

export function matchLabels(text: string, labels: readonly string[], position: 'start' | 'anywhere', from = 0): LabelMatch | null {
  let best: LabelMatch | null = null;
  for (const label of labels) {
    const m = position === 'start' ? matchLabelAt(text, label, from) : matchLabelAnywhere(text, label, from);
    // Prefer the higher score, then the longer label (`CIPHERED TELEGRAM No.` over `No.`).
    if (m && (!best || m.score > best.score || (m.score === best.score && m.end - m.start > best.end - best.start))) best = m;
  }
  return best;
}

const DIGIT_FIX: Record<string, string> = {
  O: '0',
  o: '0',
  Q: '0',
  D: '0',
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  '!': '1',
  Z: '2',
  z: '2',
  S: '5',
  s: '5',
  B: '8',
  G: '6',
  b: '6',
  g: '9',
  q: '9',
};

/**
 * Reads a token as digits, repairing OCR look-alikes (`2l340` -> `21340`).
 * Returns null unless at least half of the token already is digits.
 */
export function repairNumberToken(token: string): { digits: string; corrected: boolean } | null {
  if (!token) return null;
  let digitCount = 0;
  let out = '';
  for (const c of token) {
    if (c >= '0' && c <= '9') {
      digitCount++;
      out += c;
    } else if (DIGIT_FIX[c]) out += DIGIT_FIX[c];
    else return null;
  }
  if (digitCount === 0 || digitCount * 2 < token.length) return null;
  return { digits: out, corrected: out !== token };
}

/** Lines that carry no text worth reading: stray marks, rules, `[...]`, lone page numbers. */
export function isNoiseLine(text: string): boolean {
  const t = text.trim();
  if (t.length === 0) return true;
  if (!/[A-Za-z0-9]/.test(t)) return true;
  if (/^[-–—\s]*\d{1,3}[-–—\s]*$/.test(t)) return true; // page number such as "- 2 -"
  if (/^\[\s*(\.\s*){2,}\]$/.test(t) || /^\[\s*…\s*\]$/.test(t)) return true;
  // Very short fragments of mostly non-letters: specks read as `.:` or `i'`.
  const letters = (t.match(/[A-Za-z0-9]/g) ?? []).length;
  return t.length <= 3 && letters <= 1 && !/^\d$/.test(t);
}
