// What every field parser shares: its input and output, and the range trimming, speck removal,
// title repair and place reading several of them do.
import { isKnownPlace, lookupPlace, titleCase } from '../../confidence/gazetteer.ts';
import type { FieldSpec } from '../profile-schema.ts';
import type { LabelMatch } from '../text.ts';

export interface ParseInput {
  text: string;
  from: number;
  label: LabelMatch | null;
  field: FieldSpec;
  /** The words of `text` with their boxes, when the caller has them (what a parser may measure: a typewriter's pitch). */
  words?: ReadonlyArray<{ text: string; start: number; end: number; bbox: readonly [number, number, number, number] }>;
}

export interface ParseOutput {
  value: string | number;
  start: number;
  end: number;
  notes: string[];
  /** A label the parser found itself (what the OCR left of it, `fo.` for `No.`), with how well it reads as the label. */
  label?: { start: number; end: number; score: number };
}

export type Parser = (input: ParseInput) => ParseOutput | null;

/** Trims whitespace and the given punctuation from both ends of [start, end). */
export function trimRange(text: string, start: number, end: number, punctuation = /[\s,;:.]/): [number, number] {
  while (start < end && /\s/.test(text[start])) start++;
  while (start < end && punctuation.test(text[start]) && text[start] !== '[' && text[start] !== '(') start++;
  while (end > start && punctuation.test(text[end - 1])) end--;
  return [start, end];
}

const LEADING_SPECK_TOKEN = /^\s*[^\p{L}\p{N}\s[(]+\s+/u;
const TRAILING_SPECK_TOKEN = /\s+[^\p{L}\p{N}\s\])]+\s*$/u;

/**
 * Drops whole tokens of OCR specks at either end (`* T. TREGEAR`, `27 February 07.15 Kabul -`):
 * marks with no letter or digit are dirt on the scan, not part of a name or a dispatch line.
 */
export function dropSpeckTokens(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  for (let m = LEADING_SPECK_TOKEN.exec(text.slice(s, e)); m; m = LEADING_SPECK_TOKEN.exec(text.slice(s, e))) s += m[0].length;
  for (let m = TRAILING_SPECK_TOKEN.exec(text.slice(s, e)); m; m = TRAILING_SPECK_TOKEN.exec(text.slice(s, e))) e -= m[0].length;
  return [s, e];
}

/** Punctuation at the ends of a value, with the marks specks are read as (`Ryabtsev-`, `office’`). */
export const SPECK_OR_PUNCTUATION = /[\s,;:.\-–‘’“”"·•]/;

export const COPIES_RE =
  /\(\s*([0-9OolI|]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s*[.,'‘’·]?\s*cop(?:y|ies|les|ics)\.?\s*\)|\bcopy\s*n[o0][wv]?[.,:]?\s*([0-9OolI|]{1,3})\b|\b([0-9]{1,2})\s+cop(?:y|ies)\b/i;

/**
 * A speck after a word of an office or post, never abbreviated with a stop, before the office's small
 * word (`The Secretary. of State`, `the Embassy’ in India`, `USSR Ambassador. to USA`).
 */
const OFFICE_WORD_SPECK =
  /\b(Secretary|Minister|Ministry|Ambassador|Embassy|Legation|Chargé|Charge|Consul|General|Department|Delegation|Mission|Council|Representative|Office|State|Affairs)[.'‘’·]+(?=\s+(?:of|in|to|at|for)\s)/g;

/** OCR misreadings of the Soviet title `Cde.` (comrade). */
export function fixTitles(value: string): { value: string; fixed: boolean } {
  // Each addressee of a list (`Cde. Strelkov, Ode. Voronin`), and a speck after the comma between them (`Trofimenko,.Cde.`),
  // or after an article (`the. Permanent Under-Secretary`).
  const fixed = value
    .replace(/,[.'‘’·]+\s*/g, ', ')
    .replace(/\b(the|of|in|to)[.,'‘’·]+(?=\s)/gi, '$1')
    .replace(OFFICE_WORD_SPECK, '$1')
    // A speck glued in front of the title reads as a lower-case letter (`cCde.`).
    .replace(/(^|,\s*)(?:[a-z](?=[CGO]))?(Cdc|Gde|Cde|Cdo|Ode|Cda|Cdе)\.?(?=\s)/gi, (m, before: string) => `${before}Cde.`);
  return { value: fixed, fixed: fixed !== value };
}

export function placeFromRange(text: string, start: number, end: number): ParseOutput | null {
  [start, end] = trimRange(text, start, end);
  const raw = text.slice(start, end);
  const tokens = [...raw.matchAll(/\S+/g)].map((m) => ({ t: m[0], at: start + (m.index ?? 0) }));
  if (tokens.length === 0) return null;
  // Longest suffix that is a known place (`Cablegram NANKING` -> `Nanking`).
  for (let i = 0; i < tokens.length; i++) {
    const from = tokens[i].at;
    const candidate = text.slice(from, end);
    const hit = lookupPlace(candidate);
    if (hit) return { value: hit.name, start: from, end, notes: hit.exact ? [] : ['ocr_corrected'] };
  }
  // Unknown place: keep up to three words, dropping heading words that are not names.
  const kept = tokens.filter((x) => !/^(cablegram|telegram|cable|from|at|in)$/i.test(x.t));
  if (kept.length === 0 || kept.length > 3) return null;
  if (kept.some((x) => !/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’.-]*$/.test(x.t))) return null;
  const s = kept[0].at;
  const value = titleCase(text.slice(s, end).replace(/\.$/, ''));
  return { value, start: s, end, notes: isKnownPlace(value) ? [] : ['unknown_place'] };
}
