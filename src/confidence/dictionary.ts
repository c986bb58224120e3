// The language's dictionary: the word list of Tesseract's own model for the language
// (dictionaries/<lang>.txt.gz, made by scripts/make-dictionary.sh from the LSTM word DAWG of
// tessdata_fast, Apache-2.0; 184,000 English words of three letters or more, names included:
// `Lindqvist`, `Prideaux`, `Iraqi`). A word of a subject or an addressee that it does not know, read at a
// confidence the pair's calibration does not vouch for, is held (index.ts, `unknown_word`): the OCR's
// one-letter misreads (`roceeding`, `Lindgvist`) come at 91-92 with nothing else on the page against them.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Languages a dictionary ships for (the OCR's language codes). */
export const DICTIONARY_LANGUAGES: readonly string[] = ['eng'];

const loaded = new Map<string, ReadonlySet<string>>();

/** The dictionary of one language, read on first use (about 0.27 s of CPU and 14 MB of heap for English, once a process). */
function dictionary(lang: string): ReadonlySet<string> | null {
  if (!DICTIONARY_LANGUAGES.includes(lang)) return null;
  let words = loaded.get(lang);
  if (!words) {
    const text = gunzipSync(readFileSync(new URL(`./dictionaries/${lang}.txt.gz`, import.meta.url))).toString('utf8');
    words = new Set(text.split('\n').filter(Boolean));
    loaded.set(lang, words);
  }
  return words;
}

/** A word as the dictionary lists it: marks around it and a possessive `'s` off, lower case. */
function wordCore(word: string): string {
  return word
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
    .replace(/['’]s$/u, '')
    .toLowerCase();
}

/**
 * Does the language's dictionary know this word? Case is ignored; marks around it, a possessive `'s`
 * and the parts of a hyphenated word are taken apart. Null when there is no dictionary for the
 * language, or the word has fewer than three letters (initials, `of`), which no list settles.
 */
export function knownWord(word: string, lang: string): boolean | null {
  const words = dictionary(lang);
  if (!words) return null;
  const parts = wordCore(word)
    .split('-')
    .filter((p) => p.length >= 3);
  if (parts.length === 0 || parts.some((p) => !/^\p{L}+$/u.test(p.replace(/['’]/g, '')))) return null;
  return parts.every((p) => words.has(p.replace(/’/g, "'")));
}

/** The one language a document's pages were read in (pages without words aside), or undefined when they differ. */
export function languageOfPages(pages: ReadonlyArray<{ lang: string; lines: readonly unknown[]; ocr: { lang?: string } }>): string | undefined {
  const langs = new Set(pages.filter((p) => p.lines.length > 0).map((p) => p.ocr.lang ?? p.lang));
  return langs.size === 1 ? [...langs][0] : undefined;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Is this word, which the dictionary does not know, one letter from a word it knows (one letter put for
 * another: `Lindgvist` for `Lindqvist`, `Iragi` for `Iraqi`)? That is the shape of the OCR's one-letter
 * misreads, which come at 90-92 with nothing else on the page against them; a rare name the list lacks is
 * mostly not one letter from any word (`Tregear`, `Prideaux`, `Hoxhaj`, `Carrodus`, `Marchbanks`). Null when
 * there is no dictionary for the language or the word is no word of letters of five or more.
 */
export function nearKnownWord(word: string, lang: string): boolean | null {
  const words = dictionary(lang);
  if (!words) return null;
  const parts = wordCore(word)
    .split('-')
    .filter((p) => p.length >= 5 && /^[a-z]+$/.test(p) && !words.has(p));
  if (parts.length === 0) return null;
  return parts.some((p) => {
    for (let i = 0; i < p.length; i++) for (const c of ALPHABET) if (c !== p[i] && words.has(p.slice(0, i) + c + p.slice(i + 1))) return true;
    return false;
  });
}
