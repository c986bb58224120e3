// Results of earlier benchmark runs, so `--only auto` can re-read just the variant being
// tuned and take native/none from the last run. The key is what determines the OCR text:
// variant, the exact pixels read (hash of the cropped image), language, PSM and a version
// tag. Only raw results are kept (text, timings, steps): scores are recomputed every time.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../records/atomic-write.ts';
import type { VariantName, VariantRun } from './runners.ts';

export interface CacheKeyParts {
  variant: VariantName;
  /** sha256 of the image file every engine reads. */
  imageHash: string;
  lang: string;
  psm: number;
  /** Engine or pipeline version: a new version does not reuse old results. */
  version: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  const { variant, imageHash, lang, psm, version } = parts;
  return createHash('sha256')
    .update(JSON.stringify([variant, imageHash, lang, psm, version]))
    .digest('hex')
    .slice(0, 32);
}

export class ResultCache {
  constructor(readonly dir: string) {}

  private file(variant: VariantName, key: string): string {
    return path.join(this.dir, variant, `${key}.json`);
  }

  async get(variant: VariantName, key: string): Promise<VariantRun | null> {
    try {
      return JSON.parse(await readFile(this.file(variant, key), 'utf8')) as VariantRun;
    } catch {
      return null;
    }
  }

  async set(variant: VariantName, key: string, run: VariantRun): Promise<void> {
    await mkdir(path.join(this.dir, variant), { recursive: true });
    await writeJsonAtomic(this.file(variant, key), run);
  }
}
