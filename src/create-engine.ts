// Chooses the OCR engine from config. Drivers call this once and share the engine.
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { OcrEngine } from './ocr/engine.ts';
import { createTesseractJsEngine } from './ocr/tesseract-js.ts';

export function createEngine(config: Config, logger: Logger): OcrEngine {
  return createTesseractJsEngine({
    concurrency: config.concurrency,
    recycleAfter: config.recycleAfter,
    tessdata: config.tessdata,
    logger: logger.child({ stage: 'ocr' }),
  });
}
