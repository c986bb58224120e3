// A typed report of the 1940s as the EHRI "Jewish Survivors Report" (EHRI-ET-YV3549264)
// shows it: a title page, then text pages.
//
//   CENTRAL INFORMATION OFFICE                         July, 1945
//   19 Manchester Square,
//   London, W. 1
//
//            J e w i s h   S u r v i v o r s   R e p o r t
//                   Documents of Persecution              (underlined)
//                            No. 3
//                    T H E R E S I E N S T A D T
//                              b y
//                       Max E. Mannheimer
//        This is the third of a series of personal reports ...
//   ----------------------------------------------------------------- new page
//        Text paragraphs, single-spaced or one and a half, sometimes justified
//        (spaces widened so the lines end flush), with section headings centred
//        in capitals or underlined at the left; page marks "- 2 -" or none.
//
// A report has no record fields to give (DESIGN.md: only what the kind justifies); its
// title, number and month-only date ("July, 1945") are in `about`.

import type { About, DocumentLayout, FieldValue, TypedLine } from '../model.ts';
import type { Rng } from '../random.ts';
import { FOREIGN_NAMES, INITIALS } from '../vocabulary.ts';
import { monthName, wrapParagraph } from '../text.ts';
import { REPORT_TEMPLATES, proseParagraphs } from '../prose.ts';

export interface ReportSection {
  heading?: string;
  paragraphs: string[];
}

export interface Report {
  office: string[];
  year: number;
  month: number;
  series: string;
  letterSpacedSeries: boolean;
  subtitle?: string;
  number: number;
  title: string;
  letterSpacedTitle: boolean;
  secondTitle?: string;
  author: string;
  byLetterSpaced: boolean;
  intro: string;
  sections: ReportSection[];
  headingStyle: 'centred' | 'underlined';
  justified: boolean;
  spacing: number;
  /** An archive's accession number, stamped on the title page. */
  accession?: string;
}

