// The grouping decision: for every page of a sequence (a folder's pages in name
// order), does it start a document or continue the one before? Made from the
// evidence at each page boundary (features.ts) by the logistic model (model.ts),
// with its confidence and the cues that decided it. A decision the model is not
// sure of is marked uncertain: every field of the records it touches waits for a
// person (pipeline/build-records.ts), so doubt about which pages belong together is never silent.
import type { GroupingDecision, PageResult } from '../types.ts';

export type { GroupingDecision, GroupingEvidence } from '../types.ts';
import type { Profile } from '../segment/profile-schema.ts';
import { pageOpenings } from './openings.ts';
import { boundaryFeatures, describe } from './features.ts';
import { groupingModel, sigmoid, startLogit, type GroupingModel } from './model.ts';
import type { GroupingMode } from './modes.ts';
import { pageCues, type PageCues } from './page-cues.ts';

export { GROUPING_MODES, type GroupingMode } from './modes.ts';

export interface Grouping {
  mode: GroupingMode;
  decisions: GroupingDecision[];
  /** The pages of each document, in order. */
  documents: PageResult[][];
  /** Rows (indexes into a page's `lines`) that are cues, not text: catchwords, page marks, continuation headings. */
  ignoredLines: Map<string, Set<number>>;
  cues: Map<string, PageCues>;
}

export interface GroupingOptions {
  mode: GroupingMode;
  profiles: readonly Profile[];
  model?: GroupingModel;
  /**
   * Decisions that win over the computed ones (a reviewer's split or merge, or the decisions a
   * sequence had when a reviewer regrouped part of it): given the computed decision of page
   * `index`, the one to use. Documents and cue rows follow what it returns.
   */
  override?: (computed: GroupingDecision, index: number) => GroupingDecision;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function ruleDecision(page: string, decision: 'start' | 'continue', cue: 'first-page' | 'blank-page' | 'mode', detail: string): GroupingDecision {
  const rule = cue as 'first-page' | 'blank-page' | 'mode';
  return { page, decision, confidence: 1, uncertain: false, rule, evidence: [{ cue, says: decision, weight: 0, detail }] };
}

/** The model's decision at page `c` after page `p`. */
export function decideBoundary(
  p: PageCues,
  c: PageCues,
  cPage: PageResult,
  afterBlank: boolean,
  profiles: readonly Profile[],
  model: GroupingModel,
): GroupingDecision {
  const { opening, heading } = pageOpenings(cPage, profiles);
  const features = boundaryFeatures({ previous: p, current: c, opening, heading, afterBlank });
  const { logit, contributions } = startLogit(features, model.weights);
  const pStart = sigmoid(logit);
  const decision = pStart >= 0.5 ? 'start' : 'continue';
  const confidence = round(decision === 'start' ? pStart : 1 - pStart);
  return {
    page: c.pageId,
    decision,
    confidence,
    uncertain: confidence < model.uncertainBelow,
    rule: 'model',
    evidence: contributions.map((k) => ({
      cue: k.feature,
      says: k.logit > 0 ? 'start' : 'continue',
      weight: round(k.logit),
      detail: describe(k.feature, p, c, opening?.what ?? null, heading?.what ?? null),
    })),
  };
}

/** Cue rows of a page that segmentation must not read as text. */
function cueRows(cues: PageCues, continues: boolean, nextContinues: boolean): number[] {
  const rows: number[] = [];
  // A catchword repeats the next page's first word: evidence, never a value or body text. Where
  // the next page is not there (pages missing from the box), a lone lower-case word after an
  // unfinished sentence is still one; a capitalised one may be a signature whose full stop was lost.
  const lowerCase = cues.catchword ? /^\p{Ll}/u.test(cues.catchword.text) : false;
  if (cues.catchword && (nextContinues || (cues.catchword.afterOpenSentence && lowerCase))) rows.push(cues.catchword.row);
  if (continues && cues.topMark) rows.push(cues.topMark.row);
  if (nextContinues && cues.footContinues) rows.push(cues.footContinues.row);
  return rows;
}

/**
 * Where the decisions of a sequence have got to: all a page's decision needs of the pages before
 * it. A sequence decided in windows (src/pipeline/windows.ts) carries it from one to the next.
 */
export interface GroupingCursor {
  /** Pages decided so far. */
  index: number;
  /** The file of the last page decided (file mode). */
  previousFile: string | null;
  /** The last page with text: the page a page is compared with. */
  previousWithText: PageCues | null;
  /** A blank page lies between previousWithText and the next page. */
  blankSince: boolean;
}

export const startOfSequence = (): GroupingCursor => ({ index: 0, previousFile: null, previousWithText: null, blankSince: false });

/** The decision of the next page of a sequence (`c`: its cues), before overrides; moves the cursor on. */
export function decideNext(
  cursor: GroupingCursor,
  page: PageResult,
  c: PageCues,
  options: Pick<GroupingOptions, 'mode' | 'profiles'>,
  model: GroupingModel,
): GroupingDecision {
  let decision: GroupingDecision;
  if (cursor.index === 0) decision = ruleDecision(page.pageId, 'start', 'first-page', 'first page of the sequence');
  else if (options.mode === 'page') decision = ruleDecision(page.pageId, 'start', 'mode', '--documents page: every page is a document');
  else if (options.mode === 'file') {
    const other = page.file !== cursor.previousFile;
    decision = ruleDecision(page.pageId, other ? 'start' : 'continue', 'mode', other ? '--documents file: a new file' : '--documents file: the same file');
  } else if (options.mode === 'folder')
    decision = ruleDecision(page.pageId, 'continue', 'mode', '--documents folder: the folder is one sequence, split at telegram headings');
  else if (c.blank) decision = ruleDecision(page.pageId, 'continue', 'blank-page', 'blank page: kept with the document before (a back side or a separator)');
  else if (c.nearlyBlank)
    decision = ruleDecision(page.pageId, 'continue', 'blank-page', 'nearly blank page (a signature, a page number, a stamp): kept with the document before');
  else if (!cursor.previousWithText) decision = ruleDecision(page.pageId, 'start', 'first-page', 'first page with text in the sequence');
  else decision = decideBoundary(cursor.previousWithText, c, page, cursor.blankSince, options.profiles, model);
  if (c.blank || c.nearlyBlank) cursor.blankSince = c.blank || cursor.blankSince;
  else {
    cursor.previousWithText = c;
    cursor.blankSince = false;
  }
  cursor.index += 1;
  cursor.previousFile = page.file;
  return decision;
}

export function decideGrouping(pages: readonly PageResult[], options: GroupingOptions): Grouping {
  const model = options.model ?? groupingModel();
  const cues = new Map(pages.map((p) => [p.pageId, pageCues(p)]));
  const cursor = startOfSequence();
  const decisions = pages.map((page) => decideNext(cursor, page, cues.get(page.pageId)!, options, model));
  if (options.override) decisions.forEach((d, i) => (decisions[i] = options.override!(d, i)));

  const documents: PageResult[][] = [];
  pages.forEach((page, i) => {
    if (decisions[i]!.decision === 'start' || documents.length === 0) documents.push([page]);
    else documents[documents.length - 1]!.push(page);
  });

  const ignoredLines = new Map<string, Set<number>>();
  pages.forEach((page, i) => {
    const rows = cueRows(cues.get(page.pageId)!, decisions[i]!.decision === 'continue' && i > 0, decisions[i + 1]?.decision === 'continue');
    if (rows.length) ignoredLines.set(page.pageId, new Set(rows));
  });
  return { mode: options.mode, decisions, documents, ignoredLines, cues };
}
