// The evidence at one page boundary, as numbers: what the page before (P) and the
// page (C) say about whether C starts a document. Each feature is 0 when it says
// nothing, and positive with the strength of what it saw; its weight in the model
// (grouping-model.json) says whether it argues for a start (> 0) or a continuation (< 0).
import { distance } from 'fastest-levenshtein';
import type { PageCues } from './page-cues.ts';

export const FEATURE_NAMES = [
  'telegramOpening',
  'telegramHeading',
  'documentHeader',
  'topMarkContinues',
  'topMarkInSequence',
  'topMarkOne',
  'unreadTopMark',
  'continuationHeading',
  'catchwordMatches',
  'catchwordUnmatched',
  'footContinues',
  'endsHyphenated',
  'endsOpen',
  'startsLowerCase',
  'opensWithProse',
  'closingBefore',
  'signatureBefore',
  'typeSizeChange',
  'pitchChange',
  'marginChange',
  'scanSizeChange',
  'orientationChange',
  'sameFile',
  'otherFile',
  'afterBlank',
  'sparsePage',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

/** What a person would say about each feature when it fires (the decision's evidence). */
export function describe(name: FeatureName, p: PageCues, c: PageCues, opening: string | null, heading: string | null = null): string {
  switch (name) {
    case 'telegramOpening':
      return `page opens with ${opening ?? 'a telegram heading'}`;
    case 'telegramHeading':
      return `a telegram heading at the top: ${heading ?? ''}`;
    case 'documentHeader':
      return `document header at the top (${c.headerCues.join(', ')})`;
    case 'topMarkContinues':
      return `page mark "${c.topMark?.text}" (page ${c.topMark?.number})`;
    case 'topMarkInSequence':
      return `page mark follows the page before (${p.topMark?.number ?? 1} -> ${c.topMark?.number})`;
    case 'topMarkOne':
      return `page mark says page 1 ("${c.topMark?.text}")`;
    case 'unreadTopMark':
      return 'small unreadable mark centred above the text (a page number)';
    case 'continuationHeading':
      return `continuation heading "${c.continuationHeading}"`;
    case 'catchwordMatches':
      return `catchword "${p.catchword?.word}" at the foot of ${p.pageId} is this page's first word`;
    case 'catchwordUnmatched':
      return `${p.pageId} ends with a catchword ("${p.catchword?.word}") after an open sentence`;
    case 'footContinues':
      return `${p.pageId} ends with "${p.footContinues?.text}" (the text goes on)`;
    case 'endsHyphenated':
      return `${p.pageId} ends with a word broken by a hyphen`;
    case 'endsOpen':
      return `${p.pageId} ends in the middle of a sentence`;
    case 'startsLowerCase':
      return 'page starts in lower case (a sentence running on)';
    case 'opensWithProse':
      return 'page opens with running text, not a heading or an address';
    case 'closingBefore':
      return `${p.pageId} ends with a closing ("${p.closing}")`;
    case 'signatureBefore':
      return `${p.pageId} ends with a signature ("${p.signature}")`;
    case 'typeSizeChange':
      return `type size changes (${round(p.typeHeight)} -> ${round(c.typeHeight)} px)`;
    case 'pitchChange':
      return `line spacing changes (${round(p.linePitch)} -> ${round(c.linePitch)} px)`;
    case 'marginChange':
      return `left margin moves (${round(p.leftMargin, 2)} -> ${round(c.leftMargin, 2)} of the width)`;
    case 'scanSizeChange':
      return `scan size changes (${p.width}x${p.height} -> ${c.width}x${c.height})`;
    case 'orientationChange':
      return `the sheet turns (${p.width}x${p.height} -> ${c.width}x${c.height})`;
    case 'sameFile':
      return `same file as the page before (${c.file})`;
    case 'otherFile':
      return `new file (${c.file})`;
    case 'afterBlank':
      return 'follows a blank page';
    case 'sparsePage':
      return `little text on the page (${c.textRows} rows)`;
  }
}

function round(x: number | null, digits = 0): string {
  if (x === null) return '?';
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
}

/**
 * |log(a/b)| beyond `deadZone`, capped: how different two sizes are, whichever is larger. The
 * dead zone absorbs what varies between pages of one document (a measurement in whole pixels
 * on a 100 dpi scan, a sheet cropped a little differently).
 */
function logRatio(a: number | null, b: number | null, deadZone: number, cap = 1): number {
  if (!a || !b || a <= 0 || b <= 0) return 0;
  return Math.min(cap, Math.max(0, Math.abs(Math.log(a / b)) - deadZone));
}

/** Type measures need enough typing on both pages: a title page or a signature page says little. */
const MEASURED_ROWS = 8;

/** Catchwords are typed words read twice by the OCR: allow one slip in words of five letters or more. */
export function sameWord(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 5 && distance(a, b) <= 1;
}

/** Rows of text under which a page counts as sparse (a signature, a last line, a stamp). */
const SPARSE_ROWS = 6;

export interface BoundaryInput {
  /** The last page before C that has text (blank pages are skipped over). */
  previous: PageCues;
  current: PageCues;
  /** C's top opens a telegram: the opening's strength 0..1 and what it is. */
  opening: { score: number; what: string } | null;
  /** A telegram heading label in C's first rows, header or not. */
  heading?: { score: number; what: string } | null;
  /** A blank page lies between P and C. */
  afterBlank: boolean;
}

export function boundaryFeatures({ previous: p, current: c, opening, heading, afterBlank }: BoundaryInput): Features {
  const markNumber = c.topMark?.number ?? null;
  const inSequence = markNumber !== null && markNumber >= 2 && (p.topMark?.number ?? (p.pageIndex === 0 || !p.topMark ? 1 : -1)) === markNumber - 1;
  const catchwordMatches = sameWord(p.catchword?.word, c.firstWord);
  const differentFiles = p.file !== c.file;
  const measured = p.textRows >= MEASURED_ROWS && c.textRows >= MEASURED_ROWS;
  return {
    telegramOpening: opening ? Math.min(1, opening.score) : 0,
    telegramHeading: heading ? Math.min(1, heading.score) : 0,
    documentHeader: Math.min(3, c.headerCues.length) / 3,
    topMarkContinues: markNumber !== null && markNumber >= 2 ? 1 : 0,
    topMarkInSequence: inSequence ? 1 : 0,
    topMarkOne: markNumber === 1 ? 1 : 0,
    unreadTopMark: c.unreadTopMark && !c.topMark ? 1 : 0,
    continuationHeading: c.continuationHeading ? 1 : 0,
    catchwordMatches: catchwordMatches ? 1 : 0,
    catchwordUnmatched: p.catchword && !catchwordMatches && p.catchword.afterOpenSentence ? 1 : 0,
    footContinues: p.footContinues ? 1 : 0,
    endsHyphenated: p.endsHyphenated && !p.catchword ? 1 : 0,
    endsOpen: p.endsOpen && !p.endsHyphenated && !p.catchword ? 1 : 0,
    startsLowerCase: c.firstRowLowerCase ? 1 : 0,
    opensWithProse: c.opensWithProse ? 1 : 0,
    closingBefore: p.closing ? 1 : 0,
    signatureBefore: p.signature && !p.closing ? 1 : 0,
    typeSizeChange: measured ? logRatio(p.typeHeight, c.typeHeight, 0.1) : 0,
    pitchChange: measured ? logRatio(p.linePitch, c.linePitch, 0.15) : 0,
    marginChange: measured && p.leftMargin !== null && c.leftMargin !== null ? Math.min(0.5, Math.max(0, Math.abs(p.leftMargin - c.leftMargin) - 0.04)) : 0,
    scanSizeChange: logRatio(p.width * p.height, c.width * c.height, 0.15),
    // Portrait to landscape or back, clearly (a square-ish crop says nothing).
    orientationChange: (p.width / p.height - 1.1) * (c.width / c.height - 1.1) < 0 && (p.width / p.height < 0.9 || c.width / c.height < 0.9) ? 1 : 0,
    sameFile: !differentFiles && c.pageCount > 1 ? 1 : 0,
    otherFile: differentFiles && (p.pageCount > 1 || c.pageCount > 1) ? 1 : 0,
    afterBlank: afterBlank ? 1 : 0,
    sparsePage: c.textRows < SPARSE_ROWS ? 1 : 0,
  };
}
