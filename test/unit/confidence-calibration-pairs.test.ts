// Confidence calibration per (engine, model) pair (src/confidence/calibration.ts): a pair's
// `doubt` stretches each word's distance from certainty before scoring, so the same word
// confidences give a more doubtful pair's fields a lower confidence, and a field the reference pair
// accepts can go to review; a document read by several pairs takes the most doubtful.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrate, calibrationForPages, calibrationOf, NO_CALIBRATION } from '../../src/confidence/calibration.ts';
import { scoreTelegram } from '../../src/confidence/index.ts';
import type { FieldDraft, SegmentedTelegram } from '../../src/segment/index.ts';

const thresholds = { accept: 0.8, fields: {} as Record<string, number>, minBodyCoverage: 0.5 };
const period = { from: '1850-01-01', to: '2000-12-31' };
const TABLE = { 'tesseract/best': { doubt: 1 }, 'tesseract/fast': { doubt: 1.5 }, 'tesseract.js/fast': { doubt: 1.25 } };

function telegram(wordConfidences: number[]): SegmentedTelegram {
  const draft: FieldDraft = {
    value: '21340',
    text: 'No. 21340',
    page: 'p',
    bbox: [0, 0, 10, 10],
    wordConfidences,
    labelScore: 1,
    required: true,
    found: true,
    notes: [],
  };
  return {
    kind: 'telegram',
    profile: 'test',
    profileScore: 1,
    pages: ['p'],
    index: 0,
    fields: { number: draft },
    text: '',
    split: { page: 'p', line: 0, reason: 'test' },
    bodyCoverage: 1,
  };
}

test('calibrate: doubt 1 leaves a confidence alone; 1.5 turns 90 into 85; the result stays in 0..100', () => {
  assert.equal(calibrate(90, { pair: 'x', doubt: 1 }), 90);
  assert.equal(calibrate(90, { pair: 'x', doubt: 1.5 }), 85);
  assert.equal(calibrate(10, { pair: 'x', doubt: 2 }), 0);
  assert.equal(calibrate(96, { pair: 'x', doubt: 0.5 }), 98);
  assert.equal(calibrate(100, { pair: 'x', doubt: 3 }), 100);
});

test("a word with a digit takes the pair's digit doubt; other words its doubt", () => {
  const c = { pair: 'x', doubt: 1, digitDoubt: 2 };
  assert.equal(calibrate(95, c, '1955'), 90);
  assert.equal(calibrate(95, c, 'No.'), 95);
  assert.equal(calibrate(95, c, '10:55,'), 90);
  assert.equal(calibrate(95, c), 95, 'no text: the doubt');
  assert.equal(calibrate(95, { pair: 'x', doubt: 1.5 }, '1955'), 92.5, 'no digit doubt: the doubt');
});

test("the pair of a document: its pages' engine and model; the most doubtful when pages differ; none for an unknown pair or a blank page", () => {
  const page = (engine: string, model?: 'best' | 'fast' | 'custom', blank = false) => ({
    ocr: { engine, model, engineVersion: '', meanConfidence: 0, wordCount: 0, lang: 'eng', psm: 3 },
    ...(blank ? { blank: true } : {}),
  });
  assert.deepEqual(calibrationForPages([page('tesseract', 'best')], TABLE), { pair: 'tesseract/best', doubt: 1 });
  assert.deepEqual(calibrationForPages([page('tesseract', 'best'), page('tesseract.js', 'fast'), page('tesseract', 'best')], TABLE), {
    pair: 'tesseract.js/fast',
    doubt: 1.25,
  });
  assert.deepEqual(calibrationForPages([page('tesseract', 'custom')], TABLE), NO_CALIBRATION);
  assert.deepEqual(calibrationForPages([page('tesseract', undefined, true), page('tesseract', 'fast')], TABLE), { pair: 'tesseract/fast', doubt: 1.5 });
  assert.deepEqual(calibrationOf('null/unknown', TABLE), NO_CALIBRATION);
});

test('scoring: the same words, accepted as the reference pair read them, sent to review as a more doubtful pair read them', () => {
  const words = [90, 88];
  const reference = scoreTelegram(telegram(words), { thresholds, period, calibration: calibrationOf('tesseract/best', TABLE) });
  const doubtful = scoreTelegram(telegram(words), { thresholds, period, calibration: calibrationOf('tesseract/fast', TABLE) });
  assert.equal(reference.fields.number!.status, 'accepted');
  assert.equal(reference.fields.number!.confidence, 0.885); // (mean 89 + weakest 88) / 2
  // 90 -> 85, 88 -> 82: the weakest word is under 85 now.
  assert.equal(doubtful.fields.number!.status, 'needs_review');
  assert.deepEqual(doubtful.fields.number!.reasons, ['low_ocr_confidence']);
  assert.ok(Math.abs(doubtful.fields.number!.confidence - 0.8275) < 0.001); // (83.5 + 82) / 2
  // Without a calibration, scoring is as the engine said.
  assert.deepEqual(scoreTelegram(telegram(words), { thresholds, period }).fields, reference.fields);
});

test('the shipped table names every engine and model pair of the registry', async () => {
  const { ENGINE_NAMES } = await import('../../src/ocr/engines/index.ts');
  const { MODEL_CHOICES } = await import('../../src/ocr/models.ts');
  for (const engine of ENGINE_NAMES)
    for (const model of MODEL_CHOICES) assert.notEqual(calibrationOf(`${engine}/${model}`), NO_CALIBRATION, `${engine}/${model}`);
});
