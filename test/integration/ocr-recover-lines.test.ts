// Lines the whole-page reading drops are read again where the ink measure found them
// (src/ocr/recover-lines.ts). On a real despatch page (EHRI-DR-19400712-US_03, from
// ../shared/corpus; skipped when the corpus is absent), cropped as a user's tool crops it (the
// ground truth's coverage box plus 2% of the page width, saved as an RGB PNG whose resolution
// the pipeline does not take, so it estimates 319 dpi from the text), tesseract.js's layout
// analysis returns no words at all for two typed lines. They must be in the page's text.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { cropRegion, writeCrop } from '../../src/eval/crop.ts';
import { lineRecall } from '../../src/eval/line-recall.ts';
import { recoverLines, wordlikeShare } from '../../src/ocr/recover-lines.ts';
import type { OcrResult } from '../../src/types.ts';
import { readScanAlone } from '../fixtures/read-scan.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
// ../shared from the repository; from a worktree under the project's wt/ folder, ../../shared.
const SHARED =
  [path.resolve(REPO, '..', 'shared'), path.resolve(REPO, '..', '..', 'shared')].find((dir) => existsSync(dir)) ?? path.resolve(REPO, '..', 'shared');
const ENGLISH = path.join(SHARED, 'corpus', 'scans', 'ehri-dataset', 'english');
const PAGE = path.join(ENGLISH, 'EHRI-DR-19400712-US_03');
const skip = existsSync(`${PAGE}.jpg`) ? false : `corpus page not found at ${PAGE}.jpg (the corpus lives outside the repository)`;
const LETTER = path.join(ENGLISH, 'EHRI-BF-19380509b_EN_01');
const skipLetter = existsSync(`${LETTER}.jpg`) ? false : `corpus page not found at ${LETTER}.jpg (the corpus lives outside the repository)`;
const work = mkdtempSync(path.join(os.tmpdir(), 'recover-lines-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('EHRI-DR-19400712-US_03: the "many. Rumanians ... wreak / their wrath ..." lines are read', { skip }, async () => {
  const coverage = JSON.parse(readFileSync(`${PAGE}.lines.json`, 'utf8')) as {
    width: number;
    height: number;
    gt_coverage_bbox: [number, number, number, number];
    lines: { text: string }[];
  };
  // The README's crop, rounded to the nearest pixel rather than outwards (as the reader did):
  // Tesseract's layout analysis loses the lines on this crop, and keeps them one pixel further left.
  const outwards = cropRegion(coverage.gt_coverage_bbox, coverage.width, coverage.height);
  const region = { ...outwards, left: outwards.left + 1, top: outwards.top + 1 };
  const file = path.join(work, 'US_03.png');
  await sharp(`${PAGE}.jpg`).extract(region).toColourspace('srgb').png().toFile(file);
  const page = await readScanAlone(file, { cwd: work, lang: 'eng' });
  const wanted = ['many. Rumanians in general seem to wish to wreak', 'their wrath either actively or passively on the Jews'];
  const recall = lineRecall(page.text, wanted);
  assert.equal(
    recall.found,
    2,
    `lines not found: ${recall.matches
      .filter((m) => !m.found)
      .map((m) => m.line)
      .join(' | ')}\n${page.text}`,
  );
  // And in reading order: between "Rumanian problem ... with Ger-" and "for the events ...".
  const at = (s: string) => page.text.indexOf(s);
  assert.ok(at('Rumanian problem') < at('Rumanians in general') && at('Rumanians in general') < at('events which have'), page.text);
  // Every ground-truth line the page has is there (the page mark "- 3 -" apart: 5 characters, read as marks).
  const all = lineRecall(
    page.text,
    coverage.lines.map((l) => l.text),
  );
  assert.ok(all.found >= all.lines - 1, `${all.found} of ${all.lines} lines`);
});

// The 1938 letter's address ends in an underlined, letter-spaced "W. C. l." (London W.C.1) under
// "Woburn House,". The page reading garbles it ("WisChsX," at 0) and the row is read alone; the
// strip it is read from reaches into the feet of "Woburn House," above, which came back as a letter
// of this line ("w.C. 1.", 62% like the line: lost). Cropped exactly as the corpus README says, the
// way bench:accuracy crops it (a greyscale PNG).
test('EHRI-BF-19380509b_EN_01: the underlined "W. C. l." under "Woburn House," is read', { skip: skipLetter }, async () => {
  const coverage = JSON.parse(readFileSync(`${LETTER}.lines.json`, 'utf8')) as {
    width: number;
    height: number;
    gt_coverage_bbox: [number, number, number, number];
    lines: { text: string }[];
  };
  const file = path.join(work, 'EN_01.png');
  await writeCrop(`${LETTER}.jpg`, cropRegion(coverage.gt_coverage_bbox, coverage.width, coverage.height), file);
  const page = await readScanAlone(file, { cwd: work, lang: 'eng' });
  const recall = lineRecall(page.text, ['W. C. l.']);
  assert.equal(recall.found, 1, `"W. C. l." not found (best ${recall.matches[0]?.similarity}):\n${page.text}`);
  // In its place: between "Woburn House," and "Dear Sirs,".
  const text = page.text.replace(/\s+/gu, ' ');
  const at = text.indexOf(recall.matches[0]!.matched!);
  assert.ok(text.indexOf('Woburn House,') < at && at < text.indexOf('Dear Sirs'), page.text);
  // And no other line of the page is lost for it.
  const all = lineRecall(
    page.text,
    coverage.lines.map((l) => l.text),
  );
  assert.equal(
    all.found,
    all.lines,
    `${all.found} of ${all.lines} lines: lost ${all.matches
      .filter((m) => !m.found)
      .map((m) => m.line)
      .join(' | ')}`,
  );
});

