// How a preprocessed page is read, from what its ink measure (src/preprocess/ink.ts) found:
// - a text page: whole, in one call bounded by the page's budget (page-budget.ts);
// - a nearly blank page: line by line where the ink measure found its lines (ink-lines.ts);
// - a text page whose whole reading killed the engine (Tesseract's SIGFPE on some images): its ink
//   regions, each line alone; a line that kills it too is skipped (ink-lines.ts);
// - a text page whose call ran past its budget: its ink regions instead. A page that stops
//   Tesseract once stops it again, so it is not retried the same way: the way that timed out is
//   remembered (the caller keeps it beside the page's output) and the next attempt starts with the
//   regions; when they time out too, the page fails as not retryable.
import { CablescanError, ErrorCode } from '../errors.ts';
import { inkRegions, type InkMeasure } from '../preprocess/ink.ts';
import type { Affine, OcrResult, RawImage } from '../types.ts';
import { engineCrashOf, type OcrEngine } from './engine.ts';
import { linesInImage, readInkLines, type LineReport } from './ink-lines.ts';
import { pageBudgetSeconds } from './page-budget.ts';
import { OcrTimeoutError } from './timeout.ts';

/**
 * Paper noise of the ink measure (grey levels of its flattened analysis copy) from which each
 * line's strip is smoothed before reading: clean and mild scans measure 1-4, heavy ones 5-9.
 */
export const GRAINY_PAPER = 5;

/** The ways a page is read; the one that timed out is not tried again. */
export type ReadingWay = 'page' | 'regions';

export interface RecognizePageInput {
  /** The preprocessed page, its resolution and the map back to the scan. */
  image: RawImage;
  dpi: number;
  toOriginal: Affine;
  ink: InkMeasure;
  lang: string;
  psm: number;
  engine: OcrEngine;
  /** --ocr-timeout: caps every budget (0: no bound at all). */
  ocrTimeout: number;
  /** The way that timed out on this page in an earlier attempt, if any. */
  timedOutBefore: ReadingWay | null;
  /** Called when a way times out, before the next is tried (to remember it). */
  onTimeout?: (way: ReadingWay, seconds: number) => Promise<void>;
}

export interface PageReading {
  ocr: OcrResult;
  readAs: ReadingWay;
  /** The lines read, when read by regions. */
  regions?: LineReport[];
  /** Why the regions were read although the page is a text page. */
  fallback?: string;
}

function notRetried(message: string, err?: unknown): CablescanError {
  return new CablescanError(ErrorCode.OCR_FAILED, message, {
    retryable: false,
    cause: err,
    details: err instanceof OcrTimeoutError ? { ...err.details } : undefined,
  });
}

function budget(ocrTimeout: number, image: Pick<RawImage, 'width' | 'height'>, textLines: number): number | undefined {
  return ocrTimeout > 0 ? pageBudgetSeconds({ width: image.width, height: image.height, textLines }, ocrTimeout) : undefined;
}

export async function recognizePage(input: RecognizePageInput): Promise<PageReading> {
  const { image, ink, engine, lang, ocrTimeout } = input;
  if (input.timedOutBefore === 'regions') {
    throw notRetried(
      'OCR ran past its time on this page before, read whole and by its ink regions: not tried again (a page that stops Tesseract stops it again); run with --force to try anyway',
    );
  }
  const byRegions = async (fallback?: string): Promise<PageReading> => {
    const lines = linesInImage(inkRegions(ink.lines), input.toOriginal, image, ink.vertical);
    // Each line is a small image: the budget of a page of its size and one line (the floor, in practice).
    const widest = Math.max(1, ...lines.map((l) => Math.max(l.bbox[2] - l.bbox[0], l.bbox[3] - l.bbox[1])));
    const seconds = budget(ocrTimeout, { width: widest, height: widest }, 1);
    try {
      const read = await readInkLines(image, lines, engine, {
        lang,
        dpi: input.dpi,
        timeoutSeconds: seconds,
        blurSigma: ink.paperNoise >= GRAINY_PAPER ? 1 : 0,
      });
      return { ocr: read.result, readAs: 'regions', regions: read.lines, fallback };
    } catch (err) {
      if (!(err instanceof OcrTimeoutError)) throw err;
      await input.onTimeout?.('regions', err.bound.seconds);
      throw notRetried(
        `${err.message}, reading the page by its ink regions${fallback ? ` (${fallback})` : ''}: not retried, a page that stops Tesseract stops it again`,
        err,
      );
    }
  };
  if (ink.verdict === 'nearly_blank') return byRegions();
  if (input.timedOutBefore === 'page') return byRegions('the whole page ran past its time before');
  const seconds = budget(ocrTimeout, image, ink.textLines);
  try {
    const ocr = await engine.recognize({ image, lang, psm: input.psm, dpi: input.dpi, timeoutSeconds: seconds });
    return { ocr, readAs: 'page' };
  } catch (err) {
    // An engine that dies on the page dies on it again: its lines are read instead, one by one.
    const crashed = engineCrashOf(err);
    if (crashed) return byRegions(`the engine died (${crashed}) reading the whole page`);
    if (!(err instanceof OcrTimeoutError)) throw err;
    await input.onTimeout?.('page', err.bound.seconds);
    return byRegions(`the whole page ran past ${err.bound.seconds} s`);
  }
}
