// The fixed set of named field parsers a profile can choose from. Each reads
// `text` from offset `from` (after the label, when there is one) and returns the
// normal-form value with the character range it came from, or null. None throws.
import { isKnownPlace, lookupPlace, titleCase } from '../confidence/gazetteer.ts';
import { findDate, findDayMonth, findPlaceDateTime, findTime } from './datetime.ts';
import type { FieldSpec, ParserName } from './profile-schema.ts';
import { labelKey, type LabelMatch, repairNumberToken } from './text.ts';
import { distance } from 'fastest-levenshtein';
import { matchVocabulary, vocabularyEntries } from './vocabulary.ts';

export interface ParseInput {
  text: string;
  from: number;
  label: LabelMatch | null;
  field: FieldSpec;
}

export interface ParseOutput {
  value: string | number;
  start: number;
  end: number;
  notes: string[];
}

type Parser = (input: ParseInput) => ParseOutput | null;

/** Trims whitespace and the given punctuation from both ends of [start, end). */
function trimRange(text: string, start: number, end: number, punctuation = /[\s,;:.]/): [number, number] {
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
function dropSpeckTokens(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  for (let m = LEADING_SPECK_TOKEN.exec(text.slice(s, e)); m; m = LEADING_SPECK_TOKEN.exec(text.slice(s, e))) s += m[0].length;
  for (let m = TRAILING_SPECK_TOKEN.exec(text.slice(s, e)); m; m = TRAILING_SPECK_TOKEN.exec(text.slice(s, e))) e -= m[0].length;
  return [s, e];
}

/** Punctuation at the ends of a value, with the marks specks are read as (`Ryabtsev-`, `office’`). */
const SPECK_OR_PUNCTUATION = /[\s,;:.\-–‘’“”"·•]/;

const COPIES_RE = /\(\s*([0-9OolI|]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s*[.,'‘’·]?\s*cop(?:y|ies|les|ics)\.?\s*\)|\bcopy\s*n[o0][wv]?[.,:]?\s*([0-9OolI|]{1,3})\b|\b([0-9]{1,2})\s+cop(?:y|ies)\b/i;
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/** OCR misreadings of the Soviet title `Cde.` (comrade). */
function fixTitles(value: string): { value: string; fixed: boolean } {
  // Each addressee of a list (`Cde. Strelkov, Ode. Voronin`), and a speck after the comma between them (`Trofimenko,.Cde.`),
  // or after an article (`the. Permanent Under-Secretary`).
  const fixed = value
    .replace(/,[.'‘’·]+\s*/g, ', ')
    .replace(/\b(the|of|in|to)[.,'‘’·]+(?=\s)/gi, '$1')
    // A speck glued in front of the title reads as a lower-case letter (`cCde.`).
    .replace(/(^|,\s*)(?:[a-z](?=[CGO]))?(Cdc|Gde|Cde|Cdo|Ode|Cda|Cdе)\.?(?=\s)/gi, (m, before: string) => `${before}Cde.`);
  return { value: fixed, fixed: fixed !== value };
}

function placeFromRange(text: string, start: number, end: number): ParseOutput | null {
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

const CLASSIFICATION_WORDS = ['TOP', 'SECRET', 'CONFIDENTIAL', 'RESTRICTED', 'UNCLASSIFIED', 'LIMITED', 'OFFICIAL', 'USE', 'ONLY', 'EYES', 'PERSONAL', 'STRICTLY'];
const PRECEDENCE_WORDS = ['FLASH', 'IMMEDIATE', 'OPERATIONAL', 'PRIORITY', 'URGENT', 'ROUTINE', 'NIACT', 'MOST', 'EMERGENCY', 'DEFERRED'];
const CLASSIFICATIONS = ['TOP SECRET', 'SECRET', 'STRICTLY CONFIDENTIAL', 'CONFIDENTIAL', 'RESTRICTED', 'UNCLASSIFIED', 'LIMITED OFFICIAL USE', 'OFFICIAL USE ONLY'];
const PRECEDENCES = ['OPERATIONAL IMMEDIATE', 'MOST IMMEDIATE', 'FLASH', 'IMMEDIATE', 'PRIORITY', 'URGENT', 'ROUTINE', 'NIACT', 'EMERGENCY', 'DEFERRED'];

/** Marking words printed in another grammatical form (translated Soviet headers print `Immediately`). */
const MARKING_ALIASES: Record<string, string> = { IMMEDIATELY: 'IMMEDIATE', URGENTLY: 'URGENT' };

function vocabularyWord(token: string): { word: string; exact: boolean } | null {
  const key = labelKey(token.replace(/[^A-Za-z0-9|]/g, ''));
  if (!key) return null;
  for (const [alias, word] of Object.entries(MARKING_ALIASES)) {
    if (labelKey(alias) === key) return { word, exact: token.replace(/[^A-Za-z]/g, '').toUpperCase() === alias };
    if (key.length >= 8 && distance(labelKey(alias), key) <= 1) return { word, exact: false };
  }
  for (const w of [...CLASSIFICATION_WORDS, ...PRECEDENCE_WORDS]) {
    if (labelKey(w) === key) return { word: w, exact: token.replace(/[^A-Za-z]/g, '').toUpperCase() === w };
  }
  if (key.length < 5) return null;
  for (const w of [...CLASSIFICATION_WORDS, ...PRECEDENCE_WORDS]) {
    if (distance(labelKey(w), key) <= 1) return { word: w, exact: false };
  }
  return null;
}

/** Reads a line made only of classification and precedence words (after an optional `538.` or `No. 482`). */
function readMarkings(text: string, from: number, kind: 'classification' | 'precedence'): ParseOutput | null {
  let at = from;
  // `538. Confidential` (DFAT) or `No. 482      SECRET` (a number line carrying the markings); a
  // speck before the number or a comma read for its full stop (`.956, Confidential`) too.
  const lead = /^\s*[.'‘’·,:;-]*\s*(?:(?:No|Nr|N0|Number)\.?\s*\d{1,6}\s*[.,:]?|\d{1,5}\s*\\?[.,])\s*/i.exec(text.slice(at));
  if (lead) at += lead[0].length;
  const tokens = [...text.slice(at).matchAll(/[^\s,;/]+/g)]
    // `TOR.SECRET`: two words the OCR joined at a speck.
    .flatMap((m) => {
      const start = at + (m.index ?? 0);
      const joined = /^([A-Za-z]{2,})\.([A-Za-z]{2,})$/.exec(m[0]);
      if (!joined) return [{ t: m[0], start, end: start + m[0].length }];
      return [{ t: joined[1]!, start, end: start + joined[1]!.length }, { t: joined[2]!, start: start + joined[1]!.length + 1, end: start + m[0].length }];
    })
    // Dust read as marks (`Nr. 2342 : CONFIDENTIAL`, `Confidential -`) is not a word of the line.
    .filter((x) => /[\p{L}\p{N}]/u.test(x.t));
  if (tokens.length === 0 || tokens.length > 6) return null;
  const words = tokens.map((x, i) => {
    const v = vocabularyWord(x.t);
    // `TOR SECRET`: a three-letter word is too short to match fuzzily, except TOP before SECRET.
    if (!v && i + 1 < tokens.length && distance(x.t.toUpperCase(), 'TOP') === 1 && vocabularyWord(tokens[i + 1]!.t)?.word === 'SECRET') return { ...x, v: { word: 'TOP', exact: false } };
    return { ...x, v };
  });
  // One short unknown word at an end of the line is dust read as letters (`secret i`,
  // `confidential : gb`); more, or inside the line, and it is not a markings line.
  const unknown = words.filter((w) => !w.v);
  const edge = unknown.length === 1 && unknown[0]!.t.length <= 3 && (unknown[0] === words[0] || unknown[0] === words[words.length - 1]);
  if (unknown.length > 1 || (unknown.length === 1 && !edge) || unknown.length === words.length) return null;
  const known = words.filter((w) => w.v);
  const phrases = kind === 'classification' ? CLASSIFICATIONS : PRECEDENCES;
  // Longer phrases are listed first, so `TOP SECRET` wins over `SECRET`.
  for (let i = 0; i < known.length; i++) {
    for (const phrase of phrases) {
      const parts = phrase.split(' ');
      const slice = known.slice(i, i + parts.length);
      if (slice.length === parts.length && slice.every((w, k) => w.v!.word === parts[k])) {
        const exact = slice.every((w) => w.v!.exact) && unknown.length === 0;
        return { value: phrase, start: slice[0].start, end: slice[slice.length - 1].end, notes: exact ? [] : ['ocr_corrected'] };
      }
    }
  }
  return null;
}

/**
 * The initial of a signature as dust and a worn ribbon leave it: its full stop read as a comma
 * (`I, Dalziel`), as a mark (`P+. Bulavin`, `T+« TREGEAR`) or as an `s` (`Gs Lavrov`), the letter
 * doubled (`Vv. Tarasenko`), a quote mark before the surname (`L. “Dorokhov`). The caller sends
 * any repaired signature to review.
 */
function repairInitials(value: string): string {
  return value
    // `1; BELLANDI`: the initial I read as a one, its full stop as a mark.
    .replace(/^[1l|][;,:.]\s+(?=\p{Lu}{2})/u, 'I. ')
    .replace(/^([A-Z])[+«»*'’‘"“”,;:]+\.?(\s+)(?=\p{Lu})/u, '$1.$2')
    .replace(/^([A-Z])([a-z])\.?(\s+)(?=\p{Lu}\p{L})/u, (m, letter: string, next: string, space: string) =>
      (next === letter.toLowerCase() || next === 's') && !/^(Ms|Mr|Dr|St)$/.test(letter + next) ? `${letter}.${space}` : m)
    .replace(/^((?:[A-Z][a-z]?[.,]\s?)*[A-Z][a-z]?),(\s*)(?=[A-Z])/, '$1.$2')
    .replace(/(^|\s)[‘’“”"`]+(?=\p{L})/gu, '$1')
    .replace(/\.{2,}$/, '.');
}

/** A name-like line: a few words, each capitalised or an initial (`Mao Zedong.`, `A. DOBRYNIN`). */
function looksLikeName(value: string, maxWords: number): boolean {
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > maxWords || value.length > 50) return false;
  if (!/[A-Za-z]{2,}/.test(value) || /^\d/.test(value) || /[:;]$/.test(value)) return false;
  return words.every((w) => /^[A-ZÀ-Ý[(]/.test(w) || /^(de|van|von|der|da|al|la|le|bin|ibn)$/.test(w));
}

/** Two-letter words one letter away from `to` that are words in their own right. */
const COMMON_TWO_LETTER = new Set(['so', 'no', 'do', 'go', 'ho', 'oo', 'tv', 'co', 'mo', 'jo']);

const SUBJECT_WORDS = ['regarding', 'concerning', 'about', 'with'];

/** Where a `... regarding <subject>` tail starts (tolerating one OCR error in the long words), or -1. */
function subjectStart(text: string): number {
  for (const m of text.matchAll(/\s([A-Za-z]{4,11})(?=\s)/g)) {
    const w = m[1].toLowerCase();
    const hit = SUBJECT_WORDS.some((s) => s === w || (s.length >= 8 && distance(s, w) <= 1));
    if (hit) return m.index ?? -1;
  }
  return -1;
}

/** Words of an office heading (`LEGATION OF THE UNITED STATES OF AMERICA`, `KGL. DANSK GESANDTSKAB`). */
const OFFICE_WORD = /\b(LEGATION|EMBASSY|CONSULATE|CONSULATE\s+GENERAL|FOREIGN\s+SERVICE|MINISTRY|MINISTÈRE|GESANDTSKAB|AMBASSADE|DELEGATION|HIGH\s+COMMISSION|MISSION|OFFICE)\b/;

/** Titles typed after a signer's name (`M. WEISSMANN, Secretary.`): not part of the name. */
const SIGNER_TITLE = /(?:,\s*|\s+(?=(?:Rabbi|Secretary|Chairman|Director|Treasurer|President)\b))(?:Hon\.\s*)?(?:Secretary|Chairman|Director|Treasurer|Rabbi|President|Minister|Consul(?:\s+General)?|Ambassador|Chargé d'Affaires(?:\s+a\.\s*i\.)?|Secretary of Legation|Secretary of Embassy)\.?$/i;

const PARSERS: Record<ParserName, Parser> = {
  docType: ({ label }) => (label ? { value: label.label.toUpperCase().replace(/[\s:.]+$/, ''), start: label.start, end: label.end, notes: [] } : null),

  digits: ({ text, from }) => {
    const m = /^[\s:.#№,-]*((?:[A-Z]{1,3})(?=[0-9]))?([0-9OoQDlIi|!ZzSsBGbgq]+)(?![A-Za-z0-9])/.exec(text.slice(from));
    if (!m) return null;
    const repaired = repairNumberToken(m[2]);
    if (!repaired) return null;
    const start = from + m[0].length - m[2].length;
    const notes = repaired.corrected ? ['ocr_corrected'] : [];
    if (m[1]) notes.push('number_prefix');
    return { value: repaired.digits, start, end: start + m[2].length, notes };
  },

  leadingNumber: ({ text, from }) => {
    // `449, I told him` is `449. I told him` with the period read as a comma.
    const m = /^\s*([0-9][0-9OolI|]{0,5})\s*(\\?[.)]|,)(?=\s|$)/.exec(text.slice(from));
    if (!m) return null;
    const repaired = repairNumberToken(m[1]);
    if (!repaired) return null;
    const notes = repaired.corrected || m[2] === ',' ? ['ocr_corrected'] : [];
    return { value: repaired.digits, start: from + m[0].indexOf(m[1]), end: from + m[0].length, notes };
  },

  textAfterLabel: ({ text, from }) => {
    let end = text.length;
    const copies = COPIES_RE.exec(text.slice(from));
    if (copies && copies.index !== undefined) end = from + copies.index;
    let [s, e] = trimRange(text, from, end, SPECK_OR_PUNCTUATION);
    if (e <= s) return null;
    // A lone mark inside the value (`the Minister ; pr`, `Vienna : : . we`) is dust on the scan and
    // what follows it is read from more dust: the value ends there, and is checked.
    const speck = /\s[^\p{L}\p{N}\s[(]+(?=\s|$)/u.exec(text.slice(s, e));
    // A stray lower-case letter after an upper-case name (`CC CPSU i`).
    const strayLetter = /(?<=\b\p{Lu}{2,})\s+\p{Ll}$/u.exec(text.slice(s, e));
    const notes: string[] = [];
    if (speck && speck.index > 0) {
      [s, e] = trimRange(text, s, s + speck.index, SPECK_OR_PUNCTUATION);
      notes.push('ocr_corrected');
    } else if (strayLetter) {
      e = s + strayLetter.index;
      notes.push('ocr_corrected');
    }
    if (e <= s) return null;
    const fixed = fixTitles(text.slice(s, e));
    if (fixed.fixed) notes.push('ocr_corrected');
    return { value: fixed.value, start: s, end: e, notes: [...new Set(notes)] };
  },

  copies: ({ text, from }) => {
    const m = COPIES_RE.exec(text.slice(from));
    if (!m || m.index === undefined) return null;
    const raw = (m[1] ?? m[2] ?? m[3]).toLowerCase();
    const word = NUMBER_WORDS[raw];
    const repaired = word ? { digits: String(word), corrected: false } : repairNumberToken(raw);
    if (!repaired) return null;
    return { value: Number(repaired.digits), start: from + m.index, end: from + m.index + m[0].length, notes: repaired.corrected ? ['ocr_corrected'] : [] };
  },

  placeDateTime: ({ text, from, field }) => {
    const rest = text.slice(from);
    const r = findPlaceDateTime(rest, { allowInvalid: true });
    // A place-date-time line names its place: a date inside a sentence is not this field.
    if (!r.place || !placeFromRange(text, from + r.place.start, from + r.place.end)) return null;
    if (field.part === 'date' && r.date) return { value: r.date.iso, start: from + r.date.start, end: from + r.date.end, notes: r.date.notes };
    if (field.part === 'time' && r.time) return { value: r.time.hhmm, start: from + r.time.start, end: from + r.time.end, notes: r.time.notes };
    if (field.part === 'place' && r.place && (r.date || r.time)) return placeFromRange(text, from + r.place.start, from + r.place.end);
    return null;
  },

  date: ({ text, from }) => {
    const d = findDate(text.slice(from), { allowInvalid: true });
    return d ? { value: d.iso, start: from + d.start, end: from + d.end, notes: d.notes } : null;
  },

  time: ({ text, from }) => {
    const t = findTime(text.slice(from));
    return t ? { value: t.hhmm, start: from + t.start, end: from + t.end, notes: t.notes } : null;
  },

  // A line that is only a place name: with no date beside it, only a gazetteer place counts.
  place: ({ text, from }) => {
    const rest = text.slice(from).trim();
    if (!rest || rest.split(/\s+/).length > 4 || /\d/.test(rest)) return null;
    const out = placeFromRange(text, from, text.length);
    return out && !out.notes.includes('unknown_place') ? out : null;
  },

  fromTo: ({ text, from, field }) => {
    let s = from;
    const lead = /^\s*(?:from\s+)?/i.exec(text.slice(s));
    if (lead) s += lead[0].length;
    let end = text.length;
    const cut = subjectStart(text.slice(s));
    if (cut >= 0) end = s + cut;
    const region = text.slice(s, end);
    const tos = [...region.matchAll(/\s+to\s+/gi)];
    if (tos.length === 0) return null;
    const last = tos[tos.length - 1];
    const splitAt = s + (last.index ?? 0);
    const [fs, fe] = trimRange(text, s, splitAt);
    const [ts, te] = trimRange(text, splitAt + last[0].length, end);
    if (fe <= fs || te <= ts) return null;
    // Several ` to `s (`USSR Ambassador to USA A.F. Dobrynin to USSR MFA`): the last one splits,
    // and that is sure only when the sender then ends with a person's name (initials + surname).
    const senderEndsWithName = /(?:^|\s)(?:[A-Z][a-z]?\.\s?){1,3}[A-Z][A-Za-z'-]+\)?$/.test(text.slice(s, splitAt).trim());
    const notes = tos.length > 1 && !senderEndsWithName ? ['ambiguous_split'] : [];
    // A word one OCR error away from `to` (`tc`, `t0`) may be the real split point.
    const toLike = region.split(/\s+/).some((w) => w.length === 2 && w.toLowerCase() !== 'to' && distance(w.toLowerCase(), 'to') === 1 && !COMMON_TWO_LETTER.has(w.toLowerCase()));
    if (toLike) notes.push('ambiguous_split');
    // `... Mirsky ‘To: USSR MFA`: a `To:` label inside the sentence means lines were joined wrongly.
    if (/\b(?:to|from)\s*:/i.test(region)) notes.push('ambiguous_split');
    const [vs, ve] = field.part === 'from' ? [fs, fe] : [ts, te];
    // FRUS prints the title with its accent (`the Chargé in Turkey`); the OCR often drops it.
    const value = fixTitles(text.slice(vs, ve).replace(/\bCharge(?= in\b| d'Affaires\b)/g, 'Chargé')).value;
    if (value !== text.slice(vs, ve)) notes.push('ocr_corrected');
    return { value, start: vs, end: ve, notes };
  },

  classification: ({ text, from }) => readMarkings(text, from, 'classification'),
  precedence: ({ text, from }) => readMarkings(text, from, 'precedence'),

  line: ({ text, from, field }) => {
    const [s, e] = trimRange(text, from, text.length, /[\s,;:]/);
    if (e <= s) return null;
    const value = text.slice(s, e);
    if (field.maxWords && value.split(/\s+/).length > field.maxWords) return null;
    if (field.pattern && !new RegExp(field.pattern, 'i').test(value)) return null;
    const fixed = fixTitles(value);
    return { value: fixed.value, start: s, end: e, notes: fixed.fixed ? ['ocr_corrected'] : [] };
  },

  signature: ({ text, from, field }) => {
    const [cleanStart, cleanEnd] = dropSpeckTokens(text, from, text.length);
    // A speck read as a quote mark glued to the name (`‘KERSHAW`) is not part of it, nor a lone
    // lower-case letter in front of a capitalised name (`p Franklin Mott Gunther.`).
    let [s, e] = trimRange(text, cleanStart, cleanEnd);
    while (s < e && /[‘’'`"“”*•·]/.test(text[s])) s++;
    const strayLetter = /^\p{Ll}\s+(?=\p{Lu})/u.exec(text.slice(s, e));
    if (strayLetter) s += strayLetter[0].length;
    if (e <= s) return null;
    // A title after the name on its line is not part of the signature (`M. WEISSMANN, Secretary.`).
    const titled = SIGNER_TITLE.exec(text.slice(s, e));
    if (titled) e = s + titled.index;
    const value = text.slice(s, e);
    const repaired = repairInitials(value);
    if (!looksLikeName(repaired, field.maxWords ?? 5) || findDate(repaired)) return null;
    if (field.pattern && !new RegExp(field.pattern, 'i').test(repaired)) return null;
    // A speck dropped before a name may have been an initial (`& ZIMIN` for `G. ZIMIN`).
    const dropped = text.slice(from, cleanStart).trim().length > 0 || strayLetter !== null;
    const notes = dropped || repaired !== value ? ['ocr_corrected'] : [];
    return { value: repaired, start: s, end: e, notes };
  },

  dispatch: ({ text, from }) => {
    const rest = text.slice(from);
    if (!findDayMonth(rest) && !findTime(rest)) return null;
    const [s, e] = trimRange(text, ...dropSpeckTokens(text, from, text.length), /\s/);
    if (rest.trim().split(/\s+/).length > 8) return null;
    return { value: text.slice(s, e), start: s, end: e, notes: [] };
  },

  fileReference: ({ text, from }) => {
    const m = /^\s*(\d[\w.]*(?:\s+[A-Za-z][\w.]*){0,2}\s*\/\s*[0-9OolI][0-9OolI–—-]*)/.exec(text.slice(from));
    if (!m) return null;
    const start = from + m[0].indexOf(m[1]);
    // After the slash FRUS prints the date of the document, month–day-and-year, always with an
    // en dash; a typed or OCR'd hyphen is the same mark, and `l`/`O` next to its digits are digits.
    const slash = m[1].indexOf('/');
    const datePart = m[1].slice(slash + 1);
    const normalDate = datePart.replace(/[-—‐]/g, '–').replace(/[OolI]/g, (c) => ({ O: '0', o: '0', l: '1', I: '1' })[c] ?? c);
    const notes = normalDate.replace(/–/g, '') !== datePart.replace(/[-—‐–]/g, '') ? ['ocr_corrected'] : [];
    return { value: m[1].slice(0, slash + 1).replace(/\s*\/$/, '/') + normalDate, start, end: start + m[1].length, notes };
  },

  archiveRef: (input) => {
    // The opening bracket read as `(`, `{` or `|` (`(NAA: A1838, 301/6/17]`): the same note, checked.
    const misreadBracket = /^(\s*)[({|](?=\s*(?:N?AA|SFU)\s*[:;])/.exec(input.text.slice(input.from));
    if (!misreadBracket) return readArchiveRef(input);
    const at = input.from + misreadBracket[1]!.length;
    const out = readArchiveRef({ ...input, text: `${input.text.slice(0, at)}[${input.text.slice(at + 1)}` });
    return out && { ...out, notes: [...new Set([...out.notes, 'ocr_corrected'])] };
  },

  // The body is assembled by the extractor from whole lines; it is never parsed from one line.
  body: () => null,

  postHeading: ({ text, from }) => {
    // Capitalised words from the start, up to the first word that is not (a lower-case word, a
    // number line joined after the heading, specks read beside a seal).
    const tokens = [...text.slice(from).matchAll(/\S+/g)];
    // Specks or a seal read as short capitals before the heading (`TTT "LEGATION OF THE`).
    while (tokens.length > 1 && /^[^\p{L}]*\p{Lu}{1,3}[^\p{L}]*$/u.test(tokens[0]![0]) && !/^(THE|OF)$/.test(tokens[0]![0])) tokens.shift();
    const kept: RegExpMatchArray[] = [];
    let specks = false;
    for (const t of tokens) {
      const w = t[0].replace(/^[^\p{L}]+|[^\p{L}.]+$/gu, '');
      // A mark with no letter between the heading's lines (`LEGATION OF THE § UNITED STATES`) is a speck.
      if (!w && kept.length > 0) {
        specks = true;
        continue;
      }
      if (!w || !/^[\p{Lu}][\p{Lu}.'’-]*$/u.test(w) || (w.length === 1 && kept.length > 0 && !/^[AI]$/.test(w))) break;
      kept.push(t);
    }
    if (kept.length < 2) return null;
    const s = from + (kept[0]!.index ?? 0);
    const lastTok = kept[kept.length - 1]!;
    const e = from + (lastTok.index ?? 0) + lastTok[0].length;
    const value = kept.map((t) => t[0].replace(/^[^\p{L}]+|[^\p{L}.]+$/gu, '')).join(' ').replace(/\.$/, '');
    if (!OFFICE_WORD.test(value)) return null;
    const notes = text.slice(from, s).trim() || specks ? ['ocr_corrected'] : [];
    // `LEGATION OF THE` with the next line lost: a heading does not end on an article or a preposition.
    if (/\b(OF|THE|AND|FOR|IN|AT|TO|DE|DU|DES|LA|LE)$/.test(value)) notes.push('incomplete_value');
    return { value, start: s, end: e, notes };
  },

  recipientBlock: ({ text, from, label }) => {
    // After `The Honorable` the office (`The Secretary of State,`), which ends at its comma: the
    // city line follows. A stamp's words may be read between them (`__ — fos (2 SECRETARY en.`).
    if (!label) return null;
    const office = /\bThe\s+\p{Lu}[\p{L}'’-]*(?:\s+(?:of|the|for|and|in|on|\p{Lu}[\p{L}'’.-]*)){0,7}/u.exec(text.slice(from));
    if (!office || office.index === undefined) return null;
    const s = from + office.index;
    const [, e] = trimRange(text, s, s + office[0].length, SPECK_OR_PUNCTUATION);
    const notes = text.slice(from, s).replace(/[\s_\-–—.,]/g, '').length > 0 ? ['ocr_corrected'] : [];
    return { value: text.slice(s, e), start: s, end: e, notes };
  },

  subject: ({ text, from }) => {
    let [s, e] = trimRange(text, from, text.length, /[\s,;:]/);
    // The full stop is part of the subject as typed; other marks at its end are specks.
    while (e > s && /[‘’“”"·•\-–_]/.test(text[e - 1]!)) e--;
    if (e <= s) return null;
    // A stamp's capitals read after the subject's full stop (`...Press. DIVISION OF`) are not the subject.
    const stamp = /\.\s+(?=\p{Lu}{2,}(?:\s+\p{Lu}{2,})*\s*$)/u.exec(text.slice(s, e));
    const notes: string[] = [];
    if (stamp) {
      e = s + stamp.index + 1;
      notes.push('ocr_corrected');
    }
    const value = text.slice(s, e).replace(/\s+/g, ' ');
    if (value.split(' ').length > 40 || !/\p{L}{3,}/u.test(value)) return null;
    // `Elimination of Jewish Elements in the`: a subject does not end on a small word; its next
    // line was not read.
    if (/\b(of|the|and|for|in|at|to|on|by|with|from|a|an|de|du|des|la|le|et)$/i.test(value)) notes.push('incomplete_value');
    return { value, start: s, end: e, notes };
  },

  addressLine: ({ text, from, field }) => {
    let at = from;
    const prefix = /^\s*(?:to\s*[:=\-–—]+|to\s+-)\s*/i.exec(text.slice(at));
    if (prefix) at += prefix[0].length;
    const [s, e] = trimRange(text, at, text.length, /[\s,;:.]/);
    if (e <= s) return null;
    const value = text.slice(s, e);
    if (!/^[\p{Lu}]/u.test(value) || /^\d/.test(value)) return null;
    if (field.maxWords && value.split(/\s+/).length > field.maxWords) return null;
    if (field.pattern && !new RegExp(field.pattern, 'i').test(value)) return null;
    return { value, start: s, end: e, notes: [] };
  },

  cityInLine: ({ text, from }) => {
    // Whole words or two-word runs that are a known city, exactly (case folded): an address line
    // names its city among street numbers and postal districts.
    const tokens = [...text.slice(from).matchAll(/[\p{L}][\p{L}'’.-]*/gu)];
    for (let n = 2; n >= 1; n--) {
      for (let i = 0; i + n <= tokens.length; i++) {
        const first = tokens[i]!;
        const last = tokens[i + n - 1]!;
        const s = from + (first.index ?? 0);
        const e = from + (last.index ?? 0) + last[0].length;
        const candidate = text.slice(s, e).replace(/\.$/, '');
        if (candidate.length < 4 || !/^\p{Lu}/u.test(candidate)) continue;
        const hit = lookupPlace(candidate);
        if (hit?.exact) return { value: hit.name, start: s, end: s + candidate.length, notes: [] };
      }
    }
    return null;
  },
};

/** A DFAT archive note (`[NAA: A1838, 494/2/10, iv]`), also when the OCR damaged its code or its brackets. */
function readArchiveRef({ text, from }: ParseInput): ParseOutput | null {
  const m = /\[\s*(?:N?AA|SFU)\s*:[^\]]*\]|^\s*(?:NAA|AA)\s*:.*$/i.exec(text.slice(from));
  if (!m || m.index === undefined) {
    // `[NAR: ‘M4234, 25/8/38, i]`: a bracketed note whose archive code the OCR misread.
    const misread = /^\s*\[\s*[A-Z]{2,3}\s*[:;]\s*\S[^\]]*\]?\s*$/.exec(text.slice(from))
      // `[fikAs A3300, 802/17/30, iii`: the code garbled, the series and control symbol legible.
      ?? /^\s*\[\s*\S{1,6}\s*[:;]?\s+[A-Z]{1,2}\d{3,5}\s*,\s*\S[^\]]*\]?\s*$/.exec(text.slice(from));
    if (misread) {
      const [s, e] = trimRange(text, from, from + misread[0].length, /\s/);
      return { value: closeLostBracket(text.slice(s, e)), start: s, end: e, notes: ['ocr_corrected'] };
    }
    // The OCR often loses the closing bracket (`[NAA: A3300, 320/13/28, hd`): still the
    // archive note (so it stays out of the body), but its end was misread.
    const open = /^\s*\[\s*(?:N?AA|SFU)\s*:\s*\S.*$/i.exec(text.slice(from));
    if (!open) return null;
    const [s, e] = trimRange(text, from, from + open[0].length, /\s/);
    return { value: closeLostBracket(text.slice(s, e)), start: s, end: e, notes: ['ocr_corrected'] };
  }
  const [s, e] = trimRange(text, from + m.index, from + m.index + m[0].length, /\s/);
  return { value: text.slice(s, e), start: s, end: e, notes: [] };
}

/** A closing bracket read as a letter glued to the item number (`iv]` as `ivl`) is put back. */
function closeLostBracket(note: string): string {
  return note.endsWith(']') ? note : note.replace(/(,\s*[ivx]+)[l|1I!]$/, '$1]');
}

export function runParser(name: ParserName, input: ParseInput): ParseOutput | null {
  let out: ParseOutput | null;
  try {
    out = PARSERS[name](input);
  } catch {
    return null;
  }
  if (!out || !input.field.vocabulary || typeof out.value !== 'string') return out;
  const known = matchVocabulary(out.value, vocabularyEntries(input.field.vocabulary));
  if (!known || !known.corrected) return out;
  return { ...out, value: known.value, notes: [...new Set([...out.notes, 'ocr_corrected'])] };
}
