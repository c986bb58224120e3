// A name read from a row the OCR cut in two: a handwritten signature over the typed name
// makes Tesseract put the name's first words (`G. S.`) into the scribble's line and the rest
// (`SUWARNO`) into a line of its own. The value then reads well and is wrong. Words of another
// line standing on the value's row, just left of it, say that part of the value was read elsewhere.
import type { FieldDraft } from './draft.ts';
import type { TextLine } from './lines.ts';

/** Fields that are names set on a row of their own, where a lost first part changes the value. */
const NAME_FIELDS = ['signature'];

function verticalOverlap(a: readonly number[], b: readonly number[]): number {
  return Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
}

/** True when a word of another line sits on the field's row, within a few letter heights to its left. */
export function rowContinuesLeft(field: FieldDraft, lines: readonly TextLine[]): boolean {
  const box = field.bbox;
  if (!field.found || !box || !field.page) return false;
  const height = box[3] - box[1];
  if (height <= 0) return false;
  for (const line of lines) {
    if (line.page !== field.page) continue;
    for (const w of line.words) {
      if (!/[\p{L}\p{N}]/u.test(w.text)) continue;
      const [x0, y0, x1, y1] = w.bbox;
      // The field's own words.
      if (x0 >= box[0] - 1 && x1 <= box[2] + 1 && y0 >= box[1] - 1 && y1 <= box[3] + 1) continue;
      const h = y1 - y0;
      if (h <= 0) continue;
      // A larger word drawn over the value (the scribble's box holds the typed name): the value
      // was read under other ink, and what it lost is in that word.
      const covered = Math.max(0, Math.min(x1, box[2]) - Math.max(x0, box[0])) * verticalOverlap(w.bbox, box);
      if (h > height && covered >= 0.5 * (box[2] - box[0]) * height) return true;
      if (h > 3 * height) continue;
      const onRow = verticalOverlap(w.bbox, box) >= 0.5 * Math.min(h, height);
      const justLeft = x1 <= box[0] + 2 && x1 >= box[0] - 4 * height;
      if (onRow && justLeft) return true;
    }
  }
  return false;
}

const lastWord = (text: string): string => (text.match(/\p{L}{3,}/gu) ?? []).at(-1)?.toLowerCase() ?? '';

/**
 * A line just below the value's that ends on the same name but reads differently (a signature
 * read from the scribble, `(. A. RANSOME`, over the typed `L. A. RANSOME`): two readings of one name.
 */
export function nameReadTwice(field: FieldDraft, lines: readonly TextLine[]): boolean {
  if (!field.found || typeof field.value !== 'string' || !field.page || !field.bbox) return false;
  const name = lastWord(field.value);
  if (!name) return false;
  const at = lines.findIndex(
    (l) => l.page === field.page && l.words.some((w) => w.bbox[1] >= field.bbox![1] - 1 && w.bbox[3] <= field.bbox![3] + 1 && w.bbox[0] >= field.bbox![0] - 1),
  );
  if (at < 0) return false;
  const value = field.value.replace(/\W+/g, ' ').trim().toLowerCase();
  // Only a reading below the value's: the typed name stands under the signature, and a value read
  // from the typed line with the scribble above it is the typist's reading.
  return [lines[at + 1], lines[at + 2]].some(
    (l) => l !== undefined && l.page === field.page && lastWord(l.text) === name && l.text.replace(/\W+/g, ' ').trim().toLowerCase() !== value,
  );
}

/**
 * Marks name fields read from a row the OCR split or overwrote (`incomplete_value`), or read
 * twice differently on neighbouring lines (`multiple_candidates`).
 */
export function markSplitRows(fields: Record<string, FieldDraft>, lines: readonly TextLine[]): void {
  for (const name of NAME_FIELDS) {
    const field = fields[name];
    if (!field) continue;
    if (!field.notes.includes('incomplete_value') && rowContinuesLeft(field, lines)) field.notes.push('incomplete_value');
    if (!field.notes.includes('multiple_candidates') && nameReadTwice(field, lines)) field.notes.push('multiple_candidates');
  }
}
