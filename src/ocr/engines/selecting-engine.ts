// The engine the drivers hold: it chooses the engine for each language set on first use (auto, or
// the one forced), creates each engine once, and hands every request to the chosen one. Each
// result says why its engine read it (`engineReason`, in the page JSON and the report), and each
// choice is logged once per process with the models it reads with.
import type { OcrResult } from '../../types.ts';
import { recognizeEach, type OcrEngine, type OcrRequest } from '../engine.ts';
import { engineByName, type EngineChoice, type EngineOptions } from './index.ts';
import { selectEngine, type Candidates, type EngineSelection } from './select.ts';
import type { EngineDescriptor, EngineSettings } from './types.ts';

export interface SelectingEngineOptions {
  requested: EngineChoice;
  settings: EngineSettings;
  options: EngineOptions;
  /** Engines `auto` consults, in order (tests inject checks); default: the registry. */
  candidates?: Candidates;
  /** Creates an engine by name (tests inject doubles); default: the registry's descriptor. */
  create?: (name: string) => OcrEngine;
}

export interface SelectingEngine extends OcrEngine {
  /** The choices made so far, one per language set. */
  selections(): EngineSelection[];
}

export function createSelectingEngine(opts: SelectingEngineOptions): SelectingEngine {
  const { settings } = opts;
  const choices = new Map<string, Promise<{ selection: EngineSelection; engine: OcrEngine }>>();
  const engines = new Map<string, OcrEngine>();
  const made: EngineSelection[] = [];
  let closed = false;

  function engineNamed(name: string): OcrEngine {
    let engine = engines.get(name);
    if (!engine) {
      if (opts.create) engine = opts.create(name);
      else {
        const descriptor = engineByName(name) as EngineDescriptor;
        engine = descriptor.create(settings, (opts.options as Record<string, Record<string, unknown>>)[name] ?? {});
      }
      engines.set(name, engine);
    }
    return engine;
  }

  function choose(lang: string) {
    let found = choices.get(lang);
    if (!found) {
      found = (async () => {
        const selection = await selectEngine(opts.requested, lang, settings, opts.options, opts.candidates);
        const engine = engineNamed(selection.engine);
        await engine.prepare?.(lang);
        made.push(selection);
        settings.logger.info({ engine: selection.engine, lang, model: settings.models.model, reason: selection.reason }, 'OCR engine chosen');
        return { selection, engine };
      })();
      choices.set(lang, found);
      // A failed choice is not remembered: the user may install Tesseract or a model and retry in the same process.
      found.catch(() => choices.delete(lang));
    }
    return found;
  }

  const tag = (result: OcrResult, selection: EngineSelection): OcrResult => ({ ...result, engineReason: selection.reason });

  return {
    get name() {
      const names = [...engines.keys()];
      return names.length === 1 ? names[0]! : opts.requested;
    },

    async prepare(lang: string): Promise<void> {
      await choose(lang);
    },

    async recognize(request: OcrRequest): Promise<OcrResult> {
      const { selection, engine } = await choose(request.lang);
      return tag(await engine.recognize(request), selection);
    },

    async recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]> {
      if (requests.length === 0) return [];
      const lang = requests[0]!.lang;
      if (!requests.every((r) => r.lang === lang)) return recognizeEach(this, requests);
      const { selection, engine } = await choose(lang);
      const results = engine.recognizeMany ? await engine.recognizeMany(requests) : await recognizeEach(engine, requests);
      return results.map((r) => tag(r, selection));
    },

    stats(): Record<string, number> {
      const all = [...engines.entries()];
      if (all.length === 1) return all[0]![1].stats?.() ?? {};
      return Object.fromEntries(all.flatMap(([name, e]) => Object.entries(e.stats?.() ?? {}).map(([k, v]) => [`${name}.${k}`, v])));
    },

    selections(): EngineSelection[] {
      return [...made];
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...engines.values()].map((e) => e.close()));
    },
  };
}
