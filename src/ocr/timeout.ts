// A bound on one OCR call. Tesseract can hang on a hostile or pathological image (a page of
// noise read with the wrong segmentation mode took 160-234 s, ../shared/NOTES.md), and an engine
// slot held by a hung call is held for ever: with long-lived native processes, every later page
// of that slot waits behind it. At the bound the engine stops the process or worker thread (the
// caller's `stop`), and the page fails as retryable, so a queue retries it on a fresh one.
import { CablescanError, ErrorCode } from '../errors.ts';

export class OcrTimeoutError extends CablescanError {
  constructor(seconds: number, stopped: string) {
    super(ErrorCode.OCR_FAILED, `OCR did not finish within ${seconds} s (--ocr-timeout); ${stopped} was stopped`, {
      retryable: true,
      details: { timeoutSeconds: seconds },
    });
  }
}

/**
 * Settles as `work` does, or rejects with OcrTimeoutError after `seconds` (0 or undefined: no
 * bound), calling `stop` first. `work`'s own later failure (the stopped process's) is swallowed.
 */
export function withinTimeout<T>(work: Promise<T>, seconds: number | undefined, stopped: string, stop: () => void): Promise<T> {
  if (!seconds) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      work.catch(() => undefined);
      stop();
      reject(new OcrTimeoutError(seconds, stopped));
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
