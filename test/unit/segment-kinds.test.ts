// Documents that are not telegrams, read as what they are: the OCR of real corpus
// pages (../shared/corpus, full scans read by `cablescan run`; the lines below are
// what the OCR returned, specks and stamps included) segmented with the shipped
// profiles. A despatch gets its header fields; a letter only what a letter
// justifies; a report and a journal no field at all; never a telegram field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTelegram } from '../../src/confidence/index.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const { thresholds, period } = loadConfig({ env: {} });
const TELEGRAM_FIELDS = ['docType', 'copies', 'addressee', 'dispatch', 'outgoingNumber', 'archiveRef', 'fileReference', 'precedence', 'time'];

function read(lines: string[], confidence?: (word: string, line: number) => number): SegmentedTelegram {
  const docs = segmentDocument([pageFromText(lines, { confidence })], { profiles });
  assert.equal(docs.length, 1, 'one document');
  return docs[0]!;
}

const value = (t: SegmentedTelegram, name: string) => (t.fields[name]?.found ? t.fields[name]!.value : undefined);

// EHRI-DR-19390125-US_01: the header, the stamps' scraps the OCR read, the recipient block, `Sir:`.
const DESPATCH_720 = [
  '.LEGATION OF THE',
  'UNITED STATES OF AMERICA il',
  'No. 720. Bucharest, January 25, 1939. LA?',
  'Subject: The Situation of Jews in Rumania.',
  '~',
  'CONFIDENTIAL',
  '[+1]',
  'Bi - ; he',
  'He ly [9)]',
  'The Honorable __ —',
  'fos (2 SECRETARY en.',
  'The Secretary of State, FS',
  'Washington.',
  'Sir: )',
  'My despatch on the above subject (No. 557) dated :%',
  'October 6, 1938, gave the history and background of the.',
  'Jewish question in Rumania and related the various',
  'measures and conditions affecting the lot of the Jews',
  'in this country up to that date. The situation was then',
  'summed up as follows:',
  'Respectfully yours,',
  'p Franklin Mott Gunther.',
  'FPH/CKH: B}S',
  'Copies to London, Berlin, Jerusalem. Versaw.',
];

test('us-despatch (EHRI-DR-19390125-US): post heading, number, place and date, classification, subject, recipient, signer', () => {
  const t = read(DESPATCH_720);
  assert.equal(t.kind, 'despatch');
  assert.equal(t.profile, 'us-despatch');
  assert.deepEqual(Object.fromEntries(['from', 'number', 'place', 'date', 'classification', 'subject', 'to', 'signature'].map((n) => [n, value(t, n)])), {
    from: 'LEGATION OF THE UNITED STATES OF AMERICA',
    number: '720',
    place: 'Bucharest',
    date: '1939-01-25',
    classification: 'CONFIDENTIAL',
    subject: 'The Situation of Jews in Rumania.',
    to: 'The Secretary of State',
    signature: 'Franklin Mott Gunther',
  });
  // A stamp's words between the honorific and the office, a speck before the signer: read, and checked.
  assert.ok(t.fields.to!.notes.includes('ocr_corrected'));
  assert.ok(t.fields.signature!.notes.includes('ocr_corrected'));
  // The body is the text between `Sir:` and the closing, without the recipient block or the file initials.
  assert.match(String(value(t, 'body')), /^My despatch on the above subject/);
  assert.doesNotMatch(String(value(t, 'body')), /Washington|Respectfully|FPH|Copies to/);
  for (const name of TELEGRAM_FIELDS) assert.equal(t.fields[name], undefined, `no ${name} on a despatch`);
});

