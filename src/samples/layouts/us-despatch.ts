// The US Foreign Service despatch of the 1930s-40s, as the EHRI scans show it
// (EHRI-DR-19390125-US, EHRI-DR-19400712-US):
//
//   [seal]            LEGATION OF THE                (printed)
//                 UNITED STATES OF AMERICA
//      No. 720.    Bucharest, January 25, 1939.
//
//          Subject:  The Situation of Jews in
//                    Rumania.
//
//      CONFIDENTIAL                                  (underlined)
//      .... a tall blank zone: received stamps, office stamps, a distribution box,
//      .... pencil notes; the file number stamped sideways in the right margin
//   The Honorable
//        The Secretary of State,
//             Washington.
//   Sir:
//        Body, double-spaced; quotations single-spaced and indented...
//                             Respectfully yours,
//                                 For the Minister:
//                             [pen]
//                             Frederick P. Hibbard,
//                             Secretary of Legation.
//   Enclosures: ...      Copies to London, Berlin.      840.1 / FPH:ems
//
// Later pages carry "-2-" at the top and, often, a catchword at the foot of the page before.
// The post is also "EMBASSY OF THE UNITED STATES OF AMERICA", "AMERICAN CONSULATE GENERAL" or
// "THE FOREIGN SERVICE OF THE UNITED STATES OF AMERICA"; a consulate's place line may name the
// country ("Istanbul, Turkey, November 16, 1942."), the place is still the city.

import type { About, CalendarDate, DocumentLayout, FieldValue, TypedLine } from '../model.ts';
import type { Rng } from '../random.ts';
import { ENGLISH_SURNAMES } from '../vocabulary.ts';
import { daysInMonth, isoDate, usDate, wrapParagraph } from '../text.ts';
import { DESPATCH_TEMPLATES, proseParagraphs } from '../prose.ts';

type PostKind = 'legation' | 'embassy' | 'consulate' | 'foreign-service';

export interface Despatch {
  post: PostKind;
  /** Printed heading lines; `from` is them joined by one space. */
  heading: string[];
  number: string;
  /** "No. 720." or "No. 720", beside the place line or on its own line. */
  numberForm: 'same-line' | 'own-line';
  numberDot: boolean;
  place: string;
  /** Printed after the city on a consulate's place line ("Istanbul, Turkey, ..."). */
  country?: string;
  date: CalendarDate;
  classification?: string;
  classificationAtTop: boolean;
  subjectLabel: string;
  subject: string;
  cityLine: string;
  paragraphs: string[];
  /** Index of the paragraph after which a single-spaced quotation follows, and its text. */
  quote?: { after: number; text: string };
  closing: string;
  forLine?: string;
  signer: string;
  /** Typed name ends with "." or ","; the field has neither. */
  signerEnd: '.' | ',';
  signerTitle?: string;
  enclosures: string[];
  copiesTo?: string[];
  fileLines: string[];
  initials?: string;
  spacing: number;
  headingShift: number;
  stampZoneLines: number;
  receivedDate: string;
  officeDate?: string;
  fileNumber?: string;
  seal: boolean;
  distributionBox: boolean;
}

