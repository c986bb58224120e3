// The one way into the stages for the drivers (src/drivers/, queues/, workers/): what they
// schedule, and the types they pass around. A driver that imports a stage module directly
// fails test/unit/pipeline-boundary.test.ts.
export { readPageFromScan, type ReadPageDeps } from './read-scan.ts';
export { buildRecords, type BuildRecordsDeps, type BuildRecordsResult, type TelegramSummary } from './build-records.ts';
