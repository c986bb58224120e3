// A typed letter of the 1930s-50s, as the EHRI 1938 letter and the correspondence
// filed beside telegrams show it, in two arrangements:
//
//   "address-block"                           "letterhead"
//                      c/o 35, Albion Street,       THE COUNCIL FOR REFUGEE RELIEF     (printed)
//                      LONDON, N. 16.          12, Park Crescent, London, W.C. 1
//                      9th May, 1938.
//   TO -                                                              May 9, 1938
//        The Council for Refugee Relief,      Ref. JB/ms
//           Woburn House,                     Dr. A. Hartmann,
//              W. C. 1.                       Central Committee for Emigrant Aid,
//   Dear Sirs,                                Geneva.
//          body...                            Dear Dr. Hartmann,
//                     Yours sincerely,               body...
//                     [pen signature]                         Yours faithfully,
//                     M. WEISSMANN, Secretary.                J. B. Pemberton
//                                                             Secretary.
//
// Fields (DESIGN.md: only what a letter justifies): date; place, when the address block,
// the letterhead or the date line names a city; to (the first line of the inside
// address, without its comma); signature (the typed name, without a title after a comma
// and without a final stop).

import type { CalendarDate, DocumentLayout, FieldValue, TypedLine } from '../model.ts';
import type { Rng } from '../random.ts';
import { ENGLISH_SURNAMES, FOREIGN_NAMES, INITIALS } from '../vocabulary.ts';
import { daysInMonth, isoDate, monthName, ordinal, wrapParagraph } from '../text.ts';
import { LETTER_TEMPLATES, proseParagraphs } from '../prose.ts';

export interface Letter {
  variant: 'address-block' | 'letterhead';
  /** Printed letterhead lines (organisation, then its address). */
  letterhead: string[];
  /** Typed sender address lines (address-block variant). */
  sender: string[];
  /** The city the letter names, if any (letterhead, address block or date line). */
  place?: string;
  date: CalendarDate;
  /** The date line as typed. */
  dateLine: string;
  reference?: string;
  toPrefix?: string;
  recipient: string[];
  /** Inside-address lines step to the right (as typists often set them). */
  staggered: boolean;
  salutation: string;
  paragraphs: string[];
  closing: string;
  signer: string;
  /** Title after the name on the same line ("M. WEISSMANN, Secretary."), or on the next line. */
  title?: string;
  titleSameLine: boolean;
  spacing: number;
  receivedDate?: string;
}

const ORGANISATIONS = [
  'The Council for Refugee Relief',
  'Central Committee for Emigrant Aid',
  'The Committee for Refugee Resettlement',
  'Board of Relief for Stateless Persons',
  'The Emigration Advisory Bureau',
  'The Council for Overseas Settlement',
  'Relief Office for Displaced Families',
  'The Joint Board of Assistance',
  'The Society for the Care of Refugee Children',
];
const CITIES: readonly { city: string; line: string[]; upper: string }[] = [
  { city: 'London', line: ['W.C. 1', 'N. 16.', 'S.W. 1', 'E.C. 2'], upper: 'LONDON' },
  { city: 'Paris', line: ['(8e)', '(16e)', ''], upper: 'PARIS' },
  { city: 'Geneva', line: [''], upper: 'GENEVA' },
  { city: 'Amsterdam', line: [''], upper: 'AMSTERDAM' },
  { city: 'Zurich', line: [''], upper: 'ZURICH' },
  { city: 'New York', line: ['N.Y.', '17, N.Y.'], upper: 'NEW YORK' },
  { city: 'Brussels', line: [''], upper: 'BRUSSELS' },
  { city: 'Vienna', line: ['I.', 'IX.'], upper: 'VIENNA' },
  { city: 'Prague', line: ['II.', ''], upper: 'PRAGUE' },
  { city: 'Stockholm', line: [''], upper: 'STOCKHOLM' },
];
const STREETS = [
  'Albion Street',
  'Park Crescent',
  'Highfield Avenue',
  "Queen's Gate",
  'Church Road',
  'Mount Street',
  'Bedford Row',
  'Kingsway',
  'Rue de Lisbonne',
  'Keizersgracht',
  'Bahnhofstrasse',
  'Quai Wilson',
];
const HOUSES = ['Woburn House', 'Bloomsbury House', 'Lancaster Chambers', 'Victoria Buildings'];
const TITLES = ['Secretary', 'Hon. Secretary', 'Chairman', 'Director', 'Treasurer', 'Rabbi'];
const CLOSINGS = ['Yours sincerely,', 'Yours faithfully,', 'Yours very truly,', 'Yours truly,', 'With kind regards,\nYours sincerely,'];

