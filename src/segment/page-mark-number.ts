// The number a despatch's later pages repeat in their page mark (`-2- #720`, `- 3 - No. 1496`): the
// typist typed the despatch number again at the top of each continuation page, away from the header,
// where seals, stamps and the post's heading make the `No.` line the hardest of the page to read. The
// OCR reads that mark on its own, from other ink: a second reading of the number. The same digits on
// both say the header's reading is right, whatever its label or its word confidence (`lo. 2160.` at
// 96 under a lost `N`, `2834.` at 74); different digits say one of the two was misread.
import { mergeRowPieces } from './lines.ts';
import { repairNumberToken } from './text.ts';
import type { FieldDraft } from './draft.ts';
import type { PageResult } from '../types.ts';

/** Note: a continuation page's mark repeats the number (the same digits, read apart from the header). */
export const NUMBER_ON_PAGE_MARK = 'number_on_page_mark';
/** Note (a reason): a continuation page's mark gives the number with other digits than the header's. */
export const PAGE_MARK_MISMATCH = 'page_mark_mismatch';

/** The mark is the page's first row or close under it (a speck or a stamp's line may be read first). */
const TOP_ROWS = 3;

/**
 * `-2- #2160`, `- 2 - #720`, `-3- No. 1496`, `2. #455`: a page number between dashes (or with its stop), then
 * the number after `#` or `No.`, and nothing else on the row. Letters OCR puts for digits (`#2l60`) are
 * repaired as the header's parser repairs them, and such a reading is no evidence of its own (below).
 */
const MARK_WITH_NUMBER = /^[-–—~.\s]*\d{1,3}\s*(?:[-–—~]+|\.)\s*(?:#|No\.?|Nr\.?)\s*([0-9OolI]{1,5})[.,]?\s*$/u;

/** The number a continuation page's top rows give in its mark, read digit for digit (no repair), or null. */
export function pageMarkNumber(page: Pick<PageResult, 'lines'>): string | null {
  const rows = mergeRowPieces(page.lines ?? [])
    .sort((a, b) => a.line.bbox[1] - b.line.bbox[1])
    .slice(0, TOP_ROWS);
  for (const { line } of rows) {
    const text = (line.words ?? [])
      .map((w) => w.text.trim())
      .filter(Boolean)
      .join(' ');
    const m = MARK_WITH_NUMBER.exec(text || line.text);
    if (!m) continue;
    const repaired = repairNumberToken(m[1]!);
    // A mark whose digits needed repairing is as doubtful as the header it would confirm: not a second reading.
    return repaired && !repaired.corrected ? repaired.digits : null;
  }
  return null;
}

/**
 * Notes the number against the marks of the document's later pages: `number_on_page_mark` when a mark
 * gives the same digits (and none other), `page_mark_mismatch` when marks were read and none agrees.
 */
export function checkNumberOnPageMarks(number: FieldDraft | undefined, laterPages: ReadonlyArray<Pick<PageResult, 'lines'>>): void {
  if (!number?.found || typeof number.value !== 'string' || !/^\d+$/.test(number.value)) return;
  const marks = laterPages.map(pageMarkNumber).filter((n): n is string => n !== null);
  if (marks.length === 0) return;
  number.notes.push(marks.every((m) => m === number.value) ? NUMBER_ON_PAGE_MARK : PAGE_MARK_MISMATCH);
}
