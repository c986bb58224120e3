// A worker's configuration for one job: its own machine settings (from its
// environment and config file, read by loadConfig as everywhere else) overlaid
// with the settings the batch travelled with, so every worker reads a batch the
// same way. Frozen configs are cached per distinct batch settings.
import { loadConfig, type Config } from '../src/config.ts';
import { CablescanError, toCablescanError } from '../src/errors.ts';
import type { BuildSettings, ReadSettings } from '../queues/payloads.ts';

const cache = new Map<string, Config>();

function cached(key: string, make: () => Config): Config {
  let config = cache.get(key);
  if (!config) {
    config = make();
    if (cache.size > 64) cache.clear(); // a long-lived worker sees few distinct batches; stay bounded anyway
    cache.set(key, config);
  }
  return config;
}

/**
 * A worker that cannot set itself up for a job (a recipe file missing on this
 * machine, a broken config file) says so, and the job is retried, possibly on a
 * machine that can: the batch's input is not at fault.
 */
function setupError(err: unknown): CablescanError {
  const e = toCablescanError(err);
  return new CablescanError(e.code, `worker setup: ${e.message}`, { retryable: true, cause: err, file: e.file });
}

/** Config for reading pages: one OCR worker per sandboxed process. */
export function readConfig(read: ReadSettings): Config {
  return cached(`read\u0000${JSON.stringify(read)}`, () => {
    try {
      return loadConfig({
        flags: {
          lang: read.lang,
          psm: read.psm,
          preprocess: read.preprocess,
          keepIntermediates: read.keepIntermediates,
          force: read.force,
          readBlankPages: read.readBlankPages,
          maxPixels: read.maxPixels,
          pagePixelBudget: read.pagePixelBudget,
          pdfDpi: read.pdfDpi,
          concurrency: 1,
        },
      });
    } catch (err) {
      throw setupError(err);
    }
  });
}

/** Config for building a document's records. */
export function buildConfig(build: BuildSettings): Config {
  return cached(`build\u0000${JSON.stringify(build)}`, () => {
    try {
      return loadConfig({ flags: { profile: build.profile, profilesDir: build.profilesDir, thresholds: build.thresholds, period: build.period } });
    } catch (err) {
      throw setupError(err);
    }
  });
}

export { setupError };
