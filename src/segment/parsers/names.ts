// Parsers of people and offices: the text after a label, a from-to line, a line, a signature,
// an address line, the recipient block of a despatch.
import { distance } from 'fastest-levenshtein';
import { isKnownPlace } from '../../confidence/gazetteer.ts';
import { findDate } from '../datetime.ts';
import { vocabularyEntries } from '../vocabulary.ts';
import type { ParserName } from '../profile-schema.ts';
import { COPIES_RE, fixTitles, SPECK_OR_PUNCTUATION, dropSpeckTokens, trimRange, type ParseInput, type ParseOutput, type Parser } from './shared.ts';

/**
 * The initial of a signature as dust and a worn ribbon leave it: its full stop read as a comma
 * (`I, Dalziel`), as a mark (`P+. Bulavin`, `T+« TREGEAR`) or as an `s` (`Gs Lavrov`), the letter
 * doubled (`Vv. Tarasenko`), a quote mark before the surname (`L. “Dorokhov`). The caller sends
 * any repaired signature to review.
 */
function repairInitials(value: string): string {
  return (
    value
      // `1; BELLANDI`: the initial I read as a one, its full stop as a mark.
      .replace(/^[1l|][;,:.]\s+(?=\p{Lu}{2})/u, 'I. ')
      .replace(/^([A-Z])[+«»*'’‘"“”,;:]+\.?(\s+)(?=\p{Lu})/u, '$1.$2')
      .replace(/^([A-Z])([a-z])\.?(\s+)(?=\p{Lu}\p{L})/u, (m, letter: string, next: string, space: string) =>
        (next === letter.toLowerCase() || next === 's') && !/^(Ms|Mr|Dr|St)$/.test(letter + next) ? `${letter}.${space}` : m,
      )
      .replace(/^((?:[A-Z][a-z]?[.,]\s?)*[A-Z][a-z]?),(\s*)(?=[A-Z])/, '$1.$2')
      .replace(/(^|\s)[‘’“”"`]+(?=\p{L})/gu, '$1')
      // `AG. Kowalczyk`: two initials run together, the first one's stop and space lost (not a title: `MR.`, `DR.`).
      .replace(/^(?!(?:MR|DR|ST|JR|MS)\.)([A-Z])([A-Z])\.(\s+)(?=\p{Lu}\p{Ll})/u, '$1. $2.$3')
      .replace(/\.{2,}$/, '.')
      .replace(SPECKED_INITIAL, '$1.')
  );
}

/**
 * An initial whose stop the scan turned into a small round letter and a stop (`Ve. F. Moreau`,
 * `Mr. I. Be. Whitlock`, heavy and mild letters): a capital with `e` or `c` and a stop, at the name's
 * start or after an initial or a title, before a capital. No English name abbreviates so.
 */
const SPECKED_INITIAL = /(?<=^|(?:^|\s)(?:\p{Lu}|Mr|Mrs|Dr|Prof)\.\s+)(\p{Lu})[ec]\.(?=\s+\p{Lu})/gu;

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

/** Titles typed after a signer's name (`M. WEISSMANN, Secretary.`): not part of the name. */
const SIGNER_TITLE =
  /(?:,\s*|\s+(?=(?:Rabbi|Secretary|Chairman|Director|Treasurer|President)\b))(?:Hon\.\s*)?(?:Secretary|Chairman|Director|Treasurer|Rabbi|President|Minister|Consul(?:\s+General)?|Ambassador|Chargé d'Affaires(?:\s+a\.\s*i\.)?|Secretary of Legation|Secretary of Embassy)\.?$/i;

/** Note of recipientBlock: label, office and city line read in order, nothing between them. */
export const BLOCK_WHOLE = 'recipient_block_whole';

/**
 * Are the words with letters among text[from, to) all wholly above the row of the word starting at `to` (its
 * box's top), on the same page? Without boxes, no.
 */
function aboveRow(words: ParseInput['words'], from: number, to: number, officeWords: ReadonlySet<string>): boolean {
  if (!words) return false;
  const first = words.find((w) => w.start === to);
  if (!first) return false;
  const between = words.filter((w) => w.start >= from && w.end <= to && /\p{L}/u.test(w.text));
  // A word an office is made of (a stamp's `SECRETARY` over the corpus's 1939 despatch) may be the office's all the same.
  if (between.some((w) => officeWords.has(w.text.replace(/[^\p{L}]/gu, '').toLowerCase()))) return false;
  return between.length > 0 && between.every((w) => w.bbox[3] <= first.bbox[1]);
}

/** The words of three letters or more of a vocabulary's entries (`secretary`, `state`, `under`), lower-case. */
function entryWords(vocabulary: string | undefined): ReadonlySet<string> {
  if (!vocabulary) return new Set();
  return new Set(vocabularyEntries(vocabulary).flatMap((e) => e.toLowerCase().match(/\p{L}{3,}/gu) ?? []));
}

/**
 * `The (Honorable` / `pe FUE Crh Secretary of State,`: the office's article under a stamp read as
 * garble. The office's own words, capitalised and joined by small ones up to its comma, are still the
 * office when the vocabulary lists it: the article is put back (the block's office is always `The ...`), reviewed.
 */
function bareOffice(text: string, from: number, vocabulary: string | undefined): ParseOutput | null {
  const bare = /(?<=\s)(\p{Lu}\p{Ll}{2,}(?:\s+(?:of|the|for|and|in|on)\s+\p{Lu}\p{Ll}+)+)(?=,)/u.exec(text.slice(from));
  if (!bare || bare.index === undefined) return null;
  // Only an office the vocabulary lists, spelled as it lists it: with its article gone and its words
  // misread too (`Toe Secretery of Stete,`), the block is missing, not guessed.
  const office = `the ${bare[1]}`.toLowerCase();
  if (!vocabulary || !vocabularyEntries(vocabulary).some((entry) => entry.toLowerCase() === office)) return null;
  const start = from + bare.index;
  return { value: `The ${bare[1]}`, start, end: start + bare[1]!.length, notes: ['ocr_corrected'] };
}

export const nameParsers = {
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
    const toLike = region
      .split(/\s+/)
      .some((w) => w.length === 2 && w.toLowerCase() !== 'to' && distance(w.toLowerCase(), 'to') === 1 && !COMMON_TWO_LETTER.has(w.toLowerCase()));
    if (toLike) notes.push('ambiguous_split');
    // `... Mirsky ‘To: USSR MFA`: a `To:` label inside the sentence means lines were joined wrongly.
    if (/\b(?:to|from)\s*:/i.test(region)) notes.push('ambiguous_split');
    const [vs, ve] = field.part === 'from' ? [fs, fe] : [ts, te];
    // FRUS prints the title with its accent (`the Chargé in Turkey`); the OCR often drops it.
    const value = fixTitles(text.slice(vs, ve).replace(/\bCharge(?= in\b| d'Affaires\b)/g, 'Chargé')).value;
    if (value !== text.slice(vs, ve)) notes.push('ocr_corrected');
    return { value, start: vs, end: ve, notes };
  },

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
    if (field.minWords && repaired.split(/\s+/).length < field.minWords) notes.push('incomplete_value');
    return { value: repaired, start: s, end: e, notes };
  },

  addressLine: ({ text, from, field }) => {
    let at = from;
    const prefix = /^\s*(?:to\s*[:=\-–—]+|to\s+-)\s*/i.exec(text.slice(at));
    // `Tos Central Committee for Emigrant Aid`: the label's colon read as an `s` glued to it (repaired, reviewed).
    const misreadLabel = prefix ? null : /^\s*To[s5]\s+(?=\p{Lu})/u.exec(text.slice(at));
    if (prefix) at += prefix[0].length;
    if (misreadLabel) at += misreadLabel[0].length;
    let [s, e] = trimRange(text, at, text.length, /[\s,;:.]/);
    if (e <= s) return null;
    // `Mrs. T. B. Whitcombe,’`: a speck read as a quote mark or a dash glued after the line's comma or stop (read through, reviewed).
    const [, markless] = trimRange(text, s, e, SPECK_OR_PUNCTUATION);
    const glued = markless < e && /[‘’“”"·•\-–]/u.test(text.slice(markless, e));
    if (glued) e = markless;
    // A speck read as a lone small letter or a mark before the line (`i The Emigration Advisory Bureau,`): read through, reviewed.
    const speck = /^(?:\p{Ll}|[^\p{L}\p{N}\s(]{1,2})\s+(?=\p{Lu}\p{Ll})/u.exec(text.slice(s, e));
    if (speck) s += speck[0].length;
    // And one after it (`Professor D. G. Ashcroft, $`, `Mrs. M. Moreau, ?`, degraded17-fit-b 0015 heavy): a mark standing alone at the line's end.
    const trailing = /\s+[^\p{L}\p{N}\s()]{1,2}$/u.exec(text.slice(s, e));
    if (trailing) [s, e] = trimRange(text, s, e - trailing[0].length, /[\s,;:]/);
    let value = text.slice(s, e);
    // `The. Joint Board of Assistance,`: a speck read as a stop or a colon glued to the article (repaired, reviewed);
    // `The.Emigration Advisory Bureau`: glued between the article and the name, where the space was.
    const article = /^The[.,:;](?=\s|\p{Lu}\p{Ll})/u.test(value);
    if (article) value = `The${/^The.\s/u.test(value) ? '' : ' '}${value.slice(4)}`;
    // `Mrs. Yu. S. ‘Tillman`: a speck read as a quote mark glued before a word inside the name, no quotation closing it (repaired, reviewed).
    const quoted = /(?<=\s)[‘'"“](?=\p{Lu}\p{Ll})/u.test(value) && !/[’"”]/.test(value);
    if (quoted) value = value.replace(/(?<=\s)[‘'"“](?=\p{Lu}\p{Ll})/gu, '');
    // `Miss M.. M. Ashcroft`: an initial's stop read twice (repaired, reviewed).
    const doubled = /(?<=\b\p{Lu})\.{2,}(?=\s)/u.test(value);
    if (doubled) value = value.replace(/(?<=\b\p{Lu})\.{2,}(?=\s)/gu, '.');
    // `Board of Relief for- Stateless Persons`: a speck read as a dash glued to a small word (repaired, reviewed).
    const dashed = /(?<=\s(?:for|of|and|the|in|on|to))[-–—](?=\s+\p{Lu})/u.test(value);
    if (dashed) value = value.replace(/(?<=\s(?:for|of|and|the|in|on|to))[-–—](?=\s+\p{Lu})/gu, '');
    // `Mr. I. Be. Whitlock`: an initial's stop read as a small letter and a stop (repaired, reviewed).
    const initials = value.replace(SPECKED_INITIAL, '$1.');
    const specked = initials !== value;
    value = initials;
    if (!/^[\p{Lu}]/u.test(value) || /^\d/.test(value)) return null;
    // The city line of an address (`Amsterdam.`) is no addressee: the lines above it were not read.
    if (isKnownPlace(value.replace(/[.,]$/, ''))) return null;
    // No word of three letters (`Si a o` after a `To:` over a smudge): dust read as letters, not an addressee.
    if (!/\p{L}{3,}/u.test(value)) return null;
    if (field.maxWords && value.split(/\s+/).length > field.maxWords) return null;
    if (field.pattern && !new RegExp(field.pattern, 'i').test(value)) return null;
    // `Relief office for Displaced Families`: in a name whose other long words are capitalised, a long
    // word in small letters that opens on a letter whose capital is its small form typed larger (c, o,
    // s, v, w, x, z on a typewriter) was read a size too small. Capitalised, reviewed.
    const words = value.split(/\s+/);
    const long = words.filter((w) => /^\p{L}{4,}/u.test(w));
    const small = long.filter((w) => /^\p{Ll}/u.test(w));
    if (small.length === 1 && long.length >= 3 && /^[cosvwxz]\p{Ll}{3,}\W*$/u.test(small[0]!)) {
      const at = words.indexOf(small[0]!);
      words[at] = small[0]![0]!.toUpperCase() + small[0]!.slice(1);
      return { value: words.join(' '), start: s, end: e, notes: ['ocr_corrected'] };
    }
    return {
      value,
      start: s,
      end: e,
      notes: speck || trailing || article || specked || misreadLabel || glued || quoted || dashed || doubled ? ['ocr_corrected'] : [],
    };
  },

  recipientBlock: ({ text, from, label, words, field }) => {
    // After `The Honorable` the office (`The Secretary of State,`), which ends at its comma: the
    // city line follows. A stamp's words may be read between them (`__ — fos (2 SECRETARY en.`).
    if (!label) return null;
    // The label read again (`The Honorable` on its own line under a misread one) is no office.
    const again = /^[\s_\-–—.,]*The\s+Hono(u)?rable\b/iu.exec(text.slice(from));
    if (again) from += again[0].length;
    // `Thc' Secretary of State,` under a stamp: the article misread is still the office's first word (repaired, reviewed).
    // `The. Secretary: of state,` on a heavy page: a speck glued to a word (a colon, a semicolon) and the
    // small letter of the word after `of` do not end the office (repaired, reviewed).
    // `The Secretary. of, State,`: a stop or comma glued to the word before `of` or to `of` itself is a speck too.
    const office =
      /\bTh[ec][\p{P}]?\s+[‘’'"“”]?\p{Lu}[\p{L}'’-]*(?:(?:[:;]|[.,](?=\s+(?:of|the|for|and|in|on)[.,:;]?\s))?\s+(?:(?:of|the|for|and|in|on)(?:[.,:;](?=\s+\p{L}))?|[:;]?\p{Lu}[\p{L}'’.-]*|(?<=\bof[.,:;]?\s+)\p{Ll}{3,}(?=[\s,.]|$))){0,7}/u.exec(
        text.slice(from),
      );
    if (!office || office.index === undefined) return bareOffice(text, from, field.vocabulary);
    const s = from + office.index;
    const [, e] = trimRange(text, s, s + office[0].length, SPECK_OR_PUNCTUATION);
    const read = text.slice(s, e);
    const value = read
      .replace(/^Th[ec][\p{P}]?(?=\s)/u, 'The')
      // `The ‘Secretary of State,`, `The "Secretary of state,`: a speck read as a quote mark glued to the office's first word.
      .replace(/^(The\s+)[‘’'"“”](?=\p{Lu})/u, '$1')
      .replace(/(?<=\p{L})[:;](?=\s)/gu, '')
      .replace(/(?<=\p{L})[.,](?=\s+(?:of|the|for|and|in|on)[.,:;]?\s)/gu, '')
      .replace(/(?<=\s(?:of|the|for|and|in|on))[.,](?=\s)/gu, '')
      // `The Secretary of :State,`: a speck read as a colon glued before a word.
      .replace(/(?<=\s)[:;](?=\p{Lu})/gu, '')
      .replace(/(?<=\bof\s+)\p{Ll}(?=\p{Ll}{2,}$)/u, (c) => c.toUpperCase());
    // Words read between the label and the office (a stamp's `fos (2 SECRETARY en.`) may be part of
    // it; a figure or mark alone (`The Honorable 3`) is a speck, no letter of the block.
    // Letters read there on other rows than the office's (a stamp's `| Hig` after the label, a speck `ceen` read from
    // the page's right edge: review16s14-fit-c 0003, 0028) are none of its words: an office starting `The` starts its
    // own row, so what lies wholly above that row's first word is no part of it.
    const dust = /\p{L}/u.test(text.slice(from, s)) && !aboveRow(words, from, s, entryWords(field.vocabulary));
    const notes = dust || value !== read ? ['ocr_corrected'] : [];
    // The block read whole, label, office and the Department's city under it (`Washington.`): the
    // layout pins the office down, so a letter the vocabulary repairs in it is no open question.
    if (!dust && /^\W{0,3}Washington\b/u.test(text.slice(e))) notes.push(BLOCK_WHOLE);
    // The office goes on in words the OCR misread (`The Secretary oF hea oF`, accepted as `The Secretary` at
    // 0.96 on a heavy page): the office ends at its comma or its line, not before a word. Not read whole.
    else if (/^[ \t]+[\p{L}\p{N}]/u.test(text.slice(e)) && !/^\s+Washington\b/u.test(text.slice(e))) notes.push('incomplete_value');
    return { value, start: s, end: e, notes };
  },
} satisfies Partial<Record<ParserName, Parser>>;
