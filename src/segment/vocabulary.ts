// Vocabularies: printed forms a field's value is expected to take often (addressees such as
// `the Secretary of State` or `CC CPSU`). A value one or two OCR errors away from an entry, in
// another case, or with a short run of dust after it, is read as the entry and marked
// ocr_corrected, so it goes to review: a vocabulary repairs, it never accepts. Shipped
// vocabularies live in ./vocabularies/<name>.json ({ "entries": [...] }); a profile can name
// its own file instead (a path, relative to the working directory).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { CablescanError, ErrorCode } from '../errors.ts';

const SHIPPED = new URL('./vocabularies/', import.meta.url);
const cache = new Map<string, readonly string[]>();

/** The entries of a shipped vocabulary (`recipients`) or of a vocabulary file. Read once. */
export function vocabularyEntries(name: string): readonly string[] {
  let entries = cache.get(name);
  if (entries) return entries;
  const shipped = /^[a-z][a-z0-9-]*$/.test(name) ? new URL(`${name}.json`, SHIPPED) : null;
  const file = shipped && existsSync(shipped) ? shipped : path.resolve(name);
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { entries?: unknown };
    if (!Array.isArray(parsed.entries) || !parsed.entries.every((e) => typeof e === 'string' && e.trim()))
      throw new Error('expected { "entries": ["...", ...] }');
    entries = Object.freeze(parsed.entries.map((e: string) => e.trim()));
  } catch (err) {
    throw new CablescanError(ErrorCode.PROFILE_INVALID, `vocabulary "${name}" cannot be read: ${(err as Error).message}`, {
      retryable: false,
      details: { vocabulary: name },
    });
  }
  cache.set(name, entries);
  return entries;
}

function key(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The entry `value` stands for, or null when none is close enough (or two are equally close).
 * `corrected` is false only when the value is printed exactly as the entry.
 */
export function matchVocabulary(value: string, entries: readonly string[]): { value: string; corrected: boolean } | null {
  const k = key(value);
  if (!k) return null;
  // An entry may be listed in several printed forms (`The Secretary of State` heading a despatch's
  // recipient block, `the Secretary of State` in a FRUS heading): the form printed is kept.
  if (entries.includes(value)) return { value, corrected: false };
  let best: { entry: string; d: number } | null = null;
  let tie = false;
  for (const entry of entries) {
    const e = key(entry);
    if (k === e) {
      // Of the printed forms of this entry, the one nearest what was read (`the Secretary of state`).
      const forms = entries.filter((x) => key(x) === e).sort((a, b) => distance(value, a) - distance(value, b));
      return { value: forms[0]!, corrected: value !== forms[0] };
    }
    // Dust after the value (`USSR MFA EL`): the entry and one short token more.
    const rest = k.startsWith(`${e} `) ? k.slice(e.length + 1) : null;
    if (rest !== null && rest.length <= 3 && !rest.includes(' ')) return { value: entry, corrected: true };
    // One error in ten characters, at most two; short entries need a near-exact match.
    const allowed = Math.min(2, Math.max(1, Math.floor(e.length / 10)));
    const d = distance(k, e);
    if (best && key(best.entry) === e && d === best.d) {
      // Another printed form of the entry already chosen: keep the one nearer what was read.
      if (distance(value, entry) < distance(value, best.entry)) best = { entry, d };
      continue;
    }
    if (d > allowed || e.length < 5) continue;
    if (!best || d < best.d) {
      best = { entry, d };
      tie = false;
    } else if (d === best.d && key(best.entry) !== e) tie = true;
  }
  return best && !tie ? { value: best.entry, corrected: true } : null;
}
