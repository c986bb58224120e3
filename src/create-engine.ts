// The OCR engine of a run, from config. Drivers call this once and share the engine.
// `--engine auto` (the default) reads with native Tesseract where version 5 or later is installed
// with models for the languages asked for, else with tesseract.js (nothing to install); both read
// with the same model files (src/ocr/models.ts), so speed depends on the machine, accuracy does not.
// The engines are registered in src/ocr/engines/; both return the same OcrResult shape.
//   none: a stand-in that reads no words, for benchmarks (src/ocr/stand-in.ts); no registered
//   engine, so `auto` never takes it.
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { OcrEngine } from './ocr/engine.ts';
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
  const requested = config.engine;
  const engine = createSelectingEngine({ requested, settings: engineSettings(config, log), options: config.engineOptions });
  if (config.model !== 'fast' || config.digitCheck === false) return engine;
  return withChecker(engine, () => {
    const settings = engineSettings(config, log);
    // One reader of small crops: the check's batch is one call a page.
    return createSelectingEngine({
      requested,
      settings: { ...settings, concurrency: 1, models: { ...settings.models, model: 'best' } },
      options: config.engineOptions,
    });
  });
}

/** `engine` with a checking engine (src/ocr/digit-check.ts), created on first use and closed with it. */
export function withChecker(engine: SelectingEngine, create: () => OcrEngine): SelectingEngine {
  let checker: OcrEngine | undefined;
  return {
    get name() {
      return engine.name;
    },
    recognize: (request) => engine.recognize(request),
    ...(engine.recognizeMany ? { recognizeMany: (requests: Parameters<NonNullable<OcrEngine['recognizeMany']>>[0]) => engine.recognizeMany!(requests) } : {}),
    ...(engine.prepare ? { prepare: (lang: string) => engine.prepare!(lang) } : {}),
    ...(engine.stats ? { stats: () => engine.stats!() } : {}),
    selections: () => engine.selections(),
    checker: () => (checker ??= create()),
    async close() {
      await Promise.all([engine.close(), checker?.close()]);
    },
  };
}