test("us-despatch (EHRI-DR-19400712-US): a subject over two lines with a stamp's capitals read after it; Istanbul, Turkey gives Istanbul", () => {
  const t = read([
    'TTT "LEGATION OF THE |',
    'UNITED STATES OF AMERICA |',
    'Bucharest, July 12, 1940.',
    'No. 1496,',
    'Subject: Elimination of Jewish Elements in the',
    'Rumanian Press.',
    'DIVISION OF',
    '© AUG 151940',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    'I have the honor to report that the Government has issued a decree.',
  ]);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'subject'), 'Elimination of Jewish Elements in the Rumanian Press.');
  // The subject's last line ends with its full stop: the stamp's capitals under it are not joined.
  assert.deepEqual(t.fields.subject!.notes, []);
  assert.equal(value(t, 'from'), 'LEGATION OF THE UNITED STATES OF AMERICA');
  assert.equal(value(t, 'number'), '1496');
  assert.equal(value(t, 'date'), '1940-07-12');
  const istanbul = read([
    'AMERICAN CONSULATE GENERAL',
    'No. 88.',
    'Istanbul, Turkey, November 16, 1942.',
    'Subject: Transit visas.',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    'I have the honor to report.',
  ]);
  assert.equal(value(istanbul, 'place'), 'Istanbul');
  assert.equal(value(istanbul, 'from'), 'AMERICAN CONSULATE GENERAL');
});

test('despatch of another post (EHRI-DR-19410127-DK, Danish): read as a despatch with its date and place', () => {
  const t = read([
    'B/P.',
    '93/5.E.22.',
    "'Besvarelser)",
    'Bukarest, den 27. Januar 1941. MED',
    'G e ag Bukarest No. Il.',
    '> RDL Oprøret i Rumænien. k',
    'Ges. No. I af 17.1.1941.',
    'Hr. Udenrigsminister,',
    'Gennem den ungarske Radios Udsendelser',
    'blev det her bekendt, at Statsføreren, General Antonescu midt i',
    'Januar havde været paa et Dags Besøg hos Rigskansler Hitler.',
    'Nabostater.',
    'Hr, Udenrigsminister Erik Scavenius,',
    'København.',
  ]);
  assert.equal(t.kind, 'despatch');
  assert.equal(value(t, 'date'), '1941-01-27');
  assert.equal(value(t, 'place'), 'Bukarest');
  assert.deepEqual(t.fields.date!.notes, [], 'the ordinal dot of a Danish date is no speck');
  for (const name of [...TELEGRAM_FIELDS, 'number', 'signature']) assert.equal(t.fields[name], undefined);
});

// EHRI-BF-19380509b_EN_01 (its top) and _04 (its foot), as one document.
const LETTER = [
  'c/o 35, Lordship Park,',
  'LONDON, NX. 16.',
  '9th May, 1938/5698.',
  'TO = ,',
  'The Council fer German Jewry,',
  'Woburn House,',
  'We. C. 1.',
  'Dear Sirs,',
  'I am here in England as the authorised representative',
  'of the Board of Deputies of the Jews of Burgenland and the Orthodox',
  'Rabbis of Austria. I have been here for 10 days already, but',
  'terrible and unbearable that a solution must be found in the',
  'shortest possible time.',
  'Yours sincerely,',
  'Phckat War raat',
  'WICHAL WEISSEANDL Rabbi,',
  'Nitra, C.S.R,,',
];
/** The OCR's confidences on that page: the signer's line, typed over by a pen signature, was read at ~60. */
const letterConfidence = (_word: string, line: number) => (line >= 14 ? 60 : 93);

test('letter (EHRI-BF-19380509b_EN): date, place, recipient and signer only; a misread word and a weakly read signer are not accepted', () => {
  const t = read(LETTER, letterConfidence);
  assert.equal(t.kind, 'letter');
  assert.deepEqual(Object.keys(t.fields).sort(), ['date', 'place', 'signature', 'to']);
  assert.equal(value(t, 'date'), '1938-05-09');
  assert.equal(value(t, 'place'), 'London');
  assert.equal(value(t, 'to'), 'The Council fer German Jewry');
  assert.equal(value(t, 'signature'), 'WICHAL WEISSEANDL', 'the title after the name is not part of it; the place line after it is not the signer');
  const scored = scoreTelegram(t, { thresholds, period });
  assert.equal(scored.fields.date!.status, 'accepted');
  assert.ok(scored.fields.to!.reasons.includes('misread_word'), '`fer` for `for`');
  assert.notEqual(scored.fields.to!.status, 'accepted');
  assert.notEqual(scored.fields.signature!.status, 'accepted');
});

