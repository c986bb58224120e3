// Test doubles for the OCR engine (the OCRmyPDF habit): a null engine that reads nothing and a
// deliberately failing one, so drivers and stages can be tested without Tesseract.
import { CablescanError, ErrorCode } from '../errors.ts';
import type { OcrResult } from '../types.ts';
import type { OcrEngine, OcrRequest } from './engine.ts';

/** Reads every page as empty: no lines, no words, confidence 0. Remembers what it was asked. */
export class NullEngine implements OcrEngine {
  readonly name = 'null';
  readonly requests: Array<Omit<OcrRequest, 'image'> & { width: number; height: number }> = [];
  private closed = false;

  async recognize(request: OcrRequest): Promise<OcrResult> {
    if (this.closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine is closed', { retryable: false });
    const { image, ...rest } = request;
    this.requests.push({ ...rest, width: image.width, height: image.height });
    return { lines: [], text: '', meanConfidence: 0, wordCount: 0, engine: this.name, engineVersion: '0', lang: request.lang, psm: request.psm };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface FailingEngineOptions {
  /** Default true, like a real transient OCR failure; false simulates a page that can never be read. */
  retryable?: boolean;
  message?: string;
}

/** Fails every request with CS_ERR_OCR_FAILED. */
export class FailingEngine implements OcrEngine {
  readonly name = 'failing';
  calls = 0;

  constructor(private readonly options: FailingEngineOptions = {}) {}

  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.calls += 1;
    throw new CablescanError(ErrorCode.OCR_FAILED, this.options.message ?? `deliberate OCR failure (lang ${request.lang})`, {
      retryable: this.options.retryable ?? true,
    });
  }

  async close(): Promise<void> {}
}
