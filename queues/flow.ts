// Turns a batch's pages into BullMQ flows: one `document` parent per document
// (a multi-page file, or the single-page files of one folder) with one `page`
// child per page. Pure: the producer adds these, `retry` rebuilds them.
import type { FlowJob, JobsOptions } from 'bullmq';
import type { BatchSettings, PlannedSequence } from '../src/pipeline/index.ts';
import type { PageSource } from '../src/types.ts';
import { DOCUMENT_JOB_NAME, DOCUMENT_QUEUE, documentJobId, PAGE_JOB_NAME, PAGE_QUEUE, pageJobId } from './names.ts';
import type { DocumentJobData, PageJobData } from './payloads.ts';

const DAY_SECONDS = 24 * 3600;

/**
 * Page jobs. Transient failures (OCR engine crash, a full disk, a child killed by
 * the OOM killer) retry with exponential backoff: 2, 4, 8, 16 s. Bad input throws
 * UnrecoverableError and fails at once. A page that finally fails does not block
 * its document (`ignoreDependencyOnFailure`): the document is built from the other
 * pages and reports the failure, as the in-process run does.
 * Completed jobs are kept 30 days: while a job exists, enqueueing it again is a
 * no-op; after that the page's JSON on disk still makes the re-run free.
 * Failed jobs are kept until an operator retries or removes them.
 */
export const PAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 30 * DAY_SECONDS },
  removeOnFail: false,
  ignoreDependencyOnFailure: true,
};

/** Document jobs: segment + confidence + emit, cheap and deterministic; few retries. */
export const DOCUMENT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 30 * DAY_SECONDS },
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

export function planDocument(documentKey: string, sources: PageSource[], options: PlanOptions): DocumentPlan {
  const documentId = documentJobId({ outDir: options.outDir, documentKey, pages: sources });
  const pageJobIds = sources.map((s) => pageJobId(documentId, s));
  const data: DocumentJobData = {
    batch: options.batch,
    outDir: options.outDir,
    documentKey,
    pages: sources.map((s, i) => ({ jobId: pageJobIds[i], pageId: s.pageId })),
    build: options.settings.build,
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

/** One flow per planned sequence (src/pipeline/plan.ts). */
export function planFlows(sequences: readonly PlannedSequence[], options: PlanOptions): DocumentPlan[] {
  return sequences.map((s) => planDocument(s.documentKey, s.pages, options));
}
