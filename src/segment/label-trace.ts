// A despatch number read after what is left of its `No.` (`lo. 2160. London, February 24, 1942.`, `Jo.
// 1291. Rome, ...`: the `N` lost at the margin or under a seal's ring). The label is misread, not the
// number: where the same line goes on with the place the gazetteer knows and a date, it is the
// place-and-date line the layout opens with the number, and the number's position is evidenced by them,
// as a clean `No.` would evidence it. Its digits are still judged by their own confidence. Without
// that line (a trace before a number on a line of its own, or before an unknown word) the label's
// misreading holds the number as a repair does (`ocr_corrected`).
import type { FieldDraft } from './draft.ts';

/** Note (internal): the number's label was read as a trace of `No.`; resolved by `resolveLabelTrace`. */
export const LABEL_TRACE = 'label_trace';

/**
 * Drops the number's `label_trace` note when the place (known to the gazetteer) and a valid date were read on
 * its line (`lineOf`: the line a field's value starts on); otherwise turns it into `ocr_corrected`, which holds the number.
 */
export function resolveLabelTrace(fields: Readonly<Record<string, FieldDraft | undefined>>, lineOf: (name: string) => number | null): void {
  const number = fields.number;
  if (!number?.notes.includes(LABEL_TRACE)) return;
  const place = fields.place;
  const date = fields.date;
  // The number's own line (the OCR's, so a line sloped across the page is still one).
  const line = lineOf('number');
  const onLine = (name: string): boolean => line !== null && lineOf(name) === line;
  const placeOnRow = place?.found === true && typeof place.value === 'string' && !place.notes.includes('unknown_place') && onLine('place');
  const dateOnRow = date?.found === true && typeof date.value === 'string' && !date.notes.includes('invalid_date') && onLine('date');
  number.notes = number.notes.filter((n) => n !== LABEL_TRACE);
  if (!(placeOnRow && dateOnRow)) number.notes.push('ocr_corrected');
}
