// Chooses the OCR engine from config. Drivers call this once and share the engine.
//   tesseract.js (default): Tesseract in WebAssembly, nothing to install.
//   tesseract: the native CLI, long-lived processes fed one page at a time; faster, needs tesseract-ocr installed.
// Both return the same OcrResult shape, so the rest of the pipeline does not know which ran.
//   none: a stand-in that reads no words, for benchmarks (src/ocr/stand-in.ts).
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { OcrEngine } from './ocr/engine.ts';
import { createStandInEngine } from './ocr/stand-in.ts';
import { createTesseractCliEngine } from './ocr/tesseract-cli.ts';
import { createTesseractJsEngine } from './ocr/tesseract-js.ts';

export function createEngine(config: Config, logger: Logger): OcrEngine {
  const log = logger.child({ stage: 'ocr' });
  if (config.engine === 'none') return createStandInEngine();
  if (config.engine === 'tesseract') {
    return createTesseractCliEngine({
      concurrency: config.concurrency,
      recycleAfter: config.recycleAfter,
      timeoutSeconds: config.ocrTimeout,
      tessdata: config.tessdata,
      logger: log,
    });
  }
  return createTesseractJsEngine({
    concurrency: config.concurrency,
    recycleAfter: config.recycleAfter,
    timeoutSeconds: config.ocrTimeout,
    tessdata: config.tessdata,
    preferTessdata: config.preferTessdata,
    logger: log,
  });
}
