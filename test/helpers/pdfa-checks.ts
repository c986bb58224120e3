// PDF/A-2b checks on a written PDF. No PDF/A-2 validator is packaged for npm or Debian
// (veraPDF is neither), so the structure is checked with qpdf (`qpdf --check`, and its
// JSON view of the objects), fonts with poppler's pdffonts, the XMP with pdfinfo -meta;
// and, when Debian's libpdfbox2-java is installed, with Apache PDFBox Preflight, a PDF/A-1b
// validator: every rule PDF/A-1b and PDF/A-2b share must pass, and the only findings
// allowed are the four where PDF/A-2 permits what PDF/A-1 forbade (listed below).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const JAVA = '/usr/share/java';
const PREFLIGHT_JARS = ['preflight.jar', 'pdfbox2.jar', 'fontbox2.jar', 'xmpbox.jar', 'commons-logging.jar', 'javax.activation.jar', 'jaxb-api.jar'].map(
  (j) => `${JAVA}/${j}`,
);

/** What PDF/A-2 allows and PDFBox Preflight (PDF/A-1b) reports: these findings are expected. */
export const PDFA1_ONLY_FINDINGS: ReadonlyArray<{ rule: string; message: RegExp; why: string }> = [
  { rule: '1.4', message: /\/XRef cross reference streams are not allowed/, why: 'PDF/A-2 is based on PDF 1.7, which has cross-reference streams' },
  { rule: '2.1.6', message: /Invalid version of the ICCProfile/, why: 'PDF/A-2 accepts ICC v4 profiles (PDF/A-1: v2 only)' },
  { rule: '3.1.11', message: /The CIDSet entry is missing/, why: 'a CIDSet is optional in PDF/A-2' },
  { rule: '7.11.2', message: /part must be 1/, why: 'the file declares PDF/A part 2' },
];

export const tools = {
  qpdf: spawnSync('qpdf', ['--version']).error === undefined,
  poppler: spawnSync('pdfinfo', ['-v']).error === undefined,
  preflight: PREFLIGHT_JARS.every((j) => existsSync(j)) && spawnSync('java', ['-version']).error === undefined,
};

type Json = Record<string, unknown>;

