// What a person looks at on one page to decide whether it starts a document or
// continues the one before: the top (a heading, a letterhead, a page mark, the
// first word), the foot (a catchword, a closing and signature, a sentence left
// open) and the look of the typing (type size, line pitch, margins, scan size).
// Pure function of one page's OCR result; the boundary features compare two.
import type { BBox, OcrLine, PageResult } from '../types.ts';
import { findDate } from '../segment/datetime.ts';
import { mergeRowPieces, rowSlope } from '../segment/lines.ts';
import { upperMedian } from '../stats.ts';

/** A typed row of the page: Tesseract's pieces of one row joined, words kept. */
export interface Row {
  /** Index of the row's first piece in the page's `lines` (what segmentation calls `pageLine`). */
  index: number;
  text: string;
  bbox: BBox;
  confidence: number;
  words: number;
  letters: number;
}

export interface PageMark {
  /** The number printed (`- 2 -` -> 2), null when the mark is there but unreadable. */
  number: number | null;
  text: string;
  row: number;
}

export interface PageCues {
  pageId: string;
  file: string;
  pageIndex: number;
  pageCount: number;
  width: number;
  height: number;
  /** No typed text: a back side, a separator sheet (the ink measure's verdict, or no text row read). */
  blank: boolean;
  /** A few marks only: a signature, a page number, a stamp (the ink measure's verdict), or no text row. */
  nearlyBlank: boolean;
  /** Rows of running text (enough words or letters to be typing, not specks). */
  textRows: number;
  /** Median height of the words' boxes in pixels: the type size at this scan's resolution. */
  typeHeight: number | null;
  /** Median distance between consecutive text rows, in pixels. */
  linePitch: number | null;
  /** Left edge of the text block as a share of the page width. */
  leftMargin: number | null;
  /** A page number at the top (`- 2 -`, `2.`, `Page 2`, `-2- #720`). */
  topMark: PageMark | null;
  /** A small mark centred above the text that the OCR could not read (usually the page number). */
  unreadTopMark: boolean;
  /** `Continuation of telegram No. 123`, `- 2 - Telegram 295 from Pusan`. */
  continuationHeading: string | null;
  /** First word of the first text row (after any page mark), lower case, letters only. */
  firstWord: string | null;
  /** The first text row starts with a lower-case letter: a sentence running on from the page before. */
  firstRowLowerCase: boolean;
  /** The page's first rows are running text (long rows of words), not the short lines of a heading or address. */
  opensWithProse: boolean;
  /** Page-top rows that open a document: a post or office heading, a date line, `Subject:`, a salutation... */
  headerCues: string[];
  /** A lone word at the foot, set to the right: the first word of the next page (typists' catchword). */
  catchword: { word: string; text: string; row: number; afterOpenSentence: boolean } | null;
  /** The last text row (catchword left aside) ends without a full stop, colon or closing mark. */
  endsOpen: boolean;
  /** ...and with a hyphen: a word broken over the page. */
  endsHyphenated: boolean;
  /** A closing at the foot: `Respectfully yours,`, `Yours sincerely,`, `Copies to`, a signature set off to the right. */
  closing: string | null;
  /** A short name set off to the right near the foot, after a finished sentence: a typed signature. */
  signature: string | null;
  /** A mark at the foot saying the text goes on: `./.`, `P.T.O.`, `/over`, `continued`. */
  footContinues: { text: string; row: number } | null;
}

/** Typing, not specks: a row with this many words, or this many letters. */
const TEXT_ROW_WORDS = 3;
const TEXT_ROW_LETTERS = 12;
/** Page marks and continuation headings sit in this top share of the page. */
const TOP_ZONE = 0.16;
/** Header cues are looked for in this many rows from the top... */
const HEADER_ROWS = 14;
/** ...and above this share of the page. */
const HEADER_ZONE = 0.42;

const PAGE_MARK_PATTERNS: Array<{ re: RegExp; style: string }> = [
  { re: /^[-–—~_=.*\s]*(\d{1,3})[-–—~_=.*\s]*$/, style: 'number' },
  { re: /^\(\s*(\d{1,3})\s*\)$/, style: 'parenthesised' },
  { re: /^(?:page|p\.|pg\.?|seite|side|feuille)\s*(\d{1,3})\b/i, style: 'page' },
  // `-2- #720`, `- 2 - Telegram 295 from Pusan`: a mark with a continuation heading after it.
  { re: /^[-–—]\s*(\d{1,3})\s*[-–—]\s*\S/, style: 'mark-and-heading' },
  // `Telegram No. 295, page 2`, `PUSAN 295 - page 2`: a heading that numbers its page.
  { re: /\b(?:page|p\.)\s*(\d{1,3})\s*\W{0,2}$/i, style: 'heading-page' },
];

