// Lays a document's typed lines out on pages the way a typist fills sheets: lines of
// varying spacing (single, one and a half, double), page breaks wherever the sheet is
// full (so sentences run across the break), continuation pages opened by the document's
// page mark and continuation heading, and catchwords at the foot of a page. The
// evaluation sets of the telegram layouts keep using typeset.ts's `paginate`, whose
// pages must not change; this is the composer of the box and of the other kinds.

import type { ContinuationContext, TypedLine } from './model.ts';
import { columnOf, type PlacedLine } from './typeset.ts';
import { typewriterLine, type PageGeometry } from './geometry.ts';
import { continuationHeadingText, pageMarkText, type ContinuationStyle } from './continuation.ts';

export interface Zone {
  name: string;
  /** Px below the top margin, like PlacedLine.y. */
  y0: number;
  y1: number;
}

export interface ComposedPage {
  lines: PlacedLine[];
  zones: Zone[];
  /** The layout began this page (a report's text after its title page), not a full sheet. */
  forced?: boolean;
}

export interface PageBreak {
  /** The last text line of the page before ends inside a sentence. */
  runsOn: boolean;
  /** The catchword typed at the foot of the page before, if any. */
  catchword: string | null;
}

export interface Composition {
  pages: ComposedPage[];
  /** breaks[i] is between pages i+1 and i+2. */
  breaks: PageBreak[];
}

export interface ComposeInput {
  lines: TypedLine[];
  geometry: PageGeometry;
  /** Default spacing of a line in typewriter lines (1.5 = the evaluation sets' 75 px at 300 dpi). */
  spacing: number;
  style: ContinuationStyle;
  context: ContinuationContext;
}

const HEADER_ROLES = new Set(['pageMark', 'continuationHeading', 'catchword', 'footMark']);

function column(line: TypedLine, columns: number): number {
  if (line.align === 'right' && line.rightInset) return Math.max(0, columns - line.text.length - line.rightInset);
  return columnOf(line, columns);
}

export function compose(input: ComposeInput): Composition {
  const { geometry, style, context } = input;
  const unit = typewriterLine(geometry);
  const reserve = style.catchwords || style.footMark ? 2 * unit : 0;
  const usable = geometry.height - geometry.marginTop - geometry.marginBottom - reserve;
  const pages: ComposedPage[] = [];
  let y = 0;
  let typedOnPage = false;

  const place = (page: ComposedPage, line: TypedLine, role = line.role): void => {
    page.lines.push({
      page: pages.length,
      row: 0,
      y: Math.round(y),
      column: column(line, geometry.columns),
      text: line.text,
      continuation: role !== undefined && HEADER_ROLES.has(role),
      ...(line.face ? { face: line.face } : {}),
      ...(line.underline ? { underline: true } : {}),
      ...(role ? { role } : {}),
      ...(line.read ? { read: line.read } : {}),
    });
  };
  const newPage = (): ComposedPage => {
    const page: ComposedPage = { lines: [], zones: [] };
    pages.push(page);
    y = 0;
    typedOnPage = false;
    const number = pages.length;
    if (number > 1) {
      const mark = pageMarkText(style.pageMark, number, context);
      // A page mark sits above the text, a typewriter line or two over where the first page's text starts.
      if (mark) {
        y = -1.5 * unit;
        place(page, { text: mark, align: style.markAlign, role: 'pageMark', rightInset: style.markAlign === 'right' ? 2 : undefined });
        y = unit;
      }
      const heading = continuationHeadingText(style.heading, number, context);
      if (heading) {
        place(page, { text: heading, align: 'left', role: 'continuationHeading' });
        y += 2 * unit;
      }
    }
    return page;
  };

  let page = newPage();
  for (const line of input.lines) {
    const advance = (line.spacing ?? input.spacing) * unit;
    if (line.pageBreakBefore && typedOnPage) {
      page = newPage();
      page.forced = true;
    }
    if (line.text && y + unit > usable) page = newPage();
    if (!line.text) {
      // A blank line at the top of a continuation page is not typed.
      if (typedOnPage || pages.length === 1) {
        if (line.zone) page.zones.push({ name: line.zone, y0: Math.round(y), y1: Math.round(Math.min(usable, y + advance)) });
        y += advance;
      }
      continue;
    }
    place(page, line);
    typedOnPage = true;
    y += advance;
  }

  const breaks: PageBreak[] = [];
  for (let i = 0; i + 1 < pages.length; i++) {
    const text = pages[i].lines.filter((l) => !HEADER_ROLES.has(l.role ?? ''));
    const last = text[text.length - 1];
    const nextFirst = pages[i + 1].lines.find((l) => !HEADER_ROLES.has(l.role ?? ''));
    const runsOn = last !== undefined && !/[.!?:]["')\]]*$/.test(last.text.trimEnd());
    let catchword: string | null = null;
    // No catchword where the layout itself began a new sheet (a title page is not cut short).
    if (style.catchwords && last && nextFirst && !pages[i + 1].forced) {
      catchword = nextFirst.text.trim().split(/\s+/)[0];
      const lastY = last.y ?? 0;
      const at = Math.min(lastY + 2 * unit, usable + unit * 0.5);
      pages[i].lines.push({
        page: i + 1,
        row: 0,
        y: Math.round(at),
        column: Math.max(0, geometry.columns - catchword.length - style.catchwordInset),
        text: catchword,
        continuation: true,
        role: 'catchword',
      });
    }
    if (!catchword && style.footMark && last && !pages[i + 1].forced) {
      pages[i].lines.push({
        page: i + 1,
        row: 0,
        y: Math.round(Math.min((last.y ?? 0) + 2 * unit, usable + unit * 0.5)),
        column: Math.max(0, geometry.columns - style.footMark.length - style.catchwordInset),
        text: style.footMark,
        continuation: true,
        role: 'footMark',
      });
    }
    breaks.push({ runsOn, catchword });
  }
  return { pages, breaks };
}
