// Session 11 of issue 16: what a despatch, a letter or a report reads through, and what is held.
// The lines are the OCR of generated pages (fitting seeds fit-kinds3-a/-b, native Tesseract, best_int):
// the corpus has no crop with these damages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { garbledCapitals } from '../../src/confidence/validators.ts';
import { DESPATCH_BODY as BODY, fieldValue as value, readDocument as read, scoredFields as scored } from '../fixtures/segment-documents.ts';

test("a stamp's capitals read as a letter's addressee are no words: held (`DEPARTMENTO S TE NICA ON File Cr`)", () => {
  assert.deepEqual(garbledCapitals('DEPARTMENTO S TE NICA ON File Cr'), ['misread_word']);
  for (const ok of ['THE COUNCIL FOR REFUGEE RELIEF', 'M. WEISSMANN', 'The Joint Board of Assistance', 'LONDON, S.W. 1', 'Dr. A. Hartmann']) {
    assert.deepEqual(garbledCapitals(ok), [], ok);
  }
  const t = read([
    'Relief Office for Displaced Families',
    'Amsterdam, 12th March, 1947.',
    'DEPARTMENTO S TE NICA ON File Cr',
    'The Emigration Advisory Bureau,',
    'Dear Sirs,',
    'We have received your letter and thank you for the help already given to the families.',
    'Yours faithfully,',
    'J. B. Pemberton',
  ]);
  assert.equal(t.kind, 'letter');
  const to = scored(t).to!;
  assert.equal(to.status, 'needs_review');
  assert.ok(to.reasons.includes('misread_word'), to.reasons.join());
});

test("a despatch number after `ho` and before a speck's colon (`ho 147 : Cairo, March 9, 1945.`) is read, and reviewed", () => {
  const t = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'ho 147 : Cairo, March 9, 1945.',
    'Subject: Political Situation in Egypt.',
    'The Honorable',
    'The Secretary of State,',
    'Washington, D. C.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'number'), '147');
  assert.equal(value(t, 'place'), 'Cairo');
  assert.equal(scored(t).number!.status, 'needs_review');
});

