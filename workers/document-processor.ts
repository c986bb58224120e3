// The document job: a thin adapter over buildRecords (segment + confidence +
// emit), the same function the in-process run calls. It runs when its page
// children are done (or finally failed), reads which pages made it with
// getChildrenValues, loads their page JSON from the output folder, and writes
// the records there and into the batch's review store (workers/job-store.ts) as it
// finishes. A window of a sequence (every job queued since issue 18) is built by
// window-job.ts, which saves the same way. Record files are named by record id and written
// atomically, and the store's save is idempotent, so a document built twice (a retry, a stalled
// job, a worker killed after the save) leaves one file and one stored record per telegram, and
// never a reviewer's decision undone.
import type { Job, Queue } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { CablescanError, ErrorCode, toCablescanError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { buildRecords, loadProfiles, readPageJson, type Profile } from '../src/pipeline/index.ts';
import type { PageResult } from '../src/types.ts';
import { PIPELINE_VERSION } from '../src/version.ts';
import { jobIdFromKey } from '../queues/names.ts';
import { failureReason, type DocumentJobData, type DocumentJobResult, type PageJobResult } from '../queues/payloads.ts';
import { buildConfig, setupError } from './job-config.ts';
import { carryBefore, runWindowJob } from './window-job.ts';
import type { JobStores } from './job-store.ts';

export interface DocumentInputs {
  data: DocumentJobData;
  /** Child page job id -> its return value (completed children). */
  children: Map<string, PageJobResult>;
  /** Child page job id -> failed reason (children that finally failed). */
  failedChildren: Map<string, string>;
}

/** The document's pages that were read, in reading order, as the in-process run would have them. */
export async function loadDocumentPages(inputs: DocumentInputs): Promise<PageResult[]> {
  const { data } = inputs;
  const pages: PageResult[] = [];
  for (const ref of data.pages) {
    if (inputs.failedChildren.has(ref.jobId)) continue;
    const child = inputs.children.get(ref.jobId);
    const page = await readPageJson(data.outDir, ref.pageId);
    if (!child) {
      // A completed child removed by age before a `retry` rebuilt this flow:
      // its page JSON is the record of the work.
      if (page && page.pipelineVersion === PIPELINE_VERSION) pages.push({ ...page, documentKey: data.documentKey });
      continue;
    }
    if (!page || page.contentHash !== child.contentHash || page.pipelineVersion !== PIPELINE_VERSION) {
      throw new CablescanError(
        ErrorCode.INTERNAL,
        `page ${ref.pageId} was read (job ${ref.jobId}) but ${data.outDir}/pages/${ref.pageId}.json is ${page ? 'from other content or another version' : 'missing'}: ` +
          'is the output folder the same shared volume, at the same path, on every worker?',
        { retryable: true, file: child.file },
      );
    }
    // As in findDonePage: the path as given and the document may differ from an earlier run.
    pages.push({ ...page, file: child.file, documentKey: data.documentKey });
  }
  return pages;
}

export interface DocumentProcessorDeps {
  logger: Logger;
  /** The document queue: a window job looks up the window before it there. */
  queue: Queue;
  /** The review stores jobs save to; without it (tests of the files alone) records go to OUT/records only. */
  stores?: JobStores;
}

export function createDocumentProcessor(
  deps: DocumentProcessorDeps,
): (job: Job<DocumentJobData, DocumentJobResult>, token?: string) => Promise<DocumentJobResult> {
  const profilesByDir = new Map<string, Profile[]>();
  const profilesFor = (dir: string | undefined): Profile[] => {
    const key = dir ?? '';
    let profiles = profilesByDir.get(key);
    if (!profiles) profilesByDir.set(key, (profiles = loadProfiles({ profilesDir: dir })));
    return profiles;
  };

  return async (job, token) => {
    const startedAt = Date.now();
    const data = job.data;
    const logger = deps.logger.child({ batch: data.batch, doc: data.documentKey });
    try {
      // A window waits for the one before it, before it loads anything (window-job.ts).
      const carry = data.window ? await carryBefore(job, token, deps.queue) : null;
      const [values, ignored] = await Promise.all([job.getChildrenValues<PageJobResult>(), job.getIgnoredChildrenFailures()]);
      const children = new Map(Object.entries(values).map(([key, value]) => [jobIdFromKey(key), value]));
      const failedChildren = new Map(Object.entries(ignored).map(([key, reason]) => [jobIdFromKey(key), String(reason)]));
      const pages = await loadDocumentPages({ data, children, failedChildren });
      let config, profiles;
      try {
        config = buildConfig(data.build);
        profiles = profilesFor(data.build.profilesDir);
      } catch (err) {
        throw setupError(err);
      }
      const store = data.store && deps.stores ? await deps.stores.for(data.store) : undefined;
      const sink = store?.recordSink({ batch: data.batch, cwd: data.cwd ?? data.outDir, outDir: data.outDir, build: data.build });
      if (data.window) return await runWindowJob(job, { carry, config, logger, profiles, pages, children, failedChildren, store, sink });
      const built = await buildRecords(pages, { config, logger, outDir: data.outDir, profiles, store: sink });
      return {
        documentKey: data.documentKey,
        pages: pages.map((p) => p.pageId),
        telegrams: built.telegrams,
        grouping: built.grouping,
        recordIds: built.records.map((r) => r.id),
        ...(sink ? { stored: true } : {}),
        timings: built.timings,
        startedAt,
        finishedAt: Date.now(),
      };
    } catch (err) {
      if (err instanceof DelayedError) throw err; // waiting for the window before: not a failure
      const e = toCablescanError(err, ErrorCode.INTERNAL);
      const reason = failureReason(new CablescanError(e.code, `records for ${data.documentKey}: ${e.message}`, { retryable: e.retryable }));
      logger.error({ stage: 'emit', code: e.code, attempt: job.attemptsMade + 1 }, reason);
      throw e.retryable ? new Error(reason) : new UnrecoverableError(reason);
    }
  };
}
