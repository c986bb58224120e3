// Grouping tasks: a boundary between two pages of a sequence, the pipeline's (or
// a reviewer's) decision there, and the records on either side. What the review
// page shows side by side, and what the keyboard acts on: keep the decision,
// split the record at the page, or merge the record before with the one after.
import type { SequenceRecord, StoredSequence } from '../store/types.ts';
import type { GroupingDecision } from '../types.ts';

export interface TaskRecord {
  id: string;
  version: number;
  kind: string;
  profile: string;
  grouping: string | null;
  /** Page ids in order. */
  pages: string[];
}

export interface BoundaryTask {
  sequence: string;
  /** The page after the boundary: the decision says whether it starts a document. */
  page: string;
  previousPage: string;
  contentHash: string;
  previousContentHash: string;
  decision: GroupingDecision['decision'];
  confidence: number;
  uncertain: boolean;
  rule: GroupingDecision['rule'];
  evidence: GroupingDecision['evidence'];
  decidedBy?: string;
  decidedAt?: string;
  /** The record holding the page before the boundary, and the one holding the page after (the same one when they continue). */
  before: TaskRecord;
  after: TaskRecord;
}

function taskRecord(r: SequenceRecord): TaskRecord {
  return {
    id: r.id,
    version: r.version,
    kind: r.record.kind ?? 'telegram',
    profile: r.record.profile,
    grouping: r.record.grouping?.status ?? null,
    pages: r.pages,
  };
}

/** Every decision the sequence's records carry, by page. */
export function decisionsByPage(records: readonly SequenceRecord[]): Map<string, GroupingDecision> {
  const byPage = new Map<string, GroupingDecision>();
  for (const r of records) for (const d of r.record.grouping?.decisions ?? []) if (!byPage.has(d.page)) byPage.set(d.page, d);
  return byPage;
}

/** The task at the boundary before page `page` of the sequence, or null (the first page, or no record holds a side). */
export function boundaryTask(
  sequence: StoredSequence,
  records: readonly SequenceRecord[],
  page: string,
  decisions = decisionsByPage(records),
): BoundaryTask | null {
  const at = sequence.pages.findIndex((p) => p.pageId === page);
  if (at <= 0) return null;
  const previous = sequence.pages[at - 1]!.pageId;
  const decision = decisions.get(page);
  if (!decision) return null;
  const both = records.find((r) => r.pages.includes(previous) && r.pages.includes(page));
  // A page holding the end of one telegram and the start of the next is in two records: take the one ending there, and the one starting there.
  const before = both ?? records.find((r) => r.pages[r.pages.length - 1] === previous) ?? records.find((r) => r.pages.includes(previous));
  const after = both ?? records.find((r) => r.pages[0] === page) ?? records.find((r) => r.pages.includes(page));
  if (!before || !after) return null;
  return {
    sequence: sequence.key,
    page,
    previousPage: previous,
    contentHash: sequence.pages[at]!.contentHash,
    previousContentHash: sequence.pages[at - 1]!.contentHash,
    decision: decision.decision,
    confidence: decision.confidence,
    uncertain: decision.uncertain,
    rule: decision.rule,
    evidence: decision.evidence.slice(0, 6),
    ...(decision.decidedBy ? { decidedBy: decision.decidedBy, decidedAt: decision.decidedAt } : {}),
    before: taskRecord(before),
    after: taskRecord(after),
  };
}

/** The doubtful boundaries of a sequence. */
export function doubtfulBoundaries(sequence: StoredSequence, records: readonly SequenceRecord[]): BoundaryTask[] {
  const decisions = decisionsByPage(records);
  return sequence.pages
    .filter((p) => decisions.get(p.pageId)?.uncertain)
    .map((p) => boundaryTask(sequence, records, p.pageId, decisions))
    .filter((t): t is BoundaryTask => t !== null);
}

/** Every boundary a record depends on: before its first page, between its pages, after its last. */
export function recordBoundaries(sequence: StoredSequence, records: readonly SequenceRecord[], recordId: string): BoundaryTask[] {
  const record = records.find((r) => r.id === recordId);
  if (!record) return [];
  const decisions = decisionsByPage(records);
  const positions = record.pages.map((id) => sequence.pages.findIndex((p) => p.pageId === id)).filter((i) => i >= 0);
  if (positions.length === 0) return [];
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  const tasks: BoundaryTask[] = [];
  for (let i = Math.max(1, first); i <= Math.min(last + 1, sequence.pages.length - 1); i++) {
    const task = boundaryTask(sequence, records, sequence.pages[i]!.pageId, decisions);
    if (task) tasks.push(task);
  }
  return tasks;
}
