// A reviewer settles which pages belong together: split a record at a page,
// merge it with the record before or after, or confirm the grouping as it is.
// The decision is a boundary decision (records/reviewer-boundaries.ts) that wins
// over the pipeline's; the sequence's records are built again from the stored
// page readings (no OCR) by the same buildRecords the pipeline runs, with the
// rest of the sequence's decisions kept as they stood. The rebuilt records, the
// retirement of those they replace, the field decisions that follow their
// fields, the boundary decision and the audit entry are written to the store in
// one transaction; then the output folder's files follow (records/, index/,
// grouping/, per-record archival files).
import { writeJsonAtomic } from '../records/atomic-write.ts';
import type { Config } from '../config.ts';
import { emitArchival } from '../exports/emit.ts';
import type { Logger } from '../logger.ts';
import { recordPath } from '../records/layout.ts';
import { readPageJson } from '../records/page-store.ts';
import { retireReplacedRecords } from '../records/retire.ts';
import { writeBoundaryFiles, type ReviewerBoundary } from '../records/reviewer-boundaries.ts';
import { loadProfiles, type Profile } from '../segment/index.ts';
import { buildRecords } from '../pipeline/index.ts';
import type { ReviewStore } from '../store/index.ts';
import type { GroupingAuditEntry, RecordState, SequenceRecord, StoredSequence } from '../store/types.ts';
import type { GroupingDecision, PageResult, TelegramRecord } from '../types.ts';
import { decisionsByPage } from './boundaries.ts';

export type RegroupRequest =
  | { action: 'split'; recordId: string; version: number; at: string; reviewer: string }
  | { action: 'merge'; recordId: string; version: number; with: string; withVersion?: number; reviewer: string }
  | { action: 'confirm'; recordId: string; version: number; page?: string; reviewer: string };

export type RegroupOutcome =
  | { ok: true; entry: GroupingAuditEntry; records: TelegramRecord[]; retired: string[]; created: string[]; warnings: string[] }
  /** not_found: no such record; invalid: the action does not apply (the message says why); conflict: a record changed since it was loaded; unavailable: the page readings cannot be read. */
  | { ok: false; reason: 'not_found' | 'invalid' | 'conflict' | 'unavailable'; message: string; records?: RecordState[] };

export interface RegroupDeps {
  store: ReviewStore;
  /** The serving process's config: build settings when the store has none for a sequence, and `emit`. */
  config: Config;
  logger: Logger;
  /** Profiles for a profiles folder (default: loadProfiles, cached). */
  profiles?: (profilesDir: string | undefined) => Profile[];
}

/** How many times a regrouping is worked out again when another change to its sequence came first. */
const ATTEMPTS = 4;

type Fail = Extract<RegroupOutcome, { ok: false }>;
const fail = (reason: Fail['reason'], message: string, records?: RecordState[]): Fail => ({ ok: false, reason, message, ...(records ? { records } : {}) });

interface Target {
  page: string;
  decision: 'start' | 'continue';
}

