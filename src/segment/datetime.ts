// Date and time normaliser for typewritten telegram headers. OCR text is noisy
// (`l951`, `Ju1y`, `p. rn.`), so every function here is total: it returns null
// (or a partial result) instead of throwing, whatever string it is given.
//
// All finders return character offsets into the text they were given, so the
// caller can map a value back to the OCR words (and their boxes) it came from.
import { distance } from 'fastest-levenshtein';

export interface DateMatch {
  /** YYYY-MM-DD */
  iso: string;
  year: number;
  month: number;
  day: number;
  start: number;
  end: number;
  /** e.g. `ocr_corrected` when a letter was read as a digit. */
  notes: string[];
}

/** A day and month without a year (`30 June` in a dispatch line). */
export interface PartialDateMatch {
  month: number;
  day: number;
  start: number;
  end: number;
  notes: string[];
}

export interface TimeMatch {
  /** HH:MM, 24 h */
  hhmm: string;
  start: number;
  end: number;
  notes: string[];
}

export interface PlaceMatch {
  /** The place as printed (trimmed), not yet re-capitalised. */
  text: string;
  start: number;
  end: number;
}

export interface PlaceDateTime {
  place: PlaceMatch | null;
  date: DateMatch | null;
  time: TimeMatch | null;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBREVIATIONS: Record<string, number> = {
  jan: 1,
  feb: 2,
  febr: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
/**
 * Month names of the other languages archives file (French, German, Danish/Norwegian, Swedish,
 * Dutch, Italian, Spanish, Romanian), accents folded. Matched exactly only: the OCR-error
 * tolerance is for the English names, so a short foreign word never reads as a month by accident.
 */
const FOREIGN_MONTHS: Record<string, number> = Object.fromEntries(
  [
    ['janvier januar januari gennaio enero ianuarie', 1],
    ['fevrier februar februari febbraio febrero februarie', 2],
    ['mars marz maerz marts maart marzo martie', 3],
    ['avril aprile abril aprilie', 4],
    ['mai maj mei maggio mayo', 5],
    ['juin juni giugno junio iunie', 6],
    ['juillet juli luglio julio iulie', 7],
    ['aout augusti augustus agosto', 8],
    ['septembre settembre septiembre septembrie', 9],
    ['octobre oktober ottobre octubre octombrie', 10],
    ['novembre noviembre noiembrie', 11],
    ['decembre dezember dicembre diciembre decembrie', 12],
  ].flatMap(([names, month]) =>
    String(names)
      .split(' ')
      .map((n) => [n, Number(month)]),
  ),
);
const ROMAN_MONTHS: Record<string, number> = {
  I: 1,
  II: 2,
  III: 3,
  IV: 4,
  V: 5,
  VI: 6,
  VII: 7,
  VIII: 8,
  IX: 9,
  X: 10,
  XI: 11,
  XII: 12,
};

/** Letters OCR often reads in place of digits. Only replaced next to a digit. */
export const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  '!': '1',
  O: '0',
  o: '0',
  Q: '0',
  D: '0',
  S: '5',
  s: '5',
  Z: '2',
  z: '2',
  B: '8',
  G: '6',
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

const LOOKALIKE_CLASS = `[${Object.keys(DIGIT_LOOKALIKES)
  .map((c) => c.replace(/[\]\\^-]/g, '\\$&'))
  .join('')}]`;
/** A look-alike beside a digit: without one, repairDigits has nothing to replace. */
const LOOKALIKE_BY_DIGIT = new RegExp(`[0-9]${LOOKALIKE_CLASS}|${LOOKALIKE_CLASS}[0-9]`);
/** Half of a surrogate pair: a character repairDigits writes as `?`. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Replaces digit look-alikes that touch a digit (`2l340` -> `21340`, `l951` -> `1951`),
 * keeping the string length so offsets stay valid. Words such as `I` or `Sol` are untouched.
 */
/** A day of one or two digits with a `y`/`j` glued after it, then a year: the day's comma misread. */
const DAY_COMMA_AS_LETTER = /(?<=\b[A-Z][a-z]{2,8}\.?\s+\d{1,2})[yj](?=\s+[12]\d{3}\b)/g;

export function repairDigits(input: string): string {
  // The comma after a day read as a `y` or `j` (its tail), glued to the day before the year
  // (`August 2y 1943.`, a heavy despatch): the comma, one character for one.
  const text = input.replace(DAY_COMMA_AS_LETTER, ',');
  // Most lines and spans searched for dates hold no look-alike beside a digit: nothing to replace,
  // and the text comes back as it is (segmentation asks this of every header line, every profile).
  if (!LOOKALIKE_BY_DIGIT.test(text) && !SURROGATE.test(text)) return text;
  const chars = [...text].length === text.length ? text.split('') : Array.from(text, (c) => (c.length > 1 ? '?' : c));
  const out = chars.slice();
  // Two passes so `lO51`-style runs of two look-alikes next to one digit are repaired too.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < out.length; i++) {
      const c = out[i];
      const replacement = DIGIT_LOOKALIKES[c];
      if (replacement && (isDigit(out[i - 1]) || isDigit(out[i + 1]))) {
        // Keep lower-case `s` after a digit as an ordinal/plural suffix (`1950s`), and `st/nd/rd/th`.
        if ((c === 's' || c === 'S') && isDigit(out[i - 1]) && !isDigit(out[i + 1])) continue;
        out[i] = replacement;
      }
    }
  }
  return out.join('');
}

