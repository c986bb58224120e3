// Lines a seal touches, read again without the seal.
//
// A seal's ring run into the first letters of a line (on generated despatches the `No.` of the
// number's line, `No. 2773.  Athens, ...`) makes Tesseract read the whole line as garbage (`OF 2
// 74.3`, `Ca 4/0» Athens,`, `.. (194 Madrid, March Sed esd mmo"`): the ring's arcs are taken for
// letters and the line's box grows to the seal's height. Session 11's `seals` preprocessing steps
// painted the seal on the whole page and broke more than they fixed (docs/decisions.md). Here the
// page is left as it is: only the rows of typed ink (the ink measure's lines, which leave the seal
// out as too big for a letter) that start inside the seal's disc or within SEAL_REACH letter heights
// of it are read again, one line each, from a copy of the page whose disc is painted white, and the
// reading replaces the page's words on that row only when it holds clearly more sure, word-like text
// (recover-lines.ts `evidence`, the rule the recovery of garbled lines uses). What lay over the disc
// goes with it (the left stroke of an `N` on the ring): `o. 2773.` is what the number's parser reads
// as a damaged label (numbers.ts, `fuzzy_label`, reviewed), not a number accepted on its own.
import type { BBox, OcrLine, OcrResult, RawImage } from '../types.ts';
import { joinLineText, type OcrEngine } from './engine.ts';
import { readInkLines, type ImageLine } from './ink-lines.ts';
import { histogram, otsuThreshold } from '../preprocess/analysis.ts';
import { evidence, unwordlikeTokens } from './recover-lines.ts';
import { findSeals, type Seal } from './seals.ts';
import { unionBoxes } from '../geometry.ts';
import { pageConfidence } from './tesseract-result.ts';

/** A row of ink starting this many letter heights or fewer right of a seal's disc is touched by it. */
const SEAL_REACH = 2;
/**
 * The reading without the seal replaces the page's when its evidence (by the seal) is this much
 * larger; or when it is within ABOUT_AS_SURE of it and has fewer tokens of two characters or more
 * that are no word or number (the marks a ring leaves: `#. 1423.` read `1423.`, `.. (194` read
 * `719.`, which a stamp's letters further along make a little less sure). A lone mark (`. 1861.`) is
 * what the number's parser reads as a trace of `No.`: a letter in its place (`J. 1861.`) is no better.
 * Nor is a reading with more digits (`.~ 1981. °` read `5.71981.`: what is left of an `N` on the ring
 * read as digits glued to the number).
 */
const BETTER_BY = 1.1;
const ABOUT_AS_SURE = 1.25;
/** The window where a seal's rows are looked for reaches this many letter heights right of its disc. */
const WINDOW = 8;
/** Rows a page may read again (each is one small OCR call). */
const MAX_ROWS = 3;

export interface SealLinesReport {
  seals: number;
  /** Rows read again without the seal; rows whose reading was taken. */
  rows: number;
  replaced: number;
  /** Strips the engine died on (the page keeps its reading of them). */
  crashed?: number;
}

export interface SealLinesOptions {
  lang: string;
  dpi: number;
  letterHeight: number;
  timeoutSeconds?: number;
  blurSigma?: number;
}

const digitsIn = (text: string): number => text.replace(/\D/gu, '').length;

function overlapY(a: BBox, b: BBox): number {
  return Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
}

/** A copy of the page with the seals' discs painted white. */
export function withoutSeals(image: RawImage, seals: readonly Seal[]): RawImage {
  const data = Buffer.from(image.data);
  for (const s of seals) {
    const y0 = Math.max(0, Math.floor(s.cy - s.r));
    const y1 = Math.min(image.height - 1, Math.ceil(s.cy + s.r));
    for (let y = y0; y <= y1; y += 1) {
      const half = Math.sqrt(Math.max(0, s.r * s.r - (y - s.cy) * (y - s.cy)));
      const x0 = Math.max(0, Math.floor(s.cx - half));
      const x1 = Math.min(image.width, Math.ceil(s.cx + half) + 1);
      data.fill(255, y * image.width + x0, y * image.width + x1);
    }
  }
  return { ...image, data };
}

