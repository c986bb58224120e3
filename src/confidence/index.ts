// Confidence stage: a score and a status for every field of a segmented telegram.
//
// confidence = OCR evidence (the field's word confidences)
//            x label evidence (1 for an exact label, lower for a fuzzy one)
//            x a penalty per problem found (validators, cross-field checks, repairs).
// A field is accepted only when its confidence reaches the threshold AND no
// blocking problem was found: `accepted` must mean right, so every guess the
// segmenter made (a repaired digit, a fuzzy month, a place not in the gazetteer)
// sends the field to review even when the OCR was sure of its letters.
import type { Config } from '../config.ts';
import type { FieldDraft, SegmentedTelegram } from '../segment/draft.ts';
import type { RecordField } from '../types.ts';
import { calibrate, NO_CALIBRATION, type Calibration } from './calibration.ts';
import { monthFromWord } from '../segment/datetime.ts';
import { IN_VOCABULARY } from '../segment/parsers.ts';
import { DATE_FROM_STAMP, STAMP_DATE_MISMATCH, YEAR_ON_STAMP } from '../segment/stamp-dates.ts';
import { INITIALS_IN_REFERENCE } from '../segment/typist-initials.ts';
import { OUT_OF_ORDER } from '../segment/extract.ts';
import { NUMBER_ON_PAGE_MARK, PAGE_MARK_MISMATCH } from '../segment/page-mark-number.ts';
import { knownWord, nearKnownWord } from './dictionary.ts';
import {
  dispatchConsistent,
  validateCopies,
  validateDate,
  validateDigits,
  validatePlace,
  validateTime,
  validateUpperWords,
  suspiciousCharacters,
  misreadWords,
  misreadPlaces,
  incompleteEnding,
  garbledCapitals,
  lowerCaseInName,
} from './validators.ts';

export interface ScoreOptions {
  thresholds: Config['thresholds'];
  period: Config['period'];
  /**
   * Which pages form this document is in doubt (a grouping decision below its threshold):
   * doubt about the pages is doubt about every field, so none is accepted until a person
   * confirms the grouping.
   */
  groupingUncertain?: boolean;
  /** The calibration of the (engine, model) pair that read the document's pages (calibration.ts); none by default. */
  calibration?: Calibration;
  /**
   * The language the document's pages were read in (the OCR's code, `eng`), when they were all read in
   * one: its dictionary (dictionary.ts) judges the words of subjects and addressees. None: no dictionary applies.
   */
  lang?: string;
}

export interface ScoredTelegram {
  fields: Record<string, RecordField>;
  review: { needed: string[]; status: 'pending' | 'done' };
}

