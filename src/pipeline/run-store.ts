// The review store a batch's records go to (--db, else <out>/cablescan.db). The in-process
// driver hands its sink to buildRecords as each sequence is built; so does the document worker
// (workers/document-processor.ts), in queue mode, into the store the batch was enqueued with.
// The queue driver reads what the workers wrote (for its report) and imports it only when the
// workers did not save it themselves (jobs enqueued before they did).
import path from 'node:path';
import type { Config } from '../config.ts';
import { defaultDbPath, importOutputFolder, isPostgresUrl, ReviewStore, type ImportResult } from '../store/index.ts';
import type { RecordStore, SinkContext } from '../store/types.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { BatchPlan } from './plan.ts';

export interface RunStore {
  /** What buildRecords writes to, in this process. */
  readonly sink: RecordStore;
  /**
   * Records (and the sequences they were built in) that workers wrote under the output folder;
   * `onRecord` sees each record read (the driver's report is fed from the same read). `save`:
   * false when the worker saved them to the store already (they are only read).
   */
  importWritten(
    recordIds: readonly string[],
    sequences: ReadonlyArray<{ documentKey: string; pages: readonly string[] }>,
    onRecord?: (record: TelegramRecord) => void,
    save?: boolean,
  ): Promise<ImportResult>;
  /**
   * The pages of a sequence built in windows, in order, once all of them are built: each
   * window's records were saved with the part of the sequence it built, and regrouping in the
   * review store needs the whole.
   */
  saveSequence(documentKey: string, pages: ReadonlyArray<{ pageId: string; contentHash: string; file: string }>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A sequence built in windows, saved whole once its last window is built (each window's records
 * were saved with the part of the sequence it built, which replaced the sequence's pages): the
 * store keeps a sequence's page ids, content hashes and files, nothing else of a page is read.
 */
export async function saveWholeSequence(
  store: ReviewStore,
  documentKey: string,
  pages: ReadonlyArray<{ pageId: string; contentHash: string; file: string }>,
  context: SinkContext,
): Promise<void> {
  const whole = pages.map((p) => ({ pageId: p.pageId, contentHash: p.contentHash, file: p.file, documentKey }) as unknown as PageResult);
  if (whole.length) await store.saveSequences([whole], context);
}

/** Where a batch's store is: config.db (a file, resolved against the run's folder, or a URL), else <out>/cablescan.db. */
export function runStoreLocation(plan: Pick<BatchPlan, 'cwd' | 'outDir'>, config: Pick<Config, 'db'>): string {
  if (!config.db) return defaultDbPath(plan.outDir);
  return isPostgresUrl(config.db) ? config.db : path.resolve(plan.cwd, config.db);
}

export async function openRunStore(plan: Pick<BatchPlan, 'batch' | 'cwd' | 'outDir' | 'settings'>, config: Pick<Config, 'db'>): Promise<RunStore> {
  const { batch, cwd, outDir } = plan;
  const store = await ReviewStore.open(runStoreLocation(plan, config));
  return {
    sink: store.recordSink({ batch, cwd, outDir, build: plan.settings.build }),
    importWritten: (recordIds, sequences, onRecord, save = true) =>
      importOutputFolder(store, outDir, { batch, cwd, recordIds, sequences, build: plan.settings.build, onRecord, save }),
    saveSequence: (documentKey, pages) => saveWholeSequence(store, documentKey, pages, { batch, cwd, outDir, build: plan.settings.build }),
    close: () => store.close(),
  };
}
