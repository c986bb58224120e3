// Evidence that lets right values through and keeps wrong ones held (session 15, helper review17). The
// lines and confidences are what native Tesseract (best_int) read on the generated pages named (seeds
// review17-fit-a, degraded17-fit-a and -fit-b, revision 16).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreTelegram } from '../../src/confidence/index.ts';
import { suspiciousCharacters } from '../../src/confidence/validators.ts';
import { calibrationOf } from '../../src/confidence/calibration.ts';
import { loadConfig } from '../../src/config.ts';
import { loadProfiles, segmentDocument, type SegmentedTelegram } from '../../src/segment/index.ts';
import { NUMBER_ON_PAGE_MARK, PAGE_MARK_MISMATCH, pageMarkNumber } from '../../src/segment/page-mark-number.ts';
import type { PageResult } from '../../src/types.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const { thresholds, period } = loadConfig({ env: {} });
const native = calibrationOf('tesseract/best');

/** Lines with their words' confidences (a line given as text alone is read at 96). */
function page(lines: (string | [string, number[]])[], pageId: string): PageResult {
  const conf = new Map<number, number[]>();
  const text = lines.map((l, i) => {
    if (typeof l === 'string') return l;
    conf.set(i, l[1]);
    return l[0];
  });
  return {
    ...pageFromText(text, { pageId, confidence: (_w, line, index) => conf.get(line)?.[index] ?? 96 }),
    pageIndex: pageId.endsWith('2') ? 1 : 0,
    pageCount: 2,
  };
}

function segment(pages: PageResult[]): SegmentedTelegram {
  const docs = segmentDocument(pages, { profiles });
  assert.equal(docs.length, 1, 'one document');
  return docs[0]!;
}
const scored = (t: SegmentedTelegram) => scoreTelegram(t, { thresholds, period, calibration: native, lang: 'eng' }).fields;

/** An embassy's despatch on two pages, its place-and-date line as given, the second page's first line `mark`. */
function despatch(numberLine: string | [string, number[]], mark: string | [string, number[]] | null): PageResult[] {
  const first = page(
    [
      'EMBASSY OF THE UNITED STATES OF AMERICA',
      numberLine,
      'Subject: Emigration of Refugees from Italy.',
      'The Honorable',
      'The Secretary of State,',
      'Washington, D. C.',
      'Sir:',
      'The representatives of the consulate called at the',
      'Legation on Saturday to ask whether any assistance could be',
      'expected. I shall not fail to keep the Department informed',
    ],
    'despatch-p1',
  );
  const second = page(
    [
      ...(mark === null ? [] : [mark]),
      'The decree provides that all persons affected must',
      'register with the police within 28 days of its publication.',
      'Respectfully yours,',
      'For the Ambassador:',
      'Edwin H. Keough.',
      'First Secretary of Embassy.',
    ],
    'despatch-p2',
  );
  return [first, second];
}

test('a page mark repeating the number is read digit for digit: `-2- #2834`, `- 3 - No. 720`; not a page number alone, not a repaired reading', () => {
  assert.equal(pageMarkNumber(page(['-2- #2834', 'The decree provides that'], 'p2')), '2834');
  assert.equal(pageMarkNumber(page(['- 3 - No. 720.', 'The decree provides that'], 'p2')), '720');
  assert.equal(pageMarkNumber(page(['-2-', 'The decree provides that'], 'p2')), null);
  assert.equal(pageMarkNumber(page(['-2- #2l60', 'The decree provides that'], 'p2')), null);
  // A numbered paragraph is no mark.
  assert.equal(pageMarkNumber(page(['2. The decree provides that', 'all persons'], 'p2')), null);
});

test('review17-fit-a 0020 (mild): `2834.` read at 74 beside `se` for `No.`, the second page marked `-2- #2834`: accepted on the two readings', () => {
  const without = scored(segment(despatch(['se 2834. Rome, October 9, 1939.', [25, 74, 96, 96, 96, 96]], '-2-')));
  assert.equal(without.number?.value, '2834');
  assert.equal(without.number?.status, 'needs_review', 'one reading at 74 under a misread label');
  const t = segment(despatch(['se 2834. Rome, October 9, 1939.', [25, 74, 96, 96, 96, 96]], ['-2- #2834', [24, 96]]));
  assert.ok(t.fields.number?.notes.includes(NUMBER_ON_PAGE_MARK));
  const f = scored(t);
  assert.equal(f.number?.value, '2834');
  assert.equal(f.number?.status, 'accepted');
  assert.ok(f.number?.reasons.includes(NUMBER_ON_PAGE_MARK));
});

