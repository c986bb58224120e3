// What every stage receives besides its input: frozen config, a logger bound to
// the unit of work, and (for OCR) the engine. Stages never read process.env,
// open Redis or keep global state; drivers build a StageDeps and pass it down.
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { OcrEngine } from './ocr/engine.ts';

export interface StageDeps {
  config: Config;
  logger: Logger;
  engine: OcrEngine;
  /** Output folder, when the stage writes files (page JSON, intermediates). */
  outDir?: string;
}
