// A small gazetteer of capitals and diplomatic cities (1930–1975, with historical
// names), used to give places their normal capitalisation, to repair one or two
// OCR errors in a city name, and to tell the confidence stage whether a place is known.
import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';

interface GazetteerFile {
  places: string[];
}

const file = new URL('./gazetteer.json', import.meta.url);
const PLACES: readonly string[] = (JSON.parse(readFileSync(file, 'utf8')) as GazetteerFile).places;

/** Comparison key: upper case letters only, with the usual OCR confusions folded. */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/RN/g, 'M')
    .replace(/0/g, 'O')
    .replace(/[1|]/g, 'I')
    .replace(/[^A-Z]/g, '');
}

const BY_KEY = new Map<string, string>();
for (const p of PLACES) BY_KEY.set(placeKey(p), p);

export interface PlaceLookup {
  /** The gazetteer's spelling. */
  name: string;
  /** false when one or two OCR errors were repaired. */
  exact: boolean;
}

/** Finds `name` in the gazetteer, exactly or within a small edit distance. */
export function lookupPlace(name: string): PlaceLookup | null {
  const key = placeKey(name);
  if (key.length < 3) return null;
  const exact = BY_KEY.get(key);
  if (exact) return { name: exact, exact: true };
  const allowed = key.length >= 9 ? 2 : key.length >= 5 ? 1 : 0;
  if (allowed === 0) return null;
  let best: string | null = null;
  let bestDistance = Infinity;
  let tie = false;
  for (const [k, p] of BY_KEY) {
    if (Math.abs(k.length - key.length) > allowed) continue;
    const d = distance(k, key);
    if (d < bestDistance) {
      bestDistance = d;
      best = p;
      tie = false;
    } else if (d === bestDistance && p !== best) tie = true;
  }
  return best !== null && bestDistance <= allowed && !tie ? { name: best, exact: false } : null;
}

export function isKnownPlace(name: string): boolean {
  return BY_KEY.has(placeKey(name));
}

/** `NEW YORK` -> `New York`, `peking` -> `Peking`; small words inside names stay lower case. */
export function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split(/(\s+|-)/)
    .map((part, i) => (i > 0 && /^(of|de|du|des|la|le|es|al|el)$/.test(part) ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

export const gazetteerSize = PLACES.length;
