// Checks for the archival exports beyond what the official schemas say (the end-to-end
// test validates every file against the schemas with xmllint --schema, from
// ../shared/schemas, which the repository does not copy): element order, required
// attributes, value ranges, ID uniqueness and IDREF targets, so the unit tests can check
// the XML without the schemas. Each returns a list of problems (empty = valid) so a test
// can show them all.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

type Ordered = Array<Record<string, unknown>>;

function convert(items: Ordered): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of items) {
    const name = Object.keys(item).find((k) => k !== ':@');
    if (!name || name === '#text' || name.startsWith('?') || name === '!DOCTYPE') continue;
    const attrs = (item[':@'] as Record<string, string> | undefined) ?? {};
    const inner = item[name] as Ordered;
    const text = inner
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('');
    out.push({ name, attrs: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k.replace(/^@/, ''), String(v)])), children: convert(inner), text });
  }
  return out;
}

/** Parses XML (after a well-formedness check) into a plain tree that keeps element order. */
export function parseXml(xml: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    preserveOrder: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
  });
  const roots = convert(parser.parse(xml) as Ordered);
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  return roots[0]!;
}

export function* walk(node: XmlNode): Generator<XmlNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
}

export const find = (node: XmlNode, name: string): XmlNode[] => [...walk(node)].filter((n) => n.name === name);

const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INT = /^[+-]?\d+$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

