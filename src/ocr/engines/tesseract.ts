// The native engine's descriptor: the `tesseract` command (tesseract-cli.ts). `auto` takes it when
// Tesseract 5 or later is installed and every language asked for has a model it can read.
import { z } from 'zod';
import { createTesseractCliEngine } from '../tesseract-cli.ts';
import { probeTesseractOnce } from '../tesseract-process.ts';
import { resolveModelSet } from '../models.ts';
import { defineEngine } from './types.ts';

/** The oldest Tesseract `auto` chooses: the generation of tesseract.js's, so both read alike. */
export const AUTO_MIN_VERSION = 5;

const options = z
  .object({
    /** The command to run: a name looked up on PATH, or a path. */
    command: z.string().min(1).default('tesseract'),
    /** Keep processes alive between pages (needs GNU stdbuf; off: one process per page). */
    streaming: z.boolean().default(true),
  })
  .strict();

type NativeOptions = z.infer<typeof options>;

function processEnv(): NodeJS.ProcessEnv {
  // OpenMP threads of side-by-side processes fight each other: one thread each (tesseract-cli.ts).
  return { ...process.env, OMP_THREAD_LIMIT: '1' };
}

export const tesseractEngine = defineEngine({
  name: 'tesseract',
  summary: 'native Tesseract (the tesseract command, e.g. apt-get install tesseract-ocr): faster',
  options,
  flags: [
    {
      flag: '--tesseract-command <path>',
      description: 'the native tesseract command (default: tesseract on PATH); env CABLESCAN_TESSERACT_COMMAND',
      key: 'command',
      env: 'CABLESCAN_TESSERACT_COMMAND',
    },
  ],

  async check(lang, settings, opts: NativeOptions) {
    const probe = await probeTesseractOnce(opts.command, processEnv());
    if (!probe.found) return { ok: false, reason: probe.reason };
    const { version, major, tessdataDir } = probe.installation;
    if (major < AUTO_MIN_VERSION) return { ok: false, reason: `native tesseract ${version} is older than ${AUTO_MIN_VERSION}` };
    try {
      const set = await resolveModelSet(lang, { ...settings.models, systemTessdata: tessdataDir || undefined });
      return { ok: true, detail: `native Tesseract ${version} found, with models for ${set.files.map((f) => `${f.lang} (${f.kind})`).join(', ')}` };
    } catch (err) {
      return { ok: false, reason: `native tesseract ${version} cannot read "${lang}": ${(err as Error).message}` };
    }
  },

  create(settings, opts: NativeOptions) {
    return createTesseractCliEngine({
      concurrency: settings.concurrency,
      recycleAfter: settings.recycleAfter,
      timeoutSeconds: settings.timeoutSeconds,
      models: settings.models,
      binary: opts.command,
      streaming: opts.streaming,
      logger: settings.logger,
    });
  },
});
