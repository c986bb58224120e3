// A sequence is the run of pages the grouping stage decides over: ingest gives
// every page a sequence key (`documentKey` in PageSource and the page JSON), and
// the key's prefix says which grouping mode the user chose for those pages, so
// the mode travels with each page through queues and resumed runs.
import path from 'node:path';
import type { GroupingMode } from './modes.ts';

const PREFIX: Record<GroupingMode, string> = { auto: 'dir:', folder: 'folder:', file: 'file:', page: 'page:' };

/**
 * auto, folder: the pages of one folder (every file in it, in name order); file: the pages of
 * one file; page: one page.
 */
export function sequenceKey(mode: GroupingMode, absolutePath: string, pageIndex: number): string {
  switch (mode) {
    case 'auto':
    case 'folder':
      return `${PREFIX[mode]}${path.dirname(absolutePath)}`;
    case 'file':
      return `${PREFIX.file}${absolutePath}`;
    case 'page':
      return `${PREFIX.page}${absolutePath}#${pageIndex + 1}`;
  }
}

/** The grouping mode a sequence key was made with (keys from before grouping existed read as `auto` or `file`). */
export function groupingModeOf(documentKey: string): GroupingMode {
  for (const mode of ['folder', 'file', 'page'] as const) if (documentKey.startsWith(PREFIX[mode])) return mode;
  return 'auto';
}