test('a page whose reading covers every ink line is left as it is, without an OCR call', async () => {
  const ocr: OcrResult = {
    lines: [
      {
        text: 'Since Jews do not',
        confidence: 95,
        bbox: [10, 10, 200, 30],
        paragraph: 0,
        words: [
          { text: 'Since', confidence: 95, bbox: [10, 10, 60, 30] },
          { text: 'Jews do not', confidence: 95, bbox: [70, 10, 200, 30] },
        ],
      },
    ],
    text: 'Since Jews do not',
    meanConfidence: 95,
    wordCount: 2,
    engine: 'test',
    engineVersion: '1',
    lang: 'eng',
    psm: 3,
  };
  const engine = {
    name: 'never',
    recognize: async () => {
      throw new Error('no OCR call expected');
    },
    close: async () => undefined,
  };
  const image = { data: Buffer.alloc(300 * 100, 255), width: 300, height: 100, channels: 1 as const };
  const inkLine = {
    bbox: [12, 12, 198, 29] as [number, number, number, number],
    centre: [105, 20] as [number, number],
    thickness: 17,
    letterHeight: 14,
    angle: 0,
    vertical: false,
    region: 0,
    letters: 14,
  };
  const { result, report } = await recoverLines(image, ocr, [inkLine], engine, { lang: 'eng', dpi: 300 });
  assert.equal(result, ocr);
  assert.deepEqual(report, { dropped: 0, added: 0, doubtful: 0, replaced: 0 });
});

test('a word the reading dropped from the middle of a line goes back between its neighbours on that line', async () => {
  // A letter-spaced heading: the page reading kept "Jewish" and "Report" on one line and lost
  // "Survivors" between them; read alone, it belongs in its place on that line, not after it.
  const word = (text: string, bbox: [number, number, number, number]) => ({ text, confidence: 90, bbox });
  const heading = {
    text: 'Jewish Report',
    confidence: 90,
    bbox: [20, 20, 560, 44] as [number, number, number, number],
    paragraph: 0,
    words: [word('Jewish', [20, 20, 140, 44]), word('Report', [440, 20, 560, 44])],
  };
  const next = {
    text: 'Documents of Nazi Guilt',
    confidence: 90,
    bbox: [100, 70, 500, 94] as [number, number, number, number],
    paragraph: 1,
    words: [word('Documents of Nazi Guilt', [100, 70, 500, 94])],
  };
  const ocr: OcrResult = {
    lines: [heading, next],
    text: 'Jewish Report\n\nDocuments of Nazi Guilt',
    meanConfidence: 90,
    wordCount: 3,
    engine: 'test',
    engineVersion: '1',
    lang: 'eng',
    psm: 3,
  };
  // The engine reads any strip as "Survivors", across the whole strip.
  const engine = {
    name: 'test',
    recognize: async (request: { image: { width: number; height: number } }): Promise<OcrResult> => {
      const bbox: [number, number, number, number] = [0, 0, request.image.width, request.image.height];
      const words = [{ text: 'Survivors', confidence: 90, bbox }];
      return {
        lines: [{ text: 'Survivors', confidence: 90, bbox, paragraph: 0, words }],
        text: 'Survivors',
        meanConfidence: 90,
        wordCount: 1,
        engine: 'test',
        engineVersion: '1',
        lang: 'eng',
        psm: 7,
      };
    },
    close: async () => undefined,
  };
  const image = { data: Buffer.alloc(600 * 120, 255), width: 600, height: 120, channels: 1 as const };
  const dropped = {
    bbox: [200, 21, 380, 43] as [number, number, number, number],
    centre: [290, 32] as [number, number],
    thickness: 22,
    letterHeight: 18,
    angle: 0,
    vertical: false,
    region: 0,
    letters: 9,
  };
  const { result, report } = await recoverLines(image, ocr, [dropped], engine, { lang: 'eng', dpi: 300 });
  assert.equal(report.added, 1);
  assert.equal(result.lines.length, 2);
  assert.equal(result.lines[0]!.text, 'Jewish Survivors Report');
  assert.equal(result.text, 'Jewish Survivors Report\n\nDocuments of Nazi Guilt');
});

test('word-like tokens: words, numbers and page marks are; runs of marks are not', () => {
  assert.equal(wordlikeShare('many. Rumanians in general'), 1);
  assert.equal(wordlikeShare('- 3 -'), 1);
  assert.equal(wordlikeShare('£4iVUbl -F- $0'), 1 / 3);
});

test('ink lines outside the preprocessed page (in a margin the crop cut away) are not read', async () => {
  const ocr: OcrResult = { lines: [], text: '', meanConfidence: 0, wordCount: 0, engine: 'test', engineVersion: '1', lang: 'eng', psm: 3 };
  const engine = {
    name: 'never',
    recognize: async () => {
      throw new Error('no OCR call expected');
    },
    close: async () => undefined,
  };
  const image = { data: Buffer.alloc(300 * 100, 255), width: 300, height: 100, channels: 1 as const };
  // A page mark above the cropped page: its box maps to negative rows.
  const above = {
    bbox: [120, -60, 160, -40] as [number, number, number, number],
    centre: [140, -50] as [number, number],
    thickness: 20,
    letterHeight: 14,
    angle: 0,
    vertical: false,
    region: 0,
    letters: 1,
  };
  const { result, report } = await recoverLines(image, ocr, [above], engine, { lang: 'eng', dpi: 300 });
  assert.equal(result, ocr);
  assert.deepEqual(report, { dropped: 0, added: 0, doubtful: 0, replaced: 0 });
});