export class Regrouper {
  private readonly deps: RegroupDeps;
  private readonly profileCache = new Map<string, Profile[]>();
  // One regrouping at a time in this process: a second waits rather than working from a state the first is changing.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: RegroupDeps) {
    this.deps = deps;
  }

  regroup(request: RegroupRequest): Promise<RegroupOutcome> {
    const run = this.queue.then(() => this.attempt(request, ATTEMPTS));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private profilesFor(dir: string | undefined): Profile[] {
    if (this.deps.profiles) return this.deps.profiles(dir);
    const key = dir ?? '';
    let profiles = this.profileCache.get(key);
    if (!profiles) this.profileCache.set(key, (profiles = loadProfiles({ profilesDir: dir })));
    return profiles;
  }

  private async attempt(request: RegroupRequest, attemptsLeft: number): Promise<RegroupOutcome> {
    const { store } = this.deps;
    const state = await store.recordState(request.recordId);
    if (!state) return fail('not_found', `no record ${request.recordId}`);
    const stale = staleness(state, request.version);
    if (stale) return fail('conflict', stale, [state]);
    if (!state.sequenceKey) {
      return fail(
        'invalid',
        `the store does not know the page sequence record ${state.id} was built in (it was imported without its run's report.json): run \`cablescan run\` over the same scans with the same --out to rebuild it`,
      );
    }
    const sequence = await store.sequence(state.sequenceKey);
    if (!sequence) return fail('invalid', `the store has no sequence ${state.sequenceKey} for record ${state.id}`);
    const records = await store.sequenceRecords(sequence.key);
    const me = records.find((r) => r.id === state.id);
    if (!me) return fail('invalid', `record ${state.id} holds no page of its sequence ${sequence.key}`);

    const planned = await this.targets(request, sequence, records, me);
    if ('ok' in planned) return planned;
    const { targets, named } = planned;

    if (!sequence.outDir)
      return fail('unavailable', `the store does not know where the page readings of ${sequence.key} are (no output folder was saved with it)`);
    const kept = decisionsByPage(records);
    const window = affectedWindow(sequence, kept, targets);
    const windowIds = new Set(sequence.pages.slice(window.from, window.to + 1).map((p) => p.pageId));
    const pages: PageResult[] = [];
    for (const p of sequence.pages.slice(window.from, window.to + 1)) {
      const page = await readPageJson(sequence.outDir, p.pageId);
      if (!page || page.contentHash !== p.contentHash) {
        return fail(
          'unavailable',
          `the reading of page ${p.pageId} is not in ${sequence.outDir}/pages (or is of other content): a regrouping rebuilds from the run's page JSON and never reads a page again`,
        );
      }
      pages.push({ ...page, file: p.file, documentKey: sequence.key });
    }

    const at = new Date().toISOString();
    const position = new Map(sequence.pages.map((p, i) => [p.pageId, i]));
    const previousOf = (page: string) => sequence.pages[position.get(page)! - 1]!;
    const boundaries: ReviewerBoundary[] = targets.map((t) => {
      const previous = previousOf(t.page);
      const contentHash = sequence.pages[position.get(t.page)!]!.contentHash;
      return {
        page: t.page,
        contentHash,
        previousPage: previous.pageId,
        previousContentHash: previous.contentHash,
        decision: t.decision,
        reviewer: request.reviewer,
        at,
        action: request.action,
      };
    });
    const config = this.buildConfig(sequence);
    const after = sequence.pages[window.to + 1];
    // Only the documents on either side of the boundaries are built again: the rest of the
    // sequence keeps its records (a box of hundreds of pages is one sequence).
    const built = await buildRecords(pages, {
      config,
      logger: this.deps.logger.child({ stage: 'regroup', doc: sequence.key }),
      profiles: this.profilesFor(config.profilesDir),
      reviewerBoundaries: [...(await store.reviewerBoundaries(pages.map((p) => p.contentHash))), ...boundaries],
      keepDecisions: kept,
      decisionAfter: after ? kept.get(after.pageId) : undefined,
      emit: [],
    });
    const unchanged = records.filter((r) => !r.pages.some((p) => windowIds.has(p))).map((r) => r.id);

    const outcome = await store.commitRegrouping({
      action: request.action,
      reviewer: request.reviewer,
      sequenceKey: sequence.key,
      page: targets[0]!.page,
      named,
      expected: records.map((r) => ({ id: r.id, version: r.version })),
      boundaries,
      decisions: targets.map((t) => {
        const was = kept.get(t.page);
        return {
          page: t.page,
          previousPage: previousOf(t.page).pageId,
          was: was?.decision ?? t.decision,
          wasRule: was?.rule ?? 'model',
          wasConfidence: was?.confidence ?? 0.5,
          now: t.decision,
        };
      }),
      records: built.records,
      unchanged,
      pages,
    });
    if (!outcome.ok && outcome.reason === 'changed') {
      if (attemptsLeft > 1) return this.attempt(request, attemptsLeft - 1);
      return fail('conflict', `the records of ${sequence.key} kept changing while this was worked out: load them again`);
    }
    if (!outcome.ok)
      return fail(
        'conflict',
        outcome.records.map((s) => staleness(s, named.find((n) => n.id === s.id)?.version ?? s.version) ?? `record ${s.id} changed`).join('; '),
        outcome.records,
      );

    const warnings = this.check(request, targets, built.records);
    await this.writeFiles(sequence.outDir, pages, built.records, boundaries, warnings);
    this.deps.logger.info(
      { action: request.action, reviewer: request.reviewer, record: request.recordId, retired: outcome.retired, created: outcome.created },
      'records regrouped',
    );
    const touched = new Set(outcome.entry.after.map((r) => r.id));
    return {
      ok: true,
      entry: outcome.entry,
      records: built.records.filter((r) => touched.has(r.id)),
      retired: outcome.retired,
      created: outcome.created,
      warnings,
    };
  }

  /** The boundary decisions the request makes, and the records it names with the versions seen. */
  private async targets(
    request: RegroupRequest,
    sequence: StoredSequence,
    records: readonly SequenceRecord[],
    me: SequenceRecord,
  ): Promise<{ targets: Target[]; named: Array<{ id: string; version: number }> } | Fail> {
    const order = new Map(sequence.pages.map((p, i) => [p.pageId, i]));
    const named = [{ id: me.id, version: request.version }];
    if (request.action === 'split') {
      const i = me.pages.indexOf(request.at);
      if (i < 0) return fail('invalid', `page ${request.at} is not a page of record ${me.id} (its pages: ${me.pages.join(', ')})`);
      if (i === 0) return fail('invalid', `page ${request.at} is the first page of record ${me.id}: a record is split at one of its later pages`);
      return { targets: [{ page: request.at, decision: 'start' }], named };
    }
    if (request.action === 'merge') {
      if (request.with === me.id) return fail('invalid', 'a record cannot be merged with itself');
      const other = records.find((r) => r.id === request.with);
      if (!other) {
        const state = await this.deps.store.recordState(request.with);
        if (!state) return fail('not_found', `no record ${request.with}`);
        if (state.retiredAt) return fail('conflict', staleness(state, request.withVersion ?? state.version)!, [state]);
        return fail(
          'invalid',
          `records ${me.id} and ${request.with} are in different sequences (folders or files read apart): only pages read in one sequence can form a document`,
        );
      }
      if (request.withVersion !== undefined) named.push({ id: other.id, version: request.withVersion });
      const [first, second] = order.get(me.pages[0]!)! <= order.get(other.pages[0]!)! ? [me, other] : [other, me];
      const shared = first.pages.find((p) => second.pages.includes(p));
      if (shared)
        return fail(
          'invalid',
          `records ${first.id} and ${second.id} share page ${shared}: it holds the end of one and the start of the other, a split inside the page that merging pages cannot undo`,
        );
      const last = order.get(first.pages[first.pages.length - 1]!)!;
      if (order.get(second.pages[0]!) !== last + 1) {
        const between = sequence.pages[last + 1]?.pageId;
        return fail(
          'invalid',
          `records ${first.id} and ${second.id} are not next to each other (page ${between} lies between them): merge neighbours one at a time`,
        );
      }
      return { targets: [{ page: second.pages[0]!, decision: 'continue' }], named };
    }
    // confirm: the decisions the record depends on, as they stand (one, or all of them).
    const decisions = (me.record.grouping?.decisions ?? []).filter((d) => (order.get(d.page) ?? 0) > 0);
    const chosen: GroupingDecision[] = request.page ? decisions.filter((d) => d.page === request.page) : decisions;
    if (request.page && chosen.length === 0) {
      return fail(
        'invalid',
        `record ${me.id} depends on no decision at page ${request.page} (its decisions: ${decisions.map((d) => d.page).join(', ') || 'none'})`,
      );
    }
    if (chosen.length === 0) return fail('invalid', `record ${me.id} is alone in its sequence: there is no page boundary to confirm`);
    return { targets: chosen.map((d) => ({ page: d.page, decision: d.decision })), named };
  }

  /** The settings the sequence's records were built with (the serving config's where the store has none). */
  private buildConfig(sequence: StoredSequence): Config {
    const build = sequence.build;
    if (!build) return this.deps.config;
    return Object.freeze({ ...this.deps.config, profile: build.profile, profilesDir: build.profilesDir, thresholds: build.thresholds, period: build.period });
  }

  /** Where the rebuilt records do not follow the decision (a heading inside a page still splits), the reviewer is told. */
  private check(request: RegroupRequest, targets: readonly Target[], records: readonly TelegramRecord[]): string[] {
    if (request.action === 'confirm') return [];
    const warnings: string[] = [];
    for (const t of targets) {
      const holders = records.filter((r) => r.source.pages.includes(t.page));
      if (t.decision === 'continue' && !holders.some((r) => r.source.pages.indexOf(t.page) > 0)) {
        warnings.push(`page ${t.page} now continues the document before it, but a telegram heading read inside it still starts a record there`);
      }
      if (t.decision === 'start' && !holders.some((r) => r.source.pages[0] === t.page))
        warnings.push(`page ${t.page} now starts a document, but no record starts at its top`);
    }
    return warnings;
  }

  /**
   * The output folder follows the store: record files, the page index (retiring the replaced
   * records' files and per-record archival files), the boundary files queue workers read, and
   * the archival files this process is configured to emit. A failure here is logged and
   * reported: the store already holds the regrouping, and a later run writes the files again.
   */
  private async writeFiles(
    outDir: string,
    pages: readonly PageResult[],
    records: readonly TelegramRecord[],
    boundaries: readonly ReviewerBoundary[],
    warnings: string[],
  ): Promise<void> {
    try {
      await writeBoundaryFiles(outDir, boundaries);
      for (const record of records) await writeJsonAtomic(recordPath(outDir, record.id), record);
      await retireReplacedRecords(
        outDir,
        pages.map((p) => p.pageId),
        records,
      );
      if (this.deps.config.emit.length)
        await emitArchival(records, pages, { config: this.deps.config, logger: this.deps.logger, outDir, formats: this.deps.config.emit });
    } catch (err) {
      const message = `the store has the regrouping, but ${outDir} could not be updated: ${(err as Error).message}`;
      this.deps.logger.error({ stage: 'regroup', outDir, err: (err as Error).message }, message);
      warnings.push(message);
    }
  }
}