const POSTS: readonly { city: string; country: string; adjective: string; kinds: PostKind[] }[] = [
  { city: 'Bucharest', country: 'Rumania', adjective: 'Rumanian', kinds: ['legation'] },
  { city: 'Budapest', country: 'Hungary', adjective: 'Hungarian', kinds: ['legation'] },
  { city: 'Sofia', country: 'Bulgaria', adjective: 'Bulgarian', kinds: ['legation'] },
  { city: 'Bern', country: 'Switzerland', adjective: 'Swiss', kinds: ['legation'] },
  { city: 'Lisbon', country: 'Portugal', adjective: 'Portuguese', kinds: ['legation'] },
  { city: 'Stockholm', country: 'Sweden', adjective: 'Swedish', kinds: ['legation'] },
  { city: 'Athens', country: 'Greece', adjective: 'Greek', kinds: ['legation'] },
  { city: 'Belgrade', country: 'Yugoslavia', adjective: 'Yugoslav', kinds: ['legation'] },
  { city: 'Helsinki', country: 'Finland', adjective: 'Finnish', kinds: ['legation'] },
  { city: 'Cairo', country: 'Egypt', adjective: 'Egyptian', kinds: ['legation'] },
  { city: 'Tehran', country: 'Iran', adjective: 'Iranian', kinds: ['legation'] },
  { city: 'Baghdad', country: 'Iraq', adjective: 'Iraqi', kinds: ['legation'] },
  { city: 'Ankara', country: 'Turkey', adjective: 'Turkish', kinds: ['embassy'] },
  { city: 'Paris', country: 'France', adjective: 'French', kinds: ['embassy'] },
  { city: 'London', country: 'England', adjective: 'British', kinds: ['embassy'] },
  { city: 'Rome', country: 'Italy', adjective: 'Italian', kinds: ['embassy'] },
  { city: 'Madrid', country: 'Spain', adjective: 'Spanish', kinds: ['embassy'] },
  { city: 'Warsaw', country: 'Poland', adjective: 'Polish', kinds: ['embassy'] },
  { city: 'Istanbul', country: 'Turkey', adjective: 'Turkish', kinds: ['consulate'] },
  { city: 'Jerusalem', country: 'Palestine', adjective: 'Palestinian', kinds: ['consulate'] },
  { city: 'Zurich', country: 'Switzerland', adjective: 'Swiss', kinds: ['consulate'] },
  { city: 'Hamburg', country: 'Germany', adjective: 'German', kinds: ['consulate'] },
  { city: 'Marseille', country: 'France', adjective: 'French', kinds: ['consulate'] },
  { city: 'Vienna', country: 'Germany', adjective: 'Austrian', kinds: ['consulate'] },
  { city: 'Naples', country: 'Italy', adjective: 'Italian', kinds: ['consulate'] },
  { city: 'Barcelona', country: 'Spain', adjective: 'Spanish', kinds: ['consulate'] },
];

const HEADINGS: Record<PostKind, string[][]> = {
  legation: [['LEGATION OF THE', 'UNITED STATES OF AMERICA']],
  embassy: [['EMBASSY OF THE', 'UNITED STATES OF AMERICA'], ['EMBASSY OF THE UNITED STATES OF AMERICA']],
  consulate: [['AMERICAN CONSULATE GENERAL']],
  'foreign-service': [['THE FOREIGN SERVICE', 'OF THE', 'UNITED STATES OF AMERICA'], ['THE FOREIGN SERVICE OF THE UNITED STATES OF AMERICA']],
};

const TITLES: Record<PostKind, { chief: string; staff: string[]; forLine: string }> = {
  legation: { chief: 'American Minister.', staff: ['Secretary of Legation.', "Chargé d'Affaires ad interim."], forLine: 'For the Minister:' },
  embassy: { chief: 'American Ambassador.', staff: ['Counselor of Embassy.', 'First Secretary of Embassy.'], forLine: 'For the Ambassador:' },
  consulate: { chief: 'American Consul General.', staff: ['American Consul.', 'American Vice Consul.'], forLine: 'For the Consul General:' },
  'foreign-service': { chief: 'American Minister.', staff: ['Secretary of Legation.', 'American Consul.'], forLine: 'For the Minister:' },
};

