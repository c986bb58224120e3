// Field validators: does a value look right for its field? Each returns the
// reason codes it finds (empty = nothing to say). Codes are part of the record
// contract, so they are short, stable words.
import { distance } from 'fastest-levenshtein';
import { findDate, findDayMonth, findTime, isValidDate } from '../segment/datetime.ts';
import { isKnownPlace, lookupPlace } from './gazetteer.ts';

export interface Period {
  from: string;
  to: string;
}

export function validateDate(value: unknown, period: Period): string[] {
  if (typeof value !== 'string') return ['invalid_date'];
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) return ['invalid_date'];
  if (value < period.from || value > period.to) return ['date_out_of_period'];
  return [];
}

export function validateTime(value: unknown): string[] {
  if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) return ['invalid_time'];
  return [];
}

export function validateDigits(value: unknown): string[] {
  return typeof value === 'string' && /^\d{1,8}$/.test(value) ? [] : ['not_digits'];
}

export function validateCopies(value: unknown): string[] {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 500 ? [] : ['invalid_copies'];
}

export function validatePlace(value: unknown): string[] {
  return typeof value === 'string' && isKnownPlace(value) ? [] : ['unknown_place'];
}

/** Upper case words only (docType, classification, precedence). */
export function validateUpperWords(value: unknown): string[] {
  return typeof value === 'string' && /^[A-Z][A-Z ]*$/.test(value) ? [] : ['not_normal_form'];
}

/**
 * Dispatch line vs date of origin: a cable is dispatched on the day it was written
 * or within a few days after; a dispatch day-month far from the date is suspicious
 * (one of the two was misread).
 */
export function dispatchConsistent(dispatch: string, dateIso: string, time?: string): boolean {
  const dm = findDayMonth(dispatch);
  if (!dm) return true;
  const full = findDate(dispatch);
  const year = full?.year ?? Number(dateIso.slice(0, 4));
  const origin = Date.UTC(Number(dateIso.slice(0, 4)), Number(dateIso.slice(5, 7)) - 1, Number(dateIso.slice(8, 10)));
  let sent = Date.UTC(year, dm.month - 1, dm.day);
  // December telegram dispatched in January.
  if (sent < origin - 200 * 86400000) sent = Date.UTC(year + 1, dm.month - 1, dm.day);
  const days = (sent - origin) / 86400000;
  if (days < 0 || days > 7) return false;
  if (days === 0 && time) {
    const t = findTime(dispatch.slice(dm.end)) ?? findTime(dispatch);
    if (t && t.hhmm < time) return false;
  }
  return true;
}

/**
 * Names and titles hold letters; a digit look-alike inside a word (`US5R`, `Giff0rd`,
 * `5tate`) or a letter inside a number (`I943`) is an OCR misreading the OCR itself was
 * sure of. Such a value is never accepted without a look.
 */
/** Small words never abbreviated: a period after one (`The. Secretary`) is a speck the OCR read. */
const NEVER_ABBREVIATED = /(^|\s)(the|of|to|in|and|for|at|on|by|an)[.,;:](?=\s)/i;

/** The short words of names and offices (`The Council for German Jewry`, `the Embassy in India`). */
const FUNCTION_WORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'for',
  'and',
  'to',
  'in',
  'on',
  'at',
  'by',
  'with',
  'from',
  'its',
  'his',
  'her',
  'our',
  'your',
  'via',
  'per',
  'de',
  'la',
  'le',
  'les',
  'du',
  'des',
  'et',
  'der',
  'die',
  'das',
  'und',
  'van',
  'von',
  'den',
  'og',
  'af',
  'i',
  'y',
  'e',
  'el',
  'al',
  'di',
]);

/**
 * A short lower-case word one letter away from a function word and not one itself (`The Council fer
 * German Jewry`): the OCR misread `for`, often at a high confidence. Names keep their words; a
 * value with such a word is read again by a person.
 */
export function misreadWords(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  for (const token of value.split(/[\s,;:()[\]/]+/)) {
    if (!/^\p{Ll}{2,4}$/u.test(token) || FUNCTION_WORDS.has(token)) continue;
    for (const w of FUNCTION_WORDS) if (w.length >= 2 && Math.abs(w.length - token.length) <= 1 && distance(w, token) === 1) return ['misread_word'];
  }
  return [];
}

/**
 * Marks no typist puts there: a quote mark opening a word inside a name or title (`USSR ‘Ambassador`),
 * a comma after an initial (`Miss A. K, Hollins`), a hyphen between a word and a time (`8 April-23.45`),
 * a curly quote closing a word (`USSR’ Ambassador`, `Cde. Pavlov’`), a full stop glued between a lower-case
 * word and the next (`the.GDR`, `Pakistan.(Prideaux)`; initials `K.S.` are capitals), a full stop after a
 * whole word before a small one (`The Secretary. of State`; abbreviations are shorter: `Dept. of`,
 * `Govt. of`), initials whose last stop was lost or read as a letter (`T.Yue Sedykh`, `T.Yu Sedykh` for
 * `T.Yu. Sedykh`; a surname glued to its initial, `A.Gromyko`, is longer), two stops between initials (`P..P. CARRODUS`,
 * a space read as a second stop: accepted so at 0.91 on a heavy letter, review17-fit-a 0024).
 */
