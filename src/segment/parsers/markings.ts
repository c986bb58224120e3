// Parsers of a document's markings: its type (the label itself), classification and precedence.
import { distance } from 'fastest-levenshtein';
import type { ParserName } from '../profile-schema.ts';
import { labelKey } from '../text.ts';
import type { ParseOutput, Parser } from './shared.ts';

const CLASSIFICATION_WORDS = [
  'TOP',
  'SECRET',
  'CONFIDENTIAL',
  'RESTRICTED',
  'UNCLASSIFIED',
  'LIMITED',
  'OFFICIAL',
  'USE',
  'ONLY',
  'EYES',
  'PERSONAL',
  'STRICTLY',
];
const PRECEDENCE_WORDS = ['FLASH', 'IMMEDIATE', 'OPERATIONAL', 'PRIORITY', 'URGENT', 'ROUTINE', 'NIACT', 'MOST', 'EMERGENCY', 'DEFERRED'];
const CLASSIFICATIONS = [
  'TOP SECRET',
  'SECRET',
  'STRICTLY CONFIDENTIAL',
  'CONFIDENTIAL',
  'RESTRICTED',
  'UNCLASSIFIED',
  'LIMITED OFFICIAL USE',
  'OFFICIAL USE ONLY',
];
const PRECEDENCES = ['OPERATIONAL IMMEDIATE', 'MOST IMMEDIATE', 'FLASH', 'IMMEDIATE', 'PRIORITY', 'URGENT', 'ROUTINE', 'NIACT', 'EMERGENCY', 'DEFERRED'];

/** Marking words printed in another grammatical form (translated Soviet headers print `Immediately`). */
const MARKING_ALIASES: Record<string, string> = { IMMEDIATELY: 'IMMEDIATE', URGENTLY: 'URGENT' };

interface VocabularyWord {
  readonly word: string;
  readonly exact: boolean;
}

/**
 * The marking word a token reads as, remembered within a bound: the classification and
 * precedence fields are tried on every header line of every profile (each page's top lines
 * too, for grouping), and the same few tokens come back each time.
 */
function vocabularyWord(token: string): VocabularyWord | null {
  let found = VOCABULARY_WORDS.get(token);
  if (found === undefined) {
    if (VOCABULARY_WORDS.size >= MAX_VOCABULARY_WORDS) VOCABULARY_WORDS.clear();
    found = findVocabularyWord(token);
    VOCABULARY_WORDS.set(token, found === null ? null : Object.freeze(found));
  }
  return found;
}

const VOCABULARY_WORDS = new Map<string, VocabularyWord | null>();
const MAX_VOCABULARY_WORDS = 20_000;

function findVocabularyWord(token: string): VocabularyWord | null {
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
      return [
        { t: joined[1]!, start, end: start + joined[1]!.length },
        { t: joined[2]!, start: start + joined[1]!.length + 1, end: start + m[0].length },
      ];
    })
    // Dust read as marks (`Nr. 2342 : CONFIDENTIAL`, `Confidential -`) is not a word of the line.
    .filter((x) => /[\p{L}\p{N}]/u.test(x.t));
  // `CONF IDENTIAL`, `CONFIDENT IAL`: one word the OCR split (an underline painted out under it, a
  // stamp's edge through it). Joined, a marking word; read so, not as printed (ocr_corrected).
  const split = new Set<number>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, b] = [tokens[i]!, tokens[i + 1]!];
    if (b.start - a.end > 2 || (vocabularyWord(a.t) && vocabularyWord(b.t))) continue;
    const joined = vocabularyWord(a.t + b.t);
    if (!joined || joined.word.length < 6) continue;
    tokens.splice(i, 2, { t: a.t + b.t, start: a.start, end: b.end });
    split.add(i);
  }
  if (tokens.length === 0 || tokens.length > 6) return null;
  const words = tokens.map((x, i) => {
    if (split.has(i)) return { ...x, v: { word: vocabularyWord(x.t)!.word, exact: false } };
    const v = vocabularyWord(x.t);
    // `TOR SECRET`: a three-letter word is too short to match fuzzily, except TOP before SECRET.
    if (!v && i + 1 < tokens.length && distance(x.t.toUpperCase(), 'TOP') === 1 && vocabularyWord(tokens[i + 1]!.t)?.word === 'SECRET')
      return { ...x, v: { word: 'TOP', exact: false } };
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

export const markingParsers = {
  docType: ({ label }) => (label ? { value: label.label.toUpperCase().replace(/[\s:.]+$/, ''), start: label.start, end: label.end, notes: [] } : null),

  classification: ({ text, from }) => readMarkings(text, from, 'classification'),

  precedence: ({ text, from }) => readMarkings(text, from, 'precedence'),
} satisfies Partial<Record<ParserName, Parser>>;
