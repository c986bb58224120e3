// What a batch is before any page is read: its inputs discovered, its pages grouped into the
// sequences records are built over, its settings checked and resolved (recipe, profiles), and
// which pages the output folder already holds. Plain data (JSON): the in-process driver walks
// it, the queue producer turns it into BullMQ flows.
import path from 'node:path';
import type { Config } from '../config.ts';
import { discoverInParts, discoverInputs } from '../ingest/index.ts';
import type { Logger } from '../logger.ts';
import type { Recipe } from '../preprocess/index.ts';
import { pageLooksDone } from '../records/page-store.ts';
import type { Profile } from '../segment/index.ts';
import { checkBatchSettings, checkInputsFound, checkMachineSettings } from '../settings-checks.ts';
import type { InputFailure, PageSource, SkippedInput } from '../types.ts';
import type { BatchSettings } from './settings.ts';
import { batchSettingsFrom } from './settings.ts';
import { windowedSequence } from './windows.ts';

export interface BatchRequest {
  inputs: string[];
  outDir: string;
  /** Default: run-<timestamp> of `startedAt`. */
  batch?: string;
  manifest?: string;
  /** Folder relative inputs and paths are resolved against (default: process.cwd()). */
  cwd?: string;
}

export interface PlanOptions {
  /** The pages are read by this process: the machine's own settings (tessdata folder) are checked too. */
  readsHere?: boolean;
  startedAt?: Date;
}

/** The pages records are built over together (a folder, a file, a page: ingest's documentKey), in reading order. */
export interface PlannedSequence {
  documentKey: string;
  pages: PageSource[];
}

export interface BatchPlan {
  batch: string;
  inputs: string[];
  manifest?: string;
  cwd: string;
  /** Absolute output folder. */
  outDir: string;
  startedAt: string;
  /** What travels with the batch's jobs: the settings that change a page's reading and a sequence's records. */
  settings: BatchSettings;
  recipe: Recipe;
  profiles: Profile[];
  sequences: PlannedSequence[];
  /** Pages found (the sum over the sequences). */
  pageTotal: number;
  /** Pages whose output under outDir is current (same content, pipeline version and language): resumed, not read. */
  done: string[];
  /** Inputs refused while discovering (each names its file), and files that are not scans. */
  failures: InputFailure[];
  skipped: SkippedInput[];
}

export function defaultBatchName(date = new Date()): string {
  return `run-${date.toISOString().replace(/[:.]/g, '-').replace('Z', '')}`;
}

/** Pages grouped by their documentKey, in the order ingest found them. */
export function sequencesOf(pages: readonly PageSource[]): PlannedSequence[] {
  const sequences = new Map<string, PageSource[]>();
  for (const page of pages) {
    const list = sequences.get(page.documentKey);
    if (list) list.push(page);
    else sequences.set(page.documentKey, [page]);
  }
  return [...sequences].map(([documentKey, list]) => ({ documentKey, pages: list }));
}

/** What both planners share: the batch's name, folders and settings, checked before any file is read, and how to discover its inputs. */
function startPlan(request: BatchRequest, config: Config, logger: Logger, options: PlanOptions) {
  const startedAt = options.startedAt ?? new Date();
  const cwd = request.cwd ?? process.cwd();
  const batch = request.batch ?? defaultBatchName(startedAt);
  // Paths become absolute so the settings mean the same wherever they travel.
  const settings = batchSettingsFrom(config, cwd);
  const { recipe, profiles } = checkBatchSettings({
    preprocess: settings.read.preprocess,
    profilesDir: settings.build.profilesDir,
    profile: settings.build.profile,
  });
  if (options.readsHere) checkMachineSettings(config);
  const log = logger.child({ batch, stage: 'ingest' });
  const head = {
    batch,
    inputs: request.inputs,
    ...(request.manifest !== undefined ? { manifest: request.manifest } : {}),
    cwd,
    outDir: path.resolve(cwd, request.outDir),
    startedAt: startedAt.toISOString(),
    settings,
    recipe,
    profiles,
  };
  const discoveryOptions = {
    cwd,
    lang: config.lang,
    documents: config.documents,
    manifest: request.manifest,
    maxPixels: config.maxPixels,
    maxPagesPerFile: config.maxPagesPerFile,
    allowOutsideInputs: config.allowOutsideInputs,
    logger: log,
  };
  return { head, discoveryOptions, log };
}

