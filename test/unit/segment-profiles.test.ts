// Profiles as data: validation, user profiles, and each shipped layout read from
// OCR-like text (wrapped lines, injected OCR errors) and from the real corpus texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import { CablescanError } from '../../src/errors.ts';
import { dfatPlainText, pageFromText, wrapText } from '../fixtures/pages.ts';

const profiles = loadProfiles();
const CORPUS = new URL('../../../shared/corpus/telegrams/', import.meta.url);
const noCorpus = existsSync(CORPUS) ? false : 'corpus not found at ../shared/corpus/telegrams (fresh clone without the shared corpus)';

function read(lines: string[], width = 64): SegmentedTelegram[] {
  return segmentDocument([pageFromText(wrapText(lines.join('\n'), width))], { profiles });
}
function values(t: SegmentedTelegram, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, t.fields[n]?.found ? t.fields[n].value : undefined]));
}

test('shipped profiles load and validate; the fallbacks generic and other come last', () => {
  assert.deepEqual(
    profiles.map((p) => p.name),
    ['despatch', 'dfat-cable', 'letter', 'report', 'soviet-cipher', 'soviet-coded', 'us-despatch', 'us-state', 'generic', 'other'],
  );
  assert.deepEqual(
    profiles.map((p) => p.kind),
    ['despatch', 'telegram', 'letter', 'report', 'telegram', 'telegram', 'despatch', 'telegram', 'telegram', 'other'],
  );
});

