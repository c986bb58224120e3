// The zero-install engine's descriptor: tesseract.js (Tesseract in WebAssembly, tesseract-js.ts).
// It runs wherever npm installed cablescan, so `auto` falls back to it.
import { z } from 'zod';
import { createTesseractJsEngine } from '../tesseract-js.ts';
import { systemModelsFolder } from '../tesseract-process.ts';
import { resolveModelSet } from '../models.ts';
import { defineEngine } from './types.ts';

// No options of its own yet: the pool size, recycling and models are shared settings.
const options = z.object({}).strict();

const systemFolder = () => systemModelsFolder('tesseract', process.env);

export const tesseractJsEngine = defineEngine({
  name: 'tesseract.js',
  summary: 'tesseract.js (Tesseract in WebAssembly): nothing to install',
  options,
  flags: [],

  async check(lang, settings) {
    try {
      const set = await resolveModelSet(lang, { ...settings.models, systemTessdata: await systemFolder() });
      return { ok: true, detail: `tesseract.js, with models for ${set.files.map((f) => `${f.lang} (${f.kind})`).join(', ')}` };
    } catch (err) {
      // The model cache not writable is no reason to fail: the engine then reads npm's .gz directly.
      return (err as { code?: string }).code === 'CS_ERR_MODEL_CACHE'
        ? { ok: true, detail: 'tesseract.js, reading the npm models directly (model cache not writable)' }
        : { ok: false, reason: (err as Error).message };
    }
  },

  create(settings) {
    return createTesseractJsEngine({
      concurrency: settings.concurrency,
      recycleAfter: settings.recycleAfter,
      timeoutSeconds: settings.timeoutSeconds,
      models: settings.models,
      systemTessdata: systemFolder,
      logger: settings.logger,
    });
  },
});
