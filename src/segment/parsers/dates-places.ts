// Parsers of when and where: a place-date-time line, a date, a time, a place, a dispatch line,
// the city of an address line.
import { lookupPlace } from '../../confidence/gazetteer.ts';
import { findDate, findDayMonth, findPlaceDateTime, findTime } from '../datetime.ts';
import type { ParserName } from '../profile-schema.ts';
import { dropSpeckTokens, placeFromRange, trimRange, type Parser } from './shared.ts';

export const dateAndPlaceParsers = {
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

  dispatch: ({ text, from }) => {
    const rest = text.slice(from);
    if (!findDayMonth(rest) && !findTime(rest)) return null;
    const [s, e] = trimRange(text, ...dropSpeckTokens(text, from, text.length), /\s/);
    if (rest.trim().split(/\s+/).length > 8) return null;
    return { value: text.slice(s, e), start: s, end: e, notes: [] };
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
} satisfies Partial<Record<ParserName, Parser>>;
