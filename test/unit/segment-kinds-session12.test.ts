// Session 12 of issue 16: evidence that lets a right despatch or letter field be accepted, and
// what holds a wrong one. The lines are the OCR of generated pages (native Tesseract, best_int;
// the fitting seeds review16-fit-a/-b and the seeds named in docs/benchmarks.md): the corpus has no
// crop with these damages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTelegram } from '../../src/confidence/index.ts';
import { calibrationOf } from '../../src/confidence/calibration.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import { startsAsEntry } from '../../src/segment/parsers.ts';
import { vocabularyEntries } from '../../src/segment/vocabulary.ts';
import { stampDates } from '../../src/segment/stamp-dates.ts';
import type { TextLine } from '../../src/segment/lines.ts';
import { pageFromText, type PageOptions } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const { thresholds, period } = loadConfig({ env: {} });
/** The pair that reads generated pages by default: its digit doubt (1.8) makes a 90 an 82. */
const calibration = calibrationOf('tesseract/best');

function read(lines: string[], options: PageOptions = {}): SegmentedTelegram {
  const docs = segmentDocument([pageFromText(lines, options)], { profiles });
  assert.equal(docs.length, 1, 'one document');
  return docs[0]!;
}
const value = (t: SegmentedTelegram, name: string) => (t.fields[name]?.found ? t.fields[name]!.value : undefined);
const scored = (t: SegmentedTelegram) => scoreTelegram(t, { thresholds, period, calibration }).fields;
const asLines = (texts: string[]): TextLine[] => texts.map((text, i) => ({ page: 'p', pageLine: i, paragraph: 0, text, words: [] }));

const BODY = [
  'The Minister of the Interior is reported to have said that the law would be applied without exception.',
  'Officials of the Ministry with whom the matter was discussed were reluctant to commit themselves.',
  'Respectfully yours,',
  'Franklin Mott Gunther.',
];

test("a recipient office read as the entry's first words and then otherwise is held (`The Secretary of Sheers`)", () => {
  const entries = vocabularyEntries('recipients');
  assert.equal(startsAsEntry('The Secretary of Sheers', entries), true);
  for (const other of ['The Secretary of State', 'The Council for Refugee Relief', 'the Foreign Office', 'USSR MFA'])
    assert.equal(startsAsEntry(other, entries), false, other);
  const despatch = (office: string) =>
    read([
      'LEGATION OF THE',
      'UNITED STATES OF AMERICA',
      'No. 693. Belgrade, May 16, 1944.',
      'Subject: The Situation of Jews in Yugoslavia.',
      'The Honorable',
      office,
      'Washington.',
      'Sir:',
      ...BODY,
    ]);
  const sheers = scored(despatch('The Secretary of Sheers,')).to!;
  assert.equal(sheers.value, 'The Secretary of Sheers');
  assert.equal(sheers.status, 'needs_review');
  assert.ok(sheers.reasons.includes('vocabulary_mismatch'), sheers.reasons.join());
  assert.equal(scored(despatch('The Secretary of State,')).to!.status, 'accepted');
});

test("a received stamp's date is read in the three orders date stamps print", () => {
  assert.deepEqual(stampDates(asLines(['RECEIVED', '1940 AUG 12 PM 3 46'])), ['1940-08-12']);
  assert.deepEqual(stampDates(asLines(['DEC 3 1942'])), ['1942-12-03']);
  assert.deepEqual(stampDates(asLines(['9 JUN1938 — [EE'])), ['1938-06-09']);
  // A typed date (a month's name in words) is no stamp's.
  assert.deepEqual(stampDates(asLines(['Bucharest, January 25, 1939.', '27 May 1938'])), []);
});
