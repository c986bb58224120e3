// A bound on one OCR call. Tesseract can hang on a hostile or pathological image (a page of
// noise read with the wrong segmentation mode took 160-234 s, ../shared/NOTES.md), and an engine
// slot held by a hung call is held for ever: with long-lived native processes, every later page
// of that slot waits behind it. At the bound the engine stops the process or worker thread (the
// caller's `stop`), and the page fails as retryable, so a queue retries it on a fresh one.
// A request may carry a tighter bound of its own: a page's budget, from what its size and ink
// predict (src/ocr/page-budget.ts); the engine's --ocr-timeout caps it.
import { CablescanError, ErrorCode } from '../errors.ts';

export interface OcrBound {
  seconds: number;
  /** Where the bound came from, for the message. */
  source: 'page budget' | '--ocr-timeout';
}

/** The bound on one call: the request's own when it is the tighter, else the engine's; null when neither is set (0: none). */
export function boundOf(requested: number | undefined, configured: number | undefined): OcrBound | null {
  const engine = configured && configured > 0 ? configured : null;
  if (requested && requested > 0 && (engine === null || requested < engine)) return { seconds: requested, source: 'page budget' };
  return engine === null ? null : { seconds: engine, source: '--ocr-timeout' };
}

export class OcrTimeoutError extends CablescanError {
  readonly bound: OcrBound;

  constructor(bound: OcrBound, stopped: string) {
    const why = bound.source === 'page budget' ? "the page's budget from its size and ink, capped by --ocr-timeout" : '--ocr-timeout';
    super(ErrorCode.OCR_FAILED, `OCR did not finish within ${bound.seconds} s (${why}); ${stopped} was stopped`, {
      retryable: true,
      details: { timeoutSeconds: bound.seconds, bound: bound.source },
    });
    this.bound = bound;
  }
}

/**
 * Settles as `work` does, or rejects with OcrTimeoutError after the bound (a number is an
 * --ocr-timeout; 0, null or undefined: no bound), calling `stop` first. `work`'s own later failure
 * (the stopped process's) is swallowed.
 */
export function withinTimeout<T>(work: Promise<T>, limit: OcrBound | number | null | undefined, stopped: string, stop: () => void): Promise<T> {
  const bound = typeof limit === 'number' ? boundOf(undefined, limit) : limit;
  if (!bound) return work;
  const { seconds } = bound;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      work.catch(() => undefined);
      stop();
      reject(new OcrTimeoutError(bound, stopped));
    }, seconds * 1000);
    // A pending bound must not keep a finished program alive.
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
