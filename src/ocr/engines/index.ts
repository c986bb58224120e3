// The OCR engines cablescan knows, in the order `--engine auto` prefers them (the fastest first).
// The CLI's `--engine` choices, the config's enum, and each engine's own options and flags come
// from this list: adding an engine is a descriptor (types.ts) and one line here.
import { z } from 'zod';
import { tesseractEngine } from './tesseract.ts';
import { tesseractJsEngine } from './tesseract-js.ts';
import type { EngineDescriptor } from './types.ts';

export const ENGINES = [tesseractEngine, tesseractJsEngine] as const;

/** The registry without each engine's own types (its options are checked by its schema). */
// biome-ignore lint/suspicious/noExplicitAny: a registry of descriptors of every option type; each engine's schema checks its own
const REGISTRY: readonly EngineDescriptor<any>[] = ENGINES;

export type EngineName = (typeof ENGINES)[number]['name'];
export const ENGINE_NAMES = ENGINES.map((e) => e.name) as [EngineName, ...EngineName[]];
/** `--engine`: one of the engines, or `auto` (the default): the first whose check passes. */
export const ENGINE_CHOICES = ['auto', ...ENGINE_NAMES] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
/**
 * What a run may be told: an engine choice, or `none`, the stand-in that reads no words, for
 * benchmarks of everything around OCR (src/ocr/stand-in.ts). It is no registered engine, so `auto`
 * never consults it and no error lists it.
 */
export const RUN_ENGINE_CHOICES = [...ENGINE_CHOICES, 'none'] as const;
export type RunEngineChoice = (typeof RUN_ENGINE_CHOICES)[number];

export function engineByName(name: string): EngineDescriptor | undefined {
  return REGISTRY.find((e) => e.name === name);
}

/** Config `engineOptions`: each engine's own options under its name, defaults filled in. */
const optionShapes = Object.fromEntries(REGISTRY.map((e) => [e.name, (e.options as z.ZodType<Record<string, unknown>>).prefault({})])) as unknown as Record<
  EngineName,
  z.ZodType<Record<string, unknown>, Record<string, unknown> | undefined>
>;
const engineOptionsObject = z.object(optionShapes).strict();
// Each engine's schema fills in its defaults from nothing (prefault above), so an absent key is fine.
export const engineOptionsSchema = engineOptionsObject.prefault({} as z.input<typeof engineOptionsObject>);

export type EngineOptions = Record<EngineName, Record<string, unknown>>;

/** Every engine's flags with the engine they belong to (the CLI adds them; config reads their env vars). */
export function engineFlags(): Array<{ engine: EngineName; flag: EngineDescriptor['flags'][number] }> {
  return REGISTRY.flatMap((e) => e.flags.map((flag) => ({ engine: e.name as EngineName, flag })));
}

export type { EngineCheck, EngineDescriptor, EngineFlag, EngineSettings } from './types.ts';
