// The ids a worker's job-level log lines ("page done", a failed attempt) need so
// that one grep for a page, a document or a batch finds them, like the lines
// written while the page is read: {batch, doc, page, stage}.
import type { Job } from 'bullmq';
import type { WorkUnit } from '../logger.ts';

interface JobDataShape {
  batch?: unknown;
  documentKey?: unknown;
  source?: { pageId?: unknown; documentKey?: unknown };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The unit of work of a page job (stage "read") or a document job (stage "emit"); empty for anything else. */
export function jobUnit(job: Pick<Job, 'data'> | undefined): WorkUnit {
  const data = (job?.data ?? {}) as JobDataShape;
  const unit: WorkUnit = { batch: text(data.batch) };
  if (data.source && typeof data.source === 'object') {
    unit.doc = text(data.source.documentKey);
    unit.page = text(data.source.pageId);
    unit.stage = 'read';
  } else if (text(data.documentKey)) {
    unit.doc = text(data.documentKey);
    unit.stage = 'emit';
  }
  return Object.fromEntries(Object.entries(unit).filter(([, v]) => v !== undefined)) as WorkUnit;
}
