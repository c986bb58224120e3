// Where a despatch's or a letter's text starts and ends, read as the OCR returns it: lines of the
// header zone (a distribution box, a received stamp printed sideways) come after `Sir:` in the
// OCR's order, a note beside the subject looks like a trailer, `No.` is lost before the number, and
// the salutation itself can be misread. The lines below are what the OCR returned on generated
// despatches and letters (seed bench-kinds-2026); the page geometry is what decides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTelegram } from '../../src/confidence/index.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import type { PageResult } from '../../src/types.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const { thresholds, period } = loadConfig({ env: {} });

function read(page: PageResult): SegmentedTelegram {
  const docs = segmentDocument([page], { profiles });
  assert.equal(docs.length, 1, 'one document');
  return docs[0]!;
}

const value = (t: SegmentedTelegram, name: string) => (t.fields[name]?.found ? t.fields[name]!.value : undefined);

/** Moves line `row` (an index among the page's lines) to `top`, its letters `height` tall. */
function place(page: PageResult, row: number, top: number, height: number): void {
  const line = page.lines[row]!;
  for (const w of line.words) w.bbox = [w.bbox[0], top, w.bbox[2], top + height];
  line.bbox = [line.bbox[0], top, line.bbox[2], top + height];
}

const DESPATCH = [
  'LEGATION OF THE',
  'UNITED STATES OF AMERICA',
  'No. 289. Belgrade, December 31, 1941.',
  'SUBJECT: The Situation of Jews in Yugoslavia.',
  'The Honorable',
  'The Secretary of State,',
  'Washington.',
  'Sir:',
  'DIVISION OF CONTROLS',
  'The Minister of the Interior is reported to have said',
  'that the law would be applied without exception.',
  'RECEIVED DEPARTMENT OF STATE',
  'The local press has given wide publicity to the statement.',
  'Respectfully yours,',
  'George C. Lockyer,',
  "Chargé d'Affaires ad interim.",
];

test("a distribution box of the header zone, read after `Sir:`, and a sideways stamp's lettering are not the despatch's text", () => {
  const page = pageFromText(DESPATCH);
  const sir = page.lines.findIndex((l) => l.text === 'Sir:');
  const sirTop = page.lines[sir]!.bbox[1];
  // The box stands beside the recipient block, above `Sir:`; the OCR reads it after it.
  place(page, sir + 1, sirTop - 200, 40);
  // A received stamp printed sideways in the margin: each of its words a tall narrow box.
  const stamp = page.lines.findIndex((l) => l.text.startsWith('RECEIVED'));
  place(page, stamp, page.lines[stamp]!.bbox[1], 300);
  const t = read(page);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(
    value(t, 'body'),
    'The Minister of the Interior is reported to have said that the law would be applied without exception. The local press has given wide publicity to the statement.',
  );
  assert.equal(scoreTelegram(t, { thresholds, period }).fields.body!.status, 'accepted');
});

test("the same lines with the box below `Sir:` and typed in the text's letters stay in the text: geometry decides, not the words", () => {
  const t = read(pageFromText(DESPATCH));
  assert.match(String(value(t, 'body')), /^DIVISION OF CONTROLS The Minister/);
  assert.match(String(value(t, 'body')), /exception\. RECEIVED DEPARTMENT OF STATE The local press/);
});

test('a note beside the subject (`Copies to Legal`) is no trailer: the recipient, the text and the signer after it are read', () => {
  const t = read(
    pageFromText([
      'LEGATION OF THE',
      'UNITED STATES OF AMERICA',
      '0, 1604. Cairo, April 18, 1945.',
      'Subject: Egyptian Anti-Semitic Legislation.',
      'Copies to Legal',
      'The Honorable',
      'The Secretary of State,',
      'Washington.',
      'Sir:',
      'The local press has given wide publicity to the statement.',
      'Respectfully yours,',
      'Clarence H. Pemberton.',
      "Chargé d'Affaires ad interim.",
      'Copies to Warsaw, Paris, Rome, Bern.',
    ]),
  );
  assert.equal(t.profile, 'us-despatch', 'not the generic despatch, which would read fewer fields');
  assert.equal(value(t, 'to'), 'The Secretary of State');
  assert.equal(value(t, 'body'), 'The local press has given wide publicity to the statement.');
  assert.equal(value(t, 'signature'), 'Clarence H. Pemberton');
  // `0, ` is what is left of `No.`: the number is 1604; the known place and the date read on its line vouch for the
  // misread label (session 15), so only the digits' own confidence decides.
  assert.equal(value(t, 'number'), '1604');
  assert.ok(!scoreTelegram(t, { thresholds, period }).fields.number!.reasons.includes('ocr_corrected'));
});

