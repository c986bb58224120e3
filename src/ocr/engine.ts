// The OCR engine sits behind this interface so the pipeline can run with tesseract.js, the native
// tesseract CLI (engines/ registers them; `auto` chooses), or test doubles.
import { CablescanError, ErrorCode } from '../errors.ts';
import type { OcrResult, RawImage } from '../types.ts';

export interface OcrRequest {
  /** Greyscale or RGB pixels to read; boxes in the result are relative to this image. */
  image: RawImage;
  /** "eng", "eng+fra", ... */
  lang: string;
  /** Tesseract page segmentation mode. */
  psm: number;
  /** Resolution hint for Tesseract (pixels per inch of `image`). */
  dpi?: number;
  /**
   * false: Tesseract does not re-read low-confidence lines inverted (its `tessedit_do_invert`,
   * on by default, which is what reads white-on-black stamps on a page). The second opinion's
   * word crops say false: they are doubtful words, so most get the retry, and it was ~20% of
   * their native CPU (1.7 -> 1.4 s for the 213 words of the bench pages, one garbage word read
   * as other garbage); read as a single word (PSM 8), Tesseract 5.3 reads a white-on-black word
   * as noise with or without it. Both engines honour it, so they read the crops alike.
   */
  invertedRetry?: boolean;
  /**
   * Seconds this call may take (a page's budget, src/ocr/page-budget.ts): past it the engine stops
   * the call as it does at --ocr-timeout, which still applies when it is the smaller.
   */
  timeoutSeconds?: number;
}

export interface OcrEngine {
  readonly name: string;
  recognize(request: OcrRequest): Promise<OcrResult>;
  /**
   * Optional: reads several small images (same lang, psm and dpi) in one go, results in order.
   * For engines where a call has a fixed cost far above a word's (the native CLI loads its model
   * for every process); the second opinion's word crops use it when it is there.
   */
  recognizeMany?(requests: readonly OcrRequest[]): Promise<OcrResult[]>;
  /**
   * Optional: checks that `lang` can be read (its traineddata is present), so a driver can
   * fail before any page is read. Throws CS_ERR_TESSDATA_MISSING.
   */
  prepare?(lang: string): Promise<void>;
  /** Optional: counters for logs and metrics (workers created/recycled, pages read, queue length). */
  stats?(): Record<string, number>;
  /**
   * Optional: the same engine reading with npm's best_int model, for an engine reading with a fast
   * model (the digit check, src/ocr/digit-check.ts); created on first use, closed with this one.
   */
  checker?(): OcrEngine;
  /** Releases workers; the engine cannot be used afterwards. */
  close(): Promise<void>;
}

/** Reads the requests one after the other: what `recognizeMany` amounts to without a batch call. */
export async function recognizeEach(engine: Pick<OcrEngine, 'recognize'>, requests: readonly OcrRequest[]): Promise<OcrResult[]> {
  const results: OcrResult[] = [];
  for (const request of requests) results.push(await engine.recognize(request));
  return results;
}

/** Lines joined by newlines, a blank line between paragraphs (as the engines write `text`). */
export function joinLineText(lines: ReadonlyArray<Pick<OcrResult['lines'][number], 'text' | 'paragraph'>>): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i > 0 && line.paragraph !== lines[i - 1]!.paragraph) out.push('');
    out.push(line.text);
  });
  return out.join('\n');
}

/**
 * The signal an engine died of while reading one image (details.crashed of its CS_ERR_OCR_FAILED),
 * or null for any other failure. A crash is the image's doing, not the machine's: the image is
 * skipped where it is one of many (a line, a word), and the page read another way where it is
 * the page.
 */
export function engineCrashOf(err: unknown): string | null {
  if (!(err instanceof CablescanError) || err.code !== ErrorCode.OCR_FAILED) return null;
  const crashed = err.details?.crashed;
  return typeof crashed === 'string' ? crashed : null;
}

/** Runs an optional reading; when the engine dies on its images, `instead` says what the page keeps. */
export async function unlessEngineCrashed<T>(read: () => Promise<T>, instead: (crashed: string) => T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const crashed = engineCrashOf(err);
    if (crashed === null) throw err;
    return instead(crashed);
  }
}