function changedWithin(original: string, repaired: string, start: number, end: number): boolean {
  return original.slice(start, end) !== repaired.slice(start, end);
}

/** Month number for a printed month word, tolerating OCR errors (`Jnne`, `Ju1y`, `AUGUST`). */
export function monthFromWord(word: string): { month: number; exact: boolean } | null {
  try {
    const w = word
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '') // `Septembér`: an accent the OCR put on a letter
      .toLowerCase()
      .replace(/\.$/, '')
      .replace(/0/g, 'o')
      .replace(/[1|]/g, 'l')
      .replace(/rn/g, 'm');
    if (!/^[a-z]{3,10}$/.test(w)) return null;
    const full = MONTH_NAMES.indexOf(w);
    if (full >= 0) return { month: full + 1, exact: word.toLowerCase().replace(/\.$/, '') === w };
    if (MONTH_ABBREVIATIONS[w]) return { month: MONTH_ABBREVIATIONS[w], exact: true };
    if (FOREIGN_MONTHS[w])
      return {
        month: FOREIGN_MONTHS[w],
        exact:
          word.toLowerCase().replace(/\.$/, '') === w ||
          word
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase()
            .replace(/\.$/, '') === w,
      };
    if (w.length === 3) {
      // A three-letter abbreviation with one OCR error (`Moy`), if only one month is that close.
      const near = Object.entries(MONTH_ABBREVIATIONS).filter(([abbr]) => abbr.length === 3 && distance(abbr, w) === 1);
      const months = new Set(near.map(([, m]) => m));
      return months.size === 1 ? { month: near[0][1], exact: false } : null;
    }
    // Fuzzy: one edit for short names, two for long ones; must be unambiguous.
    const allowed = w.length >= 7 ? 2 : 1;
    let best: number | null = null;
    let bestDistance = Infinity;
    let tie = false;
    for (let i = 0; i < MONTH_NAMES.length; i++) {
      const d = distance(w, MONTH_NAMES[i]);
      if (d < bestDistance) {
        bestDistance = d;
        best = i + 1;
        tie = false;
      } else if (d === bestDistance) tie = true;
    }
    if (best !== null && bestDistance <= allowed && !tie) return { month: best, exact: false };
    return null;
  } catch {
    return null;
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1000 &&
    year <= 2999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Two-digit years (`'49`, `24.XI.63`) are read as 19xx: the collections are 1930s–1970s cables. */
function expandYear(raw: string): number {
  const digits = raw.replace(/^['’]/, '').replace(/['’‘]/g, '');
  const n = Number(digits);
  return digits.length === 2 ? 1900 + n : n;
}

interface Candidate {
  year: number;
  month: number;
  day: number;
  start: number;
  end: number;
  fuzzyMonth: boolean;
  /** The month is written as a word (`June`), where SEP lets specks in between the parts. */
  wordMonth?: boolean;
}

const WORD = '[A-Za-z][A-Za-zÀ-ÿ0-9]{2,9}';
const DAY = '(\\d{1,2})(?:st|nd|rd|th|d)?';
/**
 * Between the parts of a written date: spaces, and the specks a dusty scan adds to them
 * (`30- August. 1930`, `7 March-1947`, `‘15 March`, `3.December 1946`, `August 17; 1968`, `August 27,'1947`, `November:13`). A date read across a speck is marked
 * ocr_corrected (SPECK_IN_DATE) so that it is checked.
 */
const SEP = '[\\s\\-–‘’“”"\'·•.;~]*';
/** A speck inside a date: a mark a typist does not put there, or a full stop or semicolon glued after the day (`3.December`, `17; 1968`). */
const SPECK_IN_DATE = /[-–‘’“”"·•~]|\d[.;]\s*[A-Za-z]|\d;|\d'\d|[,\s]'\d{4}|[A-Za-z][:;]\d/;
// A speck inside the year (`1'972`) is read through too (and marked by SPECK_IN_DATE's quote).
const YEAR = "(\\d['’‘]?\\d{3}|['’]\\d{2})";
const DATE_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => Omit<Candidate, 'start' | 'end'> | null }[] = [
  // 30 June 1951 / 30th June, 1951 / 30 of June 1951 / 4 Aug. 1951
  {
    re: new RegExp(`\\b${DAY}${SEP}(?:of\\s+)?(${WORD})\\.?${SEP},?${SEP}${YEAR}(?!\\d)`, 'g'),
    read: (m) => {
      const month = monthFromWord(m[2]);
      return month ? { day: Number(m[1]), month: month.month, year: expandYear(m[3]), fuzzyMonth: !month.exact, wordMonth: true } : null;
    },
  },
  // June 30, 1951 / Aug. 4, 1951 / December 30 1949 / `March: 30, 1953.` (a speck read as a colon: ocr_corrected)
  {
    // `September~3, 1945.`: a speck read as a tilde in place of the space.
    // `November:13; 1938.`: a speck read as a colon or semicolon in place of the space.
    re: new RegExp(`\\b(${WORD})(?:[.:,]?${SEP}[\\s~]|[:;](?=\\d))${SEP}${DAY}${SEP}[,.]?${SEP}${YEAR}(?!\\d)`, 'g'),
    read: (m) => {
      const month = monthFromWord(m[1]);
      return month ? { day: Number(m[2]), month: month.month, year: expandYear(m[3]), fuzzyMonth: !month.exact, wordMonth: true } : null;
    },
  },
  // 1951-06-30
  {
    re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
    read: (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), fuzzyMonth: false }),
  },
  // 24.XI.63 / 24 XI 1963 (Soviet style, Roman month)
  {
    re: /\b(\d{1,2})[.\s]\s*(I{1,3}|IV|VI{0,3}|IX|XI{0,2})[.\s]\s*(\d{4}|\d{2})(?!\d)/g,
    read: (m) => ({ day: Number(m[1]), month: ROMAN_MONTHS[m[2]], year: expandYear(m[3]), fuzzyMonth: false }),
  },
  // 30.06.1951 / 30/6/51: day first (European and Soviet usage), swapped only when it cannot be a month.
  {
    re: /\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?![\d.]\d)/g,
    read: (m) => {
      let day = Number(m[1]);
      let month = Number(m[2]);
      if (month > 12 && day <= 12) [day, month] = [month, day];
      return { day, month, year: expandYear(m[3]), fuzzyMonth: false };
    },
  },
];

