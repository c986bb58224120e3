// Australian external-affairs cablegram as the DFAT documents volumes print it
// (corpus: telegrams/dfat-documents-web/), in two forms seen there:
//
//   CABLEGRAM TO CANBERRA                  CABLEGRAM TO CANBERRA
//   Cablegram 59 MOSCOW, 20 March          London, 6 February 1950
//   1947, 5.45 p.m.                        538. Confidential Immediate
//   TOP SECRET PRIORITY
//        1. Body...                             Body...
//                         SANDERCOCK                         SANDERCOCK
//   [NAA: A1838, 494/2/10, iv]             [NAA: A1838, 494/2/10, iv]
//
// The heading names no sender, so `from` is the signer (DESIGN.md).

import type { Layout, Telegram, TypedLine, FieldValue } from '../model.ts';
import type { Rng } from '../random.ts';
import { inventStyledBody, pickBodyStyle } from '../bodies.ts';
import { ENGLISH_SURNAMES, POSTS } from '../vocabulary.ts';
import { clock, dayMonthYear, daysInMonth, isoDate, twelveHour, wrapParagraph } from '../text.ts';

const DESTINATIONS = ['CANBERRA', 'LONDON', 'WASHINGTON', 'NEW YORK', 'WELLINGTON'];
const SERIES = ['A1838', 'A1067', 'A5954', 'A3300', 'A4231', 'A6366'];

const titleCase = (s: string): string => s.charAt(0) + s.slice(1).toLowerCase();

function invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram {
  const year = rng.int(1940, 1975);
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  const form: string = rng.chance(0.5) ? 'cablegram-line' : 'number-line';
  const origin = rng.pick(POSTS).city;
  const minutes = rng.int(0, 287) * 5;
  const signer = rng.pick(ENGLISH_SURNAMES).toUpperCase();
  const to = rng.pick(DESTINATIONS.filter((d) => d !== origin.toUpperCase()));
  const paragraphs = inventStyledBody(rng, rng.int(options.minSentences, options.maxSentences), pickBodyStyle(rng));
  return {
    variant: form,
    docType: 'CABLEGRAM',
    to,
    place: origin,
    date: { year, month, day },
    // The "number-line" form prints no time.
    time: form === 'cablegram-line' ? clock(minutes) : undefined,
    timePrinted: form === 'cablegram-line' ? twelveHour(minutes, 'dfat') : undefined,
    number: String(rng.int(1, 1999)),
    classification: rng.pick(['TOP SECRET', 'SECRET', 'CONFIDENTIAL', 'RESTRICTED']),
    precedence: rng.chance(0.5) ? rng.pick(['IMMEDIATE', 'PRIORITY', 'URGENT']) : undefined,
    paragraphs:
      paragraphs.length > 1 && !paragraphs.some((p) => /^\d+\. /.test(p)) && rng.chance(0.5)
        ? paragraphs.map((p, i) => (i === 0 ? p : `${i + 1}. ${p}`))
        : paragraphs,
    signature: signer,
    from: signer,
    archiveRef: `[NAA: ${rng.pick(SERIES)}, ${rng.int(1, 999)}/${rng.int(1, 20)}/${rng.int(1, 30)}${rng.chance(0.5) ? `, ${rng.pick(['i', 'ii', 'iii', 'iv', 'v'])}` : ''}]`,
  };
}

function typeset(t: Telegram, columns: number): TypedLine[] {
  const blank: TypedLine = { text: '', align: 'left' };
  const lines: TypedLine[] = [{ text: `${t.docType} TO ${t.to}`, align: 'left' }, blank];
  if (t.variant === 'cablegram-line') {
    lines.push(...wrapParagraph(`Cablegram ${t.number} ${t.place.toUpperCase()}, ${dayMonthYear(t.date)}, ${t.timePrinted}`, columns));
    lines.push(blank, { text: [t.classification, t.precedence].filter(Boolean).join(' '), align: 'left' });
  } else {
    lines.push({ text: `${t.place}, ${dayMonthYear(t.date)}`, align: 'left' }, blank);
    const marks = [t.classification, t.precedence].filter(Boolean).map((m) => m!.split(' ').map(titleCase).join(' '));
    lines.push({ text: `${t.number}. ${marks.join(' ')}`, align: 'left' });
  }
  lines.push(blank);
  for (const paragraph of t.paragraphs) lines.push(...wrapParagraph(paragraph, columns, 5));
  lines.push(blank, { text: t.signature, align: 'right' }, blank, { text: t.archiveRef!, align: 'left' });
  return lines;
}

function expectedFields(t: Telegram): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    docType: t.docType,
    from: t.from ?? t.signature,
    to: t.to,
    place: t.place,
    date: isoDate(t.date),
  };
  if (t.time) fields.time = t.time;
  fields.number = t.number;
  if (t.classification) fields.classification = t.classification;
  if (t.precedence) fields.precedence = t.precedence;
  fields.body = t.paragraphs.join(' ');
  fields.signature = t.signature;
  fields.archiveRef = t.archiveRef!;
  return fields;
}

export const dfatCableLayout: Layout = {
  profile: 'dfat-cable',
  kind: 'telegram',
  invent,
  typeset,
  continuationHeader: (page) => [
    { text: `${page}`, align: 'center' },
    { text: '', align: 'left' },
  ],
  expectedFields,
  continuationContext: (t) => ({ noun: 'cablegram', number: t.number, place: t.place }),
};
