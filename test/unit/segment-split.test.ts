// Documents are not pages: several telegrams on one page, one telegram over several pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfiles, segmentDocument } from '../../src/segment/index.ts';
import { CablescanError } from '../../src/errors.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles();

const FIRST = [
  'CIPHERED TELEGRAM No. 21340',
  'To Cde. Stalin (2 copies)',
  'From: Peking, 15:00, 30 June 1951.',
  'Cde. Fillipov [Stalin]',
  'The commander of the troops of the enemy made a statement with a',
  'proposal that representatives of both sides meet on a ship.',
  'I report to you my opinion on the given question.',
  'Mao Zedong.',
  'No. 3267',
  '30 June 16.50 Peking',
];
const SECOND = [
  'CIPHERED TELEGRAM No. 21376',
  'To Cde. Mao Zedong (3 copies)',
  'From: Moscow, 23:00, 1 July 1951.',
  'Cde. Mao Zedong',
  'We received your telegram of 30 June. We agree with your opinion',
  'about the place of the negotiations.',
  'Filippov.',
  'No. 3301',
  '1 July 23.40 Moscow',
];

test('two telegrams on one page become two telegrams, split at the second heading', () => {
  const page = pageFromText([...FIRST, '', ...SECOND], { pageId: 'p1' });
  const ts = segmentDocument([page], { profiles });
  assert.equal(ts.length, 2);
  assert.deepEqual(
    ts.map((t) => t.fields.number.value),
    ['21340', '21376'],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.date.value),
    ['1951-06-30', '1951-07-01'],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.signature.value),
    ['Mao Zedong', 'Filippov'],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.copies.value),
    [2, 3],
  );
  assert.deepEqual(
    ts.map((t) => t.pages),
    [['p1'], ['p1']],
  );
  assert.deepEqual(
    ts.map((t) => t.index),
    [0, 1],
  );
  assert.deepEqual(
    ts.map((t) => t.split.line),
    [0, FIRST.length],
  );
  assert.match(ts[1].split.reason, /CIPHERED TELEGRAM/);
  assert.equal(
    ts[0].fields.body.value,
    'The commander of the troops of the enemy made a statement with a proposal that representatives of both sides meet on a ship. I report to you my opinion on the given question.',
  );
  assert.equal(ts[1].fields.place.value, 'Moscow');
});

test('a page that starts without a heading continues the telegram before it', () => {
  const page1 = pageFromText(FIRST.slice(0, 6), { pageId: 'p1' });
  const page2 = pageFromText(['- 2 -', ...FIRST.slice(6)], { pageId: 'p2' });
  const ts = segmentDocument([page1, page2], { profiles });
  assert.equal(ts.length, 1);
  const t = ts[0];
  assert.deepEqual(t.pages, ['p1', 'p2']);
  assert.equal(t.fields.signature.value, 'Mao Zedong');
  assert.equal(t.fields.signature.page, 'p2');
  assert.equal(t.fields.number.page, 'p1');
  assert.equal(t.fields.dispatch.value, '30 June 16.50 Peking');
  assert.ok(String(t.fields.body.value).endsWith('meet on a ship. I report to you my opinion on the given question.'));
  assert.equal(t.fields.body.page, 'p1', 'a body over two pages is located on its first page');
});

test('a telegram ending on a page where the next one starts', () => {
  const page1 = pageFromText([...FIRST.slice(0, 7)], { pageId: 'p1' });
  const page2 = pageFromText([...FIRST.slice(7), ...SECOND], { pageId: 'p2' });
  const ts = segmentDocument([page1, page2], { profiles });
  assert.deepEqual(
    ts.map((t) => t.pages),
    [['p1', 'p2'], ['p2']],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.outgoingNumber.value),
    ['3267', '3301'],
  );
  assert.deepEqual(
    ts.map((t) => t.index),
    [0, 0],
  );
  assert.deepEqual(ts[1].split, { page: 'p2', line: 3, reason: ts[1].split.reason });
});

test('pages of different documents never run into each other', () => {
  const a = pageFromText(FIRST, { pageId: 'a', documentKey: 'A' });
  const b = pageFromText(['Continuation text that has no heading at all, written', 'on a second sheet.'], { pageId: 'b', documentKey: 'B' });
  const ts = segmentDocument([a, b], { profiles });
  assert.equal(ts.length, 2);
  assert.deepEqual(
    ts.map((t) => t.pages),
    [['a'], ['b']],
  );
  assert.match(ts[1].split.reason, /no telegram heading/);
});