/** Every reason code a record field can carry, with what it means (for docs and the review UI). */
export const REASONS: Readonly<Record<string, string>> = {
  required_missing: 'the profile expects this field and it was not found',
  low_ocr_confidence: 'the OCR was unsure of the words of the field',
  fuzzy_label: 'the label was read with OCR errors',
  ocr_corrected: 'a letter read in place of a digit (or a misread month, title or place) was repaired',
  invalid_date: 'the date cannot exist',
  date_out_of_period: 'the date is outside the configured period',
  invalid_time: 'not a time of day',
  not_digits: 'a number field that is not all digits',
  invalid_copies: 'a copies count that is not a small positive integer',
  unknown_place: 'the place is not in the gazetteer',
  not_normal_form: 'the value is not in its normal form',
  low_body_coverage: 'fields and body account for little of the telegram text',
  dispatch_date_mismatch: 'the dispatch line does not follow the date and time of origin',
  copied_from_signature: 'the heading names no sender: the signer is taken as sender',
  copied_without_heading: 'the signer was taken as sender, but the heading of the layout whose headings name no sender was not read',
  ambiguous_split: 'the sender/recipient heading could be split in more than one way',
  multiple_candidates: 'two labelled values were found for this field',
  in_sentence: 'the value sits inside running text (likely a reference to another document)',
  suspicious_characters: 'a digit inside a word or a letter inside a number',
  ambiguous_profile: 'another layout fits the document almost as well: which fields it has is in doubt',
  weak_profile: 'no layout fits the document well: which fields it has is in doubt',
  no_words: 'no OCR words back the value',
  incomplete_telegram: 'required header fields are missing, so where the body starts and ends is a guess',
  body_start_uncertain: 'the salutation the text starts under (`Sir:`) was not read: where the text starts is a guess',
  dust_in_text: 'specks on the scan were read as marks inside the text (`:`, `‘`, `©` between words)',
  incomplete_value: 'the value breaks off (a heading ending on `OF THE`): a line of it was not read',
  vocabulary_repaired:
    'a letter of the value was repaired to its vocabulary entry where the layout around it names the entry (a despatch recipient block read whole: The Honorable, the office, Washington); shown, not held',
  year_on_stamp:
    'a received or office stamp on the page, dated days or weeks after the document, bears the year of its date: the year is evidenced by it (shown, not held)',
  stamp_date_mismatch: 'a received or office stamp on the page is dated before the document, or months after it: one of the two dates was misread',
  out_of_order:
    "the value was read from a line printed above the field the layout puts it after (a letter's addressee taken from the letterhead above its date): the OCR's reading order is not the page's",
  number_on_page_mark:
    "a later page's mark repeats the number (`-2- #720`), read apart from the header: the two readings agree, so the number stands on them, not on the OCR's confidence or the `No.` label's reading (shown, not held)",
  page_mark_mismatch: "a later page's mark gives the number with other digits (`-2- #2676` under `No. 2876.`): one of the two was misread",
  date_from_stamp:
    "the date was read in a received or office stamp's form (`22 NOV 1946`, its month abbreviated in capitals): a stamp's date is never the document's, which was not read",
  vocabulary_mismatch:
    'the value reads as the first words of an entry of its vocabulary and then otherwise (`The Secretary of Sheers`): a misread word of the entry, or an office the list does not know',
  misread_word: 'a short word one letter away from `for`, `the`, `and`... and not one itself: a misread, often at a high confidence',
  unknown_word:
    "a word of a subject or an addressee that the language's dictionary does not know, or a word of a signer's name one letter from a word it knows, read at a confidence the OCR's calibration does not vouch for (`roceeding`, `Lindgvist` at 91): a one-letter misread, or a rare name",
  boundary_uncertain: 'which pages belong to this document is uncertain: a person confirms the grouping before any field is accepted',
  grouping_changed:
    'a person decided this field before the record was split or merged, and it is now read from another page or box: it waits for a person again (set by the review store, never by scoring)',
};

/** Penalty factor per reason; reasons not listed here are informational only. */
const PENALTY: Record<string, number> = {
  low_ocr_confidence: 1, // already reflected in the OCR factor
  fuzzy_label: 1, // already reflected in the label factor
  ocr_corrected: 0.85,
  invalid_date: 0.3,
  date_out_of_period: 0.5,
  invalid_time: 0.3,
  not_digits: 0.3,
  invalid_copies: 0.4,
  unknown_place: 0.8,
  not_normal_form: 0.6,
  low_body_coverage: 0.7,
  dispatch_date_mismatch: 0.6,
  copied_from_signature: 0.95,
  copied_without_heading: 0.8,
  ambiguous_split: 0.85,
  multiple_candidates: 0.8,
  in_sentence: 0.7,
  suspicious_characters: 0.7,
  ambiguous_profile: 0.9,
  misread_word: 0.8,
  unknown_word: 0.9,
  vocabulary_mismatch: 0.8,
  stamp_date_mismatch: 0.8,
  page_mark_mismatch: 0.8,
  date_from_stamp: 0.5,
  out_of_order: 0.7,
  incomplete_value: 0.7,
  weak_profile: 0.8,
  no_words: 0.5,
  incomplete_telegram: 0.6,
  body_start_uncertain: 0.8,
  dust_in_text: 0.9,
};

