// Places typed lines on pages: rows and typewriter columns, page breaks with
// the layout's continuation header (e.g. "- 2 -") on the following pages.

import type { Layout, LineRole, TypedLine } from './model.ts';
import { rowsPerPage, type PageGeometry } from './geometry.ts';

export interface PlacedLine {
  /** 1-based page number. */
  page: number;
  row: number;
  column: number;
  text: string;
  /** True for lines the layout adds on continuation pages (not part of the telegram's text fields). */
  continuation: boolean;
  /** Top of the line in px below the top margin; when absent, `row` lines of the geometry's line height. */
  y?: number;
  face?: 'print' | 'print-bold';
  underline?: boolean;
  role?: LineRole;
  /** The transcription when it differs from the typed text (see TypedLine.read). */
  read?: string;
}

export function columnOf(line: TypedLine, columns: number): number {
  const length = line.text.length;
  if (line.align === 'center') return Math.max(0, Math.floor((columns - length) / 2));
  if (line.align === 'right') return Math.max(0, columns - length);
  return line.indent ?? 0;
}

/** Returns the placed lines (blank lines dropped, they only take rows) and the page count. */
export function paginate(lines: TypedLine[], layout: Layout, geometry: PageGeometry): { placed: PlacedLine[]; pages: number } {
  const capacity = rowsPerPage(geometry);
  const placed: PlacedLine[] = [];
  let page = 1;
  let row = 0;
  let typedOnPage = false;
  const newPage = (): void => {
    page++;
    row = 0;
    typedOnPage = false;
    for (const header of layout.continuationHeader(page)) {
      if (header.text) placed.push({ page, row, column: columnOf(header, geometry.columns), text: header.text, continuation: true });
      row++;
    }
  };
  for (const line of lines) {
    if (line.pageBreakBefore && typedOnPage) newPage();
    if (row >= capacity) newPage();
    if (!line.text) {
      // A blank line at the top of a continuation page is not typed.
      if (typedOnPage || page === 1) row++;
      continue;
    }
    placed.push({ page, row, column: columnOf(line, geometry.columns), text: line.text, continuation: false });
    typedOnPage = true;
    row++;
  }
  return { placed, pages: page };
}
