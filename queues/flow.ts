// Turns a batch's pages into BullMQ flows: one `document` parent per document
// (a multi-page file, or the single-page files of one folder) with one `page`
// child per page. Pure: the producer adds these, `retry` rebuilds them.
import type { FlowJob, JobsOptions } from 'bullmq';
import type { BatchSettings, PlannedSequence, PlannedWindow } from '../src/pipeline/index.ts';
import type { PageSource } from '../src/types.ts';
import { DOCUMENT_JOB_NAME, DOCUMENT_QUEUE, documentJobId, PAGE_JOB_NAME, PAGE_QUEUE, pageJobId } from './names.ts';
import type { DocumentJobData, PageJobData, WindowRef } from './payloads.ts';

/**
 * Page jobs. Transient failures (OCR engine crash, a full disk, a child killed by
 * the OOM killer) retry with exponential backoff: 2, 4, 8, 16 s. Bad input throws
 * UnrecoverableError and fails at once. A page that finally fails does not block
 * its document (`ignoreDependencyOnFailure`): the document is built from the other
 * pages and reports the failure, as the in-process run does.
 * Redis holds what is needed, not history (issue 18, docs/running-at-scale.md): a completed
 * page job hands its summary to its window (BullMQ keeps children's values with the parent) and
 * only the last 100 stay, for the dashboard; the page's JSON on disk is the record of the work.
 * Failed jobs are kept until an operator retries or removes them.
 */
export const PAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 100 },
  removeOnFail: false,
  ignoreDependencyOnFailure: true,
};

/**
 * Document (window) jobs: segment + confidence + emit, cheap and deterministic; few retries. A
 * completed one is removed at once: its result file (OUT/windows/<id>.json) says it is done, to
 * a re-enqueue (a no-op) and to the driver waiting for it, and its children's summaries go with it.
 */
export const DOCUMENT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: true,
  removeOnFail: false,
};

export interface DocumentPlan {
  documentId: string;
  documentKey: string;
  sources: PageSource[];
  pageJobIds: string[];
  flow: FlowJob;
}

export interface PlanOptions {
  batch: string;
  /** Absolute output folder. */
  outDir: string;
  settings: BatchSettings;
  /** The review store the document jobs save to (see DocumentJobData.store). */
  store?: string;
  /** The folder the batch was enqueued from (see DocumentJobData.cwd). */
  cwd?: string;
}

export function planDocument(documentKey: string, sources: PageSource[], options: PlanOptions, window?: WindowRef): DocumentPlan {
  const documentId = documentJobId({ outDir: options.outDir, documentKey, pages: sources, ...(window ? { window } : {}) });
  const pageJobIds = sources.map((s) => pageJobId(documentId, s));
  const data: DocumentJobData = {
    batch: options.batch,
    outDir: options.outDir,
    documentKey,
    pages: sources.map((s, i) => ({ jobId: pageJobIds[i], pageId: s.pageId })),
    build: options.settings.build,
    ...(window ? { window } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  const flow: FlowJob = {
    name: DOCUMENT_JOB_NAME,
    queueName: DOCUMENT_QUEUE,
    data,
    opts: { ...DOCUMENT_JOB_OPTIONS, jobId: documentId },
    children: sources.map((source, i) => {
      const pageData: PageJobData = { batch: options.batch, outDir: options.outDir, source, read: options.settings.read };
      return { name: PAGE_JOB_NAME, queueName: PAGE_QUEUE, data: pageData, opts: { ...PAGE_JOB_OPTIONS, jobId: pageJobIds[i] } };
    }),
  };
  return { documentId, documentKey, sources, pageJobIds, flow };
}

/** A window's flow (src/pipeline/plan.ts planInWindows): its job waits for its pages, then for the window before. */
export function planWindow(window: PlannedWindow, previous: string | null, options: PlanOptions): DocumentPlan {
  return planDocument(window.documentKey, window.pages, options, { index: window.index, position: window.position, last: window.last, previous });
}

/** One flow per planned sequence (src/pipeline/plan.ts). */
export function planFlows(sequences: readonly PlannedSequence[], options: PlanOptions): DocumentPlan[] {
  return sequences.map((s) => planDocument(s.documentKey, s.pages, options));
}
