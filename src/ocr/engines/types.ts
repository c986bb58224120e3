// What an OCR engine is to the rest of cablescan: a descriptor registered in one place
// (engines/index.ts). The CLI's `--engine` choices, the config's enum and each engine's own options
// come from the registry, so adding an engine is a descriptor and one line there.
import type { z } from 'zod';
import type { Logger } from '../../logger.ts';
import type { OcrEngine } from '../engine.ts';
import type { ModelSettings } from '../models.ts';

/** Choices every engine shares (config: concurrency, recycleAfter, ocrTimeout, model, tessdata...). */
export interface EngineSettings {
  concurrency: number;
  recycleAfter: number;
  /** --ocr-timeout (0: no bound). */
  timeoutSeconds: number;
  /** Which model file reads each language; `systemTessdata` is filled in by the engine (it knows where its system folder is). */
  models: Omit<ModelSettings, 'systemTessdata'>;
  logger: Logger;
}

/** A command-line flag (and environment variable) that sets one of an engine's own options. */
export interface EngineFlag {
  /** commander syntax, e.g. "--tesseract-command <path>". */
  flag: string;
  description: string;
  /** The option it sets (a key of the engine's options schema). */
  key: string;
  env?: string;
}

/** Whether the machine can read a language set with an engine, and what was found; `auto` asks this. */
export type EngineCheck = { ok: true; detail: string } | { ok: false; reason: string };

export interface EngineDescriptor<O extends Record<string, unknown> = Record<string, unknown>, N extends string = string> {
  readonly name: N;
  /** One line for --help: what it is and what it needs. */
  readonly summary: string;
  /** The engine's own options: config `engineOptions.<name>` (defaults filled in by the schema). */
  readonly options: z.ZodType<O>;
  readonly flags: readonly EngineFlag[];
  /** Can this machine read `lang` with this engine, as `auto` requires it (never throws). */
  check(lang: string, settings: EngineSettings, options: O): Promise<EngineCheck>;
  create(settings: EngineSettings, options: O): OcrEngine;
}

/** A descriptor with its name and options typed (engines/index.ts lists them). */
export function defineEngine<O extends Record<string, unknown>, const N extends string>(descriptor: EngineDescriptor<O, N>): EngineDescriptor<O, N> {
  return descriptor;
}
