// The pipeline metrics cablescan publishes, as plain data: name, help, type,
// labels and (for histograms) bucket bounds. Workers record observations of
// these into Redis (aggregate.ts); `cablescan serve` exposes the sums at
// /metrics. One list, so the writer and the reader cannot disagree on a name.

export type MetricType = 'counter' | 'histogram';

export interface MetricDef {
  name: string;
  help: string;
  type: MetricType;
  labels: readonly string[];
  /** Upper bounds of the histogram buckets (ascending; +Inf is implicit). */
  buckets?: readonly number[];
}

/** Stage durations run from a few ms (segment) to minutes (OCR of a dense 600-dpi page). */
const SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160, 320];
/** Tesseract word/page confidence, 0..100. */
const PERCENT = [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100];
/** Field confidence, 0..1; the default accept threshold is 0.8, so finer steps near it. */
const UNIT = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];

export const METRICS = {
  pagesProcessed: {
    name: 'cablescan_pages_processed_total',
    help: 'Page jobs completed; outcome "read" was OCRed now, "resumed" found its page JSON already written',
    type: 'counter',
    labels: ['outcome'],
  },
  pagesFailed: {
    name: 'cablescan_pages_failed_total',
    help: 'Page jobs that finally failed (no attempts left, or bad input), by error code',
    type: 'counter',
    labels: ['code'],
  },
  pageRetries: {
    name: 'cablescan_page_retries_total',
    help: 'Page job attempts that failed and will be retried, by error code',
    type: 'counter',
    labels: ['code'],
  },
  documentsProcessed: {
    name: 'cablescan_documents_processed_total',
    help: 'Document jobs completed (segment + confidence + emit)',
    type: 'counter',
    labels: [],
  },
  documentsFailed: {
    name: 'cablescan_documents_failed_total',
    help: 'Document jobs that finally failed, by error code',
    type: 'counter',
    labels: ['code'],
  },
  recordsEmitted: {
    name: 'cablescan_records_emitted_total',
    help: 'Telegram records written, by profile',
    type: 'counter',
    labels: ['profile'],
  },
  fields: {
    name: 'cablescan_fields_total',
    help: 'Fields of emitted records, by field and status (accepted, needs_review, missing)',
    type: 'counter',
    labels: ['field', 'status'],
  },
  stageDuration: {
    name: 'cablescan_stage_duration_seconds',
    help: 'Duration of pipeline stages: decode, preprocess, ocr, write (per page), segment, confidence, emit (per document), page_job and document_job (whole jobs)',
    type: 'histogram',
    labels: ['stage'],
    buckets: SECONDS,
  },
  wordConfidence: {
    name: 'cablescan_ocr_word_confidence',
    help: 'Tesseract confidence (0-100) of every word read',
    type: 'histogram',
    labels: [],
    buckets: PERCENT,
  },
  pageConfidence: {
    name: 'cablescan_ocr_page_confidence',
    help: 'Mean Tesseract confidence (0-100) per page read',
    type: 'histogram',
    labels: [],
    buckets: PERCENT,
  },
  fieldConfidence: {
    name: 'cablescan_field_confidence',
    help: 'Confidence (0-1) of the fields of emitted records, by field',
    type: 'histogram',
    labels: ['field'],
    buckets: UNIT,
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

export const METRIC_LIST: readonly MetricDef[] = Object.values(METRICS);