const SUBJECTS: readonly ((a: string, c: string) => string)[] = [
  (_, c) => `The Situation of Jews in ${c}.`,
  (a) => `Elimination of Jewish Elements in the ${a} Press.`,
  (a) => `New ${a} Decree concerning the Residence of Foreigners.`,
  (a) => `Restrictions on the Practice of the Professions by Jews in the ${a} Provinces.`,
  (_, c) => `Political Situation in ${c}.`,
  (_, c) => `Emigration of Refugees from ${c}.`,
  (a) => `Transmitting Translation of Decree Law concerning the Revision of ${a} Citizenship.`,
  (_, c) => `Registration of Aliens in ${c}.`,
  (a) => `${a} Anti-Semitic Legislation.`,
  (_, c) => `Transit Visas for Refugees Proceeding through ${c}.`,
  (a) => `Confiscation of Property of Foreign Nationals by the ${a} Authorities.`,
  (_, c) => `Economic Conditions in ${c} during the Past Quarter.`,
  (a) => `Attitude of the ${a} Government toward the Refugee Question.`,
  (a) => `${a} Jew Bill.`,
];

const QUOTES = [
  'In the new regime the right of addressing the nation belongs to citizens of the country alone, and no stranger may hold a license to publish a newspaper or periodical.',
  'All persons who have not proved their nationality before the commission within the time fixed shall be considered foreigners and treated as such.',
  'The Government is resolved to apply the law in its full severity and will tolerate no attempt to evade its provisions.',
  'Foreigners who entered the country after the date fixed in the decree must leave its territory within thirty days.',
];

const FIRST_NAMES = [
  'Franklin',
  'Frederick',
  'Harold',
  'Laurence',
  'George',
  'Burton',
  'Leland',
  'Charles',
  'Howard',
  'Herschel',
  'Walter',
  'Ralph',
  'Edwin',
  'Clarence',
];
const MIDDLE = ['Mott', 'P.', 'W.', 'Y.', 'B.', 'Lee', 'H.', 'C.', 'Ward', 'J.'];
const COPY_POSTS = ['London', 'Berlin', 'Jerusalem', 'Warsaw', 'Paris', 'Rome', 'Bern', 'Ankara', 'Budapest', 'Sofia'];
const ENCLOSURES = [
  'Translation of decree',
  'Copy of note of the Ministry of Foreign Affairs',
  'Clipping from the official gazette',
  'Memorandum of conversation',
  'Statistics of applications for visas',
];

