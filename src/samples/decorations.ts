// Where the untyped ink goes on each page of a document, by kind, as on the real pages:
// a despatch's header zone between subject and recipient carries received stamps (their
// date is the day the Department received it, never the despatch's date), an oval
// office stamp, a distribution box, a file number stamped sideways in the right margin
// and pencil notes; a letter or despatch is signed in pen over the typed name; reports
// get an archive's stamp and folio number. Planned from the layout's `about` facts.

import type { About, AnyLayout } from './model.ts';
import type { Rng } from './random.ts';
import type { PageGeometry } from './geometry.ts';
import type { TypewriterFont } from './fonts.ts';
import type { Composition } from './compose.ts';
import type { MarkSpec } from './marks.ts';

export interface DecorationContext {
  layout: AnyLayout;
  data: unknown;
  geometry: PageGeometry;
  font: TypewriterFont;
  /** One typewriter line in px. */
  unit: number;
  about: About;
}

const MONTHS_SHORT = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** "1939-03-14" in a stamp's forms: "MAR 14 1939", "1939 MAR 14 PM 3 46", "14 MAR 1939". */
export function stampDate(iso: string, form: number, rng: Rng): string {
  const [y, m, d] = iso.split('-').map(Number);
  const mon = MONTHS_SHORT[m - 1];
  switch (form % 3) {
    case 0:
      return `${mon} ${d} ${y}`;
    case 1:
      return `${y} ${mon} ${d} ${rng.pick(['AM', 'PM'])} ${rng.int(1, 12)} ${String(rng.int(0, 59)).padStart(2, '0')}`;
    default:
      return `${d} ${mon} ${y}`;
  }
}

const OFFICES = [
  'DIVISION OF EUROPEAN AFFAIRS',
  'DIVISION OF NEAR EASTERN AFFAIRS',
  'DIVISION OF COMMERCIAL AFFAIRS',
  'VISA DIVISION',
  'ADVISER ON POLITICAL RELATIONS',
  'UNDER SECRETARY OF STATE',
  'ASSISTANT SECRETARY OF STATE',
  'DIVISION OF CONTROLS',
  'DIVISION OF CURRENT INFORMATION',
];
const OFFICIALS = ['MR. WELLES', 'MR. DUNN', 'MR. MESSERSMITH', 'MR. LONG', 'MR. BERLE', 'MR. MOFFAT'];
const PENCIL_NOTES = ['Copy in Eu', 'file', 'Copies to Legal', 'File Cr', 'no action', 'seen', 'EU', 'Read', 'answered'];

/** The y of a line's baseline on the page, from its composer position. */
function pageY(context: DecorationContext, y: number): number {
  return context.geometry.marginTop + y + Math.round(context.font.sizePx * 0.8);
}

/** The typed name's signature in pen, a little over and across the typed line. */
function scrawls(context: DecorationContext, composition: Composition, rng: Rng, pages: MarkSpec[][]): void {
  const name = String(context.about.signer ?? '');
  if (!name) return;
  composition.pages.forEach((page, index) => {
    const line = page.lines.find((l) => l.role === 'signature');
    if (!line) return;
    const x = context.geometry.marginLeft + (line.column + line.text.length / 2) * context.geometry.pitch;
    pages[index].push({
      type: 'signatureScrawl',
      lines: [name.replace(/[.,]$/, '')],
      face: 'hand',
      size: rng.int(80, 110),
      cx: x + rng.int(-80, 80),
      cy: pageY(context, line.y ?? 0) - context.unit * rng.range(1.5, 2.1),
      angle: rng.range(-6, 3),
      shape: 'none',
      alpha: rng.range(0.75, 0.95),
    });
  });
}