test('a report is read as a report, a journal page as other: no field, telegram or otherwise', () => {
  const report = read([
    'JEWISH CENTRAL INFORMATION OFFICE',
    '19 Manchester Square, July, 1945',
    'London, W. 1',
    'J e w i s h S u r v i v o r s R e p o r t',
    'Documents of Nazi Guilt',
    'No. 3',
    'T H E R E S I E N S T A D T',
    'b y',
    'Max E. Mannheimer',
    'This is the third of a series of personal reports received by the',
  ]);
  assert.equal(report.kind, 'report');
  assert.deepEqual(report.fields, {});
  const journal = read([
    'Lundi 3 août 1914.',
    'Journée calme au ministère. Les nouvelles de la frontière sont rares et',
    'contradictoires; on attend les ordres du gouvernement pour la mobilisation',
    'des réservistes de la classe 1912, qui doivent rejoindre leurs dépôts.',
  ]);
  assert.notEqual(journal.kind, 'telegram');
  for (const [name, field] of Object.entries(journal.fields))
    assert.ok(!TELEGRAM_FIELDS.includes(name) && name !== 'number', `${name}: ${String(field.value)}`);
  const scored = scoreTelegram(journal, { thresholds, period });
  assert.deepEqual(
    Object.entries(scored.fields).filter(([, f]) => f.status === 'accepted'),
    [],
  );
});

// Generated despatches (seed bench-box-2026) as the OCR read them: the received stamp's scraps
// between the subject and the recipient block, and a word of the header lost.
test('us-despatch whose "No." the OCR lost: read as the US despatch (not the generic one), its number taken from the start of the place-date line', () => {
  const t = read([
    'AMERICAN CONSULATE GENERAL',
    '1946. Marseille, France, November 15, 1945.',
    'Subject: Economic Conditions in France during the',
    'Past Quarter.',
    'z ev',
    'FEE NDER SECRETARY OF STAT',
    'Qgo8e JAN 21946',
    'The Honorable',
    'The Secretary of State,',
    'Washington.',
    'Sir:',
    'The representatives of the Politburo called at the Legation on Friday to ask whether any',
    'assistance could be expected. It seems probable that further measures will follow.',
    'Respectfully yours,',
    'Ralph J. Burnell',
    'American Consul General',
  ]);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'number'), '1946');
  assert.equal(value(t, 'place'), 'Marseille');
  assert.equal(value(t, 'to'), 'The Secretary of State');
  assert.match(String(value(t, 'subject')), /^Economic Conditions in France during the/);
});

test("a heavy despatch with only a salutation in common with a letter is read as a despatch, with no doubt about its kind (session 11: the letter shows no cue of its own); a received stamp is never a letter's addressee", () => {
  const lines = [
    'LEGATION OF THE',
    'a : + UNITED STATES OF AMERICA',
    'fo ls 11 Bc 5 39 ; Tehran, February 17, 1946.',
    'Subject: Iranian Anti-Semitic Legislation.',
    'AND RECORDS,',
    '1946 MAR 30 PM 8 41',
    'VISION OF COMMUNICATIONS',
    'RECEIVED',
    'DEPARTMENT OF STATE',
    'rhe Hondrable.',
    '‘The Secretary of State,',
    'Washington.',
    '‘Sir:',
    '1. In the opinion .of well. informed observers’ the present policy is dictated by',
    'considerations of internal politics. The Department will recall that a similar proposal',
    'was put forward by the Government of Pakistan last year.',
    'I have .the’ honor to be, Sir,',
  ];
  const t = read(lines);
  assert.equal(t.kind, 'despatch');
  assert.equal(t.ambiguity, undefined);
  const scored = scoreTelegram(t, { thresholds, period });
  assert.ok(!scored.fields.subject?.reasons.includes('ambiguous_profile'));
  const asLetter = segmentDocument([pageFromText(lines)], { profiles: profiles.filter((p) => p.name === 'letter' || p.kind === 'other') })[0]!;
  assert.doesNotMatch(String(value(asLetter, 'to') ?? ''), /RECEIVED|RECORDS/);
});