function shiftDate(date: CalendarDate, days: number): string {
  return new Date(Date.UTC(date.year, date.month - 1, date.day + days)).toISOString().slice(0, 10);
}

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Despatch {
  const year = rng.int(1936, 1947);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const date = { year, month, day };
  const post = rng.pick(POSTS);
  const kind: PostKind = post.kinds[0] === 'legation' && rng.chance(0.2) ? 'foreign-service' : post.kinds[0];
  const heading = rng.pick(HEADINGS[kind]);
  const titles = TITLES[kind];
  const chief = rng.chance(0.5);
  const signer = `${rng.pick(FIRST_NAMES)} ${rng.pick(MIDDLE)} ${rng.pick(ENGLISH_SURNAMES)}`;
  const subject = rng.pick(SUBJECTS)(post.adjective, post.country);
  const numbered = rng.chance(0.25);
  const paragraphs = proseParagraphs(rng, DESPATCH_TEMPLATES, rng.int(options.minSentences, options.maxSentences), { numbered, perParagraph: [1, 4] });
  const received = rng.int(9, 45);
  const initials = signer
    .split(' ')
    .map((w) => w[0])
    .join('');
  return {
    post: kind,
    heading,
    number: String(rng.int(12, 2999)),
    numberForm: rng.chance(0.65) ? 'same-line' : 'own-line',
    numberDot: rng.chance(0.75),
    place: post.city,
    country: kind === 'consulate' && rng.chance(0.5) ? post.country : undefined,
    date,
    classification: rng.chance(0.45) ? rng.pick(['CONFIDENTIAL', 'CONFIDENTIAL', 'STRICTLY CONFIDENTIAL', 'RESTRICTED']) : undefined,
    classificationAtTop: rng.chance(0.3),
    subjectLabel: rng.pick(['Subject:', 'Subject:', 'Subject:', 'SUBJECT:']),
    subject,
    cityLine: rng.pick(['Washington.', 'Washington.', 'Washington, D. C.']),
    paragraphs,
    quote: !numbered && paragraphs.length > 1 && rng.chance(0.4) ? { after: 0, text: rng.pick(QUOTES) } : undefined,
    closing: rng.chance(0.85) ? 'Respectfully yours,' : 'I have the honor to be, Sir,\nYour obedient servant,',
    forLine: chief ? undefined : titles.forLine,
    signer,
    signerEnd: rng.chance(0.6) ? '.' : ',',
    signerTitle: chief ? (rng.chance(0.5) ? titles.chief : undefined) : rng.pick(titles.staff),
    enclosures: rng.chance(0.35) ? ENCLOSURES.slice(0, rng.int(1, 3)).map((e, i, all) => (all.length > 1 ? `${i + 1}. ${e}.` : `${e}.`)) : [],
    copiesTo: rng.chance(0.35) ? COPY_POSTS.filter((c) => c !== post.city).slice(rng.int(0, 3), rng.int(5, 8)) : undefined,
    fileLines: rng.chance(0.6)
      ? [`${rng.int(700, 899)}${rng.chance(0.5) ? `.${rng.int(1, 9)}` : ''}`, ...(rng.chance(0.5) ? [String(rng.int(800, 899))] : [])]
      : [],
    initials: rng.chance(0.6) ? `${initials}:${rng.pick(['ems', 'hb', 'rl', 'mjw', 'dg'])}` : undefined,
    spacing: rng.chance(0.8) ? 2 : 1.5,
    headingShift: rng.int(4, 12),
    stampZoneLines: rng.int(9, 15),
    receivedDate: shiftDate(date, received),
    officeDate: rng.chance(0.6) ? shiftDate(date, received + rng.int(1, 12)) : undefined,
    fileNumber: rng.chance(0.7)
      ? `${rng.int(700, 899)}.${rng.pick(['4016', '00', '5151', '111', '55'])}${rng.pick([' JEWS', ' REFUGEES', '', ''])}/${rng.int(1, 400)}`
      : undefined,
    seal: kind !== 'foreign-service' && rng.chance(0.7),
    distributionBox: rng.chance(0.4),
  };
}

