// Parsers of headings and notes: an office's printed heading, a subject line, an archive note,
// and the body (assembled by the extractor, never parsed from one line).
import type { ParserName } from '../profile-schema.ts';
import { trimRange, type ParseInput, type ParseOutput, type Parser } from './shared.ts';

/** Words of an office heading (`LEGATION OF THE UNITED STATES OF AMERICA`, `KGL. DANSK GESANDTSKAB`). */
const OFFICE_WORD =
  /\b(LEGATION|EMBASSY|CONSULATE|CONSULATE\s+GENERAL|FOREIGN\s+SERVICE|MINISTRY|MINISTÈRE|GESANDTSKAB|AMBASSADE|DELEGATION|HIGH\s+COMMISSION|MISSION|OFFICE)\b/;

export const headingParsers = {
  postHeading: ({ text, from }) => {
    // Capitalised words from the start, up to the first word that is not (a lower-case word, a
    // number line joined after the heading, specks read beside a seal).
    const tokens = [...text.slice(from).matchAll(/\S+/g)];
    // Specks or a seal read as short capitals before the heading (`TTT "LEGATION OF THE`).
    while (tokens.length > 1 && /^[^\p{L}]*\p{Lu}{1,3}[^\p{L}]*$/u.test(tokens[0]![0]) && !/^(THE|OF)$/.test(tokens[0]![0])) tokens.shift();
    const kept: RegExpMatchArray[] = [];
    let specks = false;
    for (const t of tokens) {
      // A label (`SUBJECT:` on the line joined after the heading) starts the next field: no heading word ends in a colon.
      if (kept.length > 0 && /\p{L}[:;]$/u.test(t[0])) break;
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
    const value = kept
      .map((t) => t[0].replace(/^[^\p{L}]+|[^\p{L}.]+$/gu, ''))
      .join(' ')
      .replace(/\.$/, '');
    if (!OFFICE_WORD.test(value)) return null;
    const notes = text.slice(from, s).trim() || specks ? ['ocr_corrected'] : [];
    // `LEGATION OF THE` with the next line lost: a heading does not end on an article or a preposition.
    // `THE FOREIGN SERVICE` above a received stamp's line, `EMBASSY OF THE UNITED STATES`: the
    // country that ends such a heading was not read.
    if (/\b(OF|THE|AND|FOR|IN|AT|TO|DE|DU|DES|LA|LE)$|\bFOREIGN SERVICE$|\bUNITED STATES$/.test(value)) notes.push('incomplete_value');
    return { value, start: s, end: e, notes };
  },

  subject: ({ text, from }) => {
    let [s, e] = trimRange(text, from, text.length, /[\s,;:]/);
    // `Subject: Political Situation in Germany,` and nothing after it: the subject's stop read as a comma.
    const stopAsComma = /^,\s*$/.test(text.slice(e)) && /\p{L}{3,}$/u.test(text.slice(s, e));
    // The full stop is part of the subject as typed; other marks at its end are specks.
    while (e > s && /[‘’“”"·•\-–_]/.test(text[e - 1]!)) e--;
    const notes: string[] = [];
    // A speck read as a dash or a quote mark glued to the first word (`Subject: -The Situation of Jews
    // in Germany.`, accepted so at 0.92 on a heavy page): no subject opens on one. Read through, reviewed.
    // A stop or a dot standing alone before it (`Subject:. Restrictions on ...`, the label's colon with a speck after
    // it; accepted so at 0.92 on a heavy page, degraded17-fit-b 0012) is dust of the same kind.
    const lead = /^(?:[‘’“”"'·•\-–—_~]+(?=\p{L})|[.·•]{1,2}\s+(?=\p{Lu}))/u.exec(text.slice(s, e));
    // A quoted title that opens the subject (`"Kristallnacht" in Vienna.`) keeps its quote mark.
    const quoted = lead && /["“”]/.test(lead[0]) && /["“”]/.test(text.slice(s + lead[0].length, e));
    if (lead && !quoted) {
      s += lead[0].length;
      notes.push('ocr_corrected');
    }
    if (e <= s) return null;
    // A stamp's capitals read after the subject's full stop (`...Press. DIVISION OF`) are not the subject.
    const stamp = /\.\s+(?=\p{Lu}{2,}(?:\s+\p{Lu}{2,})*\s*$)/u.exec(text.slice(s, e));
    if (stamp) {
      e = s + stamp.index + 1;
      notes.push('ocr_corrected');
    }
    let value = text.slice(s, e).replace(/\s+/g, ' ');
    // Dust read inside the subject (`concerning =} the Revision`, `Restrictions .on the Practice`,
    // `Provinces..`): a token of marks alone between words, a stop or comma glued before a small
    // letter, a second stop at the end are no part of a typed subject. Read through, reviewed.
    const cleaned = value
      .split(' ')
      .filter((t, i, all) => i === 0 || i === all.length - 1 || !/^[^\p{L}\p{N}&–—-]{1,3}$/u.test(t))
      .map((t) => t.replace(/^[.,·•]+(?=\p{Ll})/u, ''))
      // `Emigration of. Refugees`, `by. the Swiss`: a stop glued to a small word inside the subject is a speck.
      .map((t, i, all) => (i < all.length - 1 && /^(?:of|the|by|in|for|and|to|on|at|from|with)[.,]$/.test(t) ? t.slice(0, -1) : t))
      .join(' ')
      .replace(/\.{2,}$/, '.');
    if (cleaned !== value) {
      value = cleaned;
      notes.push('ocr_corrected');
    }
    if (stopAsComma && !/\b(of|the|and|for|in|at|to|on|by|with|from|a|an|de|du|des|la|le|et)$/i.test(value)) {
      value = `${value}.`;
      notes.push('ocr_corrected');
    }
    if (value.split(' ').length > 40 || !/\p{L}{3,}/u.test(value)) return null;
    // `Elimination of Jewish Elements in the`: a subject does not end on a small word; its next
    // line was not read.
    if (/\b(of|the|and|for|in|at|to|on|by|with|from|a|an|de|du|des|la|le|et)$/i.test(value)) notes.push('incomplete_value');
    return { value, start: s, end: e, notes };
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
} satisfies Partial<Record<ParserName, Parser>>;

/** A DFAT archive note (`[NAA: A1838, 494/2/10, iv]`), also when the OCR damaged its code or its brackets. */
function readArchiveRef({ text, from }: ParseInput): ParseOutput | null {
  const m = /\[\s*(?:N?AA|SFU)\s*:[^\]]*\]|^\s*(?:NAA|AA)\s*:.*$/i.exec(text.slice(from));
  if (!m || m.index === undefined) {
    // `[NAR: ‘M4234, 25/8/38, i]`: a bracketed note whose archive code the OCR misread.
    const misread =
      /^\s*\[\s*[A-Z]{2,3}\s*[:;]\s*\S[^\]]*\]?\s*$/.exec(text.slice(from)) ??
      // `[fikAs A3300, 802/17/30, iii`: the code garbled, the series and control symbol legible.
      /^\s*\[\s*\S{1,6}\s*[:;]?\s+[A-Z]{1,2}\d{3,5}\s*,\s*\S[^\]]*\]?\s*$/.exec(text.slice(from));
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
