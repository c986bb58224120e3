// Soviet coded (cipher) telegram of the 1960s, header as in the translated
// JFK-file telegrams (corpus: telegrams/jfk-russia-2025-translated/):
//
//                       CODED TELEGRAM
//   From: USSR Ambassador to USA A.F. Dobrynin
//   To: USSR Ministry of Foreign Affairs
//   Spec. No. 1967 - 1968                          November 22, 1963
//   Washington
//   TOP SECRET
//   Copy No. 12
//   Urgent
//        body...
//                                                        A. DOBRYNIN
//
// or in the collection's own form ("heading-line" variant), with a subject:
//
//   Coded telegram from USSR Ambassador to USA A.F. Dobrynin to USSR Ministry of
//   Foreign Affairs regarding the talks on the trade agreement
//   Spec. No. 1977                                  November 23, 1963
//   Washington
//   TOP SECRET / Copy No. 12 / URGENT (sometimes right-aligned)

import type { Layout, Telegram, TypedLine, FieldValue } from '../model.ts';
import type { Rng } from '../random.ts';
import { inventBody } from '../bodies.ts';
import { INITIALS, SURNAMES } from '../vocabulary.ts';
import { daysInMonth, isoDate, spread, usDate, wrapParagraph } from '../text.ts';

const POSTS = [
  { post: 'USSR Ambassador to USA', city: 'Washington' },
  { post: 'USSR Ambassador to France', city: 'Paris' },
  { post: 'USSR Ambassador to Great Britain', city: 'London' },
  { post: 'USSR Ambassador to Cuba', city: 'Havana' },
  { post: 'USSR Permanent Representative to the UN', city: 'New York' },
  { post: 'USSR Ambassador to the GDR', city: 'Berlin' },
  { post: 'USSR Ambassador to India', city: 'Delhi' },
  { post: 'USSR Ambassador to Japan', city: 'Tokyo' },
  { post: 'USSR Ambassador to Mexico', city: 'Mexico City' },
  { post: 'USSR Ambassador to Italy', city: 'Rome' },
];
const RECIPIENTS = ['USSR Ministry of Foreign Affairs', 'USSR MFA', 'CC CPSU', 'USSR Council of Ministers'];
const SUBJECTS = [
  'the talks on the trade agreement',
  'the position of the government on the neutral zone',
  'a conversation with the minister of foreign affairs',
  'the reaction of the press to the visit of the delegation',
  'the transmission of a confidential message',
  'the arrival of the military mission',
  'the results of the session of the assembly',
];
const PRECEDENCE_PRINTED: Record<string, string[]> = { URGENT: ['Urgent', 'URGENT'], PRIORITY: ['Priority'], IMMEDIATE: ['Immediately'] };

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram {
  const year = rng.int(1955, 1975);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const { post, city } = rng.pick(POSTS);
  const first = rng.pick(INITIALS);
  const patronymic = rng.pick(INITIALS);
  const surname = rng.pick(SURNAMES);
  const precedence = rng.chance(0.7) ? rng.pick(Object.keys(PRECEDENCE_PRINTED)) : undefined;
  const number = rng.int(100, 9999);
  const headingLine = rng.chance(0.5);
  return {
    variant: headingLine ? `heading-line:${rng.pick(['Coded', 'Cipher'])}:${rng.pick(SUBJECTS)}:${rng.pick(['left', 'right'])}` : 'form',
    docType: 'CODED TELEGRAM',
    number: String(number),
    // "Spec. No. 1967 - 1968": a telegram sent in two parts carries both numbers; the first is its own.
    printedNumber: rng.chance(0.3) ? `${number} - ${number + 1}` : String(number),
    from: `${post} ${first}${patronymic} ${surname}`,
    to: rng.pick(RECIPIENTS),
    place: city,
    date: { year, month, day },
    classification: rng.chance(0.8) ? 'TOP SECRET' : 'SECRET',
    copies: rng.int(1, 20),
    precedence,
    paragraphs: inventBody(rng, rng.int(options.minSentences, options.maxSentences)),
    signature: `${first} ${surname.toUpperCase()}`,
  };
}

function typeset(t: Telegram, columns: number): TypedLine[] {
  const blank: TypedLine = { text: '', align: 'left' };
  if (t.variant?.startsWith('heading-line:')) return typesetHeadingLine(t, columns);
  const lines: TypedLine[] = [
    { text: t.docType, align: 'center' },
    blank,
    ...wrapParagraph(`From: ${t.from}`, columns),
    ...wrapParagraph(`To: ${t.to}`, columns),
    blank,
    spread(`Spec. No. ${t.printedNumber ?? t.number}`, usDate(t.date), columns),
    { text: t.place, align: 'left' },
    blank,
  ];
  if (t.classification) lines.push({ text: t.classification, align: 'left' });
  if (t.copies !== undefined) lines.push({ text: `Copy No. ${t.copies}`, align: 'left' });
  if (t.precedence) lines.push({ text: PRECEDENCE_PRINTED[t.precedence][0], align: 'left' });
  lines.push(blank);
  for (const paragraph of t.paragraphs) lines.push(...wrapParagraph(paragraph, columns, 5));
  lines.push(blank, { text: t.signature, align: 'right' });
  return lines;
}

/** The collection's form: the heading names sender, recipient and subject in one sentence. */
function typesetHeadingLine(t: Telegram, columns: number): TypedLine[] {
  const [, kind, subject, markAlign] = t.variant!.split(':');
  const blank: TypedLine = { text: '', align: 'left' };
  const align = markAlign === 'right' ? 'right' : 'left';
  const lines: TypedLine[] = [
    ...wrapParagraph(`${kind} telegram from ${t.from} to ${t.to} regarding ${subject}`, columns),
    blank,
    spread(`Spec. No. ${t.printedNumber ?? t.number}`, usDate(t.date), columns),
    { text: t.place, align: 'left' },
    blank,
  ];
  if (t.classification) lines.push({ text: t.classification, align });
  if (t.copies !== undefined) lines.push({ text: `Copy No. ${t.copies}`, align });
  if (t.precedence) lines.push({ text: PRECEDENCE_PRINTED[t.precedence][1] ?? t.precedence, align });
  lines.push(blank);
  for (const paragraph of t.paragraphs) lines.push(...wrapParagraph(paragraph, columns, 5));
  lines.push(blank, { text: t.signature, align: 'right' });
  return lines;
}

function expectedFields(t: Telegram): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    docType: t.variant?.startsWith('heading-line:Cipher') ? 'CIPHER TELEGRAM' : t.docType,
    from: t.from ?? t.signature,
    to: t.to,
    number: t.number,
    date: isoDate(t.date),
    place: t.place,
  };
  if (t.classification) fields.classification = t.classification;
  if (t.copies !== undefined) fields.copies = t.copies;
  if (t.precedence) fields.precedence = t.precedence;
  fields.body = t.paragraphs.join(' ');
  fields.signature = t.signature;
  return fields;
}

export const sovietCodedLayout: Layout = {
  profile: 'soviet-coded',
  kind: 'telegram',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `- ${page} -`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: (t) => ({ noun: 'telegram', number: t.number, place: t.place }),
};
