// The dates a received or office stamp prints over a typed document's header (`RECEIVED / DEPARTMENT
// OF STATE / 1940 AUG 12 PM 3 46`, `DEC 3 1942`, `3 DEC 1942`): never the document's date (the
// profiles' `skip` keeps them out of it), but evidence about it. A despatch or a letter is stamped
// when it arrives, days or weeks after it was written, so a stamp's year confirms the year typed on
// the date line, and a stamp dated before the document, or months after it, says one of the two
// was misread.
import { isValidDate, repairDigits } from './datetime.ts';
import type { FieldDraft } from './draft.ts';
import type { TextLine } from './lines.ts';
import { boxesOverlap } from '../geometry.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MON = `(${MONTHS.join('|')})`;
/** A stamp's date: its month in capitals, abbreviated, in the three orders date stamps use. */
const STAMP_FORMS: { re: RegExp; year: number; month: number; day: number }[] = [
  { re: new RegExp(`(?<![\\dA-Z])(\\d{4})\\s*${MON}\\.?\\s*(\\d{1,2})(?!\\d)`, 'g'), year: 1, month: 2, day: 3 },
  { re: new RegExp(`(?<![\\dA-Z])${MON}\\.?\\s*(\\d{1,2}),?\\s*(\\d{4})(?!\\d)`, 'g'), year: 3, month: 1, day: 2 },
  { re: new RegExp(`(?<![\\dA-Z])(\\d{1,2})\\s*${MON}\\.?\\s*(\\d{4})(?!\\d)`, 'g'), year: 3, month: 2, day: 1 },
];

/** The stamp dates (ISO) read on `lines`. */
export function stampDates(lines: readonly TextLine[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const text = repairDigits(line.text);
    for (const form of STAMP_FORMS) {
      form.re.lastIndex = 0;
      for (let m = form.re.exec(text); m; m = form.re.exec(text)) {
        const year = Number(m[form.year]);
        const month = MONTHS.indexOf(m[form.month]!) + 1;
        const day = Number(m[form.day]);
        if (isValidDate(year, month, day)) out.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }
    }
  }
  return [...new Set(out)];
}

/** Note: a stamp on the page is dated within the days of transit after the document's date: the date's year is confirmed. */
export const YEAR_ON_STAMP = 'year_on_stamp';
/** Note (a reason): the date was read in a stamp's form, its month abbreviated in capitals (`22 NOV 1946`). */
export const DATE_FROM_STAMP = 'date_from_stamp';
/** Note (a reason): every stamp date read is before the document's date or too long after it. */
export const STAMP_DATE_MISMATCH = 'stamp_date_mismatch';

/**
 * A stamp is dated on the day the document arrived: not before it was written, and within the months a
 * pouch took (generated despatches: 9-57 days). A year misread by one moves the date 365 days, out of it.
 */
const MAX_DAYS_IN_TRANSIT = 200;

const dayNumber = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;

/**
 * Notes the date field against the stamp dates of the document's header zone: `year_on_stamp` when
 * one stamp is dated within MAX_DAYS_IN_TRANSIT after it, `stamp_date_mismatch` when stamps were read and none is.
 */
export function checkAgainstStamps(date: FieldDraft | undefined, headerLines: readonly TextLine[]): void {
  if (!date?.found || typeof date.value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date.value)) return;
  // The date read in a stamp's form (`nsnd 22 NOV 1946`, an office stamp whose line a speck kept from the profiles'
  // `skip`): a stamp's date is never the document's, and the stamp cannot confirm itself.
  if (stampDates([{ text: date.text } as TextLine]).length > 0) {
    date.notes.push(DATE_FROM_STAMP);
    return;
  }
  // The date's own line is no second reading of it.
  const own = (line: TextLine): boolean => date.bbox !== null && line.page === date.page && line.words.some((w) => boxesOverlap(w.bbox, date.bbox!));
  const stamps = stampDates(headerLines.filter((l) => !own(l)));
  if (stamps.length === 0) return;
  const written = dayNumber(date.value);
  const consistent = stamps.some((s) => {
    const days = dayNumber(s) - written;
    return days >= 0 && days <= MAX_DAYS_IN_TRANSIT;
  });
  date.notes.push(consistent ? YEAR_ON_STAMP : STAMP_DATE_MISMATCH);
}
