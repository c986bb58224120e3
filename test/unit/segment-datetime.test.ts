import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DIGIT_LOOKALIKES,
  findDate,
  findDayMonth,
  findPlaceDateTime,
  findTime,
  monthFromWord,
  normaliseDate,
  normaliseTime,
  repairDigits,
} from '../../src/segment/datetime.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

test('dates in the printed forms of the corpus', () => {
  const cases: [string, string][] = [
    ['30 June 1951', '1951-06-30'],
    ['June 30, 1951', '1951-06-30'],
    ['August 4, 1951—2 p. m.', '1951-08-04'],
    ['Washington, December 30, 1949—8 p. m.', '1949-12-30'],
    ['From: Peking, 15:00, 30 June 1951.', '1951-06-30'],
    ['Cablegram 88 NANKING, 28 February 1949, 4.18 p.m.', '1949-02-28'],
    ['Spec. No. 1967 - 1968     November 22, 1963', '1963-11-22'],
    ['30th June, 1951', '1951-06-30'],
    ['4 Aug. 1951', '1951-08-04'],
    ['Aug. 4, 1951', '1951-08-04'],
    ['1951-06-30', '1951-06-30'],
    ['30.06.1951', '1951-06-30'],
    ['from 24.XI.63.', '1963-11-24'],
    ['29 February 1948', '1948-02-29'],
  ];
  for (const [text, iso] of cases) assert.equal(normaliseDate(text), iso, text);
});

test('OCR errors in dates are repaired and reported', () => {
  const d = findDate('From: Peking, l5:00, 30 Junc l951.');
  assert.equal(d?.iso, '1951-06-30');
  assert.ok(d?.notes.includes('ocr_corrected'));
  assert.equal(normaliseDate('Ju1y 26, 1945'), '1945-07-26');
  assert.equal(normaliseDate('3O June 1951'), '1951-06-30');
  assert.deepEqual(findDate('30 June 1951')?.notes, []);
});

test('impossible or absent dates give null', () => {
  for (const text of ['31 June 1951', '29 February 1950', 'no date here', '', 'Dec 22', '12 Smith 1951', '1. Comrade Kim Il Sung']) {
    assert.equal(normaliseDate(text), null, text);
  }
});

test('times in the printed forms of the corpus', () => {
  const cases: [string, string][] = [
    ['15:00', '15:00'],
    ['16.50', '16:50'],
    ['noon', '12:00'],
    ['midnight', '00:00'],
    ['2 p. m.', '14:00'],
    ['8 p. m.', '20:00'],
    ['10.20 p.m.', '22:20'],
    ['4.18 p.m.', '16:18'],
    ['12.05 p.m.', '12:05'],
    ['12 a.m.', '00:00'],
    ['9.30 A.M.', '09:30'],
    ['1530 hours', '15:30'],
    ['August 2, 1951—noon', '12:00'],
    ['30 June 16.50 Peking', '16:50'],
    ['l5:00', '15:00'],
    ['5.45 p.rn.', '17:45'],
  ];
  for (const [text, hhmm] of cases) assert.equal(normaliseTime(text), hhmm, text);
  for (const text of ['30 June 1951', '25:00', '12.75', 'No. 3267', '', '1. Comrade', 'Article 64']) assert.equal(normaliseTime(text), null, text);
});

test('a 24 h reading followed by a damaged a.m./p.m. is reported, not trusted', () => {
  const t = findTime('4.18 p,u.');
  assert.equal(t?.hhmm, '04:18');
  assert.ok(t?.notes.includes('ocr_corrected'));
  assert.deepEqual(findTime('16.50 Peking')?.notes, []);
  // What the fast model and tesseract.js read for p.m. and a.m. on the field benchmark's scans (issue 20).
  for (const text of ['RANGOON, 9 January 1955, 7.05 pem.', 'PARIS, 29 January 1965, 12.45 asme', 'New Delhi, December 19, 1956—4:45 Pp. Mma']) {
    assert.ok(findTime(text)?.notes.includes('ocr_corrected'), text);
  }
  for (const text of ['15.30 and 16.00', '15.30 Penang', '15.30 Moscow', '15:00, 30 June 1951.', '10.20 p.m.'])
    assert.deepEqual(findTime(text)?.notes, [], text);
});