test('a signature scribble read above the typed name: the typed line is the signer', () => {
  const t = read([
    'THE COUNCIL FOR REFUGEE RELIEF',
    'New York, 18th November, 1938.',
    'Professor Yu. F. Marchbanks,',
    'Relief Office for Displaced Families,',
    'Dear Sir,',
    'We have received your letter and thank you for the help already given to the families.',
    'It would be of the greatest help if you could let us know whether a grant could be made.',
    'Yours very truly,',
    '(. A. RANSOME',
    'L. A. RANSOME',
  ]);
  assert.equal(t.kind, 'letter');
  assert.equal(value(t, 'signature'), 'L. A. RANSOME');
});

test('a recipient read letter for letter as its vocabulary entry does not wait on a misread label; a repaired one does, unless the block is read whole (session 11)', () => {
  const header = (label: string, office: string, city = 'Washington.') => [
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'No. 1496. Bucharest, July 12, 1940.',
    'Subject: Elimination of Jewish Elements in the Rumanian Press.',
    label,
    office,
    city,
    'Sir:',
    'I have the honor to report that the Government has issued a decree.',
    'Respectfully yours,',
    'Franklin Mott Gunther.',
  ];
  // `The Honorab1e`: the label found at less than full score; the office's words read at 80, under the weak-word floor.
  const lowOffice = (word: string, line: number) => (line === 5 ? 80 : 95);
  const exact = read(header('The Honorab1e', 'The Secretary of State,'), lowOffice);
  assert.equal(value(exact, 'to'), 'The Secretary of State');
  assert.ok(exact.fields.to!.labelScore < 1, `label ${exact.fields.to!.labelScore}`);
  assert.deepEqual(exact.fields.to!.wordConfidences, [80, 80, 80, 80]);
  const scored = scoreTelegram(exact, { thresholds, period });
  assert.equal(scored.fields.to!.status, 'accepted', JSON.stringify(scored.fields.to));
  // One letter off the entry, and no city line under it (a stamp's word there): repaired to it, so a person sees it.
  const repaired = scoreTelegram(read(header('The Honorab1e', 'The Secretery of State,', 'RECEIVED'), lowOffice), { thresholds, period });
  assert.equal(repaired.fields.to!.value, 'The Secretary of State');
  assert.equal(repaired.fields.to!.status, 'needs_review');
  assert.ok(repaired.fields.to!.reasons.includes('ocr_corrected'));
  // The block read whole (label, office, `Washington.`): the layout names the office; the repair is shown, not held.
  const whole = scoreTelegram(read(header('The Honorab1e', 'The Secretery of State,'), lowOffice), { thresholds, period });
  assert.equal(whole.fields.to!.value, 'The Secretary of State');
  assert.equal(whole.fields.to!.status, 'accepted');
  assert.deepEqual(whole.fields.to!.reasons, ['vocabulary_repaired']);
  // Words read between the label and the office (a stamp's) are no whole block.
  const stamped = scoreTelegram(read(header('The Honorab1e', 'SECRETARY The Secretery of State,'), lowOffice), { thresholds, period });
  assert.equal(stamped.fields.to!.status, 'needs_review');
});

test("a received stamp's date over a letter's head is never its date; `27 May 1938` typed below is (OCR of a generated heavy letter)", () => {
  const t = read([
    'RECEIVED.',
    '9 JUN1938 — [EE',
    '6, Bahnhofstrasse,',
    'Paris.',
    '27 May 1938',
    'To: Si a o',
    'Dr. T. V. Harrington,',
    'Board of Relief for Stateless Persons,’',
    'Bloomsbury House,',
    'Dear Dr. Harrington,',
    'I am writing to you on behalf of the committee which has been formed.',
    'Yours sincerely,',
    'A. A. Ionescu',
  ]);
  assert.equal(t.kind, 'letter');
  assert.equal(value(t, 'date'), '1938-05-27');
  // `Si a o` (a smudge after `To:`) has no word of three letters: the addressee is the next line.
  assert.equal(value(t, 'to'), 'Dr. T. V. Harrington');
  assert.equal(value(t, 'place'), 'Paris');
});