/**
 * The rows of typed ink a seal touches, found on the painted page beside the seal: in a window from
 * the middle of its disc to WINDOW letter heights right of it, over its rows, the runs of rows with
 * ink are rows of text; those whose ink starts within SEAL_REACH letter heights of the disc's right
 * edge are touched. (The ink measure's lines join a row run into a seal to its neighbours and to a
 * stamp over them: one "line" three rows tall.) Each row runs as far right as the words of the
 * page's reading lying on it.
 */
/** A row a seal touches, and where the window beside the seal ends (image x). */
export type SealRow = ImageLine & { window: number };

export function touchedRows(painted: RawImage, seals: readonly Seal[], lines: readonly OcrLine[], letterHeight: number): SealRow[] {
  const rows: SealRow[] = [];
  const { width, height, data } = painted;
  for (const s of seals) {
    const x0 = Math.max(0, Math.round(s.cx + 0.5 * s.r));
    const x1 = Math.min(width, Math.round(s.cx + s.r + WINDOW * letterHeight));
    const y0 = Math.max(0, Math.round(s.cy - s.r));
    const y1 = Math.min(height, Math.round(s.cy + s.r));
    if (x1 - x0 < letterHeight || y1 - y0 < letterHeight) continue;
    const window: RawImage = { data: Buffer.alloc((x1 - x0) * (y1 - y0)), width: x1 - x0, height: y1 - y0, channels: 1 };
    for (let y = y0; y < y1; y += 1) window.data.set(data.subarray(y * width + x0, y * width + x1), (y - y0) * (x1 - x0));
    const threshold = otsuThreshold(histogram(window));
    // Per row: the first inked column of the window (or -1).
    const first = new Int32Array(window.height).fill(-1);
    const count = new Int32Array(window.height);
    for (let y = 0; y < window.height; y += 1) {
      for (let x = 0; x < window.width; x += 1) {
        if (window.data[y * window.width + x]! > threshold) continue;
        count[y]! += 1;
        if (first[y] === -1) first[y] = x;
      }
    }
    // Rows with ink (a speck's row or two apart), joined across gaps shorter than a fifth of a letter.
    const inked = (y: number) => count[y]! >= 2;
    let y = 0;
    while (y < window.height) {
      if (!inked(y)) {
        y += 1;
        continue;
      }
      let end = y;
      let gap = 0;
      let k = y;
      while (k < window.height && gap <= 0.2 * letterHeight) {
        if (inked(k)) {
          end = k;
          gap = 0;
        } else gap += 1;
        k += 1;
      }
      const tall = end - y + 1;
      if (tall >= 0.5 * letterHeight && tall <= 2.5 * letterHeight) {
        let start = Infinity;
        for (let r = y; r <= end; r += 1) if (first[r]! >= 0) start = Math.min(start, first[r]!);
        if (x0 + start < s.cx + s.r + SEAL_REACH * letterHeight) {
          const top = y0 + y;
          const bottom = y0 + end + 1;
          // The page's lines on the row (half their height or more inside it): the row runs to their
          // end, and slopes as their words do (a page left under the deskew's threshold drifts a
          // letter height along a line; the strip follows it).
          const on = lines.filter((l) => {
            const h = Math.min(l.bbox[3] - l.bbox[1], bottom - top);
            return Math.min(l.bbox[3], bottom) - Math.max(l.bbox[1], top) >= 0.5 * h && l.bbox[2] > x0;
          });
          const right = Math.max(x1, ...on.map((l) => l.bbox[2]));
          const words = on.flatMap((l) => l.words).filter((w) => w.bbox[2] > x0 && w.bbox[3] - w.bbox[1] < 2 * letterHeight);
          words.sort((a, b) => a.bbox[0] - b.bbox[0]);
          const mid = (b: BBox) => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] as const;
          const [fx, fy] = words.length >= 2 ? mid(words[0]!.bbox) : [0, 0];
          const [lx, ly] = words.length >= 2 ? mid(words.at(-1)!.bbox) : [1, 0];
          const slope = (ly - fy) / Math.max(1, lx - fx);
          const along = slope * (right - x0);
          rows.push({
            bbox: [x0, Math.min(top, top + along), right, Math.max(bottom, bottom + along)],
            centre: [(x0 + right) / 2, (top + bottom + along) / 2],
            thickness: bottom - top + Math.min(letterHeight, Math.abs(along)),
            letterHeight,
            angle: 0,
            vertical: false,
            region: 0,
            letters: Math.max(3, Math.round((right - x0) / letterHeight)),
            window: x1,
          });
        }
      }
      y = k;
    }
  }
  return rows.slice(0, MAX_ROWS);
}

