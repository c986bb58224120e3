// The OCR engine of a run, from config. Drivers call this once and share the engine.
// `--engine auto` (the default) reads with native Tesseract where version 5 or later is installed
// with models for the languages asked for, else with tesseract.js (nothing to install); both read
// with the same model files (src/ocr/models.ts), so speed depends on the machine, accuracy does not.
// The engines are registered in src/ocr/engines/; both return the same OcrResult shape.
//   none: a stand-in that reads no words, for benchmarks (src/ocr/stand-in.ts); no registered
//   engine, so `auto` never takes it.
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createSelectingEngine, type SelectingEngine } from './ocr/engines/selecting-engine.ts';
import type { EngineSettings } from './ocr/engines/types.ts';
import { createStandInEngine, STAND_IN_ENGINE } from './ocr/stand-in.ts';

/** The settings every engine shares, from config. */
export function engineSettings(config: Config, logger: Logger): EngineSettings {
  return {
    concurrency: config.concurrency,
    recycleAfter: config.recycleAfter,
    timeoutSeconds: config.ocrTimeout,
    models: { model: config.model, tessdata: config.tessdata, preferTessdata: config.preferTessdata, cacheRoot: config.modelCache },
    logger,
  };
}

export function createEngine(config: Config, logger: Logger): SelectingEngine {
  const log = logger.child({ stage: 'ocr' });
  if (config.engine === STAND_IN_ENGINE) {
    const engine = createStandInEngine();
    const selection = { engine: STAND_IN_ENGINE, lang: config.lang, reason: '--engine none (benchmarks: reads no words)' };
    return { ...engine, name: engine.name, selections: () => [selection] };
  }
  return createSelectingEngine({ requested: config.engine, settings: engineSettings(config, log), options: config.engineOptions });
}
