// The settings that change what a sequence's records are (profile, profiles
// folder, thresholds, period), in a form that travels: with queue jobs, and with
// each sequence in the review store, so a regrouping rebuilds records as the run
// built them.
import path from 'node:path';
import type { Config } from '../config.ts';
import type { RecordBuildSettings } from '../store/types.ts';

export function recordBuildSettings(config: Config, cwd: string): RecordBuildSettings {
  return {
    ...(config.profile !== undefined ? { profile: config.profile } : {}),
    ...(config.profilesDir !== undefined ? { profilesDir: path.resolve(cwd, config.profilesDir) } : {}),
    thresholds: config.thresholds,
    period: config.period,
  };
}
