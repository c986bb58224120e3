// The settings that travel with a batch: those that change what a page's reading is (read) and
// what a sequence's records are (build). Queue jobs carry them, so every worker reads a batch the
// same way whatever its own config says; machine settings (tessdata folder, recycling, log
// level) stay with the machine.
import path from 'node:path';
import type { Config } from '../config.ts';
import { recordBuildSettings } from '../records/build-settings.ts';
import type { RecordBuildSettings } from '../store/types.ts';

export interface ReadSettings {
  lang: string;
  psm: number;
  /** "auto", "none" or an absolute path to a recipe JSON file (on the shared volume). */
  preprocess: string;
  keepIntermediates: boolean;
  force: boolean;
  /** Read pages measured blank anyway (absent in jobs queued before it existed: false). */
  readBlankPages?: boolean;
  maxPixels: number;
  /** Pixels a page is decoded to at most (absent in jobs queued before it existed: the worker's own). */
  pagePixelBudget?: number;
  pdfDpi: number;
}

/** Settings that change what a document's records are (profile, absolute profiles folder, thresholds, period). */
export type BuildSettings = RecordBuildSettings;

export interface BatchSettings {
  read: ReadSettings;
  build: BuildSettings;
}

/** Paths become absolute so workers elsewhere find them: "auto"/"none" stay names, a recipe file or profiles folder does not. */
export function batchSettingsFrom(config: Config, cwd: string): BatchSettings {
  const preprocess = config.preprocess === 'auto' || config.preprocess === 'none' ? config.preprocess : path.resolve(cwd, config.preprocess);
  return {
    read: {
      lang: config.lang,
      psm: config.psm,
      preprocess,
      keepIntermediates: config.keepIntermediates,
      force: config.force,
      readBlankPages: config.readBlankPages,
      maxPixels: config.maxPixels,
      pagePixelBudget: config.pagePixelBudget,
      pdfDpi: config.pdfDpi,
    },
    build: recordBuildSettings(config, cwd),
  };
}