function objects(file: string): { objs: Record<string, Json>; get: (ref: unknown) => Json } {
  const r = spawnSync('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=inline', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const objs = (JSON.parse(r.stdout) as { qpdf: [Json, Record<string, Json>] }).qpdf[1];
  const get = (ref: unknown): Json => {
    if (typeof ref === 'string' && / 0 R$/.test(ref)) return (objs[`obj:${ref}`] as Json) ?? {};
    return { value: ref };
  };
  return { objs, get };
}

const valueOrDict = (o: Json): Json => ((o.value ?? (o.stream as Json | undefined)?.dict) as Json) ?? {};

/** Problems found (empty: the file passes every check). `preflight` lists Preflight's own findings. */
export function checkPdfA2b(file: string): { problems: string[]; preflight: string[] } {
  const problems: string[] = [];
  const bytes = readFileSync(file);
  // Header: a version, then a comment of four bytes above 127 (so tools treat the file as binary).
  const header = bytes.subarray(0, 32).toString('latin1');
  if (!/^%PDF-1\.[4-7]\r?\n%[\x80-\xff]{4}/.test(header)) problems.push(`header: ${JSON.stringify(header.slice(0, 16))}`);

  const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  if (check.status !== 0 || !/No syntax or stream encoding errors found/.test(check.stdout)) problems.push(`qpdf --check: ${check.stdout}${check.stderr}`);

  const { objs, get } = objects(file);
  const trailer = valueOrDict(objs.trailer as Json);
  const id = trailer['/ID'] as string[] | undefined;
  if (!Array.isArray(id) || id.length !== 2) problems.push('trailer: no /ID (file identifier)');
  if (trailer['/Encrypt']) problems.push('trailer: encrypted');
  const root = valueOrDict(get(trailer['/Root']));

  // The output intent: GTS_PDFA1 with an embedded ICC profile whose colour space matches /N.
  const intents = (root['/OutputIntents'] as Json[] | undefined) ?? [];
  const intent = intents.map((i) => valueOrDict(get(i))).find((i) => i['/S'] === '/GTS_PDFA1');
  if (!intent) problems.push('catalog: no /OutputIntents entry with /S /GTS_PDFA1');
  else {
    const profile = get(intent['/DestOutputProfile']);
    const stream = profile.stream as { dict: Json; data?: string } | undefined;
    const icc = stream?.data ? Buffer.from(stream.data, 'base64') : Buffer.alloc(0);
    if (icc.subarray(36, 40).toString('latin1') !== 'acsp') problems.push('output intent: DestOutputProfile is not an ICC profile');
    const space = icc.subarray(16, 20).toString('latin1');
    const n = stream?.dict['/N'];
    if (!((space === 'RGB ' && n === 3) || (space === 'GRAY' && n === 1) || (space === 'CMYK' && n === 4)))
      problems.push(`output intent: profile colour space "${space}" with /N ${String(n)}`);
    if (typeof intent['/OutputConditionIdentifier'] !== 'string') problems.push('output intent: no /OutputConditionIdentifier');
  }

  // XMP: an unfiltered metadata stream declaring PDF/A-2B, with the document information's title.
  const metadata = get(root['/Metadata']).stream as { dict: Json; data?: string } | undefined;
  if (!metadata) problems.push('catalog: no /Metadata stream');
  else if (metadata.dict['/Filter']) problems.push('metadata stream must not be filtered');
  const xmp = spawnSync('pdfinfo', ['-meta', file], { encoding: 'utf8' }).stdout;
  if (!/<pdfaid:part>2<\/pdfaid:part>/.test(xmp) || !/<pdfaid:conformance>B<\/pdfaid:conformance>/.test(xmp))
    problems.push('XMP: no pdfaid:part 2 / conformance B');
  const title = /^Title:\s+(.*)$/m.exec(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout)?.[1];
  if (!title || !xmp.includes(`<rdf:li xml:lang="x-default">${title}</rdf:li>`)) problems.push(`XMP: dc:title does not repeat the document title (${title})`);

  // Every font embedded, with a ToUnicode map (pdffonts: emb, uni).
  const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' })
    .stdout.split('\n')
    .slice(2)
    .filter((l) => l.trim());
  if (fonts.length === 0) problems.push('no font: the text layer is missing');
  for (const line of fonts) {
    const cols = line.trim().split(/\s+/);
    const [emb, , uni] = cols.slice(-5, -2);
    if (emb !== 'yes' || uni !== 'yes') problems.push(`font not embedded or without ToUnicode: ${line.trim()}`);
  }
  // No actions run on opening (PDF/A forbids additional actions in the catalog).
  if (root['/AA']) problems.push('catalog: /AA');
  return { problems, preflight: tools.preflight ? preflight(file) : [] };
}

/** PDFBox Preflight's findings ("rule : message"), beyond the ones PDF/A-2 allows. */
function preflight(file: string): string[] {
  const r = spawnSync('java', ['-cp', PREFLIGHT_JARS.join(':'), 'org.apache.pdfbox.preflight.Validator_A1b', file], { encoding: 'utf8' });
  const findings = `${r.stdout}${r.stderr}`
    .split('\n')
    .map((l) => /^\s*([\d.]+) : (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  if (r.status !== 0 && findings.length === 0) return [`preflight did not run: ${r.stdout}${r.stderr}`.slice(0, 500)];
  return findings
    .filter(([, rule, message]) => !PDFA1_ONLY_FINDINGS.some((f) => f.rule === rule && f.message.test(message!)))
    .map(([, rule, message]) => `${rule} : ${message}`);
}
