// Where to look for a field the pipeline did not find. A `missing` field has no box, but
// its profile says which zone it is printed in (the header, the closing lines, or
// anywhere), and the record's other fields say where that zone lies on the page: the
// header runs from the first header field to the last, the closing lines from the end of
// the body down. The reviewer sees that part of the page, at a readable scale, instead of
// a whole page shrunk to fit (where the header of a tall page was cut off).
import type { Profile } from '../../segment/index.ts';
import type { StoredField, StoredPage } from '../../store/index.ts';
import type { BBox } from '../../types.ts';
import { upperMedian as median } from '../../stats.ts';

export type ZoneKind = 'header' | 'closing' | 'all';

export interface ExpectedZone {
  zone: ZoneKind;
  /** Position of the page in the record (0 = first). */
  position: number;
  pageId: string;
  /** The region to show, in the page's recorded pixels. */
  bbox: BBox;
}

/** A fallback when no other field anchors the zone: the top or bottom share of the page. */
const PAGE_SHARE = 0.45;

/** The zone a profile searches for a field (its first entry; `all` when the profile does not know it). */
export function zoneOf(profile: Profile | undefined, fieldName: string): ZoneKind {
  return profile?.fields.find((f) => f.name === fieldName)?.zone ?? 'all';
}

/**
 * The region of the record's pages where `field` would be printed, or null when the record
 * has no page. Boxes of the record's other fields on the zone's page anchor it; without
 * them, the top (header) or bottom (closing) share of the page stands in.
 */
export function expectedZone(
  field: StoredField,
  fields: readonly StoredField[],
  pages: readonly StoredPage[],
  profile: Profile | undefined,
): ExpectedZone | null {
  if (pages.length === 0) return null;
  const zone = zoneOf(profile, field.name);
  const position = zone === 'closing' ? pages.length - 1 : 0;
  const page = pages[position]!;
  const { width, height } = page;
  const onPage = fields.filter((f) => f !== field && f.bbox && f.page === page.pageId) as Array<StoredField & { bbox: BBox }>;
  // A typed line's height: margins are counted in lines so the zone scales with the type.
  const line = Math.max(12, median(onPage.filter((f) => f.name !== 'body').map((f) => f.bbox[3] - f.bbox[1])) || height / 60);
  const body = onPage.find((f) => f.name === 'body');
  const inZone = onPage.filter((f) => f.name !== 'body' && zoneOf(profile, f.name) === zone);

  let top = 0;
  let bottom = height;
  if (zone === 'header') {
    if (inZone.length) {
      top = Math.min(...inZone.map((f) => f.bbox[1])) - 2 * line;
      bottom = Math.max(...inZone.map((f) => f.bbox[3])) + 3 * line;
    } else {
      bottom = body ? body.bbox[1] + 2 * line : height * PAGE_SHARE;
    }
  } else if (zone === 'closing') {
    if (inZone.length) {
      top = Math.min(...inZone.map((f) => f.bbox[1])) - 3 * line;
      bottom = Math.max(...inZone.map((f) => f.bbox[3])) + 2 * line;
    } else if (body) {
      top = body.bbox[3] - 3 * line;
      bottom = body.bbox[3] + height * 0.3;
    } else {
      top = height * (1 - PAGE_SHARE);
    }
  }
  top = Math.max(0, Math.floor(top));
  bottom = Math.min(height, Math.ceil(bottom));
  if (bottom - top < line) return { zone, position, pageId: page.pageId, bbox: [0, 0, width, height] };
  return { zone, position, pageId: page.pageId, bbox: [0, top, width, bottom] };
}