function collectDates(repaired: string, allowInvalid = false): Candidate[] {
  const found: Candidate[] = [];
  for (const { re, read } of DATE_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(repaired)) !== null) {
      const parts = read(m);
      const plausible = (p: Omit<Candidate, 'start' | 'end'>): boolean =>
        allowInvalid && p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= 31 && p.year >= 1000 && p.year <= 2999;
      if (parts && (isValidDate(parts.year, parts.month, parts.day) || plausible(parts))) {
        found.push({ ...parts, start: m.index, end: m.index + m[0].length });
      }
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}

/**
 * The first full date (day, month, year) in `text`, or null. Never throws.
 * With `allowInvalid`, a date that cannot exist (`31 June 1951`) is returned too, as
 * `1951-06-31` with the note `invalid_date`, so a reviewer is shown where it is printed.
 */
export function findDate(text: string, options: { allowInvalid?: boolean } = {}): DateMatch | null {
  try {
    if (typeof text !== 'string' || text.length === 0) return null;
    const repaired = repairDigits(text);
    const first = collectDates(repaired)[0] ?? (options.allowInvalid ? collectDates(repaired, true)[0] : undefined);
    if (!first) return null;
    // Trim trailing separators a pattern may have eaten (`1951.` keeps its dot outside).
    let end = first.end;
    while (end > first.start && /[\s,]/.test(text[end - 1])) end--;
    const notes: string[] = [];
    if (changedWithin(text, repaired, first.start, end)) notes.push('ocr_corrected');
    if (first.fuzzyMonth) notes.push('ocr_corrected');
    // `27. Januar 1941`: the ordinal dot is how German and Scandinavian typists write the day.
    const printed = text.slice(first.start, end);
    const ordinalDot = /^\d{1,2}\.\s+(\p{L}+)/u.exec(printed);
    const speck =
      ordinalDot &&
      FOREIGN_MONTHS[
        ordinalDot[1]!
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
      ]
        ? SPECK_IN_DATE.test(printed.slice(ordinalDot[0].length))
        : SPECK_IN_DATE.test(printed);
    if (first.wordMonth && speck) notes.push('ocr_corrected');
    // A colon or comma right after the month's word (`March: 30`) is a speck, not how it was typed.
    if (first.wordMonth && /^\p{L}{3,}[:,]\s/u.test(printed)) notes.push('ocr_corrected');
    if (!isValidDate(first.year, first.month, first.day)) notes.push('invalid_date');
    return {
      iso: `${pad(first.year, 4)}-${pad(first.month)}-${pad(first.day)}`,
      year: first.year,
      month: first.month,
      day: first.day,
      start: first.start,
      end,
      notes: [...new Set(notes)],
    };
  } catch {
    return null;
  }
}

