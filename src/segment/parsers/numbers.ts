// Parsers of numbers: a telegram's number, a paragraph number, copies, a file reference.
import { LABEL_TRACE } from '../label-trace.ts';
import { repairNumberToken } from '../text.ts';
import type { ParserName } from '../profile-schema.ts';
import { COPIES_RE, type ParseInput, type ParseOutput, type Parser } from './shared.ts';

/**
 * How well a trace of a label reads as the label: below the score that holds a field for review
 * (confidence/index.ts LABEL_BLOCK_BELOW, 0.9), and it lowers the field's confidence as a poor label does.
 */
const LABEL_TRACE_SCORE = 0.5;

/**
 * Capitals the OCR reads for a typewriter digit at a number's start, beyond the look-alikes of
 * repairNumberToken: the `2` of the generated despatches' typeface read `R` (`No. R807.` for 2807,
 * `No. R373.` for 2373, session 12's held-out seed and a fitting seed); the `8` read `B` (`No. B61."` for
 * 861, degraded17-fit-c 0012, heavy).
 */
const LEADING_DIGIT_LOOKALIKES: Record<string, string> = { R: '2', B: '8' };

/**
 * `R807` where the number has no series letters: the OCR read a letter at the number's start, either
 * for its first digit (`R807` for 2807) or as a glyph that is not there (`R245.` for a clean `245.`,
 * the `2`'s curl read twice). A typewriter's pitch tells which: the typed label (`No.`, 3 glyphs) gives
 * the width of one glyph, and a token as wide as its letters is the letter and the digits; one glyph
 * narrower, the letter is none. Without the words' boxes, or when the widths say neither, the letter is
 * dropped. Either way the value is a repair, and reviewed (`ocr_corrected`).
 */
function misreadLeadingDigit(letters: string, digits: string, start: number, input: ParseInput): ParseOutput | null {
  const end = start + letters.length + digits.length;
  const dropped = (): ParseOutput | null => {
    const rest = repairNumberToken(digits);
    return rest ? { value: rest.digits, start: start + letters.length, end, notes: ['ocr_corrected'] } : null;
  };
  if (letters.length !== 1 || !LEADING_DIGIT_LOOKALIKES[letters]) return dropped();
  const glyphs = glyphCount(input, start);
  const word = input.words?.find((w) => w.start <= start && w.end > start);
  if (glyphs === null || !word || word.start !== start) return dropped();
  // The word's glyphs as typed: the letter read as a digit and the digits, then what follows in the word (`.`).
  const asTyped = word.text.length;
  if (Math.abs(glyphs - asTyped) > 0.5) return dropped();
  const repaired = repairNumberToken(`${LEADING_DIGIT_LOOKALIKES[letters]}${digits}`);
  return repaired ? { value: repaired.digits, start, end, notes: ['ocr_corrected'] } : dropped();
}

/**
 * How many glyphs wide the word at `at` is, in the pitch of the label the number follows (`No.`: its
 * ink spans two advances and a glyph, as the word's does): null without boxes or a label word.
 */
function glyphCount(input: ParseInput, at: number): number | null {
  const { words, label } = input;
  if (!words || !label) return null;
  const labelWord = words.find((w) => w.start <= label.start && w.end > label.start && w.end <= label.end + 1);
  const word = words.find((w) => w.start <= at && w.end > at);
  if (!labelWord || !word || labelWord.text.length < 3) return null;
  const width = (w: { bbox: readonly number[] }) => w.bbox[2]! - w.bbox[0]!;
  const pitch = width(labelWord) / labelWord.text.length;
  return pitch > 0 ? width(word) / pitch : null;
}

