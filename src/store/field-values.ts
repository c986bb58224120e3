// What a reviewer may type as a field's value: the field's normal form
// (DESIGN.md, "Fields and their normal forms"), so a corrected record is as
// usable as an accepted one. Case-only fields are upper-cased for the reviewer
// instead of being refused; everything else that does not fit is refused with
// a message saying what is expected.
import { isValidDate } from '../segment/datetime.ts';

export type ParsedValue = { ok: true; value: string | number } | { ok: false; message: string };

const MAX_BODY_LENGTH = 20_000;
const MAX_VALUE_LENGTH = 1_000;
const UPPER_CASE_FIELDS = new Set(['docType', 'classification', 'precedence']);
const DIGIT_FIELDS = new Set(['number', 'outgoingNumber']);
// Control characters other than tab and newline never belong in a field.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Checks and normalises a value typed by a reviewer for `field`. */
export function parseFieldValue(field: string, raw: unknown): ParsedValue {
  if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, message: 'value must be a string' };
  let text = String(raw).trim();
  if (text === '') return { ok: false, message: `a value for ${field} cannot be empty (mark the field absent instead)` };
  const limit = field === 'body' ? MAX_BODY_LENGTH : MAX_VALUE_LENGTH;
  if (text.length > limit) return { ok: false, message: `${field} is limited to ${limit} characters` };
  if (CONTROL.test(text)) return { ok: false, message: `${field} contains control characters` };

  if (field === 'date') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      return { ok: false, message: 'date must be a real date written YYYY-MM-DD, e.g. 1951-06-30' };
    }
    return { ok: true, value: text };
  }
  if (field === 'time') {
    const m = /^(\d{1,2})[:.](\d{2})$/.exec(text);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return { ok: false, message: 'time must be HH:MM on the 24-hour clock, e.g. 14:05' };
    return { ok: true, value: `${m[1].padStart(2, '0')}:${m[2]}` };
  }
  if (DIGIT_FIELDS.has(field)) {
    if (!/^\d{1,8}$/.test(text)) return { ok: false, message: `${field} must be digits only (1 to 8), e.g. 21340` };
    return { ok: true, value: text };
  }
  if (field === 'copies') {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 500) return { ok: false, message: 'copies must be a whole number from 1 to 500' };
    return { ok: true, value: n };
  }
  if (UPPER_CASE_FIELDS.has(field)) {
    text = text.replace(/\s+/g, ' ').toUpperCase();
    if (!/^[A-Z][A-Z ]*$/.test(text)) return { ok: false, message: `${field} must be words in capital letters, e.g. TOP SECRET` };
    return { ok: true, value: text };
  }
  // Free text fields (from, to, place, body, signature, ...) are kept as typed;
  // the body is one line by contract (paragraphs joined by one space).
  if (field === 'body') text = text.replace(/\s*\n\s*/g, ' ');
  return { ok: true, value: text };
}

/** The value as a reviewer edits it: numbers as digits, nothing for null. */
export function valueAsText(value: string | number | null): string {
  return value === null ? '' : String(value);
}