test('review17-fit-a 0019 (clean): `No. 2876.` (for 2676) under a mark `-2- #2676`: the two readings disagree, held', () => {
  // At 96 the header's reading alone would be accepted; the mark says one of them is misread.
  const f = scored(segment(despatch('No. 2876. Rome, October 9, 1939.', ['-2- #2676', [38, 68]])));
  assert.equal(f.number?.value, '2876');
  assert.equal(f.number?.status, 'needs_review');
  assert.ok(f.number?.reasons.includes(PAGE_MARK_MISMATCH));
});

test('degraded17-fit-b 0011 (mild): `Jo. 1291. Rome, September 29, 1941.`, the `N` of `No.` lost: the place and date on its line vouch for the label, the number accepted at 96', () => {
  const f = scored(segment(despatch('Jo. 1291. Rome, September 29, 1941.', null)));
  assert.equal(f.number?.value, '1291');
  assert.equal(f.number?.status, 'accepted');
  assert.ok(!f.number?.reasons.includes('ocr_corrected'));
});

test('a trace of `No.` before a number whose line has no known place and date is a misread label: held (`ocr_corrected`)', () => {
  // `Jo. 1291. Ruritania, September 29, 1941.`: a capitalised word the gazetteer does not know.
  const f = scored(segment(despatch('Jo. 1291. Ruritania, September 29, 1941.', null)));
  assert.equal(f.number?.value, '1291');
  assert.equal(f.number?.status, 'needs_review');
  assert.ok(f.number?.reasons.includes('ocr_corrected'));
  // The number's digits are still its own: `2834.` at 74 with the line read whole is held for its confidence.
  const weak = scored(segment(despatch(['Jo. 2834. Rome, October 9, 1939.', [95, 74, 96, 96, 96, 96]], null)));
  assert.equal(weak.number?.status, 'needs_review');
  assert.deepEqual(weak.number?.reasons, ['low_ocr_confidence']);
});

test('degraded17-fit-b 0012 (heavy): `Subject:. Restrictions on ...`, a speck after the label: the subject without it (accepted with the stop at 0.92)', () => {
  const [first, second] = despatch('No. 1910. Bern, July 6, 1942.', null);
  const lines = first!.lines;
  const subject = lines.findIndex((l) => l.text.startsWith('Subject:'));
  const withSpeck = page(
    lines.map((l, i) => (i === subject ? ['Subject:. Restrictions on the Practice of the Professions.', [90, 96, 96, 96, 96, 96, 96]] : l.text)),
    'despatch-p1',
  );
  const f = scored(segment([withSpeck, second!]));
  // The subject's words as read, without the speck (whether dropping it reviews the subject is the parser's rule).
  assert.equal(f.subject?.value, 'Restrictions on the Practice of the Professions.');
});

test('review17-fit-a 0024 (heavy letter): `P..P. CARRODUS`, a space between initials read as a second stop: held (accepted so at 0.91)', () => {
  assert.deepEqual(suspiciousCharacters('P..P. CARRODUS'), ['suspicious_characters']);
  assert.deepEqual(suspiciousCharacters('P. P. CARRODUS'), []);
  assert.deepEqual(suspiciousCharacters('Edwin H. Keough'), []);
});

test('degraded17-fit-b 0011 (mild): a subject whose long word the dictionary spells (`Italian` at 86.9, 84 calibrated) is accepted; a short word, or one it does not know, at the same confidence is held', () => {
  const subjectAt = (subject: string, conf: number[]) => {
    const [first, second] = despatch('No. 1291. Rome, September 29, 1941.', null);
    const lines = first!.lines;
    const at = lines.findIndex((l) => l.text.startsWith('Subject:'));
    return scored(
      segment([
        page(
          lines.map((l, i) => (i === at ? [`Subject: ${subject}`, [96, ...conf]] : l.text)),
          'despatch-p1',
        ),
        second!,
      ]),
    ).subject;
  };
  const italian = subjectAt('Italian Anti-Semitic Legislation.', [86.94, 91.27, 95.8]);
  assert.equal(italian?.status, 'accepted');
  // `Tos` for a word of three letters, `Ltalian` (not a word): the weak-word floor as before.
  assert.equal(subjectAt('The Anti-Semitic Legislation.', [86.94, 91.27, 95.8])?.status, 'needs_review');
  const misread = subjectAt('Ltalian Anti-Semitic Legislation.', [86.94, 91.27, 95.8]);
  assert.equal(misread?.status, 'needs_review');
  // Below the dictionary word's floor (80 calibrated: 83.3 read), held.
  assert.equal(subjectAt('Italian Anti-Semitic Legislation.', [82, 91.27, 95.8])?.status, 'needs_review');
});

