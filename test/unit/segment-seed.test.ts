// The seed document (Wilson Center, Ciphered Telegram No. 21340) read as OCR lines:
// every soviet-cipher field must come out exactly in its normal form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadProfiles, segmentDocument } from '../../src/segment/index.ts';
import { CHAR_W, LEFT, LINE_H, pageFromText, seedTelegramLines, TOP, wrapText } from '../fixtures/pages.ts';

const SEED = new URL('../../../shared/corpus/seed/wilson-center-ciphered-telegram-21340.txt', import.meta.url);
const haveSeed = existsSync(SEED);
const skip = haveSeed ? false : 'corpus seed not found at ../shared/corpus/seed (fresh clone without the shared corpus)';
const profiles = loadProfiles();

const EXPECTED_BODY_START = 'The commander of the troops of the enemy, Ridgway, today made a statement';
const EXPECTED_BODY_END = 'personally to lead this meeting and simultaneously to inform me.';

function seedLines(): string[] {
  return seedTelegramLines(readFileSync(SEED, 'utf8'));
}

test('seed telegram: every soviet-cipher field in its normal form', { skip }, () => {
  const page = pageFromText(wrapText(seedLines().join('\n'), 70), { pageId: 'seed' });
  const telegrams = segmentDocument([page], { profiles });
  assert.equal(telegrams.length, 1);
  const t = telegrams[0];
  assert.equal(t.profile, 'soviet-cipher');
  const values = Object.fromEntries(Object.entries(t.fields).map(([k, f]) => [k, f.value]));
  assert.deepEqual(
    { ...values, body: undefined },
    {
      docType: 'CIPHERED TELEGRAM',
      number: '21340',
      to: 'Cde. Stalin',
      copies: 2,
      place: 'Peking',
      time: '15:00',
      date: '1951-06-30',
      addressee: 'Cde. Fillipov [Stalin]',
      body: undefined,
      signature: 'Mao Zedong',
      from: 'Mao Zedong',
      outgoingNumber: '3267',
      dispatch: '30 June 16.50 Peking',
    },
  );
  const body = String(values.body);
  assert.ok(body.startsWith(EXPECTED_BODY_START), body.slice(0, 80));
  assert.ok(body.endsWith(EXPECTED_BODY_END), body.slice(-80));
  // Paragraphs joined by one space, paragraph numbers kept, no line breaks left.
  assert.ok(body.includes('on the given question. I ask you to study [it]'));
  assert.ok(body.includes('Comrade Kim Il Sung. 1. Comrade Kim Il Sung presumably'));
  assert.ok(!/\n|\s{2}/.test(body));
  // The body is exactly the seed's paragraphs between the salutation and the signature.
  const lines = seedLines();
  const from = lines.indexOf('Cde. Fillipov [Stalin]') + 1;
  const to = lines.indexOf('Mao Zedong.');
  assert.equal(
    body,
    lines
      .slice(from, to)
      .filter((l) => l.trim())
      .join(' '),
  );
  assert.equal(t.bodyCoverage, 1);
  assert.deepEqual(t.pages, ['seed']);
  assert.equal(t.index, 0);
  assert.equal(t.split.line, 0);
});

test('seed telegram: provenance is the union of the words of each field', { skip }, () => {
  const page = pageFromText(seedLines(), { pageId: 'seed' });
  const t = segmentDocument([page], { profiles })[0];
  // Line 0 is "CIPHERED TELEGRAM No. 21340": "No. 21340" runs from column 18 to 27.
  assert.equal(t.fields.number.page, 'seed');
  assert.deepEqual(t.fields.number.bbox, [LEFT + 18 * CHAR_W, TOP, LEFT + 27 * CHAR_W, TOP + 36]);
  assert.equal(t.fields.number.text, 'No. 21340');
  // Its OCR evidence is the number's word: the label `No.` is judged by how well it matched.
  assert.deepEqual(t.fields.number.wordTexts, ['21340']);
  assert.equal(t.fields.number.wordConfidences.length, 1);
  // "30 June 1951." is the last three words of the `From:` line, from column 21.
  const row = seedLines().findIndex((l) => l.startsWith('From:'));
  assert.deepEqual(t.fields.date.bbox, [LEFT + 21 * CHAR_W, TOP + row * LINE_H, LEFT + 34 * CHAR_W, TOP + row * LINE_H + 36]);
  assert.equal(t.fields.date.wordConfidences.length, 3);
  assert.equal(t.fields.body.page, 'seed');
});

test('seed telegram with injected OCR errors: values repaired, repairs reported', { skip }, () => {
  const noisy = wrapText(seedLines().join('\n'), 60).map((l) =>
    l
      .replace('CIPHERED TELEGRAM No. 21340', 'CIPHERFD TELEGRAM No. 2l340')
      .replace('To Cde. Stalin', 'To Cdc. Stalin')
      .replace('From: Peking, 15:00, 30 June 1951.', 'Frorn: Peking, l5:00, 30 Junc 1951.')
      .replace('Cde. Fillipov [Stalin]', 'Cdc. Fillipov [Stalin]')
      .replace(/\brepresentatives\b/, 'representa-\ntives'),
  );
  const lines = noisy.flatMap((l) => l.split('\n'));
  lines.splice(2, 0, "'  .", '~'); // specks read as text
  const t = segmentDocument([pageFromText(lines)], { profiles })[0];
  assert.equal(t.profile, 'soviet-cipher');
  assert.equal(t.fields.docType.value, 'CIPHERED TELEGRAM');
  assert.ok(t.fields.docType.labelScore < 1);
  assert.equal(t.fields.number.value, '21340');
  assert.ok(t.fields.number.notes.includes('ocr_corrected'));
  assert.equal(t.fields.to.value, 'Cde. Stalin');
  assert.equal(t.fields.place.value, 'Peking');
  assert.equal(t.fields.time.value, '15:00');
  assert.equal(t.fields.date.value, '1951-06-30');
  assert.ok(t.fields.date.notes.includes('ocr_corrected'));
  assert.equal(t.fields.addressee.value, 'Cde. Fillipov [Stalin]');
  assert.equal(t.fields.signature.value, 'Mao Zedong');
  assert.ok(String(t.fields.body.value).includes('proposal that representatives of both'), 'hyphenated line end joined');
});

test('seed header broken over lines by OCR, with a stamp above it', { skip }, () => {
  const lines = seedLines().flatMap((l) => {
    if (l === 'From: Peking, 15:00, 30 June 1951.') return ['From: Peking, 15:00,', '30 June 1951.'];
    if (l === 'To Cde. Stalin (2 copies)') return ['To Cde. Stalin', '(2 copies)'];
    return [l];
  });
  const t = segmentDocument([pageFromText(['RECEIVED', ...lines])], { profiles });
  assert.equal(t.length, 1, 'a stamp above the heading is not a telegram of its own');
  const [only] = t;
  assert.equal(only.split.line, 0);
  assert.deepEqual(
    {
      to: only.fields.to.value,
      copies: only.fields.copies.value,
      place: only.fields.place.value,
      time: only.fields.time.value,
      date: only.fields.date.value,
      addressee: only.fields.addressee.value,
    },
    { to: 'Cde. Stalin', copies: 2, place: 'Peking', time: '15:00', date: '1951-06-30', addressee: 'Cde. Fillipov [Stalin]' },
  );
  assert.ok(String(only.fields.body.value).startsWith(EXPECTED_BODY_START));
});