/** Reasons that always send a field to review, whatever its score. */
const BLOCKING = new Set([
  'low_ocr_confidence',
  'fuzzy_label',
  'ocr_corrected',
  'invalid_date',
  'date_out_of_period',
  'invalid_time',
  'not_digits',
  'invalid_copies',
  'unknown_place',
  'not_normal_form',
  'low_body_coverage',
  'dispatch_date_mismatch',
  'ambiguous_split',
  'multiple_candidates',
  'in_sentence',
  'suspicious_characters',
  'ambiguous_profile',
  'weak_profile',
  'no_words',
  'incomplete_telegram',
  'body_start_uncertain',
  'dust_in_text',
  'boundary_uncertain',
  'misread_word',
  'unknown_word',
  'incomplete_value',
  'copied_without_heading',
  'vocabulary_mismatch',
  STAMP_DATE_MISMATCH,
  DATE_FROM_STAMP,
  OUT_OF_ORDER,
  PAGE_MARK_MISMATCH,
]);

/**
 * Marks a typewriter does not print, or prints only attached to words, found standing alone
 * between words or glued to them: what Tesseract makes of dust. A body with any of them read
 * at a high mean confidence was still wrong by more than 2% of its characters on heavily
 * degraded scans (docs/fields.md), so it is reviewed.
 */
export function hasDust(text: string): boolean {
  return text.split(/\s+/).some((w) => (w.length > 0 && /^[^\p{L}\p{N}]+$/u.test(w) && !/^[-–—]$/.test(w)) || /[‘“©®°|¦¢«»§]/u.test(w));
}

/**
 * A short field is wrong when one of its words is: on the field benchmark's scans
 * (docs/fields.md) values whose weakest word had a tesseract confidence below 85 were
 * wrong far more often than the field confidence said (`13` read as `15` at 81), while
 * right values almost all had every word at 89 or more.
 */
const WEAK_WORD_CONFIDENCE = 85;

/**
 * A word of a subject or an addressee spelled as the language's dictionary spells a word of five letters or more is
 * taken from this calibrated confidence up, not from WEAK_WORD_CONFIDENCE: the dictionary is a second check of its
 * letters. On the fitting pages (review17-fit-a, degraded17-fit-a/-b: every word of 155 pages aligned with its ground
 * truth) such words read at 80-85 calibrated were misread in none of 74 (the two not matched are a stamp's and a
 * scrawl's words the ground truth does not print), at 75-80 in 1 of 45 (`faithful` for `faithfully,`), at 85-90 in 2
 * of 165 (docs/benchmarks.md, session 15). Shorter words (`The`, `of`, `Tos` for `To:`) and words it does not know keep
 * the floor; telegrams, whose headings are codes, keep it too.
 */
export const DICTIONARY_WORD_FLOOR = 80;

const DICTIONARY_WORD_MIN_LETTERS = 5;

/**
 * The words of a short field read below the floor that holds it (`evidence`: calibrated): WEAK_WORD_CONFIDENCE, or
 * DICTIONARY_WORD_FLOOR for a long dictionary word of a subject or addressee (`lang`: a document that is not a telegram).
 */
export function weakWords(name: string, draft: FieldDraft, evidence: readonly number[], lang: string | undefined): number[] {
  const words = draft.wordTexts;
  const vouched = (i: number): boolean => {
    // The subject's and addressee's words, and a signer's names the list holds (`Clarence`, `Lindqvist`).
    if (!lang || !(DICTIONARY_FIELDS.has(name) || name === 'signature') || !words || words.length !== evidence.length) return false;
    const letters = words[i]!.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    return /^[\p{L}-]+$/u.test(letters) && letters.replace(/-/g, '').length >= DICTIONARY_WORD_MIN_LETTERS && knownWord(words[i]!, lang) === true;
  };
  return evidence.map((c, i) => i).filter((i) => evidence[i]! < (vouched(i) ? DICTIONARY_WORD_FLOOR : WEAK_WORD_CONFIDENCE));
}