/** A day + month with no year (`30 June`, `June 30`), for dispatch lines. Never throws. */
export function findDayMonth(text: string): PartialDateMatch | null {
  try {
    const full = findDate(text);
    if (full) return { month: full.month, day: full.day, start: full.start, end: full.end, notes: full.notes };
    const repaired = repairDigits(text);
    const patterns: { re: RegExp; day: number; month: number }[] = [
      { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${WORD})\\b\\.?`, 'g'), day: 1, month: 2 },
      { re: new RegExp(`\\b(${WORD})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'g'), day: 2, month: 1 },
    ];
    const hits: PartialDateMatch[] = [];
    for (const p of patterns) {
      let m: RegExpExecArray | null;
      while ((m = p.re.exec(repaired)) !== null) {
        const month = monthFromWord(m[p.month]);
        const day = Number(m[p.day]);
        if (month && day >= 1 && day <= daysInMonth(2000, month.month)) {
          hits.push({ month: month.month, day, start: m.index, end: m.index + m[0].length, notes: month.exact ? [] : ['ocr_corrected'] });
        }
      }
    }
    hits.sort((a, b) => a.start - b.start);
    return hits[0] ?? null;
  } catch {
    return null;
  }
}

interface TimeCandidate {
  hour: number;
  minute: number;
  start: number;
  end: number;
  priority: number;
}

function collectTimes(repaired: string): TimeCandidate[] {
  const out: TimeCandidate[] = [];
  const push = (hour: number, minute: number, m: RegExpExecArray, priority: number): void => {
    if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59) out.push({ hour, minute, start: m.index, end: m.index + m[0].length, priority });
  };
  let m: RegExpExecArray | null;
  const words = /\b(noon|midday|midnight)\b/gi;
  while ((m = words.exec(repaired)) !== null) push(m[1].toLowerCase() === 'midnight' ? 0 : 12, 0, m, 3);
  // 2 p. m. / 10.20 p.m. / 4.18 P.M. / 8 pm / 12.05 p.rn.
  const twelveHour = /\b(\d{1,2})(?:\s*[.:,]\s*(\d{2}))?\s*([ap])\s*\.?\s*(?:m|rn)\b\.?/gi;
  while ((m = twelveHour.exec(repaired)) !== null) {
    const h = Number(m[1]);
    const minute = m[2] ? Number(m[2]) : 0;
    if (h < 1 || h > 12) continue;
    const pm = m[3].toLowerCase() === 'p';
    push(pm ? (h % 12) + 12 : h % 12, minute, m, 3);
  }
  // 1530 hours / 0800 hrs
  const military = /\b([01]\d|2[0-3])([0-5]\d)\s*(?:hours|hrs?\.?|h\b)/gi;
  while ((m = military.exec(repaired)) !== null) push(Number(m[1]), Number(m[2]), m, 2);
  // 15:00 / 16.50 / 15 h 00 (24 h); not a piece of a longer number or date.
  const twentyFour = /(?<![\d.:,])(\d{1,2})\s*(?:[:.]|h)\s*(\d{2})(?![\d]|[.,]\d)(?:\s*(?:hours|hrs?\.?))?/gi;
  while ((m = twentyFour.exec(repaired)) !== null) push(Number(m[1]), Number(m[2]), m, 1);
  return out;
}

