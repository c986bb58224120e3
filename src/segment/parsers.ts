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

export function runParser(name: ParserName, input: ParseInput): ParseOutput | null {
  let out: ParseOutput | null;
  try {
    out = PARSERS[name](input);
  } catch {
    return null;
  }
  if (!out || !input.field.vocabulary || typeof out.value !== 'string') return out;
  const known = matchVocabulary(out.value, vocabularyEntries(input.field.vocabulary));
  if (!known) return out;
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