/** Reason: a word the language's dictionary does not know, read below DICTIONARY_VOUCH (dictionary.ts). */
export const UNKNOWN_WORD = 'unknown_word';

/**
 * Fields whose words are words of the language (documents that are not telegrams: telegram headings
 * print codes and cover names, `CC CPSU`, `HUMINT`). Dates, numbers and places have lists of their
 * own. Not the signer: a surname is as often missing from the word list as a misread is (`Tregear`,
 * `Hoxhaj`, `Prideaux` read at 87-92 were held for it, right, on every seed it was tried on, and no
 * misread signer was caught); the scrawl's line, the typed line and the typist's reference are the
 * evidence a signature has (segment/signature rules).
 */
const DICTIONARY_FIELDS = new Set(['subject', 'to']);

/**
 * A word the dictionary does not know is taken on the OCR's word only from this calibrated confidence up.
 * The one-letter misreads accepted on generated despatches and letters were read at 91-92 (89-90 once
 * calibrated for native Tesseract with best_int); right words of clean typescript are read at 95-97.
 */
export const DICTIONARY_VOUCH = 95;

/**
 * The words of a subject or addressee the dictionary does not know, read below DICTIONARY_VOUCH (`evidence`:
 * calibrated, a word a list matched letter for letter at 100).
 */
export function unknownWords(draft: FieldDraft, evidence: readonly number[], lang: string): string[] {
  const words = draft.wordTexts;
  if (!words || words.length !== evidence.length) return [];
  // A person's surname after a title and initials (`Dr. S. D. Carrodus`, `Mrs. L. Sandercock`) is judged as a
  // signer's is (misreadNames): held when one letter from a word the dictionary knows, not for being unknown.
  const surnameAt = typeof draft.value === 'string' && PERSON.test(draft.value) ? words.length - 1 : -1;
  return words.filter((w, i) => evidence[i]! < DICTIONARY_VOUCH && knownWord(w, lang) === false && (i !== surnameAt || nearKnownWord(w, lang) === true));
}

