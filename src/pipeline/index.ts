// The one way into the stages for the drivers (src/drivers/, queues/, workers/): what they
// schedule and the types they pass around, no more. A driver that imports a stage module
// directly fails test/unit/pipeline-boundary.test.ts.
//
//   planBatch     inputs + config -> a plan (sequences of pages, settings, recipe, profiles, done pages)
//   readPage      one page: resumed from the output folder, or read from its scan now
//   buildRecords  one sequence's pages -> records (no OCR engine)
//   buildWindow   a window of a sequence's pages (after what the window before carried) -> the records of the documents it closes
//   report        the batch report, one builder for both drivers
export {
  defaultBatchName,
  planBatch,
  planInWindows,
  sequencesOf,
  type BatchPlan,
  type BatchRequest,
  type PlannedSequence,
  type PlannedWindow,
  type PlanOptions,
  type StreamedPlan,
} from './plan.ts';
export { batchSettingsFrom, type BatchSettings, type BuildSettings, type ReadSettings } from './settings.ts';
export { readPage, type PageOutcome, type PageRead, type ReadOrResumeDeps } from './read-page.ts';
export { readPageFromScan, type ReadPageDeps } from './read-scan.ts';
export { buildRecords, type BuildRecordsDeps, type BuildRecordsResult, type TelegramSummary } from './build-records.ts';
export { buildWindow, DEFAULT_WINDOW_PAGES, windowedSequence, windowsOf, type WindowBuild, type WindowCarry, type WindowDeps } from './windows.ts';
export {
  openReport,
  reportPage,
  reportRecord,
  type ReportBuilder,
  type ReportPage,
  type ReportRecord,
  type ReportSummary,
  type SequenceReport,
} from './report/index.ts';
export type { ProgressEvent } from './progress.ts';
export { openRunStore, runStoreLocation, saveWholeSequence, type RunStore } from './run-store.ts';
// The review store as the drivers open it (the producer creates it, document workers save to it).
export { isPostgresUrl, ReviewStore, withoutPassword } from '../store/index.ts';
export { loadSettledPages, readPageJson, readRecordJson, readWindowResult, recordWritten, removeWindowResult, writeWindowResult } from './outputs.ts';
// Set-up a driver does once: the engine it reads with, the recipe and profiles a job names.
export { createEngine } from '../create-engine.ts';
export type { OcrEngine } from '../ocr/engine.ts';
export { resolveRecipe, type Recipe } from '../preprocess/index.ts';
export { loadProfiles, type Profile } from '../segment/index.ts';
