// Building a sequence's records: the stages group + segment + confidence + emit composed once,
// over the pages of one sequence in order (read already: no OCR engine is involved). Writes
// records/<id>.json, retires the records an earlier grouping made, feeds the review store and
// the archival formats asked for.
import type { Config } from '../config.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { languageOfPages } from '../confidence/dictionary.ts';
import { calibrationForPages } from '../confidence/calibration.ts';
import { scoreTelegram } from '../confidence/index.ts';
import { buildRecord } from '../records/build-record.ts';
import { writeJsonAtomic } from '../records/atomic-write.ts';
import { recordPath } from '../records/layout.ts';
import { retireReplacedRecords } from '../records/retire.ts';
import { boundariesOf, readBoundaryFiles, reviewerDecision, type ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import { assertValidRecord } from '../records/validate-record.ts';
import { segmentDocument, type Profile, type SegmentedTelegram } from '../segment/index.ts';
import { decideGrouping, groupingModeOf, type GroupingDecision, type GroupingMode, type GroupingModel } from '../group/index.ts';
import { emitArchival } from '../exports/emit.ts';
import type { RecordStore } from '../store/types.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import { since } from './timing.ts';

/** What building records needs: no OCR engine (the pages are read). */
export interface BuildRecordsDeps {
  config: Config;
  logger: Logger;
  /** Output folder: records, index and archival files are written under it when set. */
  outDir?: string;
  profiles: Profile[];
  /** The review store, when the driver opened one: gets the same records (idempotent). */
  store?: RecordStore;
  /** Archival formats to write to <outDir>/exports/ (default: config.emit). */
  emit?: readonly string[];
  /** The grouping model (default: the shipped one); tests and the fitting script pass their own. */
  groupingModel?: GroupingModel;
  /**
   * Reviewers' decisions at page boundaries, which win over the pipeline's (default: those saved
   * under outDir/grouping/ and in the store, records/reviewer-boundaries.ts).
   */
  reviewerBoundaries?: readonly ReviewerBoundary[];
  /**
   * Decisions to keep where no reviewer decided, by page id: a reviewer's split or merge
   * rebuilds the sequence as it stood, not as a newer model would group it.
   */
  keepDecisions?: ReadonlyMap<string, GroupingDecision>;
  /**
   * When `pages` are a window of a longer sequence (whole documents, rebuilt after a regrouping):
   * the decision of the page after the window, which the window's last record depends on. The
   * window's first decision comes from `keepDecisions`.
   */
  decisionAfter?: GroupingDecision;
  /**
   * The store's reviewer boundaries at these pages that the decisions were made with, when the
   * caller read them (a window of a sequence, pipeline/windows.ts): the save compares them with
   * the store's, as it compares those read here.
   */
  builtWith?: readonly ReviewerBoundary[];
}

export interface TelegramSummary {
  recordId: string;
  profile: string;
  profileScore: number;
  pages: string[];
  split: SegmentedTelegram['split'];
  bodyCoverage: number;
  ambiguity?: SegmentedTelegram['ambiguity'];
  /** Some page decision this record depends on is uncertain: all its fields wait for a person. */
  groupingUncertain?: boolean;
}

export interface BuildRecordsResult {
  records: TelegramRecord[];
  telegrams: TelegramSummary[];
  /** One decision per page of the sequence, in order. */
  grouping: { mode: GroupingMode; decisions: GroupingDecision[] };
  timings: Record<string, number>;
}

/**
 * In `file` and `folder` modes segmentation splits the sequence at headings; the page
 * decisions are then what it did: a page starts a document where a telegram starts at its top.
 */
function decisionsFromTelegrams(pages: readonly PageResult[], telegrams: readonly SegmentedTelegram[], ruled: readonly GroupingDecision[]): GroupingDecision[] {
  const firstPages = new Set(telegrams.map((t) => t.pages[0]));
  return pages.map((page, i) => {
    const decision = ruled[i]!;
    if (i === 0 || decision.decision === 'start') return decision;
    const starts = firstPages.has(page.pageId) && !telegrams.some((t) => t.pages.includes(page.pageId) && t.pages.includes(pages[i - 1]!.pageId));
    if (!starts) return decision;
    return {
      ...decision,
      decision: 'start',
      evidence: [{ cue: 'mode', says: 'start', weight: 0, detail: `a telegram heading starts a new document (${groupingModeOf(page.documentKey)} mode)` }],
    };
  });
}

/** Pages split into documents where the decisions say a page starts one. */
function documentsOf(pages: readonly PageResult[], decisions: readonly GroupingDecision[]): PageResult[][] {
  const documents: PageResult[][] = [];
  pages.forEach((page, i) => {
    if (i === 0 || decisions[i]!.decision === 'start') documents.push([page]);
    else documents[documents.length - 1]!.push(page);
  });
  return documents;
}

/** The page decisions a record depends on: its own pages' and the one after its last page. */
function decisionsOf(
  pageIds: readonly string[],
  order: readonly string[],
  decisions: readonly GroupingDecision[],
  beyond?: GroupingDecision,
): GroupingDecision[] {
  const at = new Map(decisions.map((d) => [d.page, d]));
  const out = pageIds.map((id) => at.get(id)).filter((d): d is GroupingDecision => d !== undefined);
  const next = order[order.indexOf(pageIds[pageIds.length - 1]!) + 1];
  const after = next ? at.get(next) : beyond;
  if (after) out.push(after);
  return out;
}

/**
 * Group one sequence's pages (in order) into documents, segment each into telegrams, score
 * them and write the records.
 */
export async function buildRecords(pages: readonly PageResult[], deps: BuildRecordsDeps, attemptsLeft = 3): Promise<BuildRecordsResult> {
  const { config, logger, outDir } = deps;
  const timings: Record<string, number> = {};
  const mode = pages.length ? groupingModeOf(pages[0].documentKey) : 'auto';
  if (pages.length === 0) return { records: [], telegrams: [], grouping: { mode, decisions: [] }, timings };

  let t = process.hrtime.bigint();
  // The store's decisions are also handed to saveRecords: a split or merge landing meanwhile makes it refuse (and the caller build again).
  const stored = deps.reviewerBoundaries ? undefined : ((await deps.store?.reviewerBoundaries?.(pages)) ?? []);
  const boundaries = deps.reviewerBoundaries ?? [...(outDir ? await readBoundaryFiles(outDir, pages) : []), ...(stored ?? [])];
  const reviewed = boundariesOf(pages, boundaries);
  const keep = deps.keepDecisions;
  // A reviewer's decision wins; where none was made, a regrouping keeps what the sequence had.
  const settle =
    reviewed.size || keep?.size
      ? (computed: GroupingDecision, i: number): GroupingDecision => {
          // The first page starts a document; a window of a longer sequence keeps its real decision.
          if (i === 0) return keep?.get(computed.page) ?? computed;
          const boundary = reviewed.get(computed.page);
          return boundary ? reviewerDecision(boundary, computed) : (keep?.get(computed.page) ?? computed);
        }
      : undefined;
  const grouping = decideGrouping(pages, { mode, profiles: deps.profiles, model: deps.groupingModel, override: mode === 'auto' ? settle : undefined });
  timings.group = since(t);

  t = process.hrtime.bigint();
  // In auto mode the grouping decided which pages form a document; the other modes hand
  // segmentation the whole sequence and let headings split it, as before grouping existed.
  const units = mode === 'auto' ? grouping.documents : [[...pages]];
  const segment = (unit: PageResult[], splitAtPageTops: boolean) =>
    segmentDocument(unit, { profiles: deps.profiles, forcedProfile: config.profile, splitAtPageTops, ignoredLines: grouping.ignoredLines });
  let telegrams = units.flatMap((unit) => segment(unit, mode !== 'auto'));
  let decisions = mode === 'auto' || mode === 'page' ? grouping.decisions : decisionsFromTelegrams(pages, telegrams, grouping.decisions);
  if (mode !== 'auto' && settle) {
    // Headings split these modes' sequences; where a person (or the sequence as it stood) says
    // otherwise, the pages are grouped by the settled decisions, as auto mode groups them.
    const settled = decisions.map(settle);
    if (settled.some((d, i) => d.decision !== decisions[i]!.decision)) telegrams = documentsOf(pages, settled).flatMap((unit) => segment(unit, false));
    decisions = settled;
  }
  const order = pages.map((p) => p.pageId);
  timings.segment = since(t);

  t = process.hrtime.bigint();
  const pagesById = new Map(pages.map((p) => [p.pageId, p]));
  const records: TelegramRecord[] = [];
  const summaries: TelegramSummary[] = [];
  for (const telegram of telegrams) {
    const touching = decisionsOf(telegram.pages, order, decisions, deps.decisionAfter);
    const groupingUncertain = touching.some((d) => d.uncertain);
    const status = groupingUncertain ? 'uncertain' : touching.some((d) => d.rule === 'reviewer') ? 'confirmed' : 'certain';
    // Word confidences as the (engine, model) pair that read the pages means them (src/confidence/calibration.ts).
    const docPages = telegram.pages.map((id) => pagesById.get(id)!).filter(Boolean);
    const calibration = calibrationForPages(docPages);
    // The one language its pages were read in: its dictionary judges the words of subjects and addressees (src/confidence/dictionary.ts).
    const lang = languageOfPages(docPages);
    const scored = scoreTelegram(telegram, { thresholds: config.thresholds, period: config.period, groupingUncertain, calibration, ...(lang ? { lang } : {}) });
    const record = buildRecord(
      { ...telegram, kind: telegram.kind, fields: scored.fields, review: scored.review, grouping: { mode, status, decisions: touching } },
      pagesById,
    );
    assertValidRecord(record);
    records.push(record);
    summaries.push({
      recordId: record.id,
      profile: record.profile,
      profileScore: record.profileScore,
      pages: record.source.pages,
      split: telegram.split,
      bodyCoverage: telegram.bodyCoverage,
      ambiguity: telegram.ambiguity,
      ...(groupingUncertain ? { groupingUncertain } : {}),
    });
  }
  timings.confidence = since(t);

  try {
    await deps.store?.saveRecords(records, pages, deps.builtWith ?? (deps.store.reviewerBoundaries ? stored : undefined));
  } catch (err) {
    // A reviewer split or merged these pages since their decisions were read: build with theirs.
    if (err instanceof CablescanError && err.code === ErrorCode.STORE_CHANGED && attemptsLeft > 1) return buildRecords(pages, deps, attemptsLeft - 1);
    throw err;
  }
  if (outDir) {
    t = process.hrtime.bigint();
    for (const record of records) await writeJsonAtomic(recordPath(outDir, record.id), record);
    const retired = await retireReplacedRecords(outDir, order, records, deps.store);
    if (retired.length) logger.info({ stage: 'emit', retired }, 'records of an earlier grouping of these pages retired');
    timings.emit = since(t);
  }
  const emit = deps.emit ?? config.emit;
  if (outDir && emit.length) {
    t = process.hrtime.bigint();
    await emitArchival(records, pages, { config, logger, outDir, formats: emit });
    timings.archival = since(t);
  }
  logger.info({ stage: 'emit', records: records.length, pages: pages.length }, 'records built');
  return { records, telegrams: summaries, grouping: { mode, decisions }, timings };
}