test('a despatch number whose `No.` was not read opens the place-and-date line: `2097 London,` and `o. 517 Hamburg,`', () => {
  const header = (line: string) =>
    read(
      pageFromText([
        'EMBASSY OF THE UNITED STATES OF AMERICA',
        line,
        'SUBJECT: Political Situation in England.',
        'The Honorable',
        'The Secretary of State,',
        'Washington.',
        'Sir:',
        'The British Minister informed me that he had received no instructions.',
        'Respectfully yours,',
        'Walter Y. Pemberton',
      ]),
    );
  const bare = header('2097 London, December 28, 1938.');
  assert.equal(value(bare, 'number'), '2097');
  assert.equal(value(bare, 'place'), 'London');
  assert.equal(value(bare, 'date'), '1938-12-28');
  const lost = header('o. 517 Hamburg, Germany, November 29, 1938.');
  assert.equal(value(lost, 'number'), '517');
  // A trace of `No.` without its N, its stop kept, on the line of a known place and a date: the line vouches for the label (session 15).
  assert.ok(!lost.fields.number!.notes.includes('ocr_corrected'), 'the place and date read on its line vouch for the misread `No.`');
  assert.equal(value(lost, 'place'), 'Hamburg');
  // A seal's ring touching the `N` (generated despatch, fitting seed): read as a letter O.
  const ring = header('Oo. 2001. London, February 11, 1947.');
  assert.equal(value(ring, 'number'), '2001');
  assert.ok(!ring.fields.number!.notes.includes('ocr_corrected'));
  assert.equal(value(ring, 'date'), '1947-02-11');
  // The same trace before a number whose line has no date: nothing vouches for the label.
  const alone = header('o. 517 Hamburg, Germany.');
  assert.equal(value(alone, 'number'), '517');
  assert.ok(alone.fields.number!.notes.includes('ocr_corrected'));
});

test('a despatch whose salutation was not read: where its text starts is a guess, so the body waits for a person', () => {
  const t = read(
    pageFromText([
      'AMERICAN CONSULATE GENERAL',
      'No. 1950. Zurich, Switzerland, October 14, 1939.',
      'Subject: Restrictions on the Practice of the Professions.',
      'The Honorable',
      'The Secretary of State,',
      'Washington, D. C.',
      '45% Sire',
      'I was careful to point out that the Legation could not intervene.',
      'Respectfully yours,',
      'Walter Lee Ashcroft',
    ]),
  );
  assert.equal(t.profile, 'us-despatch');
  assert.ok(t.fields.body!.notes.includes('body_start_uncertain'));
  const body = scoreTelegram(t, { thresholds, period }).fields.body!;
  assert.equal(body.status, 'needs_review');
  assert.ok(body.reasons.includes('body_start_uncertain'));
  // `Sip:` is `Sir:` with one letter misread: the text starts under it.
  const misread = read(
    pageFromText([
      'AMERICAN CONSULATE GENERAL',
      'No. 1950. Zurich, Switzerland, October 14, 1939.',
      'The Honorable',
      'The Secretary of State,',
      'Washington.',
      'Sip:',
      'I was careful to point out that the Legation could not intervene.',
      'Respectfully yours,',
      'Walter Lee Ashcroft',
    ]),
  );
  assert.equal(value(misread, 'body'), 'I was careful to point out that the Legation could not intervene.');
  assert.ok(!misread.fields.body!.notes.includes('body_start_uncertain'));
});

