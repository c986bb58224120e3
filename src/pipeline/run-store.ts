// The review store a batch's records go to (--db, else <out>/cablescan.db). The in-process
// driver hands its sink to buildRecords as each sequence is built; the queue driver, whose
// workers may run on other machines and write files only, imports what they wrote.
import path from 'node:path';
import type { Config } from '../config.ts';
import { defaultDbPath, importOutputFolder, ReviewStore, type ImportResult } from '../store/index.ts';
import type { RecordStore } from '../store/types.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { BatchPlan } from './plan.ts';

export interface RunStore {
  /** What buildRecords writes to, in this process. */
  readonly sink: RecordStore;
  /**
   * Records (and the sequences they were built in) that workers wrote under the output folder;
   * `onRecord` sees each record read (the driver's report is fed from the same read).
   */
  importWritten(
    recordIds: readonly string[],
    sequences: ReadonlyArray<{ documentKey: string; pages: readonly string[] }>,
    onRecord?: (record: TelegramRecord) => void,
  ): Promise<ImportResult>;
  /**
   * The pages of a sequence built in windows, in order, once all of them are built: each
   * window's records were saved with the part of the sequence it built, and regrouping in the
   * review store needs the whole.
   */
  saveSequence(documentKey: string, pages: ReadonlyArray<{ pageId: string; contentHash: string; file: string }>): void;
  close(): void;
}

export function openRunStore(plan: Pick<BatchPlan, 'batch' | 'cwd' | 'outDir' | 'settings'>, config: Pick<Config, 'db'>): RunStore {
  const { batch, cwd, outDir } = plan;
  const store = ReviewStore.open(config.db ? path.resolve(cwd, config.db) : defaultDbPath(outDir));
  return {
    sink: store.recordSink({ batch, cwd, outDir, build: plan.settings.build }),
    importWritten: (recordIds, sequences, onRecord) => importOutputFolder(store, outDir, { batch, cwd, recordIds, sequences, build: plan.settings.build, onRecord }),
    saveSequence: (documentKey, pages) => {
      // The store keeps a sequence's page ids, content hashes and files: nothing else of a page is read.
      const whole = pages.map((p) => ({ ...p, documentKey }) as unknown as PageResult);
      if (whole.length) store.saveSequences([whole], { batch, cwd, outDir, build: plan.settings.build });
    },
    close: () => store.close(),
  };
}
