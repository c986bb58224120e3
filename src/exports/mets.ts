// METS per telegram record: the page images and their ALTO (and PAGE/hOCR when written)
// in a fileSec, a physical structMap of the pages, and a logical structMap with the
// telegram as one unit whose fields (number, date, from, to...) are its descriptive
// metadata (MODS, plus every field with its status in a mods:extension). Each field is
// also a sub-division pointing at its words in the ALTO file (BETYPE IDREF), so a
// viewer can highlight the field on the page.
import type { RecordField, TelegramRecord } from '../types.ts';
import { altoStringIds } from './alto-ids.ts';
import type { ExportPage } from './corrections.ts';
import { el, serializeXml, xmlId, type XmlElement } from './xml.ts';

export const METS_NAMESPACE = 'http://www.loc.gov/METS/';
export const MODS_NAMESPACE = 'http://www.loc.gov/mods/v3';
export const CABLESCAN_NAMESPACE = 'urn:cablescan:record:1';

export interface FileRef {
  /** Location relative to the METS file (or a URL). */
  href: string;
  mimetype: string;
  sha256?: string;
  size?: number;
}

export interface MetsPage {
  page: ExportPage;
  image: FileRef;
  alto?: FileRef;
  pageXml?: FileRef;
  hocr?: FileRef;
}

export interface MetsInput {
  record: TelegramRecord;
  pages: MetsPage[];
  /** The telegram's searchable PDF, when written. */
  pdf?: FileRef;
  createdAt: string;
  softwareVersion: string;
}

const fieldText = (f: RecordField | undefined): string | null =>
  f && f.value !== null && f.status !== 'missing' && f.status !== 'absent' ? String(f.value) : null;

/** What the record is, as METS and MODS name it: the kind, so a letter is never filed as a telegram. */
export function kindOf(record: TelegramRecord): string {
  return record.kind ?? 'telegram';
}

/** `TELEGRAM No. 21340 (1951-06-30)`, `Despatch No. 720: The Situation of Jews in Rumania. (1939-01-25)`, `Letter (1938-05-09)`. */
export function title(record: TelegramRecord): string {
  const kind = kindOf(record);
  const type = kind === 'telegram' ? (fieldText(record.fields.docType) ?? 'TELEGRAM') : kind.charAt(0).toUpperCase() + kind.slice(1);
  const number = fieldText(record.fields.number);
  const subject = fieldText(record.fields.subject);
  const date = fieldText(record.fields.date);
  const head = [type, number ? `No. ${number}` : null].filter(Boolean).join(' ');
  return [subject ? `${head}: ${subject}` : head, date ? `(${date})` : null].filter(Boolean).join(' ');
}

const DECIDED_BY_A_PERSON = new Set(['confirmed', 'corrected', 'absent']);

/**
 * The record's review state as METS RECORDSTATUS says it: `reviewed` only when a person
 * decided at least one of its fields (or its grouping) and nothing is left to review; a record whose every
 * field the pipeline accepted is `accepted without review` (done, but nobody looked);
 * anything still waiting is `review pending`.
 */
export function recordStatus(record: TelegramRecord): string {
  if (record.review.status !== 'done') return 'review pending';
  // A person who confirmed, split or merged the record's pages looked at it too.
  const grouped = record.grouping?.status === 'confirmed';
  return grouped || Object.values(record.fields).some((f) => DECIDED_BY_A_PERSON.has(f.status)) ? 'reviewed' : 'accepted without review';
}

/** MODS for the fields archives search on, and every field as cablescan reads it. */
function mods(record: TelegramRecord, createdAt: string): XmlElement {
  const f = record.fields;
  const name = (field: string, role: string) => {
    const value = fieldText(f[field]);
    return value ? el('mods:name', {}, [el('mods:namePart', {}, [value]), el('mods:role', {}, [el('mods:roleTerm', { type: 'text' }, [role])])]) : null;
  };
  const date = fieldText(f.date);
  const time = fieldText(f.time);
  const place = fieldText(f.place);
  const identifiers = (['number', 'outgoingNumber', 'fileReference', 'archiveRef'] as const).map((k) => {
    const v = fieldText(f[k]);
    return v ? el('mods:identifier', { type: k }, [v]) : null;
  });
  const notes = (['subject', 'classification', 'precedence', 'copies', 'addressee', 'dispatch', 'signature'] as const).map((k) => {
    const v = fieldText(f[k]);
    return v ? el('mods:note', { type: k }, [v]) : null;
  });
  const extension = el('mods:extension', {}, [
    el(
      'cs:record',
      {
        'xmlns:cs': CABLESCAN_NAMESPACE,
        id: record.id,
        kind: kindOf(record),
        profile: record.profile,
        profileScore: record.profileScore,
        reviewStatus: record.review.status,
      },
      Object.entries(f).map(([key, field]) =>
        el(
          'cs:field',
          {
            name: key,
            status: field.status,
            confidence: field.confidence,
            page: field.page ?? undefined,
            bbox: field.bbox ? field.bbox.join(' ') : undefined,
          },
          [el('cs:value', {}, [field.value === null ? '' : String(field.value)]), el('cs:printed', {}, [field.text])],
        ),
      ),
    ),
  ]);
  return el('mods:mods', { 'xmlns:mods': MODS_NAMESPACE, version: '3.7' }, [
    el('mods:titleInfo', {}, [el('mods:title', {}, [title(record)])]),
    el('mods:typeOfResource', {}, ['text']),
    // A telegram's genre is its printed type (`CIPHERED TELEGRAM`); other kinds are their kind.
    el('mods:genre', {}, [kindOf(record) === 'telegram' ? (fieldText(f.docType) ?? 'telegram') : kindOf(record)]),
    name('from', 'sender'),
    name('to', 'recipient'),
    date || place
      ? el('mods:originInfo', {}, [
          place ? el('mods:place', {}, [el('mods:placeTerm', { type: 'text' }, [place])]) : null,
          // W3CDTF needs a time zone with a time; the telegram's time is local, which ISO 8601 allows.
          date ? el('mods:dateCreated', { encoding: time ? 'iso8601' : 'w3cdtf', keyDate: 'yes' }, [time ? `${date}T${time}` : date]) : null,
        ])
      : null,
    el('mods:physicalDescription', {}, [el('mods:extent', {}, [`${record.source.pages.length} page(s)`])]),
    ...identifiers,
    ...notes,
    el('mods:recordInfo', {}, [
      el('mods:recordIdentifier', { source: 'cablescan' }, [record.id]),
      el('mods:recordCreationDate', { encoding: 'w3cdtf' }, [createdAt]),
      el('mods:recordOrigin', {}, [`machine-generated by cablescan (profile ${record.profile}); ${recordStatus(record)}`]),
    ]),
    extension,
  ]);
}

