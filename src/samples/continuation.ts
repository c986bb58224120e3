// How typed documents mark their continuation pages, as archives hold them: a page
// mark at the top in one of the styles real pages show ("- 2 -", "-2-", "2.", "Page 2",
// "-2- #720", or none), a catchword (the first word of the next page typed alone at the
// foot of the page before, as on the EHRI despatches) and, on telegrams, a continuation
// heading ("Continuation of telegram No. 123"). Drawn once per document.

import type { Align, ContinuationContext, DocumentKind } from './model.ts';
import type { Rng } from './random.ts';

export const PAGE_MARK_STYLES = ['none', 'dash-spaced', 'dash', 'dot', 'page', 'bare', 'dash-number'] as const;
export type PageMarkStyle = (typeof PAGE_MARK_STYLES)[number];

export interface ContinuationStyle {
  pageMark: PageMarkStyle;
  markAlign: Align;
  catchwords: boolean;
  /** Columns the catchword stops short of the right margin. */
  catchwordInset: number;
  /** Which continuation heading form (index into HEADING_FORMS), or null for none. */
  heading: number | null;
  /**
   * A mark at the foot right saying the text goes on, where there is no catchword: "./." (the
   * Danish despatch of the corpus ends its first page so), "P.T.O.", "/over". Null for none.
   */
  footMark: string | null;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Continuation headings typed under the page mark of a telegram's later pages. */
const HEADING_FORMS: readonly ((page: number, c: ContinuationContext) => string | null)[] = [
  (_, c) => (c.number ? `Continuation of ${c.noun} No. ${c.number}` : null),
  (p, c) => (c.number && c.place ? `- ${p} - ${cap(c.noun)} ${c.number} from ${c.place}` : null),
  (p, c) => (c.number ? `${cap(c.noun)} No. ${c.number}, page ${p}` : null),
  (_, c) => (c.number ? `${c.noun.toUpperCase()} ${c.number} (CONTD)` : null),
  (p, c) => (c.number && c.place ? `${c.place.toUpperCase()} ${c.number} - page ${p}` : null),
];

const HEADING_NUMBERS_PAGE = [false, true, true, false, true];

/** Weights of the page-mark styles by kind (despatches and letters of the corpus use "-2-"). */
const MARK_WEIGHTS: Record<DocumentKind, Partial<Record<PageMarkStyle, number>>> = {
  telegram: { none: 0.18, 'dash-spaced': 0.24, dash: 0.14, dot: 0.1, page: 0.1, bare: 0.12, 'dash-number': 0.12 },
  despatch: { none: 0.1, 'dash-spaced': 0.15, dash: 0.45, dot: 0.1, page: 0.05, 'dash-number': 0.15 },
  letter: { none: 0.2, 'dash-spaced': 0.25, dash: 0.3, dot: 0.1, page: 0.15 },
  report: { none: 0.25, 'dash-spaced': 0.3, dash: 0.2, dot: 0.1, page: 0.15 },
};
const CATCHWORD_SHARE: Record<DocumentKind, number> = { telegram: 0.3, despatch: 0.6, letter: 0.25, report: 0.2 };
const HEADING_SHARE: Record<DocumentKind, number> = { telegram: 0.35, despatch: 0, letter: 0, report: 0 };
const FOOT_MARKS: Record<DocumentKind, { share: number; marks: string[] }> = {
  telegram: { share: 0.05, marks: ['./.'] },
  despatch: { share: 0.08, marks: ['./.'] },
  letter: { share: 0.2, marks: ['./.', 'P.T.O.', '/over'] },
  report: { share: 0.1, marks: ['./.', '- over -'] },
};

function weighted<T extends string>(rng: Rng, weights: Partial<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let draw = rng.next() * total;
  for (const [value, w] of entries) {
    draw -= w;
    if (draw < 0) return value;
  }
  return entries[entries.length - 1][0];
}

export function drawContinuationStyle(kind: DocumentKind, context: ContinuationContext, rng: Rng): ContinuationStyle {
  let pageMark = weighted(rng, MARK_WEIGHTS[kind]);
  if (pageMark === 'dash-number' && !context.number) pageMark = 'dash';
  const markAlign: Align = pageMark === 'page' || pageMark === 'dot' ? rng.pick(['center', 'right'] as const) : 'center';
  const catchwords = rng.chance(CATCHWORD_SHARE[kind]);
  const catchwordInset = rng.int(0, 8);
  let heading: number | null = null;
  if (context.number && rng.chance(HEADING_SHARE[kind])) {
    heading = rng.int(0, HEADING_FORMS.length - 1);
    if (HEADING_FORMS[heading](2, context) === null) heading = 0;
    // A heading that numbers the page itself ("- 2 - Telegram 295 from Pusan") stands in for the page mark.
    if (HEADING_NUMBERS_PAGE[heading]) pageMark = 'none';
  }
  const foot = FOOT_MARKS[kind];
  const footMark = !catchwords && rng.chance(foot.share) ? rng.pick(foot.marks) : null;
  return { pageMark, markAlign, catchwords, catchwordInset, heading, footMark };
}

export function pageMarkText(style: PageMarkStyle, page: number, context: ContinuationContext): string | null {
  switch (style) {
    case 'none':
      return null;
    case 'dash-spaced':
      return `- ${page} -`;
    case 'dash':
      return `-${page}-`;
    case 'dot':
      return `${page}.`;
    case 'page':
      return `Page ${page}`;
    case 'bare':
      return `${page}`;
    case 'dash-number':
      return context.number ? `-${page}- #${context.number}` : `-${page}-`;
  }
}

export function continuationHeadingText(form: number | null, page: number, context: ContinuationContext): string | null {
  if (form === null) return null;
  return HEADING_FORMS[form](page, context);
}
