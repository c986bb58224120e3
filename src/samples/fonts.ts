// Typewriter faces shipped in npm packages (not system fonts, which differ from
// machine to machine and would make the samples irreproducible).

import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';
import { CablescanError, ErrorCode } from '../errors.ts';

export interface TypewriterFont {
  /** Name recorded in expected files. */
  id: 'special-elite' | 'courier-prime';
  /** Family name registered with canvas (prefixed so it cannot clash with an installed font). */
  family: string;
  packageName: string;
  file: string;
  licence: string;
  /**
   * Pixel size at 300 dpi. Courier Prime at 50 px (12 pt) has an advance of exactly 30 px
   * (10 characters per inch, pica); Special Elite is drawn wider, so it is set a little smaller
   * to stay inside the same 30 px typewriter cell.
   */
  sizePx: number;
}

export const TYPEWRITER_FONTS: readonly TypewriterFont[] = [
  {
    id: 'courier-prime',
    family: 'cablescan-courier-prime',
    packageName: '@fontsource/courier-prime',
    file: 'files/courier-prime-latin-400-normal.woff2',
    licence: 'OFL-1.1',
    sizePx: 50,
  },
  {
    id: 'special-elite',
    family: 'cablescan-special-elite',
    packageName: '@fontsource/special-elite',
    file: 'files/special-elite-latin-400-normal.woff2',
    licence: 'Apache-2.0',
    sizePx: 46,
  },
];

const require = createRequire(import.meta.url);
const registered = new Set<string>();

export function fontById(id: string): TypewriterFont {
  const font = TYPEWRITER_FONTS.find((f) => f.id === id);
  if (!font) throw new CablescanError(ErrorCode.CONFIG_INVALID, `unknown sample font "${id}" (known: ${TYPEWRITER_FONTS.map((f) => f.id).join(', ')})`);
  return font;
}

/** Registers the font with canvas once per process; throws if its package is missing. */
export function ensureFontRegistered(font: TypewriterFont): void {
  if (registered.has(font.family)) return;
  registerFontFile(font.packageName, font.file, font.family);
  registered.add(font.family);
}

/** Registers one font file of an npm font package under `family`; throws if it is missing. */
export function registerFontFile(packageName: string, file: string, family: string): void {
  let full: string;
  try {
    full = path.join(path.dirname(require.resolve(`${packageName}/package.json`)), file);
  } catch (err) {
    throw new CablescanError(ErrorCode.INTERNAL, `font package ${packageName} is not installed`, { cause: err, retryable: false });
  }
  if (!existsSync(full) || GlobalFonts.registerFromPath(full, family) === null) {
    throw new CablescanError(ErrorCode.INTERNAL, `could not register font file ${full}`, { retryable: false });
  }
}
