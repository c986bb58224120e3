// Turns a segmented, scored telegram into the record contract of DESIGN.md.
import { createHash } from 'node:crypto';
import type { DocumentKind, PageResult, RecordField, RecordGrouping, TelegramRecord } from '../types.ts';

/**
 * Stable id for the same pages and the same telegram: the first 16 hex digits of
 * SHA-256 over the content hashes of its pages plus its index among those pages.
 */
export function recordId(pageContentHashes: readonly string[], index: number): string {
  const hash = createHash('sha256');
  for (const h of pageContentHashes) hash.update(`${h}\n`);
  hash.update(String(index));
  return hash.digest('hex').slice(0, 16);
}

export interface RecordParts {
  kind?: DocumentKind;
  profile: string;
  profileScore: number;
  pages: readonly string[];
  index: number;
  text: string;
  fields: Record<string, RecordField>;
  review: TelegramRecord['review'];
  grouping?: RecordGrouping;
}

export function buildRecord(parts: RecordParts, pagesById: ReadonlyMap<string, PageResult>): TelegramRecord {
  const pages = parts.pages.map((id) => {
    const page = pagesById.get(id);
    if (!page) throw new Error(`telegram refers to page ${id}, which is not in its document`);
    return page;
  });
  const files = [...new Set(pages.map((p) => p.file))];
  return {
    schemaVersion: 1,
    id: recordId(
      pages.map((p) => p.contentHash),
      parts.index,
    ),
    kind: parts.kind ?? 'telegram',
    profile: parts.profile,
    profileScore: Math.round(parts.profileScore * 1000) / 1000,
    source: { files, pages: pages.map((p) => p.pageId) },
    fields: parts.fields,
    text: parts.text,
    review: parts.review,
    ...(parts.grouping ? { grouping: parts.grouping } : {}),
  };
}