test('a letter closed `Yours-sincerely,` is a letter with its signer; `Eye-Witness Report` and `Information Bulletin` are report titles', () => {
  const letter = read(
    pageFromText([
      'THE COUNCIL FOR OVERSEAS SETTLEMENT',
      '90, Bedford Row, Paris, (16e)',
      'April 141 1948.',
      'Professor M. F. Whitlock,',
      'Victoria Buildings,',
      'STOCKHOLM.',
      'Dear Professor Whitlock,',
      'May I ask you to treat this matter as urgent, since the people concerned',
      'have been given only 6 days to leave.',
      'Yours-sincerely,',
      'E. Batbayar',
    ]),
  );
  assert.equal(letter.kind, 'letter');
  assert.equal(value(letter, 'signature'), 'E. Batbayar');
  for (const title of ['Eye-Witness Report', 'Information Bulletin']) {
    const report = read(
      pageFromText([
        'RESEARCH DEPARTMENT February, 1948',
        'Joint Board of Assistance,',
        title,
        'No. 7',
        'RIGA',
        'Erich G. Whitcombe',
        'This is the seventh of a series of personal reports received.',
      ]),
    );
    assert.equal(report.kind, 'report', title);
  }
});

test("a received stamp set sideways is no header field: its date is not the despatch's, its words not the post's heading", () => {
  const page = pageFromText([
    'RECEIVED',
    'DEPARTMENT OF STATE',
    'AMERICAN CONSULATE GENERAL',
    'Athens, April 26, 19 nie 8 y',
    'Subject: Elimination of Jewish Elements in the Greek Press.',
    '1938 MAY 10 PM 6 41',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    'The Government appears to be anxious to avoid any incident.',
    'Respectfully yours,',
    'Leland',
    'American Consul',
  ]);
  // The stamp's lines stand in the margin, each a narrow column of letters.
  for (const text of ['RECEIVED', 'DEPARTMENT OF STATE', '1938 MAY 10 PM 6 41']) {
    const line = page.lines.find((l) => l.text === text)!;
    line.words.forEach((w, k) => {
      w.bbox = [300, 800 + k * 160, 340, 950 + k * 160];
    });
  }
  const t = read(page);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'from'), 'AMERICAN CONSULATE GENERAL');
  assert.equal(value(t, 'date'), undefined, "the place-date line's date was not read; the stamp's is not taken instead");
  assert.equal(value(t, 'to'), 'The Secretary of State');
  // A one-word signer is read but not whole; the title under it is no signer.
  assert.equal(value(t, 'signature'), 'Leland');
  const scored = scoreTelegram(t, { thresholds, period });
  assert.equal(scored.fields.signature!.status, 'needs_review');
  assert.ok(scored.fields.signature!.reasons.includes('incomplete_value'));
});

test('`The Honorable` read twice is no recipient, and `American Consul` under the closing is no signer', () => {
  const t = read(
    pageFromText([
      'AMERICAN CONSULATE GENERAL',
      'No. 994. Marseille, November 12, 1942.',
      'Subject: Restrictions on the Practice of the Professions.',
      'Tho Honorable',
      'The Honorable',
      'The Secretary of State,',
      'Washington.',
      'Sir:',
      'The Government appears to be anxious to avoid any incident.',
      'Respectfully yours,',
      'American Consul',
    ]),
  );
  assert.equal(value(t, 'to'), 'The Secretary of State');
  assert.equal(value(t, 'signature'), undefined);
});

test('a classification word the OCR split (`CONF IDENTIAL`, `CONFIDENT IAL` on generated despatches) is read, and reviewed', () => {
  for (const line of ['CONF IDENTIAL', 'CONFIDENT IAL']) {
    const t = read(
      pageFromText([
        'LEGATION OF THE',
        'UNITED STATES OF AMERICA',
        'Bern, November 28, 1947.',
        'No. 2485.',
        'Subject: The Situation of Jews in Switzerland.',
        line,
        'The Honorable',
        'The Secretary of State,',
        'Washington.',
        'Sir:',
        'The Federal Council has issued a decree.',
        'Respectfully yours,',
        'Frederick Lee Keough',
      ]),
    );
    assert.equal(value(t, 'classification'), 'CONFIDENTIAL', line);
    assert.notEqual(scoreTelegram(t, { thresholds, period }).fields.classification!.status, 'accepted', line);
  }
  // Two marking words are not one: `TOP SECRET` stays as printed.
  const telegram = read(
    pageFromText(['CODED TELEGRAM', 'From: Delhi', 'To: CC CPSU', 'Spec. No. 1404   May 3, 1962', 'TOP SECRET', 'The delegation arrived.', 'T. LOBANOV']),
  );
  assert.equal(value(telegram, 'classification'), 'TOP SECRET');
});