/** A person addressed by title, initials and surname: `Mrs. L. Sandercock`, `Dr. S. D. Carrodus`, `Professor S. Tillman`. */
const PERSON = /^(?:Mr|Mrs|Miss|Ms|Dr|Professor|Prof|Rabbi|Rev|Herr|Frau|Mme|M)\.?\s+(?:\p{Lu}\p{Ll}?\.\s*)+\p{Lu}[\p{L}'’-]+,?$/u;

/**
 * The words of a signer's name the dictionary does not know, read below DICTIONARY_VOUCH, that are one letter
 * from a word it knows (`Lindgvist` at 91 for `Lindqvist`, on both the scrawl's line and the typed line): the
 * shape of a one-letter misread. A surname merely missing from the list (`Tregear`, `Prideaux`) is not held:
 * on the fitting seeds no right signer's surname was one letter from a dictionary word (docs/decisions.md).
 */
export function misreadNames(draft: FieldDraft, evidence: readonly number[], lang: string): string[] {
  const words = draft.wordTexts;
  if (!words || words.length !== evidence.length) return [];
  return words.filter((w, i) => evidence[i]! < DICTIONARY_VOUCH && knownWord(w, lang) === false && nearKnownWord(w, lang) === true);
}

/**
 * A date typed whole: a day, a month read letter for letter, a year, nothing else and nothing repaired
 * (`January 14, 1942.`, `6th January, 1933.`). Its digits are judged with the pair's general doubt, not its
 * digit doubt (native best_int: 1.2, not 1.8, so a day read at 88 is an 85.6, not a 78.4): a date line the OCR
 * segmented cleanly, with no speck, split or repaired word, is one whose digits it read cleanly. Fitted on
 * review16s14-fit-a/-b/-c (90 documents): 4 right dates accepted, none wrong; the one wrong date read there
 * (`1938.` at 78 for 1936, heavy) stays held (docs/decisions.md, session 14).
 */
export function typedWhole(draft: FieldDraft): boolean {
  const words = draft.wordTexts;
  if (!words || words.length !== 3 || draft.notes.includes('ocr_corrected') || typeof draft.value !== 'string') return false;
  const bare = words.map((w) => w.replace(/[.,;:]+$/, ''));
  const month = bare.findIndex((w) => /^\p{L}{3,}$/u.test(w) && monthFromWord(w)?.exact === true);
  if (month < 0) return false;
  const digits = bare.filter((_, i) => i !== month);
  return digits.length === 2 && digits.every((d) => /^\d{1,4}(st|nd|rd|th)?$/.test(d)) && digits.some((d) => /^\d{4}$/.test(d));
}

/** Label scores below this send the field to review (see text.ts: 0.97 = equal after folding `rn`/`m`, `0`/`O`...). */
const LABEL_BLOCK_BELOW = 0.9;

/** Notes from the segmenter that become reasons on the record. */
const NOTE_REASONS = new Set([
  'invalid_date',
  'ocr_corrected',
  'unknown_place',
  'ambiguous_split',
  'multiple_candidates',
  'in_sentence',
  'copied_from_signature',
  'incomplete_value',
  'body_start_uncertain',
  'vocabulary_repaired',
  'vocabulary_mismatch',
  STAMP_DATE_MISMATCH,
  DATE_FROM_STAMP,
  OUT_OF_ORDER,
  YEAR_ON_STAMP,
  INITIALS_IN_REFERENCE,
  NUMBER_ON_PAGE_MARK,
  PAGE_MARK_MISMATCH,
]);

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * OCR evidence of a field, 0..1. Short fields are as weak as their weakest word
 * (one misread digit makes a number wrong), so the minimum counts half; a long
 * body is judged by its mean.
 */
export function ocrScore(confidences: readonly number[]): number {
  if (confidences.length === 0) return 0;
  const clamp = (c: number): number => Math.min(100, Math.max(0, Number.isFinite(c) ? c : 0)) / 100;
  const values = confidences.map(clamp);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return round(values.length > 12 ? mean : (mean + Math.min(...values)) / 2);
}

/** Fields whose value is a word of a closed list (the label, a marking, a gazetteer place), matched exactly unless a note says otherwise. */
const LIST_FIELDS = new Set(['docType', 'classification', 'precedence', 'place']);
const DATE_FIELDS = new Set(['date', 'dispatch']);
const letters = (w: string): string => w.replace(/[^\p{L}]/gu, '').toLowerCase();

/**
 * Is this word of the value spelled letter for letter as a word of a closed list the segmenter
 * matched it against: a month name in a date, a word of a marking (`TOP SECRET`), of the heading
 * (`CABLEGRAM`) or of a gazetteer place? The match is the evidence for such a word, not the OCR's
 * confidence in it: a misread month, marking or place is matched fuzzily and noted
 * `ocr_corrected` (or `unknown_place`), which blocks the field anyway. Digits and names, which no
 * list checks, are judged by their confidence.
 */
export function matchedByList(name: string, draft: FieldDraft, word: string): boolean {
  if (draft.notes.includes('ocr_corrected') || draft.notes.includes('unknown_place')) return false;
  // A value read letter for letter as an entry of its vocabulary (`The Secretary of State`): every word is the list's.
  if (inVocabulary(draft)) return true;
  // An initial of the signer's name that the typist's reference spells (`J.` and `HJW:ems`): evidenced by the reference.
  if (name === 'signature' && draft.notes.includes(INITIALS_IN_REFERENCE) && /^\p{Lu}\.,?$/u.test(word)) return true;
  // The number a later page's mark repeats digit for digit (page-mark-number.ts): evidenced by that second reading.
  if (draft.notes.includes(NUMBER_ON_PAGE_MARK) && typeof draft.value === 'string' && word.replace(/[^\p{N}]/gu, '') === draft.value) return true;
  if (DATE_FIELDS.has(name)) {
    // The year a received stamp on the page confirms (stamp-dates.ts): evidenced by the stamp, not by the OCR's confidence.
    if (draft.notes.includes(YEAR_ON_STAMP) && typeof draft.value === 'string' && word.replace(/[^\p{N}]/gu, '') === draft.value.slice(0, 4)) return true;
    const bare = word.replace(/[,;:]+$/, '');
    // Letters only: monthFromWord reads `0ct` as `Oct`, a repair, not a match.
    return /^\p{L}{3,}\.?$/u.test(bare) && monthFromWord(bare)?.exact === true;
  }
  if (!LIST_FIELDS.has(name) || typeof draft.value !== 'string') return false;
  // A mark with no letter or digit (`Rome %`, `TOP . SECRET`) is dust the match passed over, not part of it.
  if (!/[\p{L}\p{N}]/u.test(word)) return true;
  const w = letters(word);
  return w.length > 0 && draft.value.split(/[\s-]+/).some((v) => letters(v) === w);
}

/**
 * A value read exactly as an entry of its field's vocabulary, nothing repaired. Such a value does
 * not depend on how well the label that located it was read: `The Honorab1e` above `The Secretary
 * of State` still names the Secretary of State (on generated despatches, 5 of 136 fields were held
 * for the label alone, all right).
 */
export function inVocabulary(draft: FieldDraft): boolean {
  return draft.notes.includes(IN_VOCABULARY) && !draft.notes.includes('ocr_corrected') && typeof draft.value === 'string';
}

/** The OCR evidence of each word of the value: its confidence, or full for a word a closed list matched exactly. */
export function wordEvidence(name: string, draft: FieldDraft): number[] {
  const words = draft.wordTexts;
  if (!words || words.length !== draft.wordConfidences.length) return draft.wordConfidences;
  return draft.wordConfidences.map((c, i) => (matchedByList(name, draft, words[i]!) ? 100 : c));
}

function validatorReasons(name: string, draft: FieldDraft, options: ScoreOptions): string[] {
  const v = draft.value;
  switch (name) {
    case 'date':
      return validateDate(v, options.period);
    case 'time':
      return validateTime(v);
    case 'number':
    case 'outgoingNumber':
      return validateDigits(v);
    case 'copies':
      return validateCopies(v);
    case 'place':
      return validatePlace(v);
    case 'docType':
    case 'classification':
    case 'precedence':
      return validateUpperWords(v);
    case 'from':
    case 'to':
    case 'addressee':
      return [...new Set([...suspiciousCharacters(v), ...misreadWords(v), ...misreadPlaces(v), ...incompleteEnding(v)])];
    case 'subject':
      return [...new Set([...suspiciousCharacters(v), ...misreadWords(v), ...incompleteEnding(v)])];
    case 'dispatch':
      return [...new Set([...suspiciousCharacters(v), ...misreadPlaces(v)])];
    case 'signature':
    case 'archiveRef':
      return suspiciousCharacters(v);
    default:
      return [];
  }
}

/**
 * Built-in floors for fields the general threshold serves badly, used unless the config
 * sets the field's own threshold. A body is right only when nearly every character is
 * (the field benchmark counts CER <= 2%), and its confidence is the mean of many word
 * confidences: in docs/fields.md bodies at >= 0.93 were within 1.2% CER, bodies at
 * <= 0.91 were not within 2%.
 */
export const DEFAULT_FIELD_THRESHOLDS: Readonly<Record<string, number>> = { body: 0.92 };

export function thresholdFor(name: string, thresholds: Config['thresholds']): number {
  return thresholds.fields[name] ?? Math.max(thresholds.accept, DEFAULT_FIELD_THRESHOLDS[name] ?? 0);
}

export function scoreTelegram(t: SegmentedTelegram, options: ScoreOptions): ScoredTelegram {
  const fields: Record<string, RecordField> = {};
  const crossReasons = crossFieldReasons(t);
  const missingRequired = Object.entries(t.fields).filter(([n, d]) => d.required && n !== 'body' && (!d.found || d.value === null));
  for (const [name, read] of Object.entries(t.fields)) {
    // In a telegram the label says which way the message went (`From:`/`To:`), so a misread
    // label is doubt about the field even when the value is a known addressee (`Tos: CC CPSU`);
    // a despatch's `The Honorable` only locates the recipient block.
    const draft =
      t.kind === 'telegram' && read.notes.includes(IN_VOCABULARY)
        ? { ...read, notes: read.notes.filter((n) => n !== IN_VOCABULARY) }
        : confirmedByPageMark(read);
    if (!draft.found || draft.value === null) {
      if (!draft.required) continue; // optional and not printed: absent from the record
      fields[name] = { value: null, text: draft.text ?? '', confidence: 0, status: 'missing', page: null, bbox: null, reasons: ['required_missing'] };
      continue;
    }
    const threshold = thresholdFor(name, options.thresholds);
    const reasons: string[] = [];
    const calibration = options.calibration ?? NO_CALIBRATION;
    // Each word's OCR confidence calibrated for its engine and model; a word a closed list matched letter for letter is evidenced by the match.
    // A despatch's or letter's date typed whole: its digits judged as its words are (typedWhole).
    const wholeDate = t.kind !== 'telegram' && name === 'date' && typedWhole(draft);
    const calibrated = draft.wordConfidences.map((c, i) => calibrate(c, calibration, wholeDate ? '' : draft.wordTexts?.[i]));
    const evidence = wordEvidence(name, { ...draft, wordConfidences: calibrated });
    const ocr = ocrScore(evidence);
    if (draft.wordConfidences.length === 0) reasons.push('no_words');
    else if (ocr < threshold) reasons.push('low_ocr_confidence');
    else if (name !== 'body' && weakWords(name, draft, evidence, t.kind !== 'telegram' ? options.lang : undefined).length > 0)
      reasons.push('low_ocr_confidence');
    const label = inVocabulary(draft) ? 1 : Math.min(1, Math.max(0, draft.labelScore));
    if (label < 1) reasons.push('fuzzy_label');
    for (const note of draft.notes) if (NOTE_REASONS.has(note)) reasons.push(note);
    reasons.push(...validatorReasons(name, draft, options));
    if (t.kind !== 'telegram' && options.lang && DICTIONARY_FIELDS.has(name) && unknownWords(draft, evidence, options.lang).length > 0)
      reasons.push(UNKNOWN_WORD);
    // A signer's word the dictionary does not know is held only when it is one letter from a word it knows (`Lindgvist`).
    if (t.kind !== 'telegram' && options.lang && name === 'signature' && misreadNames(draft, evidence, options.lang).length > 0) reasons.push(UNKNOWN_WORD);
    // A letter's or despatch's addressee is typed in words; a stamp's capitals read beside it are not (telegrams print `CC CPSU`).
    if (t.kind !== 'telegram' && name === 'to') reasons.push(...garbledCapitals(draft.value), ...lowerCaseInName(draft.value));
    // So is a despatch's post heading (`LEGATION OF TH NT OF STATE UNITED STATES OF A MERI OF CUR`, a received stamp's
    // lines read into it: accepted at 0.94 on a heavy despatch, review17-fit-b 0021).
    if (t.kind !== 'telegram' && name === 'from') reasons.push(...garbledCapitals(draft.value));
    reasons.push(...(crossReasons[name] ?? []));
    if (name === 'body' && t.bodyCoverage < options.thresholds.minBodyCoverage) reasons.push('low_body_coverage');
    if (name === 'body' && hasDust(draft.text)) reasons.push('dust_in_text');
    // Without its header the telegram's extent and layout are guesses: its body, and a sender
    // taken from the signer because the profile says the heading names none, are not read values.
    // A despatch's text under its `Sir:` and above its closing is where the layout puts it, header or not.
    const bodyPlaced = name === 'body' && t.kind !== 'telegram' && draft.notes.includes('body_under_salutation');
    if (missingRequired.length > 0 && !bodyPlaced && (name === 'body' || draft.notes.some((n) => n.startsWith('copied_from_'))))
      reasons.push('incomplete_telegram');
    // A sender copied from the signer stands on the layout alone: only its heading read says it is one whose
    // headings name no sender (a US State telegram whose heading the fast model lost was taken for a DFAT cable).
    if (draft.notes.includes('copied_from_signature') && !headingRead(t)) reasons.push('copied_without_heading');
    // Doubt about the layout is doubt about every field it reads.
    if (t.ambiguity && !t.ambiguity.agrees?.includes(name)) reasons.push('ambiguous_profile');
    if (t.weakProfile) reasons.push('weak_profile');
    if (options.groupingUncertain) reasons.push('boundary_uncertain');
    const unique = [...new Set(reasons)];
    const penalty = unique.reduce((p, r) => p * (PENALTY[r] ?? 1), 1);
    const confidence = round(Math.max(0, Math.min(1, (draft.wordConfidences.length ? ocr : 0.5) * label * penalty)));
    // A label equal to the expected one once OCR look-alikes are folded (`Frorn:`) is
    // reported but does not by itself hold the field back; a looser match does.
    const blocked = unique.some((r) => BLOCKING.has(r) && !(r === 'fuzzy_label' && label >= LABEL_BLOCK_BELOW));
    fields[name] = {
      value: draft.value,
      text: draft.text,
      confidence,
      status: !blocked && confidence >= threshold ? 'accepted' : 'needs_review',
      page: draft.page,
      bbox: draft.bbox,
      reasons: unique,
    };
  }
  const needed = Object.entries(fields)
    .filter(([, f]) => f.status === 'needs_review' || f.status === 'missing')
    .map(([name]) => name);
  return { fields, review: { needed, status: needed.length ? 'pending' : 'done' } };
}

/**
 * A number a later page's mark repeats (NUMBER_ON_PAGE_MARK) stands on the two readings: a repair of its
 * `No.` or of a digit that both readings confirm holds nothing, and the label that located it is not in
 * doubt about its value.
 */
export function confirmedByPageMark(draft: FieldDraft): FieldDraft {
  if (!draft.notes.includes(NUMBER_ON_PAGE_MARK)) return draft;
  return { ...draft, labelScore: 1, notes: draft.notes.filter((n) => n !== 'ocr_corrected') };
}

/** Was the layout's heading (`CIPHERED TELEGRAM`, `CABLEGRAM`) read, its label not in doubt? */
export function headingRead(t: Pick<SegmentedTelegram, 'fields'>): boolean {
  const heading = t.fields.docType;
  return heading !== undefined && heading.found && heading.value !== null && heading.labelScore >= LABEL_BLOCK_BELOW;
}

/** Checks between fields: dispatch vs date/time. */
function crossFieldReasons(t: SegmentedTelegram): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const dispatch = t.fields.dispatch;
  const date = t.fields.date;
  if (dispatch?.found && typeof dispatch.value === 'string' && date?.found && typeof date.value === 'string') {
    const time = t.fields.time?.found && typeof t.fields.time.value === 'string' ? t.fields.time.value : undefined;
    if (!dispatchConsistent(dispatch.value, date.value, time)) {
      out.dispatch = ['dispatch_date_mismatch'];
      out.date = ['dispatch_date_mismatch'];
    }
  }
  return out;
}