/**
 * The page's reading with the rows a seal touches read again without it, where that reading is
 * better; boxes in the coordinates of `image`, as the reading's are.
 */
export async function readSealLines(
  image: RawImage,
  ocr: OcrResult,
  engine: OcrEngine,
  options: SealLinesOptions,
): Promise<{ result: OcrResult; report: SealLinesReport }> {
  const seals = findSeals(image, options.letterHeight);
  const report: SealLinesReport = { seals: seals.length, rows: 0, replaced: 0 };
  if (seals.length === 0) return { result: ocr, report };
  const painted = withoutSeals(image, seals);
  const touched = touchedRows(painted, seals, ocr.lines, options.letterHeight);
  if (touched.length === 0) return { result: ocr, report };
  let lines: OcrLine[] = ocr.lines.map((l) => ({ ...l }));
  for (const row of touched) {
    report.rows += 1;
    const { window: _window, ...line } = row;
    const { result, lines: reports } = await readInkLines(painted, [line], engine, {
      lang: options.lang,
      dpi: options.dpi,
      timeoutSeconds: options.timeoutSeconds,
      blurSigma: options.blurSigma,
      retries: false,
      paintNeighbours: true,
    });
    if (reports[0]?.crashed) {
      report.crashed = (report.crashed ?? 0) + 1;
      continue;
    }
    if (result.lines.length === 0) continue;
    // The page's words on the row: lying on its rows, their middle inside its width.
    const onRow = (b: BBox) => {
      const h = b[3] - b[1];
      const x = (b[0] + b[2]) / 2;
      return overlapY(b, row.bbox) >= 0.5 * Math.min(h, row.bbox[3] - row.bbox[1]) && x > row.bbox[0] - row.letterHeight && x < row.bbox[2] + row.letterHeight;
    };
    const before = lines.map((l) => ({ ...l, words: l.words.filter((w) => onRow(w.bbox)) })).filter((l) => l.words.length > 0);
    // Judged where the seal is: the words by it (their middle inside the window beside it); further
    // along the row, a stamp or a date read the same either way weighs nothing on the choice.
    const near = (ls: readonly OcrLine[]) =>
      ls.map((l) => ({ ...l, words: l.words.filter((w) => (w.bbox[0] + w.bbox[2]) / 2 < row.window) })).filter((l) => l.words.length > 0);
    const textOf = (ls: readonly OcrLine[]) => ls.map((l) => l.words.map((w) => w.text).join(' ')).join(' ');
    const [was, now] = [near(before), near(result.lines)];
    const better =
      evidence(now) > BETTER_BY * evidence(was) ||
      (evidence(now) * ABOUT_AS_SURE >= evidence(was) &&
        unwordlikeTokens(textOf(now), 2) < unwordlikeTokens(textOf(was), 2) &&
        digitsIn(textOf(now)) <= digitsIn(textOf(was)));
    if (!better) continue;
    report.replaced += 1;
    const at = lines.findIndex((l) => l.words.some((w) => onRow(w.bbox)));
    const paragraph = at >= 0 ? lines[at]!.paragraph : 0;
    lines = lines
      .map((l) => {
        const ws = l.words.filter((w) => !onRow(w.bbox));
        if (ws.length === l.words.length) return l;
        return { ...l, words: ws, text: ws.map((w) => w.text).join(' '), bbox: unionBoxes(ws.map((w) => w.bbox))! };
      })
      .filter((l) => l.words.length > 0);
    const insertAt = at >= 0 ? Math.min(at, lines.length) : lines.findIndex((l) => l.bbox[1] > row.bbox[3]);
    lines.splice(insertAt < 0 ? lines.length : insertAt, 0, ...result.lines.map((l) => ({ ...l, paragraph })));
  }
  if (report.replaced === 0) return { result: ocr, report };
  return { result: { ...ocr, lines, text: joinLineText(lines), ...pageConfidence(lines) }, report };
}
