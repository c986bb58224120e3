// The grouping modes a user can choose (`--documents`, a manifest's `documents`).
/**
 * How the user says pages group (`--documents`):
 * auto   decide at every page from the evidence (the default);
 * file   pages never continue across files; inside a file they do, unless a heading starts a new telegram;
 * folder pages of a folder continue unless a heading starts a new telegram (the rule before grouping existed);
 * page   every page is a document of its own.
 */
export const GROUPING_MODES = ['auto', 'file', 'folder', 'page'] as const;
export type GroupingMode = (typeof GROUPING_MODES)[number];
