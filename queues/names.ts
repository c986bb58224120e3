// Names of cablescan's queues and Redis keys, and the job ids that make the
// queue idempotent. Everything here is pure so it can be tested without Redis.
import { createHash } from 'node:crypto';
import { PIPELINE_VERSION } from '../src/version.ts';

/** Page jobs: load + preprocess + OCR one page (CPU-heavy, sandboxed). */
export const PAGE_QUEUE = 'pages';
/** Document jobs: flow parents that segment, score and emit once their pages are read. */
export const DOCUMENT_QUEUE = 'documents';

/**
 * Options every cablescan Queue object is made with. BullMQ writes a queue's settings to Redis
 * whenever a Queue object is made, so they must agree: the events stream keeps the last 1,000
 * events (BullMQ's default, 10,000, is some 4 MB of page results that nothing here reads: the
 * drivers poll, issue 18).
 */
export const QUEUE_OPTIONS = { streams: { events: { maxLen: 1000 } } } as const;

/**
 * A lock is renewed every lockDuration/2 by the worker's own event loop, which OCR
 * never blocks (it runs in the sandbox); building a large document's records in
 * this process can take seconds, so keep a wide margin. After a crash a job waits
 * at most lockDuration + stalledInterval before another worker takes it.
 */
export const DEFAULT_LOCK_DURATION_MS = 60_000;
export const DEFAULT_STALLED_INTERVAL_MS = 30_000;

export const PAGE_JOB_NAME = 'page';
export const DOCUMENT_JOB_NAME = 'document';

/**
 * BullMQ's key prefix. Wrapped in a {hash tag} so every key of every cablescan queue
 * (and our batch bookkeeping) lands in one Redis Cluster slot: BullMQ's Lua scripts
 * touch several keys at once, and flows span two queues.
 */
export function bullPrefix(queuePrefix: string): string {
  if (/^\{[^{}]+\}$/.test(queuePrefix)) return queuePrefix;
  if (/[{}]/.test(queuePrefix)) throw new RangeError(`queue prefix "${queuePrefix}" must be a plain name or one whole {hash tag}`);
  return `{${queuePrefix}}`;
}

/** Keys of the batch bookkeeping, under the same hash tag as the queues. */
export const batchKeys = (prefix: string, batch: string) => ({
  meta: `${prefix}:batch:${batch}`,
  /** Document job ids of the batch, scored by their order in the batch. */
  documents: `${prefix}:batch:${batch}:documents`,
});
/** All batches, scored by creation time (ms). */
export const batchIndexKey = (prefix: string): string => `${prefix}:batches`;

function sha256(...parts: string[]): string {
  const hash = createHash('sha256');
  // A separator that cannot occur in the parts keeps ("ab","c") apart from ("a","bc").
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex');
}

/** A version that is safe inside a BullMQ job id (no ':'). */
export function versionTag(version: string = PIPELINE_VERSION): string {
  return `v${version.replace(/[^0-9A-Za-z.+_-]/g, '_')}`;
}

export interface DocumentIdentity {
  /** Absolute output folder: the same pages written to another folder are other work. */
  outDir: string;
  documentKey: string;
  pages: ReadonlyArray<{ pageId: string; contentHash: string }>;
  version?: string;
  /**
   * A window of a sequence (pipeline/windows.ts): its place, and the window before's job id. Its
   * records depend on every window before it, so its id does too: a changed page early in a
   * sequence is new work for the windows after it (their pages are resumed, not read).
   */
  window?: { index: number; previous: string | null; last: boolean };
}

/**
 * The document job id: the pipeline version plus a hash of the output folder, the
 * document's key and its pages (ids and content hashes, in order). Enqueueing the
 * same inputs again gives the same id, so BullMQ refuses the duplicate; changing a
 * scan, its name, the output folder or the pipeline version gives new work.
 */
export function documentJobId(doc: DocumentIdentity): string {
  const version = doc.version ?? PIPELINE_VERSION;
  const pages = doc.pages.map((p) => `${p.pageId}\u0001${p.contentHash}`).join('\u0002');
  const window = doc.window ? [`window\u0001${doc.window.index}\u0001${doc.window.previous ?? ''}\u0001${doc.window.last}`] : [];
  return `doc-${sha256(version, doc.outDir, doc.documentKey, pages, ...window).slice(0, 32)}-${versionTag(version)}`;
}

/**
 * The page job id: the page's content hash (readable prefix, what an operator
 * greps for) plus a short hash of its document job id and page id. A page cannot
 * be a child of two parents in BullMQ, so the same scan in two documents (or two
 * output folders) is two jobs; within one document it is one.
 */
export function pageJobId(documentId: string, page: { pageId: string; contentHash: string }, version: string = PIPELINE_VERSION): string {
  return `page-${page.contentHash.slice(0, 24)}-${sha256(documentId, page.pageId).slice(0, 12)}-${versionTag(version)}`;
}

/** The job id at the end of a BullMQ job key ("<prefix>:<queue>:<id>"); ids never contain ':'. */
export function jobIdFromKey(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}
