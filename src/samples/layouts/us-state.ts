// US Department of State telegram as FRUS prints it (corpus: telegrams/frus/):
//
//   793B.00/8–151: Telegram
//   The Ambassador in Korea (Muccio) to the Secretary of State
//   Pusan, August 1, 1951—noon.
//   confidential   priority
//
//        675. Body... (the leading number is the telegram's own number)
//                                                               Muccio
//
// Classification and precedence are printed in lower case; time is optional.

import type { Layout, Telegram, TypedLine, FieldValue } from '../model.ts';
import type { Rng } from '../random.ts';
import { inventStyledBody, pickBodyStyle } from '../bodies.ts';
import { ENGLISH_SURNAMES, POSTS } from '../vocabulary.ts';
import { clock, daysInMonth, isoDate, twelveHour, usDate, wrapParagraph } from '../text.ts';

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram {
  const year = rng.int(1945, 1975);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const post = rng.pick(POSTS);
  const official = rng.pick(ENGLISH_SURNAMES);
  const secretary = rng.pick(ENGLISH_SURNAMES.filter((s) => s !== official));
  const outgoing = rng.chance(0.5);
  const minutes = rng.chance(0.15) ? 720 : rng.int(0, 95) * 15;
  const withTime = rng.chance(0.85);
  const title = rng.pick(['Ambassador', 'Minister', 'Chargé', 'Consul General']);
  const fileClass = `${rng.int(611, 893)}${rng.pick(['', '', 'A', 'B', 'D'])}.${String(rng.int(0, 99)).padStart(2, '0')}`;
  return {
    fileReference: `${fileClass}/${month}–${day}${String(year % 100).padStart(2, '0')}`,
    docType: 'TELEGRAM',
    from: outgoing ? 'The Secretary of State' : `The ${title} in ${post.country} (${official})`,
    to: outgoing ? rng.pick([`the Embassy in ${post.country}`, `the ${title} in ${post.country} (${official})`]) : 'the Secretary of State',
    place: outgoing ? 'Washington' : post.city,
    date: { year, month, day },
    time: withTime ? clock(minutes) : undefined,
    timePrinted: withTime ? twelveHour(minutes, 'frus') : undefined,
    classification: rng.pick(['TOP SECRET', 'SECRET', 'CONFIDENTIAL', 'RESTRICTED']),
    precedence: rng.chance(0.4) ? rng.pick(['PRIORITY', 'URGENT', 'NIACT']) : undefined,
    number: String(rng.int(1, 2999)),
    paragraphs: inventStyledBody(rng, rng.int(options.minSentences, options.maxSentences), pickBodyStyle(rng)),
    signature: outgoing ? secretary : official,
  };
}

function typeset(t: Telegram, columns: number): TypedLine[] {
  const blank: TypedLine = { text: '', align: 'left' };
  const marks = [t.classification, t.precedence]
    .filter(Boolean)
    .map((m) => m!.toLowerCase())
    .join('   ');
  const lines: TypedLine[] = [
    { text: `${t.fileReference}: Telegram`, align: 'left' },
    ...wrapParagraph(`${t.from} to ${t.to}`, columns),
    { text: `${t.place}, ${usDate(t.date)}${t.timePrinted ? `—${t.timePrinted}` : ''}.`, align: 'left' },
  ];
  if (marks) lines.push({ text: marks, align: 'left' });
  lines.push(blank);
  t.paragraphs.forEach((paragraph, i) => lines.push(...wrapParagraph(i === 0 ? `${t.number}. ${paragraph}` : paragraph, columns, 5)));
  lines.push(blank, { text: t.signature, align: 'right' });
  return lines;
}

function expectedFields(t: Telegram): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    fileReference: t.fileReference!,
    docType: t.docType,
    from: t.from!,
    to: t.to,
    place: t.place,
    date: isoDate(t.date),
  };
  if (t.time) fields.time = t.time;
  if (t.classification) fields.classification = t.classification;
  if (t.precedence) fields.precedence = t.precedence;
  fields.number = t.number;
  fields.body = t.paragraphs.join(' ');
  fields.signature = t.signature;
  return fields;
}

export const usStateLayout: Layout = {
  profile: 'us-state',
  kind: 'telegram',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `${page}`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: (t) => ({ noun: 'telegram', number: t.number, place: t.place }),
};