test('place, date and time from one heading line, with offsets into the line', () => {
  const line = 'From: Peking, 15:00, 30 June 1951.';
  const r = findPlaceDateTime(line.slice(5));
  assert.equal(r.place?.text, 'Peking');
  assert.equal(r.time?.hhmm, '15:00');
  assert.equal(r.date?.iso, '1951-06-30');
  assert.equal(line.slice(5).slice(r.date!.start, r.date!.end), '30 June 1951');
  const dfat = findPlaceDateTime('Cablegram UN757, NEW YORK, 1 November 1949, 5.22 p.m.');
  assert.equal(dfat.place?.text, 'NEW YORK');
  assert.equal(dfat.time?.hhmm, '17:22');
  assert.equal(findPlaceDateTime('Cablegram PC127 PARIS, 31 August 1946, 12.05 p.m.').place?.text, 'PARIS');
  assert.equal(findPlaceDateTime('Washington, August 4, 1951—2 p. m.').time?.hhmm, '14:00');
});

test('day and month without a year (dispatch lines)', () => {
  assert.deepEqual({ ...findDayMonth('30 June 16.50 Peking'), notes: [] }, { month: 6, day: 30, start: 0, end: 7, notes: [] });
  assert.equal(findDayMonth('Mao Zedong'), null);
});

test('helpers: digit repair keeps length, months tolerate OCR', () => {
  assert.equal(repairDigits('No. 2l340 l951 I ask'), 'No. 21340 1951 I ask');
  assert.equal(monthFromWord('Jnne')?.month, 6);
  assert.equal(monthFromWord('AUGUST')?.month, 8);
  assert.equal(monthFromWord('Sept.')?.month, 9);
  assert.equal(monthFromWord('Smith'), null);
});

/** repairDigits as first written, without its shortcut for text with nothing to repair. */
function repairDigitsPlain(text: string): string {
  const lookalikes = DIGIT_LOOKALIKES;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const out = [...text].length === text.length ? text.split('') : Array.from(text, (c) => (c.length > 1 ? '?' : c));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (lookalikes[c] && (isDigit(out[i - 1]) || isDigit(out[i + 1]))) {
        if ((c === 's' || c === 'S') && isDigit(out[i - 1]) && !isDigit(out[i + 1])) continue;
        out[i] = lookalikes[c]!;
      }
    }
  }
  return out.join('');
}

test('property: digit repair with its shortcut (nothing beside a digit to repair) is digit repair as first written', () => {
  // Strings dense in look-alikes, digits and separators, and any string (surrogate halves included).
  const dense = fc.string({ unit: fc.constantFrom(...'lIi|!OoQDSsZzBG0123456789 .,-:a\u00e9'.split('')), maxLength: 40 });
  fc.assert(
    fc.property(fc.oneof(dense, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 })), (s) => {
      assert.equal(repairDigits(s), repairDigitsPlain(s));
    }),
    { numRuns: 3000 },
  );
  for (const s of ['No. 2l340 l951 I ask', 'lO51', 'Sol I', '1950s', 'S5', 'a\u{1F600}l1', 'no digits here', ''])
    assert.equal(repairDigits(s), repairDigitsPlain(s), s);
});

test('property: the normalisers never throw, on any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
      const d = normaliseDate(s);
      const t = normaliseTime(s);
      findPlaceDateTime(s);
      findDayMonth(s);
      assert.ok(d === null || /^\d{4}-\d{2}-\d{2}$/.test(d));
      assert.ok(t === null || /^([01]\d|2[0-3]):[0-5]\d$/.test(t));
    }),
    { numRuns: 2000 },
  );
  // OCR-ish alphabet: digits, month fragments, separators.
  const pieces = fc.constantFrom('1', '9', '0', 'l', 'O', ' ', '.', ',', ':', '—', 'June', 'Aug.', 'p. m.', 'noon', 'XI', '-', '/', "'");
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
      const s = parts.join('');
      normaliseDate(s);
      normaliseTime(s);
      findPlaceDateTime(s);
    }),
    { numRuns: 2000 },
  );
});