/**
 * Plans a batch. Everything that can be wrong with the run's own settings or inputs throws here
 * (a CablescanError naming the setting), before any page is read or any file written.
 */
export async function planBatch(request: BatchRequest, config: Config, logger: Logger, options: PlanOptions = {}): Promise<BatchPlan> {
  const { head, discoveryOptions } = startPlan(request, config, logger, options);
  const ingest = await discoverInputs(request.inputs, discoveryOptions);
  checkInputsFound(ingest, { inputs: request.inputs, manifest: request.manifest });

  const done: string[] = [];
  if (!config.force) {
    // From each page JSON's first bytes: readPage checks a page fully before it trusts it.
    for (const page of ingest.pages) if (await pageLooksDone(head.outDir, page)) done.push(page.pageId);
  }
  return {
    ...head,
    sequences: sequencesOf(ingest.pages),
    pageTotal: ingest.pages.length,
    done,
    failures: ingest.failures,
    skipped: ingest.skipped,
  };
}

/** One window of a sequence, as the queue producer plans it (pipeline/windows.ts). */
export interface PlannedWindow {
  documentKey: string;
  /** Its place in its sequence (0: the first) and in the batch (the report's order). */
  index: number;
  position: number;
  /** The sequence ends with this window. */
  last: boolean;
  pages: PageSource[];
}

/** A batch planned a window at a time: what is known before any file is read, and the windows as they come. */
export interface StreamedPlan extends Omit<BatchPlan, 'sequences' | 'pageTotal' | 'done' | 'failures'> {
  /** Files found (each gives pages or a failure). */
  files: number;
  /** The windows in order; failures and pageTotal are complete once it ends. */
  windows(): AsyncGenerator<PlannedWindow>;
  /** Inputs refused (the listing's at once, the files' as they are read). */
  failures: InputFailure[];
  pageTotal: number;
}

/**
 * Plans a batch without holding it (issue 18): the file list is read and sorted whole (names
 * only), then files are probed and hashed a part at a time, and a sequence's pages leave as
 * windows of `windowPages` (a whole sequence when its mode does not decide page by page). What
 * planBatch checks before any page is read is checked here too, before the first window.
 */
export async function planInWindows(request: BatchRequest, config: Config, logger: Logger, options: PlanOptions = {}): Promise<StreamedPlan> {
  const { head, discoveryOptions, log } = startPlan(request, config, logger, options);
  const discovery = await discoverInParts(request.inputs, discoveryOptions);
  if (discovery.files === 0)
    checkInputsFound({ pages: [], failures: discovery.failures, skipped: discovery.skipped }, { inputs: request.inputs, manifest: request.manifest });
  const size = config.windowPages;

  const plan: StreamedPlan = {
    ...head,
    files: discovery.files,
    failures: [...discovery.failures],
    skipped: discovery.skipped,
    pageTotal: 0,
    async *windows() {
      // The sequences still open: their pages not yet in a window, and how many windows they gave.
      const open = new Map<string, { index: number; pages: PageSource[] }>();
      let position = 0;
      // (Whether a window's pages were read before is not asked here: the producer asks its result
      // file, and a worker resumes each page from its JSON. Asking every page cost an open each.)
      const window = (documentKey: string, index: number, pages: PageSource[], last: boolean): PlannedWindow => ({
        documentKey,
        index,
        position: position++,
        last,
        pages,
      });
      for await (const part of discovery.parts()) {
        plan.failures.push(...part.failures);
        plan.pageTotal += part.pages.length;
        for (const page of part.pages) {
          let sequence = open.get(page.documentKey);
          if (!sequence) open.set(page.documentKey, (sequence = { index: 0, pages: [] }));
          sequence.pages.push(page);
          // A window leaves once the page after it is known: only then is it sure not to be the last.
          if (sequence.pages.length > size && windowedSequence(page.documentKey)) {
            yield window(page.documentKey, sequence.index++, sequence.pages.splice(0, size), false);
          }
        }
        for (const key of part.closedKeys) {
          const sequence = open.get(key);
          if (!sequence) continue;
          open.delete(key);
          yield window(key, sequence.index, sequence.pages, true);
        }
      }
      for (const [key, sequence] of open) yield window(key, sequence.index, sequence.pages, true);
      open.clear();
      log.info({ pages: plan.pageTotal, failures: plan.failures.length, skipped: plan.skipped.length }, 'inputs discovered');
    },
  };
  return plan;
}
