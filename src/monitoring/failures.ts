// The top failure reasons of a batch: failures grouped by error code, most
// frequent first, each with a sample message and a few example files, so an
// operator sees at once "37 pages: CS_ERR_INPUT_CORRUPT (box12/0042.tif, ...)".

export interface FailureItem {
  code: string;
  message: string;
  file?: string;
  pageId?: string;
  /** ingest (refused before queueing), read (page job), emit (document job). */
  stage: string;
}

export interface FailureGroup {
  code: string;
  count: number;
  stages: string[];
  /** The message of the first failure with this code. */
  message: string;
  /** Up to `examples` distinct files. */
  files: string[];
}

export function topFailureReasons(items: readonly FailureItem[], limit = 5, examples = 3): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const item of items) {
    let group = groups.get(item.code);
    if (!group) groups.set(item.code, (group = { code: item.code, count: 0, stages: [], message: item.message, files: [] }));
    group.count += 1;
    if (!group.stages.includes(item.stage)) group.stages.push(item.stage);
    if (item.file && group.files.length < examples && !group.files.includes(item.file)) group.files.push(item.file);
  }
  // Most frequent first; ties by code so the order is stable between refreshes.
  return [...groups.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, limit);
}