function typeset(d: Despatch, columns: number): TypedLine[] {
  const single = (text: string, indent = 0, extra: Partial<TypedLine> = {}): TypedLine => ({ text, align: 'left', indent, spacing: 1, ...extra });
  const blank = (spacing = 1, zone?: string): TypedLine => ({ text: '', align: 'left', spacing, ...(zone ? { zone } : {}) });
  const lines: TypedLine[] = [];
  // The printed heading is centred a little right of the page's middle (the seal is at its left).
  const centreOf = (text: string): number => Math.max(0, Math.min(columns - text.length, Math.floor((columns - text.length) / 2) + d.headingShift));
  d.heading.forEach((text, i) =>
    lines.push({ text, align: 'left', indent: centreOf(text), face: 'print-bold', spacing: i === d.heading.length - 1 ? 1.2 : 1.1, role: 'letterhead' }),
  );
  const number = `No. ${d.number}${d.numberDot ? '.' : ''}`;
  const placeDate = `${d.place}, ${d.country ? `${d.country}, ` : ''}${usDate(d.date)}.`;
  const at = Math.max(5 + number.length + 3, centreOf(placeDate));
  if (d.numberForm === 'same-line' && at + placeDate.length <= columns) {
    lines.push(single(`${number}${' '.repeat(at - number.length - 5)}${placeDate}`, 5));
  } else {
    lines.push(single(placeDate, centreOf(placeDate)), blank(), single(number, Math.max(0, columns - number.length - 4)));
  }
  if (d.classification && d.classificationAtTop)
    lines.push(blank(), single(d.classification, Math.max(0, columns - d.classification.length - 2), { underline: true }));
  lines.push(blank(1.5));
  // "Subject:" with the rest of the subject lined up under its first word.
  const label = `${d.subjectLabel}  `;
  // A long subject starts further left so it keeps to two lines.
  const fits = (indent: number): TypedLine[] => wrapParagraph(d.subject, columns - indent - label.length);
  const subjectIndent = fits(8).length <= 2 ? 8 : 0;
  const wrapped = fits(subjectIndent);
  wrapped.forEach((w, i) => lines.push(single(i === 0 ? `${label}${w.text}` : w.text, subjectIndent + (i === 0 ? 0 : label.length))));
  if (d.classification && !d.classificationAtTop) lines.push(blank(2), single(d.classification, 2, { underline: true }));
  lines.push(blank(d.stampZoneLines, 'stamps'));
  lines.push(single('The Honorable', 0, { spacing: 1.5 }), single('The Secretary of State,', 5, { spacing: 1.5 }), single(d.cityLine, 10, { spacing: 1.5 }));
  lines.push(blank(1.5), single('Sir:', 0), blank(1.5));
  d.paragraphs.forEach((paragraph, i) => {
    for (const w of wrapParagraph(paragraph, columns, /^\d+\. /.test(paragraph) ? 5 : 6)) lines.push({ ...w, spacing: d.spacing });
    if (d.quote && d.quote.after === i) {
      lines.push(blank(1));
      const quote = wrapParagraph(`"${d.quote.text}"`, columns - 16, 4);
      for (const w of quote) lines.push({ ...w, indent: (w.indent ?? 0) + 6, spacing: 1 });
      lines.push(blank(1.5));
    }
  });
  const closingIndent = Math.floor(columns * 0.4);
  lines.push(blank(1.5));
  for (const part of d.closing.split('\n')) lines.push(single(part, closingIndent, { role: 'closing', spacing: 1.5 }));
  if (d.forLine) lines.push(single(d.forLine, closingIndent + 4));
  lines.push(blank(3));
  lines.push(single(`${d.signer}${d.signerEnd}`, closingIndent + 2, { role: 'signature' }));
  if (d.signerTitle) lines.push(single(d.signerTitle, closingIndent + 2));
  if (d.enclosures.length) {
    lines.push(blank(2), single(d.enclosures.length > 1 ? 'Enclosures:' : 'Enclosure:'));
    for (const e of d.enclosures) lines.push(single(e, 4));
  }
  if (d.copiesTo?.length) lines.push(blank(1.5), ...wrapParagraph(`Copies to ${d.copiesTo.join(', ')}.`, columns).map((w) => ({ ...w, spacing: 1 })));
  if (d.fileLines.length || d.initials) {
    lines.push(blank(2));
    for (const f of d.fileLines) lines.push(single(f, 0, { role: 'reference' }));
    if (d.initials) lines.push(...(d.fileLines.length ? [blank()] : []), single(d.initials, 0, { role: 'reference' }));
  }
  return lines;
}

function expectedFields(d: Despatch): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    number: d.number,
    from: d.heading.join(' '),
    place: d.place,
    date: isoDate(d.date),
  };
  if (d.classification) fields.classification = d.classification;
  fields.subject = d.subject;
  fields.to = 'The Secretary of State';
  fields.body = [
    ...d.paragraphs.slice(0, (d.quote?.after ?? d.paragraphs.length) + 1),
    ...(d.quote ? [`"${d.quote.text}"`, ...d.paragraphs.slice(d.quote.after + 1)] : []),
  ].join(' ');
  fields.signature = d.signer;
  return fields;
}

function about(d: Despatch): About {
  return {
    signer: d.signer,
    receivedDate: d.receivedDate,
    ...(d.officeDate ? { officeDate: d.officeDate } : {}),
    ...(d.fileNumber ? { fileNumber: d.fileNumber } : {}),
    seal: d.seal,
    distributionBox: d.distributionBox,
  };
}

export const usDespatchLayout: DocumentLayout<Despatch> = {
  profile: 'us-despatch',
  kind: 'despatch',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `-${page}-`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: (d) => ({ noun: 'despatch', number: d.number, place: d.place }),
  about,
  spacing: (d) => d.spacing,
};