test('`No, 1172.` on its own line is the number', () => {
  const t = read([
    'EMBASSY OF THE UNITED STATES OF AMERICA',
    'Rome, September 19, 1943.',
    'No, 1172.',
    'Subject: The Situation of Jews in Italy.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(t, 'number'), '1172');
});

test("the recipient block under a stamp: `Thc' Secretary of State,` and a label read inside dust (`ev aiie Honorable`) give the office, reviewed", () => {
  const misread = read([
    'EMBASSY OF THE UNITED STATES OF AMERICA',
    'Warsaw, February 8, 1946.',
    'No. 1080.',
    'Subject: Polish Jew Bill.',
    'The H@nofable',
    "Thc' Secretary of State,",
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(misread, 'to'), 'The Secretary of State');
  // Label, office and `Washington.` read in order: the block is whole, the repair shown, not held.
  assert.deepEqual(scored(misread).to!.reasons, ['vocabulary_repaired']);
  assert.equal(scored(misread).to!.status, 'accepted');
  const dusty = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'No. 693. Belgrade, May 16, 1944.',
    'Subject: The Situation of Jews in Yugoslavia.',
    'CONFIDENTIAL',
    'ev aiie Honorable',
    'AN The Secretary of State,',
    '11> Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(dusty, 'to'), 'The Secretary of State');
  assert.equal(scored(dusty).to!.status, 'needs_review');
});

test('a subject label behind a speck (`Z PBubject: Polish Jew Bill.`) is found, and reviewed', () => {
  const t = read([
    'EMBASSY OF THE UNITED STATES OF AMERICA',
    'Warsaw, February 8, 1946.',
    'No. 1080.',
    'Z PBubject: Polish Jew Bill.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(t, 'subject'), 'Polish Jew Bill.');
  assert.equal(scored(t).subject!.status, 'needs_review');
});

test('`THE FOREIGN SERVICE` without the rest of its heading is not accepted as the post', () => {
  const t = read([
    // The rest of the heading (`OF THE / UNITED STATES OF AMERICA`) lost under the stamp.
    'THE FOREIGN SERVICE',
    'No. 2224. Bern, June 16, 1946.',
    'Subject: Swiss Anti-Semitic Legislation.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(t.profile, 'us-despatch');
  assert.notEqual(scored(t).from?.status, 'accepted');
});

test('`Sir` read without its colon opens the text', () => {
  const t = read([
    'EMBASSY OF THE UNITED STATES OF AMERICA',
    'Warsaw, February 8, 1946.',
    'No. 1080.',
    'Subject: Polish Jew Bill.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir',
    ...BODY,
  ]);
  assert.match(String(value(t, 'body')), /^The Minister of the Interior/);
  assert.ok(!t.fields.body!.notes.includes('body_start_uncertain'));
});

test('a title read half letter-spaced (`Field R e port`) makes a report', () => {
  const t = read([
    'RESEARCH DEPARTMENT a : September, 1946',
    'Joint Board of Assistance, ve ; ae',
    '47, Keizersgracht, Amsterdam',
    'Field R e port',
    'Documents of Persecution',
    'No. ©',
    'BERGEN-BELSEN',
    'Kurt P. Petrovic',
    'This is the ninth of a series of personal reports received from eye-witnesses of the persecution.',
    'A small hospital was set up in one of the barracks with the help of doctors from Havana.',
  ]);
  assert.equal(t.kind, 'report');
});

test('a despatch whose place-and-date line and recipient a stamp took is still a despatch: the letter reading shows only the `Sir:` both share', () => {
  const t = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'Mo 7 e January 25, 1939.',
    'Subject: The Situation of Jews in Rumania.',
    'CONFIDENTIAL',
    'ev aiie',
    'Secretary of State,',
    'Washington.',
    'Sir:',
    'My despatch on the above subject gave the history and background of the Jewish question in Rumania.',
    'The situation was then summed up as follows.',
    ...BODY.slice(2),
  ]);
  assert.equal(t.kind, 'despatch');
  assert.equal(t.profile, 'us-despatch');
  assert.equal(t.ambiguity, undefined);
});

test('a letter with its own closing is not taken for a despatch because it says `Sir:`', () => {
  const t = read([
    'THE COUNCIL FOR REFUGEE RELIEF',
    'London, 9th May, 1938.',
    'The Emigration Advisory Bureau,',
    'Sir:',
    'We have received your letter and thank you for the help already given to the families.',
    'Yours faithfully,',
    'J. B. Pemberton',
  ]);
  assert.equal(t.kind, 'letter');
});

test("a post heading read letter for letter as a known US post's is the list's word, whatever the OCR's doubt; one misread is reviewed", () => {
  const header = (second: string) => [
    'LEGATION OF THE',
    second,
    'No. 901. Cairo, August 17, 1939.',
    'Subject: Registration of Aliens in Egypt.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ];
  const weakHeading = (_word: string, line: number) => (line <= 1 ? 80 : 95);
  const exact = read(header('UNITED STATES OF AMERICA'), { confidence: weakHeading });
  assert.equal(value(exact, 'from'), 'LEGATION OF THE UNITED STATES OF AMERICA');
  assert.equal(scored(exact).from!.status, 'accepted');
  const misread = read(header('UNITED STATES OF AMERIGA'), { confidence: weakHeading });
  assert.equal(value(misread, 'from'), 'LEGATION OF THE UNITED STATES OF AMERICA');
  assert.equal(scored(misread).from!.status, 'needs_review');
});

test("a despatch's text under a `Sir:` that was read is placed by the layout: a missing number does not make it a guess", () => {
  const t = read([
    'AMERICAN CONSULATE GENERAL',
    'Naples, Se te Srorzeamah 8 rar',
    'Subject: Italian Jew Bill.',
    'The Honorable',
    'The Secretary of State,',
    'Washington, D. C.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(t.profile, 'us-despatch');
  const fields = scored(t);
  assert.equal(fields.number!.status, 'missing');
  assert.ok(!fields.body!.reasons.includes('incomplete_telegram'), fields.body!.reasons.join());
  // Without the salutation the start is still a guess.
  const guessed = scored(
    read([
      'AMERICAN CONSULATE GENERAL',
      'Naples, Se te Srorzeamah 8 rar',
      'Subject: Italian Jew Bill.',
      'The Honorable',
      'The Secretary of State,',
      'Washington, D. C.',
      ...BODY,
    ]),
  );
  assert.notEqual(guessed.body!.status, 'accepted');
});

test('a place-and-date line the place-date parser cannot read (`No. 2186. ‘Belgrade, December 23, 1940.`) still gives its city and its date; a received stamp under it does not', () => {
  const t = read([
    'LEGATION OF THE',
    'ol UNITED STATES OF AMERICA',
    'No. 2186. ‘Belgrade, December 23, 1940.',
    'RESTRICTED',
    'Subject: Attitude of the Yugoslav Government toward the Refugee Question.',
    'RECEIVED 1941 JAN 2 AM 8 11',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'place'), 'Belgrade');
  assert.equal(value(t, 'date'), '1940-12-23');
  const stampOnly = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'No. 2186. Se te Srorzeamah 8 rar',
    'Subject: The Refugee Question.',
    '1941 JAN 2 AM 8 11',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    ...BODY,
  ]);
  assert.equal(value(stampOnly, 'date'), undefined);
});

test('a title with a speck read as a quote mark before its last word (`Eye-Witness "Report`) makes a report', () => {
  const t = read([
    'RESEARCH DEPARTMENT July, 1945',
    'Joint Board qf Assistance,',
    '47, Keizersgracht, Amsterdam',
    'Eye-Witness "Report',
    'Reports from the Camps',
    'wy No. 5',
    'oy',
    'Leo E. Moreau',
    'This is the fifth of a series of personal reports received from eye-witnesses of the persecution.',
    'Every attempt to obtain news of relatives through the party committee was without result.',
  ]);
  assert.equal(t.kind, 'report');
});