function despatchHeader(context: DecorationContext, composition: Composition, rng: Rng, marks: MarkSpec[]): void {
  const { geometry, about } = context;
  const zone = composition.pages[0].zones.find((z) => z.name === 'stamps');
  if (about.seal) {
    // The seal sits at the top left, beside the printed post heading.
    marks.push({
      type: 'seal',
      lines: [],
      face: 'print',
      size: 0,
      cx: geometry.marginLeft + rng.int(20, 90),
      cy: geometry.marginTop + rng.int(70, 120),
      angle: 0,
      shape: 'seal',
      alpha: 0.9,
      width: rng.int(210, 260),
    });
  }
  if (about.fileNumber) {
    // Stamped (or written large) sideways in the right margin, read top to bottom.
    const hand = rng.chance(0.35);
    marks.push({
      type: 'fileNumber',
      lines: [String(about.fileNumber)],
      face: hand ? 'hand' : 'stamp',
      size: hand ? rng.int(100, 130) : rng.int(70, 90),
      cx: geometry.width - rng.int(90, 150),
      cy: geometry.marginTop + rng.int(900, 1300),
      angle: 90 + (hand ? rng.range(-4, 4) : 0),
      shape: 'none',
      alpha: rng.range(0.8, 0.95),
    });
    // And often pencilled slantwise in the left margin, as on EHRI-DR-19390125-US_01.
    if (rng.chance(0.4)) {
      marks.push({
        type: 'fileNumber',
        lines: [String(about.fileNumber).split('/')[0].replace(' JEWS', ' Jews')],
        face: 'hand',
        size: rng.int(70, 95),
        cx: rng.int(110, 200),
        cy: geometry.marginTop + rng.int(1000, 1400),
        angle: rng.range(-35, -20),
        shape: 'none',
        alpha: rng.range(0.45, 0.7),
      });
    }
  }
  if (!zone) return;
  const top = geometry.marginTop + zone.y0;
  const bottom = geometry.marginTop + zone.y1;
  const height = bottom - top;
  if (height < 250) return;
  const left = geometry.marginLeft;
  const span = geometry.width - left - 300;
  if (about.receivedDate) {
    // "RECEIVED / DEPARTMENT OF STATE / 1940 AUG 12 PM 3 46", standing on its side at the left of the zone.
    const date = stampDate(String(about.receivedDate), 1, rng);
    marks.push({
      type: 'stamp',
      lines: ['RECEIVED', 'DEPARTMENT OF STATE', date, 'DIVISION OF COMMUNICATIONS', 'AND RECORDS'],
      face: 'stamp',
      size: rng.int(30, 38),
      cx: left + rng.int(40, 180),
      cy: top + height / 2,
      angle: rng.pick([-90, -90, 90]),
      shape: rng.pick(['rect', 'none'] as const),
      alpha: rng.range(0.45, 0.75),
      date: String(about.receivedDate),
    });
  }
  if (about.officeDate) {
    const form = rng.int(0, 2);
    const oval = rng.chance(0.6);
    // Now and then the stamp lands on the header itself, over the place and date line: its date is
    // then right beside the despatch's, and a reader must still tell them apart.
    const overHeader = rng.chance(0.2);
    marks.push({
      type: 'stamp',
      lines: oval
        ? [rng.pick(OFFICES), stampDate(String(about.officeDate), 0, rng), rng.pick(OFFICIALS)]
        : ['DEPARTMENT OF STATE', rng.pick(OFFICES), stampDate(String(about.officeDate), form, rng)],
      face: 'stamp',
      size: rng.int(30, 40),
      cx: left + span * rng.range(0.62, 0.85),
      cy: overHeader ? geometry.marginTop + rng.int(60, 200) : top + height * rng.range(0.45, 0.75),
      angle: rng.range(-12, 12),
      shape: oval ? 'oval' : 'rect',
      alpha: rng.range(0.4, 0.7),
      date: String(about.officeDate),
    });
  }
  if (about.distributionBox) {
    marks.push({
      type: 'distributionBox',
      lines: ['Rating', 'Distribution Instructions'],
      face: 'print',
      size: 34,
      cx: left + span * rng.range(0.45, 0.6),
      cy: top + height * rng.range(0.25, 0.45),
      angle: rng.range(-1.5, 1.5),
      shape: 'table',
      alpha: 0.7,
      width: rng.int(1050, 1300),
      height: rng.int(220, 300),
    });
  }
  if (rng.chance(0.7)) {
    marks.push({
      type: 'note',
      lines: [rng.pick(PENCIL_NOTES)],
      face: 'hand',
      size: rng.int(70, 100),
      cx: left + span * rng.range(0.55, 0.8),
      cy: top + rng.int(40, 140),
      angle: rng.range(-15, 5),
      shape: 'none',
      alpha: rng.range(0.5, 0.8),
    });
  }
}

