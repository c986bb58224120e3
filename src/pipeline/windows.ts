// A sequence built in windows (issue 18): a folder of 100,000 single-page scans is one sequence,
// and neither a driver nor a queue job can hold it whole. Its pages come in windows, in order;
// each window's pages are decided as they come (a page's decision needs only the pages before it,
// which the cursor carries: the last page with text, whether a blank lay between), and a
// document's records are built as soon as the next document's first page is decided: its pages
// are known. The document still open at a window's end is carried into the next window, so a
// telegram over a window's edge is one record. Built window by window, a sequence gives the
// records buildRecords gives it whole (test/unit/pipeline-windows.test.ts).
import { ErrorCode, CablescanError } from '../errors.ts';
import { decideNext, groupingModel, groupingModeOf, pageCues, startOfSequence, type GroupingCursor, type GroupingDecision } from '../group/index.ts';
import { readPageJson } from '../records/page-store.ts';
import { boundariesOf, readBoundaryFiles, reviewerDecision, type ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import type { PageResult } from '../types.ts';
import { buildRecords, type BuildRecordsDeps, type BuildRecordsResult } from './build-records.ts';

/** Pages a window holds by default (config.windowPages). */
export const DEFAULT_WINDOW_PAGES = 500;

/** What a window hands the next of its sequence (plain JSON: a queue's window job writes it to the output folder). */
export interface WindowCarry {
  /** The sequence (a window whose pages all failed still builds the document carried into it). */
  documentKey?: string;
  /** Pages decided so far. */
  index: number;
  /** The last page decided (a reviewer's boundary is between it and the next window's first page). */
  last: { pageId: string; contentHash: string; file: string } | null;
  /** The last page with text (the next page is compared with it: its cues are taken from its page JSON). */
  previousWithText: { pageId: string; file: string } | null;
  blankSince: boolean;
  /** The document still open: its pages' decisions and files, in order. */
  open: Array<{ decision: GroupingDecision; file: string }>;
  /**
   * The review store's reviewer boundaries at the open pages when they were decided: the save of
   * their records compares them with the store's then (a reviewer's split or merge meanwhile).
   */
  boundaries?: ReviewerBoundary[];
}

export interface WindowBuild extends BuildRecordsResult {
  /** The pages whose records this window built (its closed documents', in order). */
  pages: string[];
  carry: WindowCarry;
}

export interface WindowDeps extends BuildRecordsDeps {
  /** The output folder holds the carried pages' JSON. */
  outDir: string;
}

/** Only auto mode decides page by page; the other modes' sequences are built whole (one window). */
export function windowedSequence(documentKey: string): boolean {
  return groupingModeOf(documentKey) === 'auto';
}

/** A sequence's pages split into windows of at most `size` (one window when the mode does not decide page by page). */
export function windowsOf<T extends { documentKey: string }>(pages: readonly T[], size: number): T[][] {
  if (pages.length === 0) return [];
  if (!windowedSequence(pages[0]!.documentKey)) return [[...pages]];
  const windows: T[][] = [];
  for (let i = 0; i < pages.length; i += size) windows.push(pages.slice(i, i + size));
  return windows;
}

async function carriedPage(outDir: string, pageId: string, file: string, documentKey: string, contentHash?: string): Promise<PageResult> {
  const page = await readPageJson(outDir, pageId);
  if (!page || (contentHash !== undefined && page.contentHash !== contentHash)) {
    throw new CablescanError(ErrorCode.INTERNAL, `page ${pageId} was read, but ${outDir}/pages/${pageId}.json is gone or from other content`, {
      file,
      retryable: true,
    });
  }
  return { ...page, file, documentKey };
}

/**
 * Decides a window's pages (read ones, in order) after `carry` (null: the sequence's first
 * window) and builds the records of the documents it closes; `last`: the sequence ends here, so
 * the open document is built too.
 */
export async function buildWindow(
  pages: readonly PageResult[],
  carry: WindowCarry | null,
  last: boolean,
  deps: WindowDeps,
  attemptsLeft = 3,
): Promise<WindowBuild> {
  try {
    return await buildWindowOnce(pages, carry, last, deps);
  } catch (err) {
    // A reviewer split or merged pages of this window since their decisions were read: decide
    // again with theirs. (A change at a page carried in from the window before fails again: its
    // decision was made there; nothing is saved, so no reviewer's decision is undone.)
    if (err instanceof CablescanError && err.code === ErrorCode.STORE_CHANGED && attemptsLeft > 1)
      return buildWindow(pages, carry, last, deps, attemptsLeft - 1);
    throw err;
  }
}

async function buildWindowOnce(pages: readonly PageResult[], carry: WindowCarry | null, last: boolean, deps: WindowDeps): Promise<WindowBuild> {
  const documentKey = pages[0]?.documentKey ?? carry?.documentKey;
  if (documentKey !== undefined && !windowedSequence(documentKey)) {
    if (carry || !last) throw new CablescanError(ErrorCode.INTERNAL, `sequence ${documentKey} is built whole, not in windows`);
    const built = await buildRecords(pages, deps);
    return {
      ...built,
      pages: pages.map((p) => p.pageId),
      carry: { documentKey, index: pages.length, last: null, previousWithText: null, blankSince: false, open: [] },
    };
  }
  const model = deps.groupingModel ?? groupingModel();
  const cursor: GroupingCursor = startOfSequence();
  let open = [...(carry?.open ?? [])];
  if (carry) {
    cursor.index = carry.index;
    cursor.blankSince = carry.blankSince;
    cursor.previousFile = carry.last?.file ?? null;
    const before = carry.previousWithText;
    if (before) cursor.previousWithText = pageCues(await carriedPage(deps.outDir, before.pageId, before.file, documentKey ?? ''));
  }

  // A reviewer's decision at a boundary wins (the first page of the sequence always starts).
  const withBefore = carry?.last ? [{ pageId: carry.last.pageId, contentHash: carry.last.contentHash } as PageResult, ...pages] : [...pages];
  // The store's are kept for the save, which refuses when the store holds others by then (CS_ERR_STORE_CHANGED).
  const stored = deps.reviewerBoundaries ? undefined : ((await deps.store?.reviewerBoundaries?.(withBefore)) ?? []);
  const boundaries = deps.reviewerBoundaries ?? [...(await readBoundaryFiles(deps.outDir, withBefore)), ...(stored ?? [])];
  const reviewed = boundariesOf(withBefore, boundaries);
  const hashOf = new Map(pages.map((p) => [p.pageId, p.contentHash]));
  /** The store's boundaries at these pages of the window (all of them, as the save compares them). */
  const storedAt = (pageIds: Iterable<string>): ReviewerBoundary[] => {
    const hashes = new Set([...pageIds].map((id) => hashOf.get(id)).filter((h) => h !== undefined));
    return (stored ?? []).filter((b) => hashes.has(b.contentHash));
  };
  const carriedOpen = carry?.open.length ?? 0;

  const inWindow = new Map(pages.map((p) => [p.pageId, p]));
  let previousWithText = carry?.previousWithText ?? null;
  const closed: Array<{ decision: GroupingDecision; file: string }> = [];
  let closing: GroupingDecision | undefined;
  for (const page of pages) {
    const first = cursor.index === 0;
    const computed = decideNext(cursor, page, pageCues(page), { mode: 'auto', profiles: deps.profiles }, model);
    const boundary = first ? undefined : reviewed.get(page.pageId);
    const decision = boundary ? reviewerDecision(boundary, computed) : computed;
    if (decision.decision === 'start' && open.length) {
      closed.push(...open);
      open = [];
      closing = decision;
    }
    open.push({ decision, file: page.file });
    if (cursor.previousWithText?.pageId === page.pageId) previousWithText = { pageId: page.pageId, file: page.file };
  }
  if (last) {
    closed.push(...open);
    open = [];
    closing = undefined;
  }

  const lastPage = pages.at(-1);
  // The carried pages are still open when nothing in this window started a document.
  const carriedStillOpen = carriedOpen > 0 && open.length >= carriedOpen && open[0] === carry!.open[0];
  const openBoundaries = stored ? [...(carriedStillOpen ? (carry!.boundaries ?? []) : []), ...storedAt(open.map((o) => o.decision.page))] : undefined;
  const nextCarry: WindowCarry = {
    ...(documentKey !== undefined ? { documentKey } : {}),
    index: cursor.index,
    last: lastPage ? { pageId: lastPage.pageId, contentHash: lastPage.contentHash, file: lastPage.file } : (carry?.last ?? null),
    previousWithText,
    blankSince: cursor.blankSince,
    open,
    ...(openBoundaries?.length ? { boundaries: openBoundaries } : {}),
  };
  if (closed.length === 0) {
    return { records: [], telegrams: [], grouping: { mode: 'auto', decisions: [] }, timings: {}, pages: [], carry: nextCarry };
  }
  const chunk: PageResult[] = [];
  for (const { decision, file } of closed) chunk.push(inWindow.get(decision.page) ?? (await carriedPage(deps.outDir, decision.page, file, documentKey ?? '')));
  // The chunk is whole documents: their decisions are kept as made here (with the reviewers'),
  // and the decision after the last one closes it.
  const built = await buildRecords(
    chunk,
    {
      ...deps,
      reviewerBoundaries: [],
      keepDecisions: new Map(closed.map(({ decision }) => [decision.page, decision])),
      decisionAfter: closing,
      // The store's boundaries at the chunk's pages as its decisions saw them: those carried in, and this window's.
      ...(stored ? { builtWith: [...(carriedStillOpen ? [] : (carry?.boundaries ?? [])), ...storedAt(closed.map((c) => c.decision.page))] } : {}),
    },
    1,
  );
  return { ...built, pages: chunk.map((p) => p.pageId), carry: nextCarry };
}