function person(rng: Rng): string {
  const surname = rng.chance(0.6) ? rng.pick(ENGLISH_SURNAMES) : rng.pick(FOREIGN_NAMES.filter((n) => !n.includes(' ')));
  return rng.chance(0.6) ? `${rng.pick(INITIALS)} ${rng.pick(INITIALS)} ${surname}` : `${rng.pick(INITIALS)} ${surname}`;
}

function address(rng: Rng, c: (typeof CITIES)[number]): string[] {
  const street = `${rng.int(1, 120)}, ${rng.pick(STREETS)},`;
  const tail = rng.pick(c.line);
  const cityLine = rng.chance(0.5) ? `${c.upper}${tail ? `, ${tail}` : '.'}` : `${c.city}${tail ? `, ${tail}` : '.'}`;
  return rng.chance(0.3) ? [`${rng.pick(HOUSES)},`, street, cityLine] : [street, cityLine];
}

function dateLine(date: CalendarDate, form: number): string {
  const m = monthName(date.month);
  switch (form) {
    case 0:
      return `${ordinal(date.day)} ${m}, ${date.year}.`;
    case 1:
      return `${m} ${date.day}, ${date.year}`;
    case 2:
      return `${date.day} ${m} ${date.year}`;
    case 3:
      return `${ordinal(date.day)} ${m} ${date.year}`;
    default:
      return `${m} ${date.day}, ${date.year}.`;
  }
}

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Letter {
  const year = rng.int(1930, 1958);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const date = { year, month, day };
  const variant = rng.chance(0.5) ? 'letterhead' : 'address-block';
  const from = rng.pick(CITIES);
  const sender = address(rng, from);
  const organisation = rng.pick(ORGANISATIONS);
  const letterhead =
    variant === 'letterhead'
      ? [
          organisation.toUpperCase(),
          sender.map((l) => l.replace(/[,.]$/, '')).join(', '),
          ...(rng.chance(0.5) ? [`Telephone: ${rng.pick(['MUSeum', 'HOLborn', 'TERminus', 'WELbeck'])} ${rng.int(1000, 9999)}`] : []),
        ]
      : [];
  let line = dateLine(date, rng.int(0, 4));
  // With no address block or letterhead the city may open the date line ("London, 9th May, 1938.").
  const placeInDate = variant === 'letterhead' && rng.chance(0.25);
  if (placeInDate) line = `${from.city}, ${line}`;
  const toPerson = rng.chance(0.45);
  const recipientCity = rng.pick(CITIES.filter((c) => c !== from));
  const recipientName = toPerson
    ? `${rng.pick(['Dr.', 'Mr.', 'Mrs.', 'Miss', 'Professor'])} ${person(rng)}`
    : rng.pick(ORGANISATIONS.filter((o) => o !== organisation));
  const recipient = [`${recipientName},`, ...(toPerson ? [`${rng.pick(ORGANISATIONS)},`] : []), ...address(rng, recipientCity)];
  const salutation = toPerson
    ? `Dear ${recipientName.split(' ')[0]} ${recipientName.split(' ').slice(-1)[0]},`
    : rng.pick(['Dear Sirs,', 'Dear Sir,', 'Gentlemen,', 'Dear Sirs,']);
  const signer = person(rng);
  const titled = rng.chance(0.6);
  const spacing = rng.pick([1, 1, 1, 1.5, 2]);
  const received = new Date(Date.UTC(year, month - 1, day + rng.int(2, 20)));
  // Now and then a letter gives no address at all, only its date: then it names no place.
  const noAddress = variant === 'address-block' && rng.chance(0.15);
  return {
    variant,
    letterhead,
    sender: variant === 'address-block' && !noAddress ? (rng.chance(0.3) ? [`c/o ${sender[0]}`, ...sender.slice(1)] : sender) : [],
    place: noAddress ? undefined : from.city,
    date,
    dateLine: line,
    reference:
      variant === 'letterhead' && rng.chance(0.5) ? `Ref. ${signer.replace(/[^A-Z]/g, '').slice(0, 2)}/${rng.pick(['ms', 'ek', 'hb', 'lr'])}` : undefined,
    toPrefix: variant === 'address-block' && rng.chance(0.3) ? rng.pick(['TO -', 'To:']) : undefined,
    recipient,
    staggered: rng.chance(0.5),
    salutation,
    paragraphs: proseParagraphs(rng, LETTER_TEMPLATES, rng.int(options.minSentences, options.maxSentences), { numbered: rng.chance(0.15) }),
    closing: rng.pick(CLOSINGS),
    signer: rng.chance(0.3) ? signer.toUpperCase() : signer,
    title: titled ? rng.pick(TITLES) : undefined,
    titleSameLine: titled && rng.chance(0.35),
    spacing,
    receivedDate: rng.chance(0.35) ? received.toISOString().slice(0, 10) : undefined,
  };
}