/**
 * Does `after` (the text after a time read as 24 h) start with an a.m. or p.m. that OCR damaged? Then
 * the hour is a 12 h one and the reading is wrong half the time: `4.18 p.u.`, and what Debian's fast
 * model and tesseract.js make of the marks (the field benchmark's fit set, issue 20): `7.05 pem.` and
 * `12.45 asme` (a word of up to four marks: a or p, then m or n within three), `4:45 Pp. Mma` (a or p
 * and two marks at most, then a word starting with m or n). `and`, `an` are words.
 */
function damagedMeridiem(after: string): boolean {
  if (/^\s*[ap]\s*[.,]/i.test(after)) return true;
  const [first = '', second = ''] = after.trimStart().split(/\s+/, 2);
  if (/^(?:and|an)[.,;:]*$/i.test(first)) return false;
  if (first.length <= 4 && /^[ap][^\s\d]{0,2}[mn]/i.test(first)) return true;
  return /^[ap]\S{0,2}$/i.test(first) && /^[mn]\S{0,2}$/i.test(second);
}

/** The first time of day in `text` (12 h or 24 h forms, `noon`, `midnight`), or null. Never throws. */
export function findTime(text: string): TimeMatch | null {
  try {
    if (typeof text !== 'string' || text.length === 0) return null;
    const repaired = repairDigits(text);
    const all = collectTimes(repaired);
    if (all.length === 0) return null;
    // Earliest wins; where matches overlap, the more specific form (a.m./p.m.) wins.
    all.sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end);
    let best = all[0];
    for (const c of all) {
      if (c.start < best.end && c.priority > best.priority) best = c;
    }
    let end = best.end;
    while (end > best.start && /\s/.test(text[end - 1])) end--;
    const notes = changedWithin(text, repaired, best.start, end) ? ['ocr_corrected'] : [];
    // `4.18 p.u.`: a 24 h reading followed by what looks like a damaged a.m./p.m.
    if (best.priority === 1 && damagedMeridiem(text.slice(best.end))) notes.push('ocr_corrected');
    return { hhmm: `${pad(best.hour)}:${pad(best.minute)}`, start: best.start, end, notes: [...new Set(notes)] };
  } catch {
    return null;
  }
}

/** `YYYY-MM-DD` for the first date in `text`, or null. Never throws. */
export function normaliseDate(text: string): string | null {
  return findDate(text)?.iso ?? null;
}

