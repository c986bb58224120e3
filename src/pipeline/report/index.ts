// The batch report: summaries of pages, records and sequences (summaries.ts) fed as the run
// goes into one builder (builder.ts) that both drivers open from their plan.
import type { Config } from '../../config.ts';
import type { BatchPlan } from '../plan.ts';
import { ReportBuilder } from './builder.ts';
import { runSettings } from './summaries.ts';

export { FAILURES_IN_SUMMARY, ReportBuilder, type PageCounts, type ReportOpenOptions, type ReportSummary, type TimingSummary } from './builder.ts';
export { reportPage, reportRecord, runSettings, type ReportPage, type ReportRecord, type SequenceReport, type StatusCounts } from './summaries.ts';

/** The report of a planned batch (its spools under the output folder until `finish`). */
export function openReport(plan: BatchPlan, config: Config): Promise<ReportBuilder> {
  return ReportBuilder.open({
    outDir: plan.outDir,
    batch: plan.batch,
    inputs: plan.inputs,
    startedAt: new Date(plan.startedAt),
    settings: runSettings(config, plan.recipe.name),
    sequences: plan.sequences,
    failures: plan.failures,
    skipped: plan.skipped,
    lowCoverageThreshold: config.thresholds.minBodyCoverage,
  });
}