const CONTINUATION =
  /\b(continuation|continued|cont['’]?d|suite|fortsetzung|fortsat)\b|\b(page|p\.)\s*([2-9]|\d{2,3})\s*\W{0,2}$|^[-–—]?\s*\d{1,3}\s*[-–—]?\s*(tel(egram|\.)?|cable(gram)?|despatch|dispatch|no\.|#)\s*\d+/i;

const POST_HEADING =
  /\b(LEGATION|EMBASSY|CONSULATE|CONSUL|FOREIGN\s+SERVICE|MINISTRY|MINISTÈRE|MINISTERE|GESANDTSKAB|AMBASSADE|DEPARTMENT|OFFICE|COMMITTEE|COUNCIL|BUREAU|HIGH\s+COMMISSION|DELEGATION|CENTRE|CENTER|BOARD|SOCIETY|ASSOCIATION|INSTITUTE|AGENCY|UNION|FEDERATION|ORGANI[SZ]ATION|COMMISSION|SECRETARIAT|MISSION)\b/;
/** A document's title: `Eye-Witness Report`, `Information Bulletin`, `MEMORANDUM`, or a letter-spaced line. */
const TITLE =
  /\b(report|memorandum|bulletin|survey|statement|notes?\s+on|record\s+of|minutes|aide[-\s]m[ée]moire|rapport|bericht|beretning|catalogue|catalog|inventory|inventaire|index\s+of|list\s+of)\b/i;
const LETTER_SPACED = /(?:^|\s)(?:\p{L}\s){4,}\p{L}(?:\s|$)/u;
const BY_LINE = /^(b\s?y|by\s+\p{Lu}[\p{L}.]*(\s+\p{Lu}[\p{L}.]*){0,3}|compiled\s+by|prepared\s+by)\W*$/u;
/** `July, 1946`: a month and a year, as reports and letters date themselves. */
const MONTH_YEAR = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\W{0,3}(19\d\d|18\d\d)\b/i;
const SUBJECT = /^(subject|re|ref|betr(ifft)?|objet|vedr(ørende)?|concerning)\s*[:.]/i;
const SALUTATION = /^(sir|madam|dear\s+\S+|gentlemen|my\s+dear|monsieur|messieurs|herr|hr\.|excellency|your\s+excellency)\b.{0,30}[:,;.]?\s*$/i;
const ADDRESSEE = /^(the\s+honou?rable|his\s+excellency|to\s*[:=]|à\s+monsieur|til\s)/i;
const NUMBER_LINE = /^(no|nr|n°|no\.)\.?\s*[0-9OolI]{1,6}[.,]?(\s|$)/i;

const CLOSING =
  /^(respectfully|very\s+respectfully|yours\s+(sincerely|faithfully|truly|very\s+truly|respectfully)|very\s+truly\s+yours|sincerely\s+yours|faithfully\s+yours|i\s+have\s+the\s+hono(u)?r|copies\s+to|copy\s+to|enclosures?\s*[:.]|encl\.|with\s+(best|kind)\s+regards|veuillez\s+agréer|ærbødigst|med\s+venlig\s+hilsen)/i;

const FOOT_CONTINUES =
  /^\W{0,3}(\.\s*\/\s*\.|P\.?\s*T\.?\s*O\.?|\/?\s*over\s*\/?|\(\s*over\s*\)|continued(\s+overleaf|\s+on\s+next\s+page)?|to\s+be\s+continued|b\.\s*w\.|bitte\s+wenden|vend|tournez|suite\s+au\s+verso)\W{0,3}$/i;

/** `Yu. ANIKIN`, `A.A. Gromyko`, `J. Smith.`: one or two initials and a name. */
const INITIALS_AND_NAME = /^(\p{Lu}\p{Ll}?\.\s?){1,3}\p{Lu}[\p{L}'’-]{1,}[.,]?$/u;

/** A sentence is finished by these; anything else at the end of a page runs on. */
const TERMINAL = /[.:;!?)"”’'»]$/;

function withoutAccents(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

function isTextRow(r: Row): boolean {
  return r.words >= TEXT_ROW_WORDS || r.letters >= TEXT_ROW_LETTERS;
}

function median(values: number[]): number | null {
  return values.length === 0 ? null : upperMedian(values);
}

function rowsOf(page: PageResult): Row[] {
  const lines: OcrLine[] = page.lines ?? [];
  const rows: Row[] = [];
  for (const { line, index } of mergeRowPieces(lines, rowSlope(lines))) {
    const words = (line.words ?? []).filter((w) => w.text.trim().length > 0);
    const text = (words.length ? words.map((w) => w.text.trim()).join(' ') : line.text).trim().replace(/\s+/g, ' ');
    if (!text) continue;
    rows.push({
      index,
      text,
      bbox: line.bbox,
      confidence: line.confidence,
      words: words.length || text.split(' ').length,
      letters: (text.match(/\p{L}/gu) ?? []).length,
    });
  }
  return rows.sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
}

function wordHeights(page: PageResult): number[] {
  const heights: number[] = [];
  for (const line of page.lines ?? []) {
    for (const w of line.words ?? []) {
      if (w.confidence >= 70 && /\p{L}{3,}/u.test(w.text)) heights.push(w.bbox[3] - w.bbox[1]);
    }
  }
  return heights;
}

function readMark(text: string): { number: number; style: string } | null {
  const t = text.trim();
  if (t.length > 48) return null;
  for (const { re, style } of PAGE_MARK_PATTERNS) {
    const m = re.exec(t);
    if (m) {
      const n = Number(m[1]);
      // A year or a file number is no page number.
      if (n >= 1 && n <= 400) return { number: n, style };
    }
  }
  return null;
}

/** Letters only, lower case: `"Central` and `Central,` are the same catchword. */
export function normaliseWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function firstWordOf(text: string): string | null {
  for (const token of text.split(/\s+/)) {
    const w = normaliseWord(token);
    if (/\p{L}/u.test(w)) return w;
    if (w.length > 0) return w;
  }
  return null;
}

export function pageCues(page: PageResult): PageCues {
  const W = page.width || 1;
  const H = page.height || 1;
  const rows = rowsOf(page);
  const textRows = rows.filter(isTextRow);
  const firstText = textRows[0];

  // Top: marks and headings above (or as) the first text row.
  let topMark: PageMark | null = null;
  let unreadTopMark = false;
  let continuationHeading: string | null = null;
  const topRows = rows.filter((r) => r.bbox[1] < TOP_ZONE * H && (!firstText || r.bbox[1] <= firstText.bbox[1]));
  for (const r of topRows) {
    const mark = readMark(r.text);
    if (mark && !topMark) topMark = { number: mark.number, text: r.text, row: r.index };
    // `3 Télegram 9855 from Vienna`: an accent the OCR put on a letter does not hide the heading.
    if (!continuationHeading && CONTINUATION.test(withoutAccents(r.text)) && r.text.length <= 80) continuationHeading = r.text;
    const centre = (r.bbox[0] + r.bbox[2]) / 2 / W;
    const narrow = (r.bbox[2] - r.bbox[0]) / W < 0.12;
    if (!mark && narrow && centre > 0.35 && centre < 0.65 && r.letters <= 4 && (!firstText || r.bbox[3] <= firstText.bbox[1] + 2)) unreadTopMark = true;
  }
  // The first text row may itself be a short mark with words (`-2- #720 from Bucharest`).
  const bodyRows = textRows.filter((r) => r.index !== topMark?.row && r.text !== continuationHeading);
  const firstBody = bodyRows[0];
  const firstWord = firstBody ? firstWordOf(firstBody.text) : null;
  const firstRowLowerCase = firstBody ? /^[^\p{L}]{0,2}\p{Ll}/u.test(firstBody.text) : false;
  // Two of the first three text rows long and wordy: the page opens in the middle of a text.
  const opensWithProse = bodyRows.slice(0, 3).filter((r) => r.words >= 7 && r.letters >= 30).length >= 2;

  // Header cues in the top part of the page.
  const headerRows = rows.filter((r) => r.bbox[1] < HEADER_ZONE * H).slice(0, HEADER_ROWS);
  const cues = new Set<string>();
  for (const r of headerRows) {
    const t = r.text.trim().replace(/^[^\p{L}\p{N}]+/u, '');
    const upper = (t.match(/\p{Lu}/gu) ?? []).length;
    if (r.letters >= 6 && upper / r.letters > 0.7 && POST_HEADING.test(t.toUpperCase()) && upper / r.letters > 0.7) cues.add('office heading');
    if (SUBJECT.test(t)) cues.add('subject line');
    if (SALUTATION.test(t) && t.length <= 40) cues.add('salutation');
    if (ADDRESSEE.test(t)) cues.add('addressee');
    if (NUMBER_LINE.test(t) && t.length <= 40) cues.add('number line');
    // Specks and stamp marks read as one-letter tokens do not make a date line a sentence.
    const words = t.split(/\s+/).filter((w) => (w.match(/[\p{L}\p{N}]/gu) ?? []).length >= 2).length || 1;
    if (words <= 9) {
      const date = findDate(t);
      if ((date && !date.notes.includes('invalid_date')) || MONTH_YEAR.test(t)) cues.add('date line');
      // A title is capitalised word by word (or in capitals): `The report which follows` is a sentence.
      const capitalised = t.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w)).length / words;
      if ((TITLE.test(t) && capitalised >= 0.6 && !/[,;]$/.test(t)) || LETTER_SPACED.test(t)) cues.add('title');
      if (BY_LINE.test(t)) cues.add('by-line');
    }
  }

  // Foot: catchword, how the last text row ends, a closing.
  // Positions across the typed block, not the sheet: the scan's margins vary, the typist's do not.
  const blockLeft = textRows.length ? Math.min(...textRows.map((r) => r.bbox[0])) : 0;
  const blockRight = textRows.length ? Math.max(...textRows.map((r) => r.bbox[2])) : W;
  const across = (x: number): number => (blockRight > blockLeft ? (x - blockLeft) / (blockRight - blockLeft) : x / W);
  let catchword: PageCues['catchword'] = null;
  const last = rows[rows.length - 1];
  if (last && last.words <= 2 && last.letters >= 2 && across(last.bbox[0]) > 0.5) {
    const word = firstWordOf(last.text);
    const before = textRows.filter((r) => r.index !== last.index).at(-1);
    const gapOk = !before || last.bbox[1] >= before.bbox[3] - 2;
    // `Yu. ANIKIN`, `T. Lapin`: initials and a name under a finished sentence are a signature, not
    // the next page's first word.
    const signed = INITIALS_AND_NAME.test(last.text.trim()) && (!before || TERMINAL.test(before.text.trim()));
    if (word && gapOk && !signed && /\p{L}/u.test(word)) {
      catchword = { word, text: last.text.replace(/^[^\p{L}]+/u, ''), row: last.index, afterOpenSentence: before ? !TERMINAL.test(before.text.trim()) : false };
    }
  }
  const lastText = textRows.filter((r) => r.index !== catchword?.row).at(-1);
  const lastTrim = lastText?.text.trim() ?? '';
  const endsHyphenated = /\p{L}[-¬]$/u.test(lastTrim);
  const endsOpen = lastText ? !TERMINAL.test(lastTrim) : false;
  let closing: string | null = null;
  const footRows = rows.slice(-8);
  for (const r of footRows) {
    const t = r.text.trim().replace(/^[^\p{L}]+/u, '');
    if (CLOSING.test(t)) closing = t.slice(0, 40);
  }

  let signature: string | null = null;
  const tail = rows.filter((r) => r.index !== catchword?.row).slice(-4);
  for (let i = tail.length - 1; i >= 1 && !signature; i--) {
    const r = tail[i]!;
    const t = r.text.trim();
    const nameLike = r.words <= 5 && r.letters >= 3 && /^[\p{Lu}][\p{L}.'’-]*(\s+[\p{Lu}(][\p{L}.,'’()-]*)*[.,]?$/u.test(t);
    if (nameLike && across(r.bbox[0]) > 0.4 && TERMINAL.test(tail[i - 1]!.text.trim())) signature = t.slice(0, 40);
  }

  const footRow = rows.slice(-3).find((r) => r.text.length <= 30 && FOOT_CONTINUES.test(r.text.trim()));
  const footContinues = footRow ? { text: footRow.text, row: footRow.index } : null;

  const heights = wordHeights(page);
  const typeHeight = median(heights);
  const pitches: number[] = [];
  for (let i = 1; i < textRows.length; i++) {
    const d = (textRows[i]!.bbox[1] + textRows[i]!.bbox[3]) / 2 - (textRows[i - 1]!.bbox[1] + textRows[i - 1]!.bbox[3]) / 2;
    if (typeHeight && d > 0.5 * typeHeight && d < 4 * typeHeight) pitches.push(d);
  }
  const lefts = textRows.map((r) => r.bbox[0] / W).sort((a, b) => a - b);
  const leftMargin = lefts.length ? lefts[Math.floor(lefts.length * 0.2)]! : null;

  // From the page's ink measure when the reading stage made one.
  const blank = page.blank === true;
  const nearlyBlank = !blank && (page.ink?.verdict === 'nearly_blank' || textRows.length === 0);
  return {
    pageId: page.pageId,
    file: page.file,
    pageIndex: page.pageIndex,
    pageCount: page.pageCount,
    width: W,
    height: H,
    blank,
    nearlyBlank,
    textRows: textRows.length,
    typeHeight,
    linePitch: median(pitches),
    leftMargin,
    topMark,
    unreadTopMark,
    continuationHeading,
    firstWord,
    firstRowLowerCase,
    opensWithProse,
    headerCues: [...cues].sort(),
    catchword,
    endsOpen,
    endsHyphenated,
    closing,
    signature,
    footContinues,
  };
}
