// Checks on a run's own settings and inputs that must pass before any page is read: a
// mistake in them is the user's to fix (exit 2), not a failure of the batch's scans. Both
// drivers (the in-process run and the queue producer) call them, and the command line runs
// the settings checks before it starts anything (src/cli/checks.ts); a new setting adds
// its check here, once.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { CablescanError, ErrorCode } from './errors.ts';
import { resolveRecipe, type Recipe } from './preprocess/index.ts';
import { loadProfiles, type Profile } from './segment/index.ts';
import type { IngestResult } from './types.ts';

export interface BatchSettings {
  recipe: Recipe;
  profiles: Profile[];
}

/**
 * Settings that travel with a batch: the preprocessing recipe, the profiles folder and a
 * forced profile. Throws a CablescanError naming the setting; returns what the run needs.
 */
export function checkBatchSettings(config: Pick<Config, 'preprocess' | 'profilesDir' | 'profile'>): BatchSettings {
  const recipe = resolveRecipe(config.preprocess);
  const profiles = loadProfiles({ profilesDir: config.profilesDir });
  if (config.profile !== undefined && !profiles.some((p) => p.name === config.profile)) {
    throw new CablescanError(
      ErrorCode.CONFIG_INVALID,
      `--profile ${config.profile}: no such profile (known: ${profiles.map((p) => p.name).join(', ')}${config.profilesDir ? `; folder ${config.profilesDir} included` : '; add a folder of your own with --profiles-dir'})`,
    );
  }
  return { recipe, profiles };
}

/** Settings of the machine that reads pages: folders that must exist here. */
export function checkMachineSettings(config: Pick<Config, 'tessdata'>): void {
  if (config.tessdata === undefined) return;
  const folder = path.resolve(config.tessdata);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new CablescanError(
      ErrorCode.TESSDATA_MISSING,
      `--tessdata ${config.tessdata}: no such folder (it should hold <lang>.traineddata files, e.g. /usr/share/tesseract-ocr/5/tessdata)`,
      {
        file: folder,
        retryable: false,
      },
    );
  }
  if (!isFolder) {
    throw new CablescanError(ErrorCode.TESSDATA_MISSING, `--tessdata ${config.tessdata}: not a folder (give the folder that holds <lang>.traineddata)`, {
      file: folder,
      retryable: false,
    });
  }
}

/**
 * Nothing to read at all (an empty folder, a folder of other files, paths or patterns that
 * match nothing) is a usage error: the run stops before it writes anything. Files that were
 * found but cannot be read are the batch's failures instead (listed in its report).
 */
export function checkInputsFound(ingest: IngestResult, what: { inputs: readonly string[]; manifest?: string }): void {
  if (ingest.pages.length > 0) return;
  if (ingest.failures.some((f) => f.code !== ErrorCode.INPUT_NOT_FOUND)) return;
  const named = what.inputs.length ? what.inputs.join(', ') : `the manifest ${what.manifest}`;
  const skipped = ingest.skipped.length ? `; ${ingest.skipped.length} other file(s) skipped (not .png .jpg .jpeg .tif .tiff .pdf)` : '';
  const reasons = ingest.failures.length ? `: ${ingest.failures.map((f) => f.message).join('; ')}` : '';
  throw new CablescanError(ErrorCode.INPUT_NOT_FOUND, `no image or PDF files found in ${named}${reasons}${skipped}`, { retryable: false });
}