/** A received stamp at the top right of a letter, dated after it. */
function letterStamp(context: DecorationContext, rng: Rng, marks: MarkSpec[]): void {
  const { geometry, about } = context;
  if (!about.receivedDate) return;
  marks.push({
    type: 'stamp',
    lines: ['RECEIVED', stampDate(String(about.receivedDate), rng.pick([0, 2]), rng)],
    face: 'stamp',
    size: rng.int(32, 40),
    cx: geometry.width - rng.int(350, 520),
    cy: rng.int(110, 170),
    angle: rng.range(-8, 8),
    shape: rng.pick(['rect', 'oval'] as const),
    alpha: rng.range(0.45, 0.7),
    date: String(about.receivedDate),
  });
}

/** An archive's accession stamp and a pencilled folio number on a report's first page. */
function reportMarks(context: DecorationContext, rng: Rng, marks: MarkSpec[]): void {
  const { geometry, about } = context;
  if (about.accession) {
    marks.push({
      type: 'stamp',
      lines: [String(about.accession)],
      face: 'stamp',
      size: rng.int(44, 60),
      cx: geometry.width - rng.int(300, 450),
      cy: rng.int(120, 200),
      angle: rng.range(-4, 4),
      shape: rng.pick(['none', 'oval'] as const),
      alpha: rng.range(0.55, 0.85),
    });
  }
  if (rng.chance(0.5)) {
    marks.push({
      type: 'folio',
      lines: [String(rng.int(1, 3))],
      face: 'hand',
      size: rng.int(70, 90),
      cx: geometry.width / 2 + rng.int(-150, 150),
      cy: rng.int(70, 130),
      angle: rng.range(-10, 10),
      shape: 'oval',
      alpha: rng.range(0.6, 0.85),
    });
  }
}

/** A telegram now and then carries a pencilled file reference in its top margin. */
function telegramNote(context: DecorationContext, rng: Rng, marks: MarkSpec[]): void {
  if (!rng.chance(0.2)) return;
  const { geometry } = context;
  marks.push({
    type: 'note',
    lines: [`${rng.int(100, 899)}.${rng.int(10, 99)}/${rng.int(1, 400)}`],
    face: 'hand',
    size: rng.int(60, 80),
    cx: geometry.width - rng.int(350, 600),
    cy: Math.max(60, geometry.marginTop - rng.int(110, 160)),
    angle: rng.range(-6, 6),
    shape: 'none',
    alpha: rng.range(0.5, 0.8),
  });
}

/** The marks of every page, by page index. */
export function planDecorations(context: DecorationContext, composition: Composition, rng: Rng): MarkSpec[][] {
  const pages: MarkSpec[][] = composition.pages.map(() => []);
  switch (context.layout.kind) {
    case 'despatch':
      despatchHeader(context, composition, rng.fork('header'), pages[0]);
      break;
    case 'letter':
      letterStamp(context, rng.fork('stamp'), pages[0]);
      break;
    case 'report':
      reportMarks(context, rng.fork('report'), pages[0]);
      break;
    case 'telegram':
      telegramNote(context, rng.fork('note'), pages[0]);
      break;
  }
  if (context.layout.kind === 'despatch' || context.layout.kind === 'letter') scrawls(context, composition, rng.fork('scrawl'), pages);
  return pages;
}