/**
 * The pages whose records a change at `targets` can alter: from the first page of the document
 * holding the page before each boundary to the last page of the document holding the page after
 * it, with the decisions as they were and as they will be. Documents elsewhere keep their pages,
 * their cue rows (which look only at a page's own boundaries) and so their records.
 */
export function affectedWindow(
  sequence: StoredSequence,
  kept: ReadonlyMap<string, GroupingDecision>,
  targets: readonly Target[],
): { from: number; to: number } {
  const ids = sequence.pages.map((p) => p.pageId);
  const changed = new Map(targets.map((t) => [t.page, t.decision]));
  const starts = (i: number, withChange: boolean): boolean =>
    i === 0 || ((withChange ? changed.get(ids[i]!) : undefined) ?? kept.get(ids[i]!)?.decision ?? 'start') === 'start';
  let from = ids.length;
  let to = -1;
  for (const t of targets) {
    const i = ids.indexOf(t.page);
    for (const withChange of [false, true]) {
      let s = i - 1;
      while (s > 0 && !starts(s, withChange)) s--;
      let e = i;
      while (e + 1 < ids.length && !starts(e + 1, withChange)) e++;
      from = Math.min(from, Math.max(0, s));
      to = Math.max(to, e);
    }
  }
  return { from, to };
}

/** Why a record the reviewer named is not as they saw it, or null. */
function staleness(state: RecordState, version: number): string | null {
  if (state.retiredAt) {
    const by = state.replacedBy?.length ? ` by ${state.replacedBy.join(', ')}` : '';
    return `record ${state.id} was replaced${by} at ${state.retiredAt} (its pages were regrouped): load the records again`;
  }
  if (state.version !== version) return `record ${state.id} changed since you loaded it (version ${version}, now ${state.version})`;
  return null;
}
