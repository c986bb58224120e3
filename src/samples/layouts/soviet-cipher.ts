// The seed's layout: a Soviet ciphered telegram in English translation
// (Wilson Center, "Ciphered Telegram No. 21340", 30 June 1951):
//
//            CIPHERED TELEGRAM No. 21340
//   To Cde. Stalin (2 copies)
//   From: Peking, 15:00, 30 June 1951.
//        Cde. Fillipov [Stalin]
//        body paragraphs (some numbered "1.", "2.")...
//                                               Mao Zedong.
//   No. 3267
//   30 June 16.50 Peking
//
// Its "From:" names a place, so the record's `from` is the signer (DESIGN.md).

import type { Layout, Telegram, TypedLine, FieldValue } from '../model.ts';
import type { Rng } from '../random.ts';
import { inventBody } from '../bodies.ts';
import { COVER_NAMES, FOREIGN_NAMES, INITIALS, ORIGIN_PLACES, SURNAMES } from '../vocabulary.ts';
import { clock, daysInMonth, isoDate, monthName, wrapParagraph } from '../text.ts';

const PARAGRAPH_INDENT = 5;
const SALUTATION_INDENT = 5;

function inventPerson(rng: Rng): string {
  return rng.chance(0.25) ? rng.pick(FOREIGN_NAMES) : `${rng.pick(INITIALS)} ${rng.pick(SURNAMES)}`;
}

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram {
  const year = rng.int(1940, 1975);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const place = rng.pick(ORIGIN_PLACES);
  const originMinutes = rng.int(0, 287) * 5;
  const recipient = rng.pick(SURNAMES);
  const secondRecipient = rng.chance(0.2) ? rng.pick(SURNAMES.filter((s) => s !== recipient)) : undefined;
  const to = secondRecipient ? `Cde. ${recipient}, Cde. ${secondRecipient}` : `Cde. ${recipient}`;
  const addressee = rng.chance(0.5) ? `Cde. ${rng.pick(COVER_NAMES)} [${recipient}]` : `Cde. ${recipient}`;
  const signature = inventPerson(rng);
  // Dispatch follows origin by 20 minutes to a few hours, possibly the next day.
  const dispatchMinutes = originMinutes + rng.int(4, 60) * 5;
  let dDay = day;
  let dMonth = month;
  if (dispatchMinutes >= 1440) {
    dDay = day + 1;
    if (dDay > daysInMonth(year, month)) {
      dDay = 1;
      dMonth = month === 12 ? 1 : month + 1;
    }
  }
  const dispatchPlace = rng.chance(0.8) ? place : rng.pick(ORIGIN_PLACES);
  return {
    docType: 'CIPHERED TELEGRAM',
    number: String(rng.int(1000, 99999)),
    to,
    copies: rng.int(2, 6),
    place,
    date: { year, month, day },
    time: clock(originMinutes),
    addressee,
    paragraphs: inventBody(rng, rng.int(options.minSentences, options.maxSentences)),
    signature,
    from: signature,
    outgoingNumber: String(rng.int(10, 9999)),
    dispatch: `${dDay} ${monthName(dMonth)} ${clock(dispatchMinutes, '.')} ${dispatchPlace}`,
  };
}

function typeset(t: Telegram, columns: number): TypedLine[] {
  const blank: TypedLine = { text: '', align: 'left' };
  const copies = t.copies === undefined ? '' : t.copies === 1 ? ' (1 copy)' : ` (${t.copies} copies)`;
  const lines: TypedLine[] = [
    { text: `${t.docType} No. ${t.number}`, align: 'center' },
    blank,
    ...wrapParagraph(`To ${t.to}${copies}`, columns),
    { text: `From: ${t.place}, ${t.time}, ${t.date.day} ${monthName(t.date.month)} ${t.date.year}.`, align: 'left' },
    blank,
  ];
  if (t.addressee) lines.push({ text: t.addressee, align: 'left', indent: SALUTATION_INDENT }, blank);
  for (const paragraph of t.paragraphs) lines.push(...wrapParagraph(paragraph, columns, PARAGRAPH_INDENT));
  lines.push(blank, { text: `${t.signature}.`, align: 'right' }, blank);
  if (t.outgoingNumber) lines.push({ text: `No. ${t.outgoingNumber}`, align: 'left' });
  if (t.dispatch) lines.push({ text: t.dispatch, align: 'left' });
  return lines;
}

function expectedFields(t: Telegram): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    docType: t.docType.toUpperCase(),
    number: t.number,
    to: t.to,
  };
  if (t.copies !== undefined) fields.copies = t.copies;
  fields.place = t.place;
  if (t.time) fields.time = t.time;
  fields.date = isoDate(t.date);
  if (t.addressee) fields.addressee = t.addressee;
  fields.body = t.paragraphs.join(' ');
  fields.signature = t.signature;
  fields.from = t.from ?? t.signature;
  if (t.outgoingNumber) fields.outgoingNumber = t.outgoingNumber;
  if (t.dispatch) fields.dispatch = t.dispatch;
  return fields;
}

export const sovietCipherLayout: Layout = {
  profile: 'soviet-cipher',
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

/**
 * The seed telegram itself (Wilson Center translation, header and closing as
 * printed, body shortened by one paragraph ("Considering that Wonsan...") so it fits one typed page), so the reader is tested on
 * the layout it was designed from.
 */
export const SEED_TELEGRAM: Telegram = {
  docType: 'CIPHERED TELEGRAM',
  number: '21340',
  to: 'Cde. Stalin',
  copies: 2,
  place: 'Peking',
  date: { year: 1951, month: 6, day: 30 },
  time: '15:00',
  addressee: 'Cde. Fillipov [Stalin]',
  paragraphs: [
    'The commander of the troops of the enemy, Ridgway, today made a statement with a proposal that representatives of both warring sides meet on a Danish ship in the port of Wonsan for a meeting about the cessation of military activities. Simultaneously with this he stated that a corresponding guarantee is required, and only in this case can military actions be ceased.',
    'I report to you my opinion on the given question.',
    'I ask you to study [it] and give an answer, and I also ask you to communicate it immediately to Comrade Kim Il Sung.',
    '1. Comrade Kim Il Sung presumably must give an answer to Ridgway on the 2nd or 3rd of July. In this answer he must express his agreement to representatives of both sides conducting negotiations about a cessation of military operations, and to propose a time, place and number of participants for the meeting.',
    '2. As concerns the place for holding the negotiations, Ridgway suggests the port of Wonsan.',
    '3. For the goal of securing for our representatives time for full preparation for the meeting it seems to me advantageous to name July 15 as the opening day of the meeting.',
    '4. In light of the compressed period of time and the great importance of the given meeting I ask you to immediately communicate with comrade Kim Il Sung, personally to lead this meeting and simultaneously to inform me.',
  ],
  signature: 'Mao Zedong',
  from: 'Mao Zedong',
  outgoingNumber: '3267',
  dispatch: '30 June 16.50 Peking',
};