test('a heading-like sentence inside a body does not split the telegram', () => {
  const lines = [...FIRST.slice(0, 5), 'Ciphered telegram No. 633 of yesterday reported the same facts.', ...FIRST.slice(5)];
  const ts = segmentDocument([pageFromText(lines)], { profiles });
  assert.equal(ts.length, 1);
  assert.ok(String(ts[0].fields.body.value).includes('Ciphered telegram No. 633 of yesterday'));
});

test('text before the first heading becomes its own telegram; blank pages add no telegram', () => {
  const lines = ['Continued from the previous box: end of an earlier report, signed', 'and filed.', '', ...FIRST];
  const blank = pageFromText([], { pageId: 'blank' });
  const ts = segmentDocument([pageFromText(lines, { pageId: 'p1' }), blank], { profiles });
  assert.equal(ts.length, 2);
  assert.match(ts[0].split.reason, /before the first telegram heading/);
  assert.equal(ts[1].profile, 'soviet-cipher');
  assert.deepEqual(ts[1].pages, ['p1', 'blank']);
  assert.deepEqual(segmentDocument([blank], { profiles }), []);
});

test('a forced profile is used for every telegram; an unknown one is refused', () => {
  const ts = segmentDocument([pageFromText(FIRST)], { profiles, forcedProfile: 'generic' });
  assert.equal(ts[0].profile, 'generic');
  assert.equal(ts[0].fields.date.value, '1951-06-30');
  assert.throws(
    () => segmentDocument([pageFromText(FIRST)], { profiles, forcedProfile: 'nope' }),
    (e: unknown) => e instanceof CablescanError && e.code === 'CS_ERR_PROFILE_INVALID' && /nope/.test(e.message),
  );
});

test('telegrams of different layouts on one page each get their own profile', () => {
  const page = pageFromText([
    '793B.00/8–151: Telegram',
    'The Secretary of State to the Embassy in India',
    'Washington, August 4, 1951—2 p. m.',
    'top secret priority',
    '295. Info Contel 91 July 31 suggests unreliable intermediaries.',
    'Acheson',
    '',
    'Cablegram 88 NANKING, 28 February 1949, 4.18 p.m.',
    'IMMEDIATE TOP SECRET',
    'I called on the Minister for Foreign Affairs on Saturday afternoon.',
    '[AA:A1838/2, 490/1, iii]',
  ]);
  const ts = segmentDocument([page], { profiles });
  assert.deepEqual(
    ts.map((t) => t.profile),
    ['us-state', 'dfat-cable'],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.number.value),
    ['295', '88'],
  );
  assert.deepEqual(
    ts.map((t) => t.fields.date.value),
    ['1951-08-04', '1949-02-28'],
  );
  assert.equal(ts[0].fields.signature.value, 'Acheson');
  assert.equal(ts[0].fields.body.value, 'Info Contel 91 July 31 suggests unreliable intermediaries.');
  assert.equal(ts[1].fields.body.value, 'I called on the Minister for Foreign Affairs on Saturday afternoon.');
});

test('a file number pencilled above the heading stays with the telegram and does not hide its heading: the heading decides the layout', () => {
  // The OCR text of a generated page (seed bench-box-2026, page 0042): without the heading, the
  // place-date line and the trailer read better as a DFAT cablegram.
  const lines = [
    '551.69/383',
    'CIPHERED TELEGRAM No. 16394',
    'To Cde. Pronin, Cde. Kuzmichev (4 copies)',
    'From: Mukden, 01:15, 28 December 1968.',
    'Cde. Fedorov [Pronin]',
    '1. Your telegram of the 28th of December has been received',
    'and its instructions carried out. The airfield near Warsaw was',
    'put out of action for 22 days by bombing and has now been restored.',
    '2. The General Staff proposes to hold the exercise in March',
    'with the participation of the tank brigade.',
    'K. Khvostov.',
    'No. 3902',
    '28 December 02.40 Mukden',
  ];
  const [telegram, ...rest] = segmentDocument([pageFromText(lines)], { profiles });
  assert.equal(rest.length, 0);
  assert.match(telegram!.split.reason, /1 stray line\(s\) above it kept/);
  assert.equal(telegram!.profile, 'soviet-cipher');
  assert.equal(telegram!.fields.number?.value, '16394');
  assert.equal(telegram!.fields.date?.value, '1968-12-28');
});