class Problems {
  readonly list: string[] = [];
  add(where: XmlNode, message: string): void {
    const id = where.attrs.ID ?? where.attrs.id;
    this.list.push(`${where.name}${id ? `#${id}` : ''}: ${message}`);
  }
  required(node: XmlNode, attrs: string[]): void {
    for (const a of attrs) if (node.attrs[a] === undefined) this.add(node, `missing required attribute ${a}`);
  }
  float(node: XmlNode, attrs: string[], range?: [number, number]): void {
    for (const a of attrs) {
      const v = node.attrs[a];
      if (v === undefined) continue;
      if (!FLOAT.test(v)) this.add(node, `${a}="${v}" is not an xsd:float`);
      else if (range && (Number(v) < range[0] || Number(v) > range[1])) this.add(node, `${a}="${v}" outside [${range[0]}, ${range[1]}]`);
    }
  }
  /** Children must follow `order` (names with their maximum count; unknown names are errors). */
  sequence(node: XmlNode, order: Array<[string | string[], number, number]>): void {
    let i = 0;
    const kids = node.children;
    for (const [names, min, max] of order) {
      const set = Array.isArray(names) ? names : [names];
      let n = 0;
      while (i < kids.length && set.includes(kids[i]!.name)) {
        i++;
        n++;
      }
      if (n < min) this.add(node, `expects at least ${min} ${set.join('|')} at position ${i + 1}, found ${kids[i]?.name ?? 'end'}`);
      if (n > max) this.add(node, `allows at most ${max} ${set.join('|')}, found ${n}`);
    }
    if (i < kids.length) this.add(node, `unexpected child ${kids[i]!.name} at position ${i + 1}`);
  }
}

function uniqueIds(root: XmlNode, attr: string, p: Problems): Set<string> {
  const ids = new Set<string>();
  for (const n of walk(root)) {
    const id = n.attrs[attr];
    if (id === undefined) continue;
    if (!NCNAME.test(id)) p.add(n, `${attr}="${id}" is not an NCName (xsd:ID)`);
    if (ids.has(id)) p.add(n, `duplicate ${attr} "${id}"`);
    ids.add(id);
  }
  return ids;
}

export const ALTO_NS = 'http://www.loc.gov/standards/alto/ns-v4#';

/** ALTO 4.4 (alto-4-4.xsd) requirements on what cablescan writes. */
export function checkAlto(xml: string): string[] {
  const root = parseXml(xml);
  const p = new Problems();
  if (root.name !== 'alto') p.add(root, 'root element must be alto');
  if (root.attrs.xmlns !== ALTO_NS) p.add(root, `namespace must be ${ALTO_NS}`);
  p.sequence(root, [
    ['Description', 0, 1],
    ['Styles', 0, 1],
    ['Tags', 0, 1],
    ['ReadingOrder', 0, 1],
    ['Layout', 1, 1],
  ]);
  for (const d of find(root, 'Description')) {
    p.sequence(d, [
      ['MeasurementUnit', 1, 1],
      ['sourceImageInformation', 0, 1],
      ['OCRProcessing', 0, Infinity],
      ['Processing', 0, Infinity],
    ]);
    const unit = d.children.find((c) => c.name === 'MeasurementUnit');
    if (unit && !['pixel', 'mm10', 'inch1200'].includes(unit.text)) p.add(unit, `"${unit.text}" is not pixel|mm10|inch1200`);
  }
  for (const s of find(root, 'sourceImageInformation'))
    p.sequence(s, [
      ['fileName', 0, 1],
      ['fileIdentifier', 0, Infinity],
      ['documentIdentifier', 0, Infinity],
    ]);
  for (const proc of find(root, 'Processing')) {
    p.required(proc, ['ID']);
    p.sequence(proc, [
      ['processingCategory', 0, 1],
      ['processingDateTime', 0, 1],
      ['processingAgency', 0, 1],
      ['processingStepDescription', 0, Infinity],
      ['processingStepSettings', 0, 1],
      ['processingSoftware', 0, 1],
    ]);
    for (const c of proc.children) {
      if (c.name === 'processingCategory') {
        for (const t of c.text.split(/\s+/))
          if (!['contentGeneration', 'contentModification', 'preOperation', 'postOperation', 'other'].includes(t))
            p.add(c, `category "${t}" not in the vocabulary`);
      }
      if (c.name === 'processingDateTime' && !DATE_TIME.test(c.text) && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(c.text))
        p.add(c, `"${c.text}" is not a date/dateTime`);
      if (c.name === 'processingSoftware')
        p.sequence(c, [
          ['softwareCreator', 0, 1],
          ['softwareName', 0, 1],
          ['softwareVersion', 0, 1],
          ['applicationDescription', 0, 1],
        ]);
    }
  }
  for (const layout of find(root, 'Layout')) p.sequence(layout, [['Page', 1, Infinity]]);
  for (const page of find(root, 'Page')) {
    p.required(page, ['ID', 'PHYSICAL_IMG_NR']);
    p.float(page, ['HEIGHT', 'WIDTH', 'PHYSICAL_IMG_NR', 'ACCURACY', 'ROTATION']);
    p.float(page, ['PC'], [0, 1]);
    p.sequence(page, [
      ['TopMargin', 0, 1],
      ['LeftMargin', 0, 1],
      ['RightMargin', 0, 1],
      ['BottomMargin', 0, 1],
      ['PrintSpace', 0, 1],
    ]);
  }
  const BLOCKS = ['TextBlock', 'Illustration', 'GraphicalElement', 'ComposedBlock'];
  for (const space of [...find(root, 'PrintSpace'), ...find(root, 'TopMargin'), ...find(root, 'BottomMargin')]) {
    p.float(space, ['HEIGHT', 'WIDTH', 'HPOS', 'VPOS']);
    p.sequence(space, [
      ['Shape', 0, 1],
      [BLOCKS, 0, Infinity],
    ]);
  }
  for (const block of find(root, 'TextBlock')) {
    p.required(block, ['ID']);
    p.float(block, ['HEIGHT', 'WIDTH', 'HPOS', 'VPOS', 'ROTATION']);
    p.sequence(block, [
      ['Shape', 0, 1],
      ['TextLine', 0, Infinity],
    ]);
  }
  for (const line of find(root, 'TextLine')) {
    p.float(line, ['HEIGHT', 'WIDTH', 'HPOS', 'VPOS']);
    // Shape?, (String, SP?)+, HYP?
    const kids = line.children.filter((c) => c.name !== 'Shape');
    if (kids[0]?.name !== 'String') p.add(line, 'must start with a String');
    kids.forEach((k, i) => {
      if (!['String', 'SP', 'HYP'].includes(k.name)) p.add(line, `unexpected child ${k.name}`);
      if (k.name === 'SP' && kids[i - 1]?.name !== 'String') p.add(line, 'SP must follow a String');
      if (k.name === 'HYP' && i !== kids.length - 1) p.add(line, 'HYP only at the end of a line');
    });
  }
  for (const s of find(root, 'String')) {
    p.required(s, ['CONTENT']);
    p.float(s, ['HEIGHT', 'WIDTH', 'HPOS', 'VPOS']);
    p.float(s, ['WC'], [0, 1]);
    if (s.attrs.CS !== undefined && !['true', 'false', '1', '0'].includes(s.attrs.CS)) p.add(s, `CS="${s.attrs.CS}" is not an xsd:boolean`);
    p.sequence(s, [
      ['Shape', 0, 1],
      ['ALTERNATIVE', 0, Infinity],
      ['Glyph', 0, Infinity],
    ]);
  }
  for (const sp of find(root, 'SP')) p.float(sp, ['HEIGHT', 'WIDTH', 'HPOS', 'VPOS']);
  uniqueIds(root, 'ID', p);
  return p.list;
}

export const PAGE_NS = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
const POINTS = /^([0-9]+,[0-9]+ )+([0-9]+,[0-9]+)$/;
const REGIONS = [
  'TextRegion',
  'ImageRegion',
  'LineDrawingRegion',
  'GraphicRegion',
  'TableRegion',
  'ChartRegion',
  'SeparatorRegion',
  'MathsRegion',
  'ChemRegion',
  'MusicRegion',
  'AdvertRegion',
  'NoiseRegion',
  'UnknownRegion',
  'CustomRegion',
  'MapRegion',
];

/** PAGE 2019-07-15 (pagecontent.xsd) requirements on what cablescan writes. */
export function checkPageXml(xml: string): string[] {
  const root = parseXml(xml);
  const p = new Problems();
  if (root.name !== 'PcGts') p.add(root, 'root element must be PcGts');
  if (root.attrs.xmlns !== PAGE_NS) p.add(root, `namespace must be ${PAGE_NS}`);
  p.sequence(root, [
    ['Metadata', 1, 1],
    ['Page', 1, 1],
  ]);
  for (const m of find(root, 'Metadata')) {
    p.sequence(m, [
      ['Creator', 1, 1],
      ['Created', 1, 1],
      ['LastChange', 1, 1],
      ['Comments', 0, 1],
      ['UserDefined', 0, 1],
      ['MetadataItem', 0, Infinity],
    ]);
    for (const c of m.children)
      if ((c.name === 'Created' || c.name === 'LastChange') && !DATE_TIME.test(c.text)) p.add(c, `"${c.text}" is not an xsd:dateTime`);
    for (const item of m.children.filter((c) => c.name === 'MetadataItem')) {
      p.required(item, ['value']);
      if (item.attrs.type && !['author', 'imageProperties', 'processingStep', 'other'].includes(item.attrs.type))
        p.add(item, `type "${item.attrs.type}" not allowed`);
      if (item.attrs.date && !DATE_TIME.test(item.attrs.date)) p.add(item, `date "${item.attrs.date}" is not an xsd:dateTime`);
    }
  }
  for (const page of find(root, 'Page')) {
    p.required(page, ['imageFilename', 'imageWidth', 'imageHeight']);
    for (const a of ['imageWidth', 'imageHeight']) if (page.attrs[a] !== undefined && !INT.test(page.attrs[a]!)) p.add(page, `${a} must be an integer`);
    p.float(page, ['orientation'], [-179.999, 180]);
    p.float(page, ['conf'], [0, 1]);
    p.sequence(page, [
      ['AlternativeImage', 0, Infinity],
      ['Border', 0, 1],
      ['PrintSpace', 0, 1],
      ['ReadingOrder', 0, 1],
      ['Layers', 0, 1],
      ['Relations', 0, 1],
      ['TextStyle', 0, 1],
      ['UserDefined', 0, 1],
      ['Labels', 0, Infinity],
      [REGIONS, 0, Infinity],
    ]);
  }
  for (const a of find(root, 'AlternativeImage')) {
    p.required(a, ['filename']);
    p.float(a, ['conf'], [0, 1]);
  }
  const regionIds = new Set(find(root, 'TextRegion').map((r) => r.attrs.id));
  for (const ref of find(root, 'RegionRefIndexed')) {
    p.required(ref, ['index', 'regionRef']);
    if (!INT.test(ref.attrs.index ?? '')) p.add(ref, 'index must be an integer');
    if (!regionIds.has(ref.attrs.regionRef)) p.add(ref, `regionRef "${ref.attrs.regionRef}" names no region`);
  }
  for (const g of [...find(root, 'OrderedGroup'), ...find(root, 'UnorderedGroup')]) p.required(g, ['id']);
  for (const r of find(root, 'TextRegion')) {
    p.required(r, ['id']);
    p.float(r, ['orientation'], [-179.999, 180]);
    p.sequence(r, [
      ['AlternativeImage', 0, Infinity],
      ['Coords', 1, 1],
      ['UserDefined', 0, 1],
      ['Labels', 0, Infinity],
      ['Roles', 0, 1],
      [REGIONS, 0, Infinity],
      ['TextLine', 0, Infinity],
      ['TextEquiv', 0, 1],
      ['TextStyle', 0, 1],
    ]);
  }
  for (const l of find(root, 'TextLine')) {
    p.required(l, ['id']);
    p.sequence(l, [
      ['AlternativeImage', 0, Infinity],
      ['Coords', 1, 1],
      ['Baseline', 0, 1],
      ['Word', 0, Infinity],
      ['TextEquiv', 0, 1],
      ['TextStyle', 0, 1],
      ['UserDefined', 0, 1],
      ['Labels', 0, Infinity],
    ]);
  }
  for (const w of find(root, 'Word')) {
    p.required(w, ['id']);
    p.sequence(w, [
      ['AlternativeImage', 0, Infinity],
      ['Coords', 1, 1],
      ['Glyph', 0, Infinity],
      ['TextEquiv', 0, Infinity],
      ['TextStyle', 0, 1],
      ['UserDefined', 0, 1],
      ['Labels', 0, Infinity],
    ]);
  }
  for (const c of find(root, 'Coords')) {
    p.required(c, ['points']);
    if (c.attrs.points !== undefined && !POINTS.test(c.attrs.points)) p.add(c, `points "${c.attrs.points}" do not match the PointsType pattern`);
  }
  for (const t of find(root, 'TextEquiv')) {
    p.sequence(t, [
      ['PlainText', 0, 1],
      ['Unicode', 1, 1],
    ]);
    p.float(t, ['conf'], [0, 1]);
    if (t.attrs.index !== undefined && !INT.test(t.attrs.index)) p.add(t, 'index must be an integer');
  }
  uniqueIds(root, 'id', p);
  return p.list;
}

export const METS_NS = 'http://www.loc.gov/METS/';

/** METS 1.12 (mets.xsd) requirements on what cablescan writes, with MODS basics. */
export function checkMets(xml: string): string[] {
  const root = parseXml(xml);
  const p = new Problems();
  if (root.name !== 'mets:mets') p.add(root, 'root element must be mets:mets');
  if (root.attrs['xmlns:mets'] !== METS_NS) p.add(root, `namespace must be ${METS_NS}`);
  p.sequence(root, [
    ['mets:metsHdr', 0, 1],
    ['mets:dmdSec', 0, Infinity],
    ['mets:amdSec', 0, Infinity],
    ['mets:fileSec', 0, 1],
    ['mets:structMap', 1, Infinity],
    ['mets:structLink', 0, 1],
    ['mets:behaviorSec', 0, Infinity],
  ]);
  for (const h of find(root, 'mets:metsHdr')) {
    if (h.attrs.CREATEDATE !== undefined && !DATE_TIME.test(h.attrs.CREATEDATE)) p.add(h, 'CREATEDATE is not an xsd:dateTime');
    p.sequence(h, [
      ['mets:agent', 0, Infinity],
      ['mets:altRecordID', 0, Infinity],
      ['mets:metsDocumentID', 0, 1],
    ]);
  }
  for (const a of find(root, 'mets:agent')) {
    p.required(a, ['ROLE']);
    if (!['CREATOR', 'EDITOR', 'ARCHIVIST', 'PRESERVATION', 'DISSEMINATOR', 'CUSTODIAN', 'IPOWNER', 'OTHER'].includes(a.attrs.ROLE ?? ''))
      p.add(a, `ROLE "${a.attrs.ROLE}" not allowed`);
    if (a.attrs.TYPE && !['INDIVIDUAL', 'ORGANIZATION', 'OTHER'].includes(a.attrs.TYPE)) p.add(a, `TYPE "${a.attrs.TYPE}" not allowed`);
    p.sequence(a, [
      ['mets:name', 1, 1],
      ['mets:note', 0, Infinity],
    ]);
  }
  for (const d of find(root, 'mets:dmdSec')) {
    p.required(d, ['ID']);
    p.sequence(d, [
      ['mets:mdRef', 0, 1],
      ['mets:mdWrap', 0, 1],
    ]);
  }
  const MDTYPES = [
    'MARC',
    'MODS',
    'EAD',
    'DC',
    'NISOIMG',
    'LC-AV',
    'VRA',
    'TEIHDR',
    'DDI',
    'FGDC',
    'LOM',
    'PREMIS',
    'PREMIS:OBJECT',
    'PREMIS:AGENT',
    'PREMIS:RIGHTS',
    'PREMIS:EVENT',
    'TEXTMD',
    'METSRIGHTS',
    'ISO 19115:2003 NAP',
    'EAC-CPF',
    'LIDO',
    'OTHER',
  ];
  for (const w of find(root, 'mets:mdWrap')) {
    if (!MDTYPES.includes(w.attrs.MDTYPE ?? '')) p.add(w, `MDTYPE "${w.attrs.MDTYPE}" not allowed`);
    if (w.children.length !== 1 || !['mets:xmlData', 'mets:binData'].includes(w.children[0]!.name)) p.add(w, 'must hold one xmlData or binData');
  }
  for (const fs of find(root, 'mets:fileSec')) p.sequence(fs, [['mets:fileGrp', 1, Infinity]]);
  for (const g of find(root, 'mets:fileGrp')) p.sequence(g, [[['mets:fileGrp', 'mets:file'], 1, Infinity]]);
  for (const f of find(root, 'mets:file')) {
    p.required(f, ['ID']);
    if (f.attrs.SIZE !== undefined && !INT.test(f.attrs.SIZE)) p.add(f, 'SIZE must be an integer');
    if (
      f.attrs.CHECKSUMTYPE &&
      !['Adler-32', 'CRC32', 'HAVAL', 'MD5', 'MNP', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'TIGER', 'WHIRLPOOL'].includes(f.attrs.CHECKSUMTYPE)
    )
      p.add(f, 'CHECKSUMTYPE not allowed');
    if (f.attrs.CHECKSUM !== undefined && !f.attrs.CHECKSUMTYPE) p.add(f, 'CHECKSUM without CHECKSUMTYPE');
    p.sequence(f, [
      ['mets:FLocat', 0, Infinity],
      ['mets:FContent', 0, 1],
      ['mets:stream', 0, Infinity],
      ['mets:transformFile', 0, Infinity],
      ['mets:file', 0, Infinity],
    ]);
  }
  for (const l of find(root, 'mets:FLocat')) {
    p.required(l, ['LOCTYPE', 'xlink:href']);
    if (!['ARK', 'URN', 'URL', 'PURL', 'HANDLE', 'DOI', 'OTHER'].includes(l.attrs.LOCTYPE ?? '')) p.add(l, `LOCTYPE "${l.attrs.LOCTYPE}" not allowed`);
  }
  for (const sm of find(root, 'mets:structMap')) p.sequence(sm, [['mets:div', 1, 1]]);
  for (const div of find(root, 'mets:div')) {
    p.sequence(div, [
      ['mets:mptr', 0, Infinity],
      ['mets:fptr', 0, Infinity],
      ['mets:div', 0, Infinity],
    ]);
    if (div.attrs.ORDER !== undefined && !INT.test(div.attrs.ORDER)) p.add(div, 'ORDER must be an integer');
  }
  const ids = uniqueIds(root, 'ID', p);
  const fileIds = new Set(find(root, 'mets:file').map((f) => f.attrs.ID));
  for (const f of find(root, 'mets:fptr')) {
    if (f.attrs.FILEID && !fileIds.has(f.attrs.FILEID)) p.add(f, `FILEID "${f.attrs.FILEID}" names no file`);
    if (!f.attrs.FILEID && f.children.length !== 1) p.add(f, 'needs FILEID or one area/seq/par');
  }
  for (const a of find(root, 'mets:area')) {
    p.required(a, ['FILEID']);
    if (!fileIds.has(a.attrs.FILEID)) p.add(a, `FILEID "${a.attrs.FILEID}" names no file`);
    if (
      a.attrs.BETYPE &&
      ![
        'BYTE',
        'IDREF',
        'SMIL',
        'MIDI',
        'SMPTE-25',
        'SMPTE-24',
        'SMPTE-DF30',
        'SMPTE-NDF30',
        'SMPTE-DF29.97',
        'SMPTE-NDF29.97',
        'TIME',
        'TCF',
        'XPTR',
      ].includes(a.attrs.BETYPE)
    )
      p.add(a, 'BETYPE not allowed');
  }
  for (const div of find(root, 'mets:div'))
    for (const ref of (div.attrs.DMDID ?? '').split(/\s+/).filter(Boolean)) if (!ids.has(ref)) p.add(div, `DMDID "${ref}" names nothing`);
  for (const link of find(root, 'mets:smLink')) {
    p.required(link, ['xlink:from', 'xlink:to']);
    for (const a of ['xlink:from', 'xlink:to']) if (link.attrs[a] && !ids.has(link.attrs[a]!)) p.add(link, `${a} "${link.attrs[a]}" names no div`);
  }
  // MODS: a title, and w3cdtf dates that are dates.
  for (const m of find(root, 'mods:mods')) {
    const title = find(m, 'mods:title')[0];
    if (!title || !title.text.trim()) p.add(m, 'mods needs a non-empty titleInfo/title');
  }
  for (const d of [...find(root, 'mods:dateCreated'), ...find(root, 'mods:recordCreationDate')]) {
    // W3CDTF: a time needs a time zone designator.
    if (d.attrs.encoding === 'w3cdtf' && !/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/.test(d.text))
      p.add(d, `"${d.text}" is not W3CDTF`);
    if (d.attrs.encoding === 'iso8601' && !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(d.text)) p.add(d, `"${d.text}" is not an ISO 8601 date-time`);
  }
  return p.list;
}

/** A word of an hOCR file: its text, bbox and x_wconf. */
export interface HocrWord {
  text: string;
  bbox: number[];
  wconf: number;
}

/** hOCR 1.2 basics: one ocr_page with bbox, and words with bbox and x_wconf 0-100; returns problems and the words. */
export function checkHocr(xml: string): { problems: string[]; words: HocrWord[] } {
  const root = parseXml(xml);
  const p = new Problems();
  const classed = (cls: string) => [...walk(root)].filter((n) => (n.attrs.class ?? '').split(/\s+/).includes(cls));
  const pages = classed('ocr_page');
  if (pages.length !== 1) p.add(root, `expected one ocr_page, found ${pages.length}`);
  const capabilities = find(root, 'meta').find((m) => m.attrs.name === 'ocr-capabilities')?.attrs.content ?? '';
  for (const cls of ['ocr_page', 'ocr_line', 'ocrx_word']) if (!capabilities.split(/\s+/).includes(cls)) p.add(root, `ocr-capabilities lacks ${cls}`);
  const bboxOf = (n: XmlNode): number[] | null => {
    const m = /(?:^|;)\s*bbox (\d+) (\d+) (\d+) (\d+)\s*(?:;|$)/.exec(n.attrs.title ?? '');
    return m ? m.slice(1, 5).map(Number) : null;
  };
  for (const n of [...pages, ...classed('ocr_line'), ...classed('ocr_par'), ...classed('ocr_carea')])
    if (!bboxOf(n)) p.add(n, `title "${n.attrs.title}" has no bbox`);
  const words: HocrWord[] = [];
  for (const w of classed('ocrx_word')) {
    const bbox = bboxOf(w);
    const conf = /x_wconf (\d+(?:\.\d+)?)/.exec(w.attrs.title ?? '');
    if (!bbox) p.add(w, 'no bbox');
    if (!conf) p.add(w, 'no x_wconf');
    else if (Number(conf[1]) < 0 || Number(conf[1]) > 100) p.add(w, `x_wconf ${conf[1]} outside 0-100`);
    if (bbox && (bbox[0]! > bbox[2]! || bbox[1]! > bbox[3]!)) p.add(w, 'bbox corners out of order');
    words.push({ text: w.text, bbox: bbox ?? [], wconf: conf ? Number(conf[1]) : NaN });
  }
  return { problems: p.list, words };
}