function typeset(l: Letter, columns: number): TypedLine[] {
  const blank = (spacing = 1): TypedLine => ({ text: '', align: 'left', spacing });
  const single = (text: string, indent = 0, extra: Partial<TypedLine> = {}): TypedLine => ({ text, align: 'left', indent, spacing: 1, ...extra });
  const lines: TypedLine[] = [];
  const rightBlock = (texts: string[]): TypedLine[] => {
    const width = Math.max(...texts.map((t) => t.length));
    const indent = Math.max(0, columns - width - 2);
    return texts.map((t) => single(t, indent));
  };
  if (l.variant === 'letterhead') {
    l.letterhead.forEach((text, i) => {
      const fitted = text.length > columns ? text.slice(0, columns) : text;
      lines.push({ text: fitted, align: 'center', face: i === 0 ? 'print-bold' : 'print', spacing: i === 0 ? 1.3 : 1, role: 'letterhead' });
    });
    lines.push(blank(2), { text: l.dateLine, align: 'right', spacing: 1, rightInset: 2 });
    if (l.reference) lines.push(single(l.reference));
    lines.push(blank(1));
  } else {
    lines.push(...rightBlock(l.sender.length ? [...l.sender, '', l.dateLine] : [l.dateLine]).map((t) => (t.text ? t : blank(1))), blank(2));
  }
  if (l.toPrefix) lines.push(single(l.toPrefix));
  l.recipient.forEach((text, i) => lines.push(single(text, (l.toPrefix ? 5 : 0) + (l.staggered ? i * 3 : 0))));
  lines.push(blank(2), single(l.salutation), blank(1));
  const paragraphGap = l.spacing < 1.5;
  l.paragraphs.forEach((paragraph, i) => {
    const wrapped = wrapParagraph(paragraph, columns, /^\d+\. /.test(paragraph) ? 0 : 8);
    for (const w of wrapped) lines.push({ ...w, spacing: l.spacing });
    if (paragraphGap && i < l.paragraphs.length - 1) lines.push(blank(1));
  });
  const closingIndent = Math.floor(columns * 0.45);
  lines.push(blank(2));
  for (const part of l.closing.split('\n')) lines.push(single(part, closingIndent, { role: 'closing' }));
  // Room for the pen signature over the typed name.
  lines.push(blank(3));
  const nameLine = l.title && l.titleSameLine ? `${l.signer}, ${l.title}.` : l.signer;
  lines.push(single(nameLine, closingIndent, { role: 'signature' }));
  if (l.title && !l.titleSameLine) lines.push(single(`${l.title}.`, closingIndent));
  return lines;
}

function expectedFields(l: Letter): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = { date: isoDate(l.date) };
  if (l.place) fields.place = l.place;
  fields.to = l.recipient[0].replace(/[,.]$/, '');
  fields.signature = l.signer;
  return fields;
}

export const letterLayout: DocumentLayout<Letter> = {
  profile: 'letter',
  kind: 'letter',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `-${page}-`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: () => ({ noun: 'letter' }),
  about: (l) => ({ signer: l.signer, ...(l.receivedDate ? { receivedDate: l.receivedDate } : {}) }),
  spacing: (l) => l.spacing,
};