const STRAY_MARK =
  /\s[‘’“”"'`]\p{L}|(^|\s)\p{Lu},\s|\p{L}-\d|\p{L}[‘’`](\s|$)|\p{Ll}{2}\.[\p{L}([]|\p{Ll}{5,}\.\s+(of|in|to|at|for|and)\s|(^|\s)(\p{Lu}\p{Ll}?\.)+\p{Lu}\p{Ll}{0,2}\s+\p{Lu}\p{Ll}|\p{L}\.\.\p{Lu}/u;

export function suspiciousCharacters(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  if (NEVER_ABBREVIATED.test(value) || STRAY_MARK.test(value)) return ['suspicious_characters'];
  for (const token of value.split(/[\s,;:()[\]/-]+/)) {
    if (!token) continue;
    const letters = (token.match(/[A-Za-z]/g) ?? []).length;
    const digits = (token.match(/[0-9]/g) ?? []).length;
    if (letters >= 2 && /[A-Za-z][0158][A-Za-z]|^[0158][a-z]|[A-Za-z][0158]$/.test(token)) return ['suspicious_characters'];
    if (digits >= 2 && /(^|[^A-Za-z])[IlO][0-9]{2,}|[0-9]{2,}[IlO]([^A-Za-z]|$)/.test(token) && letters === 1) return ['suspicious_characters'];
  }
  return [];
}

/**
 * A capitalised word one or two letters away from a known city and not a city itself
 * (`Ministry of Foreign Affairs, Lohdon`): a misread place name inside an address or a
 * dispatch line, which the OCR is often sure of.
 */
export function misreadPlaces(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  for (const token of value.split(/[\s,;:()[\]/.]+/)) {
    if (!/^\p{Lu}\p{Ll}{4,}$/u.test(token) || isKnownPlace(token)) continue;
    const near = lookupPlace(token);
    if (near && !near.exact) return ['misread_word'];
  }
  return [];
}

/**
 * A name, office or subject does not end on a small word or a lone small letter (`The Secretary of`,
 * `The Situation of Jews i`): the rest of it was not read.
 */
export function incompleteEnding(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return /\s(of|the|and|for|in|at|to|on|by|with|from|an?|de|du|des|la|le|et|\p{Ll})\W{0,2}$/iu.test(value.trim()) ? ['incomplete_value'] : [];
}

/** Short capitals that stand alone in names and addresses (`OF THE`, `U S A`-less abbreviations are typed with stops). */
const SHORT_CAPITAL_WORDS = new Set(['A', 'I', 'OF', 'TO', 'IN', 'ON', 'AT', 'BY', 'DE', 'DU', 'LA', 'LE', 'ET', 'US', 'UK', 'NY', 'DC', 'AND', 'THE', 'FOR']);

/**
 * A line of capitals with a one- or two-letter capital token that is no word and carries no stop
 * (`DEPARTMENTO S TE NICA ON File Cr`): a stamp's lettering read as text, not an addressee, however
 * sure the OCR was of its letters. Initials are typed with a stop (`M. WEISSMANN`, `S.W. 1`).
 */
export function garbledCapitals(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const tokens = value.split(/[\s,;:()[\]/]+/).filter(Boolean);
  const capitals = tokens.filter((t) => /^\p{Lu}{2,}$/u.test(t));
  if (capitals.length < 2) return [];
  return tokens.some((t) => /^\p{Lu}{1,2}$/u.test(t) && !SHORT_CAPITAL_WORDS.has(t)) ? ['misread_word'] : [];
}

/**
 * A lower-case word of three letters or more, no function word, among capitalised ones (`The council for
 * Refugee Relief`): a name or an office is typed with its words capitalised, so its capital was misread,
 * and the OCR was sure of it (96); so is a full stop inside it after a word (`Overseas. Settlement`). Not for
 * telegrams, whose headings print offices in running text.
 */
export function lowerCaseInName(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const tokens = value.split(/[\s,;:()[\]/]+/).filter(Boolean);
  if (tokens.filter((t) => /^\p{Lu}\p{Ll}/u.test(t)).length < 2) return [];
  if (tokens.some((t) => /^\p{Ll}{3,}$/u.test(t) && !FUNCTION_WORDS.has(t))) return ['misread_word'];
  // A full stop after a word of four small letters or more inside the name (`The Council for Overseas. Settlement`): a speck.
  return /\p{Ll}{4,}\.\s+\p{L}/u.test(value) ? ['suspicious_characters'] : [];
}