test('property: every listed date form round-trips to the same ISO date', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('1850-01-01T00:00:00Z'), max: new Date('2000-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
      const y = date.getUTCFullYear();
      const m = date.getUTCMonth() + 1;
      const d = date.getUTCDate();
      const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const month = MONTHS[m - 1];
      const forms = [
        `${d} ${month} ${y}`,
        `${month} ${d}, ${y}`,
        `${month.toUpperCase()} ${d}, ${y}`,
        `${month.slice(0, 3)}. ${d}, ${y}`,
        `${d} ${month} ${y}.`,
        `Peking, 15:00, ${d} ${month} ${y}.`,
        `Washington, ${month} ${d}, ${y}—2 p. m.`,
        iso,
        `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`,
      ];
      for (const form of forms) assert.equal(normaliseDate(form), iso, form);
    }),
    { numRuns: 400 },
  );
});

test('property: every listed time form round-trips to the same HH:MM', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, min) => {
      const hhmm = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
      const h12 = h % 12 === 0 ? 12 : h % 12;
      const ampm = h < 12 ? 'a' : 'p';
      const mm = String(min).padStart(2, '0');
      const forms = [
        hhmm,
        `${h}:${mm}`,
        `${h}.${mm}`,
        `${h12}.${mm} ${ampm}.m.`,
        `${h12}.${mm} ${ampm}. m.`,
        `${h12}:${mm} ${ampm.toUpperCase()}.M.`,
        `30 June ${h}.${mm} Peking`,
      ];
      if (min === 0) forms.push(`${h12} ${ampm}. m.`, `${h12} ${ampm}m`);
      for (const form of forms) assert.equal(normaliseTime(form), hhmm, form);
    }),
    { numRuns: 300 },
  );
  assert.equal(findTime('noon')?.hhmm, '12:00');
});

test('specks on a dusty scan do not hide the place and date, and a date read across one is marked for checking', () => {
  // The OCR of generated heavy scans, as read.
  const cases: Array<[string, string, string, boolean]> = [
    ['Colombo, 7 March-1947', 'Colombo', '1947-03-07', true],
    ['Pusan, ‘15 March 1974', 'Pusan', '1974-03-15', false],
    ['Bangkok, 30- August. 1930, 08.40', 'Bangkok', '1930-08-30', true],
    ['Bangkok, February" 3, 1966—12:30 a. m.', 'Bangkok', '1966-02-03', true],
    ['Paris, April ‘1, 1973-9:30 a. m.', 'Paris', '1973-04-01', true],
    ['Bucharest, 01:15, 3.December 1946.', 'Bucharest', '1946-12-03', true],
    ['Pusan, 3. January 1975', 'Pusan', '1975-01-03', true],
    ["Manila, July 11, 1'972—noon.", 'Manila', '1972-07-11', true],
    // The time garbled beyond reading: the place is still the chunk before it.
    ['Paris, 05355, 28 March 1950,', 'Paris', '1950-03-28', false],
  ];
  for (const [line, place, iso, flagged] of cases) {
    const r = findPlaceDateTime(line);
    assert.equal(r.place?.text, place, line);
    assert.equal(r.date?.iso, iso, line);
    assert.equal(r.date?.notes.includes('ocr_corrected'), flagged, `${line}: ${r.date?.notes}`);
  }
  // Forms with full stops that are not specks stay unmarked.
  for (const line of ['24.XI.63', '30.06.1951', 'Washington, Aug. 4, 1951', "June 30, '51"]) assert.deepEqual(findDate(line)?.notes, [], line);
  assert.equal(findDate('Spec. No. 8722 August 17; 1968')?.iso, '1968-08-17');
  // A real time before the date is still a time, not junk to skip.
  assert.equal(findPlaceDateTime('Peking, 15:00, 30 June 1951.').place?.text, 'Peking');
  assert.equal(findPlaceDateTime('Peking, 15:00, 30 June 1951.').time?.hhmm, '15:00');
});