/** `HH:MM` (24 h) for the first time in `text`, or null. Never throws. */
export function normaliseTime(text: string): string | null {
  return findTime(text)?.hhmm ?? null;
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

/**
 * Reads a place-date-time line such as `Peking, 15:00, 30 June 1951.`,
 * `Washington, August 4, 1951—2 p. m.` or `Cablegram 88 NANKING, 28 February 1949, 4.18 p.m.`.
 * The place is the run of words ending just before the first comma that precedes the
 * date or time; words holding digits (telegram numbers like `PC127`) stop the run.
 */
export function findPlaceDateTime(text: string, options: { allowInvalid?: boolean } = {}): PlaceDateTime {
  try {
    if (typeof text !== 'string') return { place: null, date: null, time: null };
    const date = findDate(text, options);
    const time = findTime(date ? blank(text, date.start, date.end) : text);
    const cut = Math.min(date?.start ?? Infinity, time?.start ?? Infinity);
    const place = cut === Infinity ? null : placeBefore(text, cut);
    return { place, date, time };
  } catch {
    return { place: null, date: null, time: null };
  }
}

/** Articles a place-date line puts before the date (`Bukarest, den 27. Januar 1941`, `Paris, le 3 mars`). */
const DATE_ARTICLE = /^\s*(den|der|dem|le|la|el|il|the|am|on|ce)\s*$/i;

/**
 * Countries a post adds after its city (`Istanbul, Turkey, November 16, 1942.`): the place is
 * the city, the chunk before the country.
 */
const COUNTRIES = new Set(
  [
    'Albania',
    'Argentina',
    'Australia',
    'Austria',
    'Belgium',
    'Bolivia',
    'Brazil',
    'Bulgaria',
    'Burma',
    'Canada',
    'Chile',
    'China',
    'Colombia',
    'Cuba',
    'Czechoslovakia',
    'Denmark',
    'Egypt',
    'England',
    'Estonia',
    'Ethiopia',
    'Finland',
    'France',
    'Germany',
    'Greece',
    'Hungary',
    'India',
    'Indonesia',
    'Iran',
    'Iraq',
    'Ireland',
    'Italy',
    'Japan',
    'Korea',
    'Latvia',
    'Lebanon',
    'Lithuania',
    'Mexico',
    'Netherlands',
    'Norway',
    'Palestine',
    'Persia',
    'Peru',
    'Poland',
    'Portugal',
    'Roumania',
    'Rumania',
    'Romania',
    'Russia',
    'Siam',
    'Spain',
    'Sweden',
    'Switzerland',
    'Syria',
    'Turkey',
    'Uruguay',
    'USSR',
    'U.S.S.R.',
    'Venezuela',
    'Yugoslavia',
    'Jugoslavia',
    'Scotland',
    'Manchuria',
  ].map((c) => c.toUpperCase()),
);

/**
 * A country the scan misread (`Barcelona, Spaifl, August 22, 1945.`, a stamp struck over it): one
 * word of five letters or more, its first letter and length a country's, two edits or fewer from it.
 * Only where a chunk stands before it: the city is that chunk.
 */
function misreadCountry(word: string): boolean {
  const upper = word.toUpperCase();
  if (!/^\p{Lu}\p{L}{4,}$/u.test(word)) return false;
  for (const country of COUNTRIES) {
    if (country[0] !== upper[0] || Math.abs(country.length - upper.length) > 1 || country.length < 5) continue;
    if (distance(country, upper) <= 2) return true;
  }
  return false;
}

function placeBefore(text: string, cut: number): PlaceMatch | null {
  const found = placeChunkBefore(text, cut);
  if (!found) return null;
  // `Bukarest, den 27. Januar`: an article is no place; `Istanbul, Turkey, November 16`: the city, not the country.
  if (misreadCountry(found.text) && !COUNTRIES.has(found.text.toUpperCase())) {
    const comma = text.lastIndexOf(',', found.start);
    const city = comma > 0 ? placeChunkBefore(text, comma) : null;
    if (city) return city;
  }
  if (DATE_ARTICLE.test(found.text) || COUNTRIES.has(found.text.toUpperCase())) {
    const comma = text.lastIndexOf(',', found.start);
    if (comma > 0) return placeChunkBefore(text, comma) ?? (DATE_ARTICLE.test(found.text) ? null : found);
    return DATE_ARTICLE.test(found.text) ? null : found;
  }
  return found;
}

function placeChunkBefore(text: string, cut: number): PlaceMatch | null {
  const head = text.slice(0, cut);
  // The chunk between the previous comma (or line start) and the comma before the date.
  let trimmed = head.replace(/[\s,.;:—–‘’'`"·•-]+$/, '');
  // A chunk of digits and marks only before the date is a time the OCR garbled
  // (`Paris, 05355, 28 March 1950`): the place is the chunk before it.
  const garbledTime = /,\s*[\d:.;,'‘’]{3,8}$/.exec(trimmed);
  if (garbledTime && !/^\s*\d{1,2}[:.]\d{2}\s*$/.test(garbledTime[0].slice(1))) trimmed = trimmed.slice(0, garbledTime.index);
  if (!trimmed) return null;
  const chunkStart = Math.max(trimmed.lastIndexOf(','), trimmed.lastIndexOf(':')) + 1;
  const chunk = trimmed.slice(chunkStart);
  // Trailing run of alphabetic words (letters, apostrophes, hyphens, dots inside names).
  const tokens = [...chunk.matchAll(/\S+/g)];
  let firstKept = tokens.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’.-]*$/.test(tokens[i][0])) firstKept = i;
    else break;
  }
  // A speck read as a quote mark glued to the place's first letter (`No 2381." ‘Naples, Italy,`): the
  // place is the word after it (the mark stays outside the place's range).
  let speck = 0;
  if (firstKept > 0) {
    const glued = /^[‘’'“”"«»*·•]+(?=[A-ZÀ-Þ][A-Za-zÀ-ÿ'’.-]*$)/.exec(tokens[firstKept - 1]![0]);
    if (glued) {
      firstKept--;
      speck = glued[0].length;
    }
  }
  if (firstKept >= tokens.length) return null;
  const start = chunkStart + (tokens[firstKept].index ?? 0) + speck;
  const last = tokens[tokens.length - 1];
  const end = chunkStart + (last.index ?? 0) + last[0].length;
  return { text: text.slice(start, end), start, end };
}
