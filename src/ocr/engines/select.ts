// `--engine auto`: the first engine of the registry whose check passes for a language set (native
// Tesseract 5+ with models for every language, else tesseract.js), and why. A forced engine is
// taken as it is; its own errors (no tesseract command, no model) then stop the run at prepare().
import { CablescanError, ErrorCode } from '../../errors.ts';
import { ENGINES, engineByName, type EngineChoice, type EngineOptions } from './index.ts';
import type { EngineDescriptor, EngineSettings } from './types.ts';

export interface EngineSelection {
  engine: string;
  lang: string;
  /** For people (logs, page JSON, report): what was found, and what was passed over and why. */
  reason: string;
}

/** What `auto` consults: the engines in order of preference, each with its check (injectable for tests). */
export type Candidates = ReadonlyArray<Pick<EngineDescriptor, 'name' | 'check'>>;

export async function selectEngine(
  requested: EngineChoice,
  lang: string,
  settings: EngineSettings,
  options: EngineOptions,
  candidates: Candidates = ENGINES as unknown as Candidates,
): Promise<EngineSelection> {
  if (requested !== 'auto') {
    if (!engineByName(requested) && !candidates.some((c) => c.name === requested))
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown OCR engine "${requested}"`, { retryable: false });
    return { engine: requested, lang, reason: `--engine ${requested} (set, not chosen)` };
  }
  const passedOver: string[] = [];
  for (const candidate of candidates) {
    const check = await candidate.check(lang, settings, (options as Record<string, Record<string, unknown>>)[candidate.name] ?? {});
    if (check.ok) {
      const why = passedOver.length ? `; not ${passedOver.join('; not ')}` : '';
      return { engine: candidate.name, lang, reason: `auto: ${check.detail}${why}` };
    }
    passedOver.push(`${candidate.name}: ${check.reason}`);
  }
  throw new CablescanError(ErrorCode.TESSDATA_MISSING, `no OCR engine can read "${lang}" here: ${passedOver.join('; ')}`, {
    retryable: false,
    details: { lang },
  });
}