const OFFICES: readonly string[][] = [
  ['CENTRAL INFORMATION OFFICE', '19 Manchester Square,', 'London, W. 1'],
  ['DOCUMENTATION CENTRE OF THE RELIEF BOARD', '8, Rue de Lisbonne,', 'Paris (8e)'],
  ['RESEARCH DEPARTMENT', 'Joint Board of Assistance,', '47, Keizersgracht, Amsterdam'],
  ['INFORMATION BUREAU FOR REFUGEE AFFAIRS', '12, Quai Wilson,', 'Geneva'],
];
const SERIES = ['Survivors Report', 'Eye-Witness Report', 'Field Report', 'Information Bulletin'];
const SUBTITLES = ['Documents of Persecution', 'Personal Accounts', 'Reports from the Camps', 'Conditions after the Liberation'];
const PLACES = ['Theresienstadt', 'Westerbork', 'Bergen-Belsen', 'Drancy', 'Gurs', 'Transnistria', 'Salonika', 'Lodz', 'Kaunas', 'Riga'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const SECTION_HEADINGS = [
  'The Journey',
  'The Camp',
  'Living Conditions',
  'Work',
  'The Hospital',
  'The Transports',
  'The Liberation',
  'After the Liberation',
  'Food and Clothing',
  'The Administration',
];

/** "J e w i s h   S u r v i v o r s": one space between letters, three between words. */
export function letterSpace(text: string): string {
  return text
    .split(' ')
    .map((word) => word.split('').join(' '))
    .join('   ');
}

/** Widens the spaces of every line but a paragraph's last so it ends at the right margin. */
export function justify(lines: TypedLine[], columns: number): TypedLine[] {
  return lines.map((line, i) => {
    if (i === lines.length - 1) return line;
    const width = columns - (line.indent ?? 0);
    const words = line.text.split(' ');
    let missing = width - line.text.length;
    if (words.length < 2 || missing <= 0) return line;
    const gaps = words.length - 1;
    // Extra spaces go to the gaps from the left, as a typist adds them.
    const text = words
      .map((w, k) => {
        if (k === gaps) return w;
        const extra = Math.floor(missing / (gaps - k));
        missing -= extra;
        return w + ' '.repeat(1 + extra);
      })
      .join('');
    return { ...line, text };
  });
}

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Report {
  const number = rng.int(1, 10);
  const title = rng.pick(PLACES);
  const sentences = rng.int(options.minSentences, options.maxSentences);
  const sectionCount = Math.max(1, Math.min(6, Math.round(sentences / 12)));
  const sections: ReportSection[] = [];
  const headings = [...SECTION_HEADINGS];
  for (let s = 0; s < sectionCount; s++) {
    const heading = s === 0 && rng.chance(0.5) ? undefined : headings.splice(rng.int(0, headings.length - 1), 1)[0];
    sections.push({ heading, paragraphs: proseParagraphs(rng, REPORT_TEMPLATES, Math.max(2, Math.round(sentences / sectionCount)), { perParagraph: [2, 5] }) });
  }
  const series = rng.pick(SERIES);
  return {
    office: rng.pick(OFFICES),
    year: rng.int(1944, 1949),
    month: rng.int(1, 12),
    series,
    letterSpacedSeries: rng.chance(0.6),
    subtitle: rng.chance(0.6) ? rng.pick(SUBTITLES) : undefined,
    number,
    title,
    letterSpacedTitle: rng.chance(0.5),
    secondTitle: rng.chance(0.4) ? `From ${title} to ${rng.pick(PLACES.filter((p) => p !== title))}` : undefined,
    author: `${rng.pick(['Max', 'Erich', 'Hanna', 'Paul', 'Ruth', 'Leo', 'Ilse', 'Kurt'])} ${rng.pick(INITIALS)} ${rng.pick(FOREIGN_NAMES.filter((n) => !n.includes(' ')))}`,
    byLetterSpaced: rng.chance(0.5),
    intro: `This is the ${ORDINALS[number - 1]} of a series of personal reports received from eye-witnesses of the persecution.`,
    sections,
    headingStyle: rng.chance(0.5) ? 'centred' : 'underlined',
    justified: rng.chance(0.5),
    spacing: rng.pick([1, 1, 1, 1.5]),
    accession: rng.chance(0.6) ? String(rng.int(100, 99999)).padStart(5, '0') : undefined,
  };
}

function typeset(r: Report, columns: number): TypedLine[] {
  const single = (text: string, indent = 0, extra: Partial<TypedLine> = {}): TypedLine => ({ text, align: 'left', indent, spacing: 1, ...extra });
  const centred = (text: string, extra: Partial<TypedLine> = {}): TypedLine => ({ text, align: 'center', spacing: 1, role: 'heading', ...extra });
  const blank = (spacing = 1): TypedLine => ({ text: '', align: 'left', spacing });
  const date = `${monthName(r.month)}, ${r.year}`;
  const lines: TypedLine[] = [];
  // Title page: the office block at the left, the month-only date at the right of its first line.
  const first = r.office[0];
  const gap = columns - first.length - date.length;
  lines.push(gap >= 3 ? single(`${first}${' '.repeat(gap)}${date}`) : single(first));
  r.office.slice(1).forEach((text) => lines.push(single(text, 4)));
  if (gap < 3) lines.push(single(date, Math.max(0, columns - date.length)));
  lines.push(blank(8));
  const series = r.letterSpacedSeries ? letterSpace(r.series) : r.series;
  lines.push(centred(series.length <= columns ? series : r.series, r.letterSpacedSeries && series.length <= columns ? { read: r.series } : {}));
  if (r.subtitle) lines.push(centred(r.subtitle, { underline: true }));
  lines.push(blank(6), centred(`No. ${r.number}`), blank(2));
  const title = r.letterSpacedTitle ? letterSpace(r.title.toUpperCase()) : r.title.toUpperCase();
  lines.push(centred(title, r.letterSpacedTitle ? { read: r.title.toUpperCase() } : {}));
  if (r.secondTitle) lines.push(blank(1), centred('and'), blank(1), centred(r.secondTitle, { underline: true }));
  lines.push(blank(3), centred(r.byLetterSpaced ? 'b y' : 'by'), centred(r.author), blank(6));
  for (const w of wrapParagraph(r.intro, columns - 16)) lines.push(centred(w.text, { role: undefined }));
  // Text pages.
  let firstText = true;
  for (const section of r.sections) {
    if (section.heading) {
      const heading = r.headingStyle === 'centred' ? centred(section.heading.toUpperCase()) : single(section.heading, 0, { underline: true, role: 'heading' });
      lines.push(...(firstText ? [] : [blank(2)]), { ...heading, ...(firstText ? { pageBreakBefore: true } : {}) }, blank(1.5));
      firstText = false;
    }
    section.paragraphs.forEach((paragraph) => {
      let wrapped = wrapParagraph(paragraph, columns, 5);
      if (r.justified) wrapped = justify(wrapped, columns);
      wrapped.forEach((w, k) => lines.push({ ...w, spacing: r.spacing, ...(firstText && k === 0 ? { pageBreakBefore: true } : {}) }));
      firstText = false;
      if (r.spacing < 1.5) lines.push(blank(1));
    });
  }
  return lines;
}

function about(r: Report): About {
  return {
    title: r.title,
    series: r.series,
    number: r.number,
    date: `${r.year}-${String(r.month).padStart(2, '0')}`,
    author: r.author,
    ...(r.accession ? { accession: r.accession } : {}),
  };
}

export const reportLayout: DocumentLayout<Report> = {
  profile: 'report',
  kind: 'report',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `- ${page} -`, align: 'center' },
    { text: '', align: 'left' },
  ],
  // A report gives no record fields: its kind is what the reader must get right.
  expectedFields: (): Record<string, FieldValue> => ({}),
  continuationContext: () => ({ noun: 'report' }),
  about,
  spacing: (r) => r.spacing,
};