test('a speck after the month (`March: 30, 1953.`) is read through, and reviewed', () => {
  const t = read([
    'THE EMIGRATION ADVISORY BUREAU',
    "59, Queen's Gate, NEW YORK, 17, NY",
    'March: 30, 1953.',
    'Ref. VD/hb',
    'The Society for the Care of Refugee Children,',
    '4, Mount Street,',
    'VIENNA, IX.',
    'Dear Sir,',
    'It would be of the greatest help if you could let us know.',
    'Yours sincerely,',
    'V. D. Pemberton',
  ]);
  assert.equal(value(t, 'date'), '1953-03-30');
  assert.equal(value(t, 'to'), 'The Society for the Care of Refugee Children');
  assert.notEqual(scoreTelegram(t, { thresholds, period }).fields.date!.status, 'accepted');
});

// Session 13 (kinds16): the evidence that decides a document's kind when a stamp or the seal took
// part of its header. Lines as the OCR reads generated despatches (seed number16-fit-b 0002 and
// number16-held 0030 failed so; the lines are rebuilt from what the benchmark notes recorded).
const DESPATCH_NO_76 = [
  'LEGATION OF THE',
  'UNITED STATES OF AMERICA',
  'No. 76 =',
  'ee a Bern, March 4, 1941.',
  'Sa gubiect: ee Refugees',
  'i. ae Ree sits',
  'Tbe Hcnorsble',
  'Toe Secretery of Stete,',
  'Wasnington.',
  'Sir:',
  'The Federal authorities have agreed to admit a further group of',
  'refugees in transit, on condition that their onward passage is assured.',
];

test('a US despatch whose recipient block and subject a stamp garbled is read by the US layout, not the generic despatch that reads a subset of its fields, however far ahead the generic one scores', () => {
  const t = read([...DESPATCH_NO_76, 'I have the honor to be, Sir,', 'Leland B. Morris']);
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'number'), '76');
  assert.equal(value(t, 'place'), 'Bern');
  assert.equal(value(t, 'date'), '1941-03-04');
  assert.equal(t.fields.to?.found, false, 'the garbled recipient is missing, so reviewed, not guessed');
  // Read by the generic despatch alone, the same place and date: the US reading lost nothing.
  const generic = segmentDocument([pageFromText(DESPATCH_NO_76)], { profiles: profiles.filter((p) => p.name === 'despatch') })[0]!;
  assert.equal(value(generic, 'place'), 'Bern');
  assert.equal(value(generic, 'number'), undefined);
});

test("a despatch's `No. 76` read under its label is evidence a letter cannot explain: with the post heading it makes the kind; without it, a letter reading with no evidence of its own is a doubt about the kind", () => {
  const t = read([...DESPATCH_NO_76, 'Reapeetfally yarns,', 'Leland B. Morris']);
  assert.equal(t.kind, 'despatch');
  assert.equal(t.profile, 'us-despatch');
  assert.equal(value(t, 'number'), '76');
  assert.equal(t.ambiguity, undefined);
  // Without the number's line the despatch shows one cue of its own (the post heading): not enough.
  const without = read([...DESPATCH_NO_76.filter((l) => l !== 'No. 76 ='), 'Reapeetfally yarns,', 'Leland B. Morris']);
  assert.equal(without.kind, 'letter');
  // ...but the letter shows nothing of its own either (its `Sir:` is the despatch's): the kind is in
  // doubt, and so is every field the two readings do not agree on.
  assert.equal(without.ambiguity?.runnerUp, 'us-despatch');
  const scored = scoreTelegram(without, { thresholds, period });
  assert.ok(scored.fields.to?.reasons.includes('ambiguous_profile'), "the letter's addressee is held");
  assert.ok(!scored.fields.date?.reasons.includes('ambiguous_profile'), 'the date both readings give is not in doubt');
});

