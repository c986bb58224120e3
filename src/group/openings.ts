// What the top of a page says in the telegram profiles' own terms: a telegram
// opening (a heading with its header, or a complete header whose heading was
// lost; split.ts's rules) and, weaker, a telegram heading label alone at the top
// (`TELEGRAM Nr. 5866` over a header the OCR garbled). Both are grouping cues.
import { linesOfPages } from '../segment/lines.ts';
import type { Profile } from '../segment/profile-schema.ts';
import { headingScore, pageOpening } from '../segment/split.ts';
import type { PageResult } from '../types.ts';

export interface Opening {
  score: number;
  what: string;
}

/** Rows from the top where a heading label still heads the page. */
const HEADING_ROWS = 3;

export interface PageOpenings {
  readonly opening: Opening | null;
  readonly heading: Opening | null;
}

/**
 * A page's openings, remembered for the page (its lines do not change once read) and the
 * profiles asked with: a windowed run decides each page as it arrives and again when it builds
 * the documents the window closed, and the openings (every telegram profile's header searched on
 * the page's top lines) were the largest part of both.
 */
const OPENINGS = new WeakMap<PageResult, { profiles: readonly Profile[]; openings: PageOpenings }>();

export function pageOpenings(page: PageResult, profiles: readonly Profile[]): PageOpenings {
  const known = OPENINGS.get(page);
  if (known && known.profiles === profiles) return known.openings;
  const openings = Object.freeze(findOpenings(page, profiles));
  OPENINGS.set(page, { profiles, openings });
  return openings;
}

function findOpenings(page: PageResult, profiles: readonly Profile[]): PageOpenings {
  const telegram = profiles.filter((p) => p.kind === 'telegram');
  const lines = linesOfPages([page]);
  const start = pageOpening(lines, telegram);
  let heading: Opening | null = null;
  // Labels only: a regex start (a DFAT place-date line, a FRUS sender line) is too common alone.
  for (const profile of telegram) {
    const labelled = { ...profile, start: profile.start.filter((s) => s.label) };
    if (labelled.start.length === 0) continue;
    for (const line of lines.slice(0, HEADING_ROWS)) {
      const h = headingScore(line, labelled);
      if (h.score > (heading?.score ?? 0)) heading = { score: h.score, what: `${h.what} (${profile.name})` };
    }
  }
  return { opening: start ? { score: Math.min(1, start.score), what: `${start.profile}: ${start.reason}` } : null, heading };
}
