// The fixed set of named field parsers a profile can choose from. Each reads
// `text` from offset `from` (after the label, when there is one) and returns the
// normal-form value with the character range it came from, or null. None throws.
// The parsers live by family in parsers/: numbers, markings, dates and places, names,
// headings; shared.ts holds what they share. A new parser: a function in its family,
// and its name in profile-schema.ts PARSER_NAMES (the object below must then cover it).
import type { ParserName } from './profile-schema.ts';
import { dateAndPlaceParsers } from './parsers/dates-places.ts';
import { headingParsers } from './parsers/headings.ts';
import { markingParsers } from './parsers/markings.ts';
import { BLOCK_WHOLE, nameParsers } from './parsers/names.ts';
import { numberParsers } from './parsers/numbers.ts';
import type { ParseInput, ParseOutput, Parser } from './parsers/shared.ts';
import { matchVocabulary, vocabularyEntries } from './vocabulary.ts';

export type { ParseInput, ParseOutput } from './parsers/shared.ts';

const PARSERS: Record<ParserName, Parser> = { ...numberParsers, ...markingParsers, ...dateAndPlaceParsers, ...nameParsers, ...headingParsers };

/** Note on a value read exactly as an entry of its field's vocabulary. */
export const IN_VOCABULARY = 'in_vocabulary';
/** Note on a value the vocabulary repaired where the layout around it says which entry it is (a despatch's recipient block). */
export const VOCABULARY_REPAIRED = 'vocabulary_repaired';

/** Note on a value that starts as an entry of its vocabulary and ends otherwise (`The Secretary of Sheers`). */
export const VOCABULARY_MISMATCH = 'vocabulary_mismatch';

export function runParser(name: ParserName, input: ParseInput): ParseOutput | null {
  let out: ParseOutput | null;
  try {
    out = PARSERS[name](input);
  } catch {
    return null;
  }
  if (out && input.field.ends && typeof out.value === 'string' && !new RegExp(input.field.ends, 'u').test(out.value))
    out = { ...out, notes: [...new Set([...out.notes, 'incomplete_value'])] };
  if (!out || !input.field.vocabulary || typeof out.value !== 'string') return out;
  const entries = vocabularyEntries(input.field.vocabulary);
  const known = matchVocabulary(out.value, entries);
  if (!known) {
    if (input.field.vocabularyStrict && startsAsEntry(out.value, entries)) return { ...out, notes: [...new Set([...out.notes, VOCABULARY_MISMATCH])] };
    // The first words of an entry and no more, the last one cut (`LEGATION OF THE UNITED ST`, accepted at 0.92 on a
    // clean despatch, review16s14-held2 0019: the rest of the heading lost under a stamp): a line of it was not read.
    return cutShortEntry(out.value, entries) ? { ...out, notes: [...new Set([...out.notes, 'incomplete_value'])] } : out;
  }
  // A despatch's recipient block read whole: its office is the entry, a repair of it shown (`vocabulary_repaired`), not held.
  if (out.notes.includes(BLOCK_WHOLE)) {
    const repaired = known.corrected || out.notes.includes('ocr_corrected');
    const notes = out.notes.filter((n) => n !== 'ocr_corrected');
    return { ...out, value: known.value, notes: [...new Set([...notes, IN_VOCABULARY, ...(repaired ? [VOCABULARY_REPAIRED] : [])])] };
  }
  // Read letter for letter as an entry of the list: the list is the evidence (confidence/index.ts).
  if (!known.corrected) return { ...out, notes: [...new Set([...out.notes, IN_VOCABULARY])] };
  return { ...out, value: known.value, notes: [...new Set([...out.notes, 'ocr_corrected'])] };
}

/** An entry's or a reading's words, lower case, for comparing them word by word. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Is `value` an entry cut short: two words or more, each the entry's in order, the last one the start of the
 * entry's word (`ST` of `STATES`) or a whole word with more of the entry after it?
 */
export function cutShortEntry(value: string, entries: readonly string[]): boolean {
  const read = words(value);
  if (read.length < 2) return false;
  return entries.some((entry) => {
    const e = words(entry);
    if (read.length > e.length) return false;
    for (let i = 0; i < read.length - 1; i++) if (read[i] !== e[i]) return false;
    const last = read.length - 1;
    return e[last]!.startsWith(read[last]!) && (read.length < e.length || read[last] !== e[last]);
  });
}

/**
 * Does `value` read as the first words of an entry, three or more, and then otherwise (`The Secretary
 * of Sheers` for `The Secretary of State`)? Noise inside the entry's last word, or an office the list
 * does not know: either way the words that would tell are the ones in doubt.
 */
export function startsAsEntry(value: string, entries: readonly string[]): boolean {
  const read = words(value);
  return entries.some((entry) => {
    const e = words(entry);
    if (e.length < 4 || read.length < e.length - 1) return false;
    let same = 0;
    while (same < e.length && read[same] === e[same]) same++;
    return same >= 3 && same < e.length;
  });
}