/** A number after its label with one speck before it (a quote mark, `£`, `*`), then the number's stop or the line's next word. */
function specked({ text, from }: ParseInput): ParseOutput | null {
  const m = /^[\s:.,]*[“”"'‘’«»£*•·~]{1,2}\s*([0-9]{2,5})(?=[.,:;]?(?:\s|$))/u.exec(text.slice(from));
  if (!m) return null;
  const start = from + m[0].length - m[1]!.length;
  return { value: m[1]!, start, end: start + m[1]!.length, notes: ['ocr_corrected'] };
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

export const numberParsers = {
  digits: (input) => {
    const { text, from, field } = input;
    const m = /^[\s:.#№,-]*((?:[A-Z]{1,3})(?=[0-9]))?([0-9OoQDlIi|!ZzSsBGbgq]+)(?![A-Za-z0-9])/.exec(text.slice(from));
    // `No." 859.`, `No. £595.`: a speck read as a quote mark or a sign between the label and the
    // number (the number as read, reviewed: the mark may have hidden a digit).
    if (!m) return specked(input);
    // A number without series letters (a despatch's): the capital before the digits is one of them misread.
    if (m[1] && field.seriesPrefix === false) return misreadLeadingDigit(m[1], m[2]!, from + m[0].length - m[1].length - m[2]!.length, input);
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
    // `0. 1993 Budapest`: a lone `0.` before a number is what is left of `No.` (the `N` lost under a seal's ring), no number of its own.
    if (/^[0Oo]$/.test(m[1]!) && /^\s+[0-9]{2,}/.test(text.slice(from + m[0].length))) return null;
    // `2. 1729 Madrid, January 11, 1937.`: a lone figure and a stop before a number and a place is `No.` misread (a seal's ring over it), not the number.
    if (/^[0-9]$/.test(m[1]!) && /^\s+[0-9]{2,}\.?\s+\p{Lu}\p{L}+,/u.test(text.slice(from + m[0].length))) return null;
    const repaired = repairNumberToken(m[1]);
    if (!repaired) return null;
    const notes = repaired.corrected || m[2] === ',' ? ['ocr_corrected'] : [];
    return { value: repaired.digits, start: from + m[0].indexOf(m[1]), end: from + m[0].length, notes };
  },

  numberBeforePlace: ({ text, from }) => {
    // The number opens the place-and-date line; what is left of a lost `No.` (`o.`, `0.`, or `Oo.`
    // with the `N` read as a letter O where a seal's ring touches it) may stand before it.
    // `ho 147 : Cairo,`: the `No.` read as `ho` without its stop, a speck read as a colon after the number;
    // `317. . Cairo,`, `396 ° Rome,`: specks standing alone between the number and the place.
    // `« 1325 Stockholm,`: the whole `No.` read as one mark, set apart before the number.
    // `0. 1993 Budapest`: the line cut short after its place (a seal's row read again) is still the number's line.
    // `lo. 2727" Jerusalem,`: a speck read as a quote mark glued after the number.
    // `2. 1729 Madrid,`: the `No.` beside a seal's ring read as a figure and a stop.
    // `ye 2028 Zurich,`, `Je 2163 Athens,`, `J. 1861. Belgrade,`, `y.n 1357. Barcelona,`: the `No` inside or beside a
    // seal's ring read as one or two other letters, a speck between them read as a stop (not a small word of a sentence).
    const m =
      /^\s*((?:[NO0]?[o0°]\s*[.,]\s*|[0-9][.,]\s+|[Hh]o\s+|[«»“”‘’'"*•·~]\s+|(?!(?:[Aa]t|[Ii]n|[Oo]n|[Oo]f|[Tt]o|[Bb]y|[Aa]n|[Aa]s|[Ii]s|[Ii]t|[Oo]r|[Ii]f|[Bb]e|[Ww]e|[Hh]e|[Mm]e|[Mm]y|[Ss]o|[Uu]p|[Dd]o|AM|PM|am|pm)\s)\p{L}(?:[.,]?\p{L})?[.,]?\s+)?)([0-9][0-9OolI]{0,4})\.?(["”“'’]?\s*[:;·]\s*|["”“'’]?(?:\s+[.,:;·°'‘’*]{1,2})*\s+)(?=\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+)?(?:,|\s*$))/u.exec(
        text.slice(from),
      );
    if (!m) return null;
    const repaired = repairNumberToken(m[2]!);
    if (!repaired) return null;
    const start = from + m[0].indexOf(m[2]!, m[1]!.length);
    // A bare number is what the layout puts there; a repaired digit, or a mark after the number, was misread. A trace of
    // `No.` without its `N` (`lo.`, `Jo.`) is a misread label: the place and date read after it on its line may vouch
    // for it (label-trace.ts, once the line's other fields are read); until then it holds the number as a repair does.
    // A trace of one or two letters, its stop kept or not (`lo.`, `J.`, `os`, `ye`), is the label's shape; a mark alone
    // (`« 1325`, `* 1325`) may be anything a speck or a stamp left, and stays a repair.
    const labelMisread = m[1] !== '' && !/^\s*N/.test(m[1]!);
    const labelShape = /^\s*(?:[\p{L}0°]{0,2}[.,]|\p{L}{1,2})\s*$/u.test(m[1]!);
    const notes = repaired.corrected || /\S/.test(m[3]!) || (labelMisread && !labelShape) ? ['ocr_corrected'] : labelMisread ? [LABEL_TRACE] : [];
    return { value: repaired.digits, start, end: start + m[2]!.length, notes };
  },

  numberAfterLabelTrace: ({ text, from, field }) => {
    // `fo. 2443.`, `Nos 1822`, `(lo. 1880`, `0: 935.`, `Qu 223.`: the OCR misread the `No.` (a seal's
    // ring touching it, dust) on a line otherwise read right. What may stand for the label is the
    // profile's (`labelTrace`); the line's shape is the layout's: the trace, a number of 1-5 digits
    // and nothing else on the line but marks (the number on its own line), or the place-and-date
    // line after it (`Qu 223.    Cairo, March 9, 1945.`).
    if (!field.labelTrace) return null;
    const rest = text.slice(from);
    // `> No. 1235`: a speck read as a mark standing alone before the label is dust, not the trace.
    const lead = /^\s*(?:[^\s\p{L}\p{N}]{1,2}\s+(?=\S))?/u.exec(rest)![0].length;
    const trace = new RegExp(`^(?:${field.labelTrace})`, 'iu').exec(rest.slice(lead));
    if (!trace || trace[0].trim() === '') return null;
    const afterTrace = from + lead + trace[0].length;
    // `Noi 1367:`: the number's stop read as a colon.
    const m = /^\s*([0-9][0-9OolI]{0,4})(?:[.,:;](?!\d)|(?=\s|$))/.exec(text.slice(afterTrace));
    if (!m) return null;
    const tail = text.slice(afterTrace + m[0].length);
    const ownLine = /^[^\p{L}\p{N}]*$/u.test(tail);
    // A speck read as a quote mark may stand before the place (`To. 2412. ‘Naples, October 24, 1939.`).
    // A comma with a speck over it reads as a semicolon (`Noi 1671 Bern; November:13; 1938.`).
    const beforePlace = /^\s+[‘’'“"]?\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+)?[,;]/u.test(tail);
    if (!ownLine && !beforePlace) return null;
    const repaired = repairNumberToken(m[1]!);
    if (!repaired) return null;
    const start = afterTrace + m[0].indexOf(m[1]!);
    // A clean label (`No.`) is the `digits` parser's, tried first on the same lines: what reaches here is a trace.
    const labelStart = from + lead;
    return {
      value: repaired.digits,
      start,
      end: start + m[1]!.length,
      notes: repaired.corrected ? ['ocr_corrected'] : [],
      label: { start: labelStart, end: labelStart + trace[0].trimEnd().length, score: LABEL_TRACE_SCORE },
    };
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
} satisfies Partial<Record<ParserName, Parser>>;