function fileElement(id: string, ref: FileRef): XmlElement {
  return el('mets:file', { ID: id, MIMETYPE: ref.mimetype, SIZE: ref.size, CHECKSUM: ref.sha256, CHECKSUMTYPE: ref.sha256 ? 'SHA-256' : undefined }, [
    el('mets:FLocat', { LOCTYPE: 'URL', 'xlink:href': ref.href }),
  ]);
}

export function toMets(input: MetsInput): string {
  const { record, pages } = input;
  const n = (i: number) => String(i + 1).padStart(4, '0');
  const groups: Array<{ use: string; key: 'image' | 'alto' | 'pageXml' | 'hocr'; prefix: string }> = [
    { use: 'IMAGE', key: 'image', prefix: 'IMG' },
    { use: 'ALTO', key: 'alto', prefix: 'ALTO' },
    { use: 'PAGE', key: 'pageXml', prefix: 'PAGE' },
    { use: 'HOCR', key: 'hocr', prefix: 'HOCR' },
  ];
  const fileGroups = groups
    .filter((g) => pages.some((p) => p[g.key]))
    .map((g) =>
      el(
        'mets:fileGrp',
        { USE: g.use },
        pages.flatMap((p, i) => (p[g.key] ? [fileElement(`${g.prefix}_${n(i)}`, p[g.key]!)] : [])),
      ),
    );
  if (input.pdf) fileGroups.push(el('mets:fileGrp', { USE: 'PDF' }, [fileElement('PDF_0001', input.pdf)]));

  const physical = el('mets:structMap', { TYPE: 'PHYSICAL' }, [
    el(
      'mets:div',
      { ID: 'PHYS_0000', TYPE: 'physSequence', LABEL: title(record) },
      pages.map((p, i) =>
        el(
          'mets:div',
          { ID: `PHYS_${n(i)}`, TYPE: 'page', ORDER: i + 1, LABEL: p.page.pageId },
          groups.filter((g) => p[g.key]).map((g) => el('mets:fptr', { FILEID: `${g.prefix}_${n(i)}` })),
        ),
      ),
    ),
  ]);

  // Each field: a sub-division pointing at its words in the ALTO file of its page.
  const fieldDivs = Object.entries(record.fields).map(([key, field]) => {
    const pageIndex = field.page ? pages.findIndex((p) => p.page.pageId === field.page) : -1;
    const ids = pageIndex >= 0 && field.bbox && pages[pageIndex]!.alto ? altoStringIds(pages[pageIndex]!.page, field.bbox) : [];
    return el('mets:div', { ID: xmlId('LOG', key), TYPE: 'field', LABEL: key }, [
      ids.length ? el('mets:fptr', {}, [el('mets:area', { FILEID: `ALTO_${n(pageIndex)}`, BETYPE: 'IDREF', BEGIN: ids[0], END: ids[ids.length - 1] })]) : null,
    ]);
  });
  const logical = el('mets:structMap', { TYPE: 'LOGICAL' }, [
    el('mets:div', { ID: 'LOG_0000', TYPE: kindOf(record), DMDID: 'DMD_0001', LABEL: title(record) }, [
      input.pdf ? el('mets:fptr', { FILEID: 'PDF_0001' }) : null,
      ...fieldDivs,
    ]),
  ]);
  const links = el(
    'mets:structLink',
    {},
    pages.map((_, i) => el('mets:smLink', { 'xlink:from': 'LOG_0000', 'xlink:to': `PHYS_${n(i)}` })),
  );

  const root = el(
    'mets:mets',
    {
      'xmlns:mets': METS_NAMESPACE,
      'xmlns:xlink': 'http://www.w3.org/1999/xlink',
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': `${METS_NAMESPACE} http://www.loc.gov/standards/mets/mets.xsd ${MODS_NAMESPACE} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd`,
      OBJID: record.id,
      TYPE: kindOf(record),
      LABEL: title(record),
    },
    [
      el('mets:metsHdr', { CREATEDATE: input.createdAt, RECORDSTATUS: recordStatus(record) }, [
        el('mets:agent', { ROLE: 'CREATOR', TYPE: 'OTHER', OTHERTYPE: 'SOFTWARE' }, [el('mets:name', {}, [`cablescan ${input.softwareVersion}`])]),
      ]),
      el('mets:dmdSec', { ID: 'DMD_0001' }, [
        el('mets:mdWrap', { MDTYPE: 'MODS', LABEL: `${kindOf(record)} fields` }, [el('mets:xmlData', {}, [mods(record, input.createdAt)])]),
      ]),
      el('mets:fileSec', {}, fileGroups),
      physical,
      logical,
      links,
    ],
  );
  return serializeXml(root);
}
