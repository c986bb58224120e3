// Loads telegram profiles: the shipped ones (./profiles/*.json) and, when a
// folder is configured, the user's own (same format; a user profile with the
// name of a shipped one replaces it). Every file is validated with zod.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CablescanError, ErrorCode } from '../errors.ts';
import { type Profile, profileSchema } from './profile-schema.ts';
import { vocabularyEntries } from './vocabulary.ts';

export const SHIPPED_PROFILES_DIR = fileURLToPath(new URL('./profiles/', import.meta.url));

/** Parses and validates one profile file; throws CS_ERR_PROFILE_INVALID naming the file. */
export function readProfileFile(file: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CablescanError(ErrorCode.PROFILE_INVALID, `profile ${file} is not readable JSON: ${(err as Error).message}`, { file, cause: err });
  }
  const result = profileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new CablescanError(ErrorCode.PROFILE_INVALID, `profile ${file} is invalid: ${problems}`, { file });
  }
  // A vocabulary that cannot be read is a profile error now, not a surprise on the first page.
  for (const field of result.data.fields) {
    if (!field.vocabulary) continue;
    try {
      vocabularyEntries(field.vocabulary);
    } catch (err) {
      throw new CablescanError(ErrorCode.PROFILE_INVALID, `profile ${file}: field "${field.name}": ${(err as Error).message}`, { file, cause: err });
    }
  }
  return result.data;
}

function profileFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CablescanError(ErrorCode.PROFILE_INVALID, `cannot read profiles folder ${dir}: ${(err as Error).message}`, { file: dir, cause: err });
  }
  return names
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Shipped profiles plus the user's (`profilesDir`); the fallbacks (generic, then other) are always last. */
export function loadProfiles(options: { profilesDir?: string } = {}): Profile[] {
  const byName = new Map<string, Profile>();
  for (const file of profileFiles(SHIPPED_PROFILES_DIR)) {
    const p = readProfileFile(file);
    byName.set(p.name, p);
  }
  if (options.profilesDir) {
    const seen = new Map<string, string>();
    for (const file of profileFiles(options.profilesDir)) {
      const p = readProfileFile(file);
      const dup = seen.get(p.name);
      if (dup) throw new CablescanError(ErrorCode.PROFILE_INVALID, `profile ${file} has the same name (${p.name}) as ${dup}`, { file });
      seen.set(p.name, file);
      byName.set(p.name, p);
    }
  }
  const rank = (p: Profile): number => (p.name === 'other' ? 2 : p.name === 'generic' ? 1 : 0);
  return [...byName.values()].sort((a, b) => rank(a) - rank(b));
}
