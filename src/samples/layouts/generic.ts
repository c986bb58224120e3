// A plain typed telegram or cable of no particular archive's form: none of the
// four specific headings, just a heading word, a number, an addressee, a
// place-date line, the body and a signature. Three arrangements, so a reader
// that only knows one line order fails:
//
//   "block"                        "letter"                          "inline"
//   TELEGRAM                       CABLE                             RADIOGRAM No. 482
//                                                Geneva, 14 May 1954 To: Department of External Affairs
//   No. 482                        Nr. 482                           Geneva, May 14, 1954, 16.30
//   To: Ministry of ..., Oslo      To: the Foreign Office            RESTRICTED
//   Geneva, 14 May 1954, 16.30     CONFIDENTIAL   PRIORITY
//   CONFIDENTIAL                                                          body...
//        body...                        body...                                    K. LINDQVIST
//                    K. Lindqvist                       HOLMES
//
// Time, classification and precedence are optional; a field the page does not
// print is absent from the expected record.

import type { Layout, Telegram, TypedLine, FieldValue } from '../model.ts';
import type { Rng } from '../random.ts';
import { inventStyledBody, pickBodyStyle } from '../bodies.ts';
import { CLASSIFICATIONS, ENGLISH_SURNAMES, FOREIGN_NAMES, INITIALS, ORIGIN_PLACES, POSTS, PRECEDENCES } from '../vocabulary.ts';
import { clock, dayMonthYear, daysInMonth, isoDate, monthName, spread, usDate, wrapParagraph } from '../text.ts';

const HEADINGS = ['TELEGRAM', 'TELEGRAM', 'TELEGRAM', 'CABLE', 'RADIOGRAM'];
const NUMBER_LABELS = ['No.', 'No.', 'Nr.', 'Number'];
const RECIPIENTS = [
  'Ministry of Foreign Affairs',
  'the Foreign Office',
  'Department of External Affairs',
  'the Minister',
  'the Secretary of State',
  'Ministry of Foreign Trade',
  'the Permanent Under-Secretary',
  'Foreign Ministry',
  'the High Commissioner',
  'Ministry of Defence',
  'the Legation',
  'the Ambassador',
];
const CAPITALS = ['Oslo', 'Ottawa', 'London', 'Stockholm', 'Bern', 'Copenhagen', 'Helsinki', 'Vienna', 'Rome', 'Canberra', 'Wellington'];
const VARIANTS = ['block', 'letter', 'inline'] as const;
/** Typed date forms: "14 May 1954", "May 14, 1954", "14 May, 1954". */
const DATE_FORMS = ['dmy', 'mdy', 'dmy-comma'] as const;

function signer(rng: Rng): string {
  const surname = rng.chance(0.5) ? rng.pick(ENGLISH_SURNAMES) : rng.pick(FOREIGN_NAMES.filter((n) => !n.includes(' ')));
  const withInitial = rng.chance(0.5);
  const name = withInitial ? `${rng.pick(INITIALS)} ${surname}` : surname;
  return rng.chance(0.5) ? name.toUpperCase() : name;
}

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram {
  const year = rng.int(1920, 1985);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const variant = rng.pick(VARIANTS);
  const place = rng.chance(0.5) ? rng.pick(ORIGIN_PLACES) : rng.pick(POSTS).city;
  const minutes = rng.int(0, 287) * 5;
  const withTime = variant !== 'letter' && rng.chance(0.6);
  const recipient = rng.pick(RECIPIENTS);
  const to = rng.chance(0.5) ? `${recipient}, ${rng.pick(CAPITALS.filter((c) => c !== place))}` : recipient;
  const numberLabel = rng.pick(NUMBER_LABELS);
  const number = String(rng.int(1, 9999));
  return {
    // Arrangement and date form: "block:dmy", "letter:mdy", ...
    variant: `${variant}:${rng.pick(DATE_FORMS)}`,
    docType: rng.pick(HEADINGS),
    number,
    printedNumber: `${numberLabel} ${number}`,
    to,
    place,
    date: { year, month, day },
    time: withTime ? clock(minutes) : undefined,
    timePrinted: withTime ? clock(minutes, rng.pick([':', '.'])) : undefined,
    classification: rng.chance(0.6) ? rng.pick(CLASSIFICATIONS) : undefined,
    precedence: rng.chance(0.3) ? rng.pick(PRECEDENCES) : undefined,
    paragraphs: inventStyledBody(rng, rng.int(options.minSentences, options.maxSentences), pickBodyStyle(rng)),
    signature: signer(rng),
  };
}

function printedDate(t: Telegram): string {
  switch (t.variant?.split(':')[1]) {
    case 'mdy':
      return usDate(t.date);
    case 'dmy-comma':
      return `${t.date.day} ${monthName(t.date.month)}, ${t.date.year}`;
    default:
      return dayMonthYear(t.date);
  }
}

function typeset(t: Telegram, columns: number): TypedLine[] {
  const blank: TypedLine = { text: '', align: 'left' };
  const arrangement = t.variant?.split(':')[0] ?? 'block';
  const numberLine = t.printedNumber ?? `No. ${t.number}`;
  const placeDate = `${t.place}, ${printedDate(t)}${t.timePrinted ? `, ${t.timePrinted}` : ''}`;
  const marks = [t.classification, t.precedence].filter(Boolean).join('   ');
  const lines: TypedLine[] = [];
  if (arrangement === 'letter') {
    lines.push({ text: t.docType, align: 'left' }, blank, { text: placeDate, align: 'right' }, blank, { text: numberLine, align: 'left' });
    lines.push(...wrapParagraph(`To: ${t.to}`, columns));
    if (marks) lines.push({ text: marks, align: 'left' });
  } else if (arrangement === 'inline') {
    lines.push({ text: `${t.docType} ${numberLine}`, align: 'left' }, blank);
    lines.push(...wrapParagraph(`To: ${t.to}`, columns));
    lines.push({ text: placeDate, align: 'left' });
    if (marks) lines.push({ text: marks, align: 'left' });
  } else {
    lines.push({ text: t.docType, align: 'center' }, blank, marks ? spread(numberLine, marks, columns) : { text: numberLine, align: 'left' });
    lines.push(...wrapParagraph(`To: ${t.to}`, columns));
    lines.push({ text: placeDate, align: 'left' });
  }
  lines.push(blank);
  for (const paragraph of t.paragraphs) lines.push(...wrapParagraph(paragraph, columns, 5));
  lines.push(blank, { text: t.signature, align: 'right' });
  return lines;
}

function expectedFields(t: Telegram): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = { docType: t.docType, number: t.number, to: t.to, place: t.place, date: isoDate(t.date) };
  if (t.time) fields.time = t.time;
  if (t.classification) fields.classification = t.classification;
  if (t.precedence) fields.precedence = t.precedence;
  fields.body = t.paragraphs.join(' ');
  fields.signature = t.signature;
  return fields;
}

export const genericLayout: Layout = {
  profile: 'generic',
  kind: 'telegram',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `- ${page} -`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: (t) => ({ noun: t.docType.toLowerCase(), number: t.number, place: t.place }),
};