test("review17-fit-b 0021 (heavy): a despatch's post heading with a received stamp's letters read into it (`LEGATION OF TH NT OF STATE ...`): held", () => {
  const [first, second] = despatch('No. 1606. Lisbon, April 17, 1941.', null);
  const lines = first!.lines.map((l) => l.text);
  lines[0] = 'LEGATION OF TH NT OF STATE';
  lines.splice(1, 0, 'UNITED STATES OF A MERI OF CUR');
  const f = scored(segment([page(lines, 'despatch-p1'), second!]));
  assert.equal(f.from?.status, 'needs_review');
  assert.ok(f.from?.reasons.includes('misread_word'));
  // The heading read whole is the post's, accepted.
  const whole = scored(segment(despatch('No. 1606. Lisbon, April 17, 1941.', null)));
  assert.equal(whole.from?.value, 'EMBASSY OF THE UNITED STATES OF AMERICA');
  assert.equal(whole.from?.status, 'accepted');
});

test("review17-fit-a 0005 (mild letter): a signer's surname the dictionary spells read at 85.7 (`Lindqvist`, 83 calibrated) is accepted; one it does not know at the same confidence is held", () => {
  const weights = (name: string, surname: number) => {
    const [first, second] = despatch('No. 1291. Rome, September 29, 1941.', null);
    const lines = second!.lines.map((l) => l.text);
    const at = lines.indexOf('Edwin H. Keough.');
    return scored(
      segment([
        first!,
        page(
          lines.map((l, i) => (i === at ? [name, [93, 92, surname]] : l)),
          'despatch-p2',
        ),
      ]),
    ).signature;
  };
  assert.equal(weights('Edwin P. Lindqvist', 85.73)?.status, 'accepted');
  // `Lindgvist`: one letter from the word it misreads, held (session 14); `Tregear`: unknown, the floor of 85 as before.
  assert.equal(weights('Edwin P. Lindgvist', 85.73)?.status, 'needs_review');
  assert.equal(weights('Edwin P. Tregear', 85.73)?.status, 'needs_review');
  assert.equal(weights('Edwin P. Tregear', 92)?.status, 'accepted');
});

test('degraded17-fit-b 0015 (heavy letter): a mark standing alone after the addressee (`Professor D. G. Ashcroft, $`) is a speck: the addressee without it, reviewed', () => {
  const letter = page(
    [
      'c/o 104, Quai Wilson,',
      'GENEVA.',
      'November 28, 1938.',
      ['Professor D. G. Ashcroft, $', [93.3, 90.46, 89.3, 91.25, 30.84]],
      "5, Queen's Gate,",
      'London, S.W. 7.',
      'Dear Sir,',
      'Our representative in Vienna has reported that the situation there is becoming more difficult every week.',
      'Yours faithfully,',
      'E. BRAMWELL',
    ],
    'letter-p1',
  );
  const docs = segmentDocument([{ ...letter, pageCount: 1 }], { profiles });
  const f = scored(docs[0]!);
  assert.equal(docs[0]!.kind, 'letter');
  assert.equal(f.to?.value, 'Professor D. G. Ashcroft');
  assert.equal(f.to?.status, 'needs_review');
  assert.ok(f.to?.reasons.includes('ocr_corrected'));
});

test('review17-fit-b 0030 (heavy): `SUBJEGT: Turkish Jew Bill.`, the label misread: held (a label that only located the subject let s15-held 0030 `Turkish Anti-Semitic, Legislation.` through, wrong)', () => {
  const withSubject = (line: string) => {
    const [first, second] = despatch('No. 319. Ankara, August 22, 1936.', null);
    const lines = first!.lines.map((l) => l.text);
    lines[lines.findIndex((l) => l.startsWith('Subject:'))] = line;
    return scored(segment([page(lines, 'despatch-p1'), second!])).subject;
  };
  const f = withSubject('SUBJEGT: Turkish Jew Bill.');
  assert.equal(f?.value, 'Turkish Jew Bill.');
  assert.equal(f?.status, 'needs_review');
  assert.ok(f?.reasons.includes('fuzzy_label'), 'the label as read is the reason');
  assert.equal(withSubject('Subject: Turkish Jew Bill.')?.status, 'accepted');
});