test('an invalid profile file is refused with CS_ERR_PROFILE_INVALID naming the file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-profiles-'));
  try {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', fields: [{ name: 'number', parser: 'no-such-parser' }] }));
    assert.throws(
      () => loadProfiles({ profilesDir: dir }),
      (e: unknown) => e instanceof CablescanError && e.code === 'CS_ERR_PROFILE_INVALID' && e.message.includes(bad) && e.file === bad,
    );
    writeFileSync(bad, '{ not json');
    assert.throws(
      () => loadProfiles({ profilesDir: dir }),
      (e: unknown) => e instanceof CablescanError && e.code === 'CS_ERR_PROFILE_INVALID' && e.message.includes('bad.json'),
    );
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'bad',
        fields: [
          { name: 'x', parser: 'line', after: 'y' },
          { name: 'y', parser: 'line' },
        ],
      }),
    );
    assert.throws(() => loadProfiles({ profilesDir: dir }), /not an earlier field/);
    writeFileSync(bad, JSON.stringify({ name: 'bad', fields: [{ name: 'x', parser: 'line', pattern: '([' }] }));
    assert.throws(() => loadProfiles({ profilesDir: dir }), /not a valid regular expression/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an archivist adds a layout as a JSON file, without code', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-profiles-'));
  try {
    writeFileSync(
      path.join(dir, 'french-telegram.json'),
      JSON.stringify({
        name: 'french-telegram',
        description: 'Télégramme chiffré (Quai d’Orsay)',
        start: [{ label: 'TELEGRAMME CHIFFRE' }],
        fields: [
          { name: 'docType', parser: 'docType', labels: ['TELEGRAMME CHIFFRE'], required: true },
          { name: 'number', parser: 'digits', labels: ['N°', 'No.'], labelPosition: 'anywhere', sameLine: 'docType', required: true },
          { name: 'place', parser: 'placeDateTime', part: 'place', labels: ['Origine :'], required: true },
          { name: 'date', parser: 'placeDateTime', part: 'date', labels: ['Origine :'], required: true },
          { name: 'signature', parser: 'signature', zone: 'closing', within: 1 },
          { name: 'body', parser: 'body', required: true },
        ],
      }),
    );
    const mine = loadProfiles({ profilesDir: dir });
    assert.equal(mine.length, profiles.length + 1);
    const page = pageFromText(['TELEGRAMME CHIFFRE No. 412', 'Origine : Saigon, 14 March 1950', 'Situation calme dans le delta.', 'Pignon']);
    const [t] = segmentDocument([page], { profiles: mine });
    assert.equal(t.profile, 'french-telegram');
    assert.deepEqual(values(t, ['number', 'place', 'date', 'signature', 'body']), {
      number: '412',
      place: 'Saigon',
      date: '1950-03-14',
      signature: 'Pignon',
      body: 'Situation calme dans le delta.',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('us-state (FRUS) layout with OCR errors', () => {
  const [t] = read([
    '793B.00/8–151: Telegram',
    'The Secretary of State to the Embassy in India',
    'Washington, August 4, 1951—2 p. m.',
    'top secret prlority',
    '295. Info Contel 91 July 31 and Embtel 440 Aug 1 suggests unreliable intermediaries figured critically in failure effort persuade DL leave Yatung.',
    'Dept suggests most practicable translation fol msg be given orally.',
    '. . . . . . . . . .',
    'Acheson',
  ]);
  assert.equal(t.profile, 'us-state');
  assert.deepEqual(values(t, ['fileReference', 'docType', 'from', 'to', 'place', 'date', 'time', 'classification', 'precedence', 'number', 'signature']), {
    fileReference: '793B.00/8–151',
    docType: 'TELEGRAM',
    from: 'The Secretary of State',
    to: 'the Embassy in India',
    place: 'Washington',
    date: '1951-08-04',
    time: '14:00',
    classification: 'TOP SECRET',
    precedence: 'PRIORITY',
    number: '295',
    signature: 'Acheson',
  });
  assert.ok(t.fields.precedence.notes.includes('ocr_corrected'));
  assert.ok(String(t.fields.body.value).startsWith('Info Contel 91 July 31'), 'FRUS body without its leading telegram number');
  assert.ok(String(t.fields.body.value).endsWith('be given orally.'));
});

test('dfat-cable layouts (Cablegram heading; place-date heading with number line)', () => {
  const [a] = read([
    'Cablegram 88 NANKlNG, 28 February 1949, 4.18 p.m.',
    'IMMEDIATE TOP SECRET',
    'I called on the Minister for Foreign Affairs on Saturday afternoon.',
    '2. He asked me to tell Dr. Evatt that the Government had appreciated greatly his suggestion.',
    '[AA:A1838/2, 490/1, iii]',
  ]);
  assert.equal(a.profile, 'dfat-cable');
  assert.deepEqual(values(a, ['docType', 'number', 'place', 'date', 'time', 'classification', 'precedence', 'archiveRef']), {
    docType: 'CABLEGRAM',
    number: '88',
    place: 'Nanking',
    date: '1949-02-28',
    time: '16:18',
    classification: 'TOP SECRET',
    precedence: 'IMMEDIATE',
    archiveRef: '[AA:A1838/2, 490/1, iii]',
  });
  assert.ok(a.fields.place.notes.includes('ocr_corrected'), 'NANKlNG repaired by the gazetteer');
  assert.equal(
    a.fields.body.value,
    'I called on the Minister for Foreign Affairs on Saturday afternoon. 2. He asked me to tell Dr. Evatt that the Government had appreciated greatly his suggestion.',
  );
  const [b] = read([
    'London, 6 February 1950',
    '538. Confidential Immediate',
    'Your telegram 513. United Kingdom officials see no immediate way.',
    '[NAA: A1838, 494/2/10, iv]',
  ]);
  assert.equal(b.profile, 'dfat-cable');
  assert.deepEqual(values(b, ['number', 'place', 'date', 'time', 'classification', 'precedence', 'archiveRef', 'body']), {
    number: '538',
    place: 'London',
    date: '1950-02-06',
    time: undefined,
    classification: 'CONFIDENTIAL',
    precedence: 'IMMEDIATE',
    archiveRef: '[NAA: A1838, 494/2/10, iv]',
    body: 'Your telegram 513. United Kingdom officials see no immediate way.',
  });
});

test('soviet-coded layout (JFK collection) with a wrapped heading', () => {
  const [t] = read(
    [
      'No. 12',
      'Coded telegram from USSR Ambassador to USA A.F. Dobrynin to USSR Ministry of Foreign Affairs',
      'regarding the arrest by police of Lee H. Oswald,',
      'Spec. No. 1967 - 1968          November 22, 1963',
      'Washington',
      'TOP SECRET',
      'Copy No. 12',
      'Urgent',
      'US news agency reported at 16:00 that Dallas police arrested American citizen Lee H. Oswald.',
      'I request instructions on this matter.',
      'A. DOBRYNIN',
      'RGANI. F. 3. Op. 66. D. 471. L. 3 - 4. Copy.',
    ],
    60,
  );
  assert.equal(t.profile, 'soviet-coded');
  assert.deepEqual(values(t, ['docType', 'from', 'to', 'number', 'date', 'place', 'classification', 'copies', 'precedence', 'signature']), {
    docType: 'CODED TELEGRAM',
    from: 'USSR Ambassador to USA A.F. Dobrynin',
    to: 'USSR Ministry of Foreign Affairs',
    number: '1967',
    date: '1963-11-22',
    place: 'Washington',
    classification: 'TOP SECRET',
    copies: 12,
    precedence: 'URGENT',
    signature: 'A. DOBRYNIN',
  });
  assert.equal(
    t.fields.body.value,
    'US news agency reported at 16:00 that Dallas police arrested American citizen Lee H. Oswald. I request instructions on this matter.',
  );
  assert.equal(t.split.line, 0, 'the publication number line above the heading belongs to the telegram');
});

test('generic fallback: date, place, number and body from an unknown layout', () => {
  const [t] = read([
    'MINISTRY OF FOREIGN AFFAIRS',
    'Message No. 4471',
    'Saigon, 3 March 1954',
    'The situation in the north is unchanged. Reinforcements arrive tomorrow.',
    'Dupont',
  ]);
  assert.equal(t.profile, 'generic');
  assert.deepEqual(values(t, ['number', 'place', 'date', 'signature', 'body']), {
    number: '4471',
    place: 'Saigon',
    date: '1954-03-03',
    signature: 'Dupont',
    body: 'The situation in the north is unchanged. Reinforcements arrive tomorrow.',
  });
});

test('generic: a number or date inside a sentence is flagged, two different labelled numbers too', () => {
  // Read with the generic profile (with every profile, so little of a telegram is no telegram: `other`).
  const lines = [
    'AMERICAN LEGATION',
    'My despatch on the above subject (No. 557) dated',
    'October 6, 1938, gave the history and background of the',
    'question in this country up to that date.',
  ];
  assert.notEqual(read(lines, 80)[0]!.kind, 'telegram');
  const [t] = segmentDocument([pageFromText(wrapText(lines.join('\n'), 80))], { profiles, forcedProfile: 'generic' });
  assert.equal(t.profile, 'generic');
  assert.equal(t.fields.number.value, '557');
  assert.ok(t.fields.number.notes.includes('in_sentence'));
  assert.ok(t.fields.date.notes.includes('in_sentence'));
  assert.equal(t.fields.place.found, false, 'a short line that is no known place is not taken for one');
  const [u] = read(['No. 12', 'Message No. 4471', 'Saigon, 3 March 1954', 'The situation is unchanged.']);
  assert.equal(u.fields.number.value, '12');
  assert.ok(u.fields.number.notes.includes('multiple_candidates'));
});

test('real FRUS telegrams: header fields match the FRUS markup', { skip: noCorpus }, () => {
  const dir = new URL('frus/', CORPUS);
  const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as {
    file: string;
    place: string;
    date_when: string;
    telegram_number: string;
    signed: string;
    head: string;
  }[];
  for (const entry of index) {
    const text = readFileSync(new URL(entry.file.replace('.xml', '.txt'), dir), 'utf8');
    const [t, ...rest] = read(text.split('\n'));
    assert.equal(rest.length, 0, entry.file);
    assert.equal(t.profile, 'us-state', entry.file);
    assert.equal(t.fields.place.value, entry.place, entry.file);
    assert.equal(t.fields.date.value, entry.date_when.slice(0, 10), entry.file);
    if (entry.date_when.length > 10) assert.equal(t.fields.time.value, entry.date_when.slice(11, 16), entry.file);
    else assert.equal(t.fields.time.found, false, entry.file);
    assert.equal(t.fields.number.value, entry.telegram_number, entry.file);
    assert.equal(t.fields.signature.value, entry.signed, entry.file);
    assert.equal(`${t.fields.from.value} to ${t.fields.to.value}`, entry.head, entry.file);
  }
});

test('real DFAT cablegrams: dfat-cable profile, date of the front matter', { skip: noCorpus }, () => {
  const dir = new URL('dfat-documents-web/', CORPUS);
  const files = readdirSync(dir).filter((f) => f.startsWith('volume'));
  assert.ok(files.length >= 8);
  for (const f of files) {
    const raw = readFileSync(new URL(f, dir), 'utf8');
    const date = /doc_date: '([\d-]+)'/.exec(raw)![1];
    const [t] = read(dfatPlainText(raw).split('\n'));
    assert.equal(t.profile, 'dfat-cable', f);
    assert.equal(t.fields.date.value, date, f);
    assert.match(String(t.fields.number.value), /^\d+$/, f);
    assert.ok(t.fields.place.found, f);
  }
});

test('real Soviet coded telegrams (JFK collection): header fields', { skip: noCorpus }, () => {
  const dir = new URL('jfk-russia-2025-translated/', CORPUS);
  const expected: Record<string, Record<string, unknown>> = {
    'doc012_lines1407-1448.txt': {
      number: '1967',
      date: '1963-11-22',
      place: 'Washington',
      from: 'USSR Ambassador to USA A.F. Dobrynin',
      to: 'USSR Ministry of Foreign Affairs',
      signature: 'A. DOBRYNIN',
      copies: 12,
      precedence: 'URGENT',
    },
    'doc021_lines1776-1790.txt': {
      number: '1977',
      date: '1963-11-23',
      place: 'Washington',
      from: 'USSR Ambassador to USA A.F. Dobrynin',
      to: 'USSR MFA',
      signature: 'A. Dobrynin',
      copies: 12,
      precedence: 'URGENT',
    },
    'doc023_lines1816-1847.txt': {
      number: '1023',
      date: '1963-11-23',
      place: 'Washington',
      from: 'KGB resident in Washington',
      to: 'KGB at the USSR Council of Ministers',
      copies: 1,
    },
    'doc037_lines2564-2599.txt': {
      number: '2005',
      date: '1963-11-26',
      place: 'Washington',
      to: 'USSR MFA',
      signature: 'A. Dobrynin',
      classification: 'TOP SECRET',
    },
    'doc045_lines3094-3112.txt': {
      number: '2034',
      date: '1963-11-27',
      from: 'First Deputy Chairman of the USSR Council of Ministers A.I. Mikoyan',
      to: 'the CC CPSU',
      signature: 'A.MIKOYAN',
    },
  };
  for (const [file, want] of Object.entries(expected)) {
    const [t] = read(readFileSync(new URL(file, dir), 'utf8').split('\n'), 90);
    assert.equal(t.profile, 'soviet-coded', file);
    assert.deepEqual(values(t, Object.keys(want)), want, file);
  }
});
