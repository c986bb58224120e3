// A reviewer's decision at a page boundary (a split, a merge, a confirmation)
// wins over the pipeline's, now and on every later build of the same pages. It
// is kept in the review store (with its audit entry) and as a small file per
// page under OUT/grouping/, which is what queue workers, who have no store, read
// when they rebuild a sequence. A boundary is the pair (page before, page): a
// decision applies only while both pages are the same content in the same order,
// so a re-scanned page or a page removed from the folder never inherits it.
import { readFile } from 'node:fs/promises';
import type { GroupingDecision, PageResult } from '../types.ts';
import { writeJsonAtomic } from './atomic-write.ts';
import { reviewerBoundaryPath } from './layout.ts';

export interface ReviewerBoundary {
  /** The page after the boundary: the decision says whether it starts a document. */
  page: string;
  contentHash: string;
  /** The page before it in its sequence. */
  previousPage: string;
  previousContentHash: string;
  decision: 'start' | 'continue';
  reviewer: string;
  /** ISO 8601. */
  at: string;
  /** What the reviewer did: split, merge or confirm. */
  action: 'split' | 'merge' | 'confirm';
}

function isBoundary(value: unknown): value is ReviewerBoundary {
  const b = value as Partial<ReviewerBoundary> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.page === 'string' &&
    typeof b.contentHash === 'string' &&
    typeof b.previousPage === 'string' &&
    typeof b.previousContentHash === 'string' &&
    (b.decision === 'start' || b.decision === 'continue') &&
    typeof b.reviewer === 'string' &&
    typeof b.at === 'string' &&
    (b.action === 'split' || b.action === 'merge' || b.action === 'confirm')
  );
}

/** The boundary files of these pages that exist (an unreadable one is ignored: the store has the decision too). */
export async function readBoundaryFiles(outDir: string, pages: readonly PageResult[]): Promise<ReviewerBoundary[]> {
  const found: ReviewerBoundary[] = [];
  for (const page of pages.slice(1)) {
    try {
      const parsed = JSON.parse(await readFile(reviewerBoundaryPath(outDir, page.pageId), 'utf8')) as unknown;
      if (isBoundary(parsed)) found.push(parsed);
    } catch {
      // no decision for this page
    }
  }
  return found;
}

export async function writeBoundaryFiles(outDir: string, boundaries: readonly ReviewerBoundary[]): Promise<void> {
  for (const b of boundaries) await writeJsonAtomic(reviewerBoundaryPath(outDir, b.page), b);
}

/**
 * The reviewer's decisions that apply to this sequence, by page id: the page and the one
 * before it are the content the reviewer saw. The latest decision at a boundary wins (on a tie, the later in the list).
 */
export function boundariesOf(pages: readonly PageResult[], boundaries: readonly ReviewerBoundary[]): Map<string, ReviewerBoundary> {
  const applying = new Map<string, ReviewerBoundary>();
  pages.forEach((page, i) => {
    if (i === 0) return;
    const previous = pages[i - 1]!;
    for (const b of boundaries) {
      if (b.contentHash !== page.contentHash || b.previousContentHash !== previous.contentHash) continue;
      const held = applying.get(page.pageId);
      if (!held || held.at <= b.at) applying.set(page.pageId, { ...b, page: page.pageId, previousPage: previous.pageId });
    }
  });
  return applying;
}

const ACTION_WORDS: Record<ReviewerBoundary['action'], string> = {
  split: 'split the record here',
  merge: 'merged the records here',
  confirm: 'confirmed the grouping here',
};

/**
 * The reviewer's decision as a page's grouping decision: certain, and saying who and when.
 * What the pipeline computed stays in the evidence, after the reviewer's, so a reader sees
 * what was overruled.
 */
export function reviewerDecision(boundary: ReviewerBoundary, computed?: GroupingDecision): GroupingDecision {
  const own = {
    cue: 'reviewer',
    says: boundary.decision,
    weight: 0,
    detail: `${boundary.reviewer} ${ACTION_WORDS[boundary.action]} (${boundary.at})`,
  };
  const before =
    computed && computed.rule !== 'reviewer'
      ? [
          {
            cue: `pipeline:${computed.rule}`,
            says: computed.decision,
            weight: 0,
            detail: `the pipeline said ${computed.decision} with confidence ${computed.confidence}`,
          },
          ...computed.evidence,
        ]
      : [];
  return {
    page: boundary.page,
    decision: boundary.decision,
    confidence: 1,
    uncertain: false,
    rule: 'reviewer',
    evidence: [own, ...before],
    decidedBy: boundary.reviewer,
    decidedAt: boundary.at,
  };
}
