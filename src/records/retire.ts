// Records a later build no longer makes. When a sequence's pages are grouped
// differently on a re-run (a new grouping model, another --documents mode), the
// records made before for those pages would stay beside the new ones: one
// document twice. Each page remembers which records it went into (OUT/index/);
// a rebuild removes the record files it does not make again and tells the
// store, which keeps them, with their reviews, out of the queue and exports.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { EMIT_DIR } from '../exports/emit.ts';
import { writeJsonAtomic } from './atomic-write.ts';
import { pageIndexPath, recordPath } from './layout.ts';
import type { RecordStore } from '../store/types.ts';
import type { TelegramRecord } from '../types.ts';

async function previousRecords(outDir: string, pageId: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(pageIndexPath(outDir, pageId), 'utf8')) as { records?: unknown };
    return Array.isArray(parsed.records) ? parsed.records.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The archival files `run --emit` writes per record (per-page files stay: the pages are the same). */
const perRecordExports = (outDir: string, id: string): string[] => [
  path.join(outDir, EMIT_DIR, 'pdf', `${id}.pdf`),
  path.join(outDir, EMIT_DIR, 'mets', `${id}.mets.xml`),
];

/** Retires what these pages' records were before and are not now; returns the retired ids. */
export async function retireReplacedRecords(
  outDir: string,
  pageIds: readonly string[],
  records: readonly TelegramRecord[],
  store?: RecordStore,
): Promise<string[]> {
  const current = new Set(records.map((r) => r.id));
  const before = new Map<string, Set<string>>();
  for (const pageId of pageIds) {
    for (const id of await previousRecords(outDir, pageId)) {
      if (!before.has(id)) before.set(id, new Set());
      before.get(id)!.add(pageId);
    }
  }
  const stale = [...before.keys()].filter((id) => !current.has(id));
  for (const id of stale) {
    await rm(recordPath(outDir, id), { force: true });
    for (const file of perRecordExports(outDir, id)) await rm(file, { force: true });
    // Replaced by the records that hold its pages now.
    const pages = before.get(id)!;
    await store?.retireRecords(
      [id],
      records.filter((r) => r.source.pages.some((p) => pages.has(p))).map((r) => r.id),
    );
  }
  for (const pageId of pageIds) {
    const records_ = records.filter((r) => r.source.pages.includes(pageId)).map((r) => r.id);
    await writeJsonAtomic(pageIndexPath(outDir, pageId), { page: pageId, records: records_ });
  }
  return stale;
}