// A heavy report's title page as the OCR read it (generated, seed kinds16-fit-a 0036): the
// letter-spaced `Eye-Witness Report` lost its last letter.
const REPORT_TITLE_PAGE = [
  'INFORMATION BUREAU FOR REFUGEE AFFAIRS March, 1944',
  '12,:Quai Wilson, 3 HE',
  'Geneva',
  'Eye-Wit ness Re por £',
  'Documents of Persecution',
  'No. 4',
  'Fo : THERESIENSTADT',
  'and',
  'From Theresienstadt to Lodz',
  'by',
  'Kurt L. Petrovic: fo 39',
  'This is the fourth of a series of personal reports received',
  'RT from eye-witnesses of the persecution.',
  'AFTER THE LIBERATION',
  'Aster the liberation hin sick were cared for by ‘the International Red.',
  '* "Gross. The journey lasted 13 i and the people were given neither water nor',
];

test('a report is known by its title page: a letter-spaced title that lost its last letter, a by-line, a date of month and year alone', () => {
  const t = read(REPORT_TITLE_PAGE);
  assert.equal(t.kind, 'report');
  assert.deepEqual(t.cues, ['title', 'title page']);
  // Title and by-line both lost: the month-only date of the office line still shows a title page.
  const damaged = read(REPORT_TITLE_PAGE.filter((l) => l !== 'by').map((l) => l.replace('Re por £', 'Ke pcr £')));
  assert.equal(damaged.kind, 'report');
  assert.deepEqual(damaged.fields, {});
  // A letter's dates give the day: no title page in `9th May, 1938.`
  const letter = read([
    'c/o 35, Albion Street,',
    'LONDON, N. 16.',
    '9th May, 1938.',
    'TO -',
    'The Council for Refugee Relief,',
    'Dear Sirs,',
    'We write to ask for your help.',
    'Yours sincerely,',
    'M. WEISSMANN, Secretary.',
  ]);
  assert.equal(letter.kind, 'letter');
  assert.ok(!(letter.cues ?? []).includes('title page'));
});

// A heavy letter as the OCR read it (generated, seed kinds16-fit-b 0024): dust after the
// salutation's comma and a garbled `very` in the closing left it with no cue, and it was read as `other`.
test('a letter is known through the dust on its salutation and closing (`Dear Professor Prideaux, i p`, `Yours ory truly,`)', () => {
  const lines = [
    'RECEIVED',
    '7JUL1958',
    '¢/o 9, Bahnhofstrasse,',
    'Brussels.',
    'i "20th June, 1958.',
    'Professor S. Prideaux,',
    'Relief Office for Digblaged Families,',
    '24, Kingsway,',
    'GENEVA.',
    'Dear Professor Prideaux, i p',
    '1 We are informed that the consulate of Burma will issue visas only to persons',
    'with a guarantee. It would be of the greatest help if you could let us Kone',
    'whether a grant Sa be made before the end of December',
    'Yours ory truly,',
    '6. Yu Ackcroft',
    'G. Yu.. Serots',
  ];
  const t = read(lines);
  assert.equal(t.kind, 'letter');
  assert.deepEqual(t.cues, ['salutation', 'closing']);
  assert.equal(value(t, 'date'), '1958-06-20', "the typed date, not the received stamp's");
  assert.equal(value(t, 'to'), 'Professor S. Prideaux');
  // A salutation with a title's stop (`Dear Mr. Dunmore,`: 9 of the 11 letters of the session's four
  // sets that showed only their closing), or misread (`Dear, Sir;`, `Dear Sirsy`), is the salutation.
  for (const salutation of ['Dear Mr. Dunmore,', 'Dear Dr. Kershaw,.', 'Dear, Sir;', 'Dear Sirsy']) {
    const letter = read([...lines.slice(0, 9), salutation, ...lines.slice(10)]);
    assert.deepEqual(letter.cues, ['salutation', 'closing'], salutation);
  }
  // `Sir:` with dust after it is no letter's salutation: a despatch's `Sir:` explains it.
  const despatch = read([
    'LEGATION OF THE',
    'UNITED STATES OF AMERICA',
    'No. 720. Bucharest, January 25, 1939.',
    'Subject: The Situation.',
    'Sir: i',
    'The Minister of the Interior is reported to have said that the law would be applied.',
    'Respectfully yours,',
    'Franklin Mott Gunther.',
  ]);
  assert.equal(despatch.kind, 'despatch');
});
