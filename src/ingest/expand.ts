// Turns the batch's inputs (files, folders, glob patterns) into an ordered list
// of candidate files, following DESIGN.md's input rules:
// - a file named explicitly is always a candidate (if it is not an image, that
//   is a failure later, with the reason);
// - in a folder (recursively) and among a glob's matches, only files with an
//   image/PDF extension are candidates; others are listed as skipped, never
//   failed; hidden files and folders (".name") are ignored silently;
// - order: input order, then natural name order within a folder (page2 before
//   page10), so page sequences read the way an archivist numbered them.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ErrorCode } from '../errors.ts';
import type { InputFailure, SkippedInput } from '../types.ts';
import { hasInputExtension } from './format.ts';

export interface Candidate {
  /** Path as given (explicit file), or the folder/glob base as given joined with the relative path. */
  file: string;
  absolutePath: string;
  /** pageId before multi-page suffixes and de-duplication. */
  baseId: string;
}

export interface Expansion {
  candidates: Candidate[];
  failures: InputFailure[];
  skipped: SkippedInput[];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order (page2 before page10), case-insensitive, ties broken by code points so the order is total. */
export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Compares relative paths folder by folder, so "a/x" and "a.jpg" sort by "a" vs "a.jpg". */
export function comparePaths(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = compareNatural(as[i], bs[i]);
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

/** DESIGN.md: the path relative to the folder, without the extension, "/" written as "__". */
export function folderPageId(relativePosixPath: string): string {
  const ext = path.posix.extname(relativePosixPath);
  return (ext ? relativePosixPath.slice(0, -ext.length) : relativePosixPath).split('/').join('__');
}

/** DESIGN.md: a file named directly gets its name without the extension. */
export function explicitPageId(file: string): string {
  return path.basename(file, path.extname(file));
}

export function isGlobPattern(input: string): boolean {
  return /[*?[{]/.test(input);
}

const isHidden = (name: string): boolean => name.startsWith('.');

function failure(file: string, code: string, message: string): InputFailure {
  return { file, code, message, stage: 'ingest' };
}

/** Relative POSIX paths of the files below `dir`, natural order per folder; hidden entries ignored. */
async function walkFolder(dir: string, prefix: string, skipped: SkippedInput[], displayDir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !isHidden(e.name));
  entries.sort((a, b) => compareNatural(a.name, b.name));
  const out: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    let kind: 'file' | 'dir' | 'other' = entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
    if (entry.isSymbolicLink()) {
      // Follow links to files; not links to folders (they can loop).
      const target = await stat(full).catch(() => null);
      if (target?.isFile()) kind = 'file';
      else {
        skipped.push({ file: path.join(displayDir, rel), reason: target?.isDirectory() ? 'symbolic link to a folder (not followed)' : 'broken symbolic link' });
        continue;
      }
    }
    if (kind === 'dir') out.push(...(await walkFolder(full, rel, skipped, displayDir)));
    else if (kind === 'file') out.push(rel);
    else skipped.push({ file: path.join(displayDir, rel), reason: 'not a regular file' });
  }
  return out;
}

/** Files found under a base (folder or glob base): candidates by extension, the rest skipped. */
function takeByExtension(displayBase: string, absoluteBase: string, relPaths: string[], out: Expansion): void {
  for (const rel of relPaths) {
    const file = path.join(displayBase, rel);
    if (hasInputExtension(rel)) {
      out.candidates.push({ file, absolutePath: path.join(absoluteBase, rel), baseId: folderPageId(rel) });
    } else {
      const ext = path.posix.extname(rel);
      out.skipped.push({ file, reason: ext ? `not an image or PDF (extension ${ext})` : 'not an image or PDF (no extension)' });
    }
  }
}

/** The leading part of a glob pattern without wildcards: matches are named relative to it. */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isDynamicPattern(segment)) break;
    fixed.push(segment);
  }
  if (fixed.length === 1 && fixed[0] === '') return '/';
  return fixed.length === 0 ? '.' : fixed.join('/');
}

async function expandGlob(pattern: string, cwd: string, out: Expansion): Promise<void> {
  const base = globBase(pattern);
  const absoluteBase = path.resolve(cwd, base);
  let matches: string[];
  try {
    matches = await glob(pattern, { cwd, absolute: true, dot: false, onlyFiles: true, expandDirectories: false, followSymbolicLinks: false });
  } catch (err) {
    out.failures.push(failure(pattern, ErrorCode.INPUT_NOT_FOUND, `${pattern}: invalid pattern (${(err as Error).message})`));
    return;
  }
  const relPaths = matches.map((m) => path.relative(absoluteBase, m).split(path.sep).join('/')).sort(comparePaths);
  if (relPaths.length === 0) {
    out.failures.push(failure(pattern, ErrorCode.INPUT_NOT_FOUND, `${pattern}: no files match this pattern`));
    return;
  }
  takeByExtension(base, absoluteBase, relPaths, out);
}

/** Expands every input, in order. Problems go into `failures`; nothing throws for a bad input. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<Expansion> {
  const out: Expansion = { candidates: [], failures: [], skipped: [] };
  for (const input of inputs) {
    if (input.trim() === '') {
      out.failures.push(failure(input, ErrorCode.INPUT_NOT_FOUND, 'an empty path was given as input'));
      continue;
    }
    const absolutePath = path.resolve(cwd, input);
    const info = await stat(absolutePath).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      // A name that does not exist but looks like a pattern is a glob (a file
      // really named "a[1].jpg" still works, because it exists).
      if (info.code === 'ENOENT' && isGlobPattern(input)) await expandGlob(input, cwd, out);
      else if (info.code === 'ENOENT' || info.code === 'ENOTDIR')
        out.failures.push(failure(input, ErrorCode.INPUT_NOT_FOUND, `${input}: no such file or folder`));
      else out.failures.push(failure(input, ErrorCode.INPUT_NOT_FOUND, `${input}: cannot be read (${info.message})`));
      continue;
    }
    if (info.isDirectory()) {
      try {
        takeByExtension(input, absolutePath, await walkFolder(absolutePath, '', out.skipped, input), out);
      } catch (err) {
        out.failures.push(failure(input, ErrorCode.INPUT_NOT_FOUND, `${input}: folder cannot be read (${(err as Error).message})`));
      }
    } else {
      out.candidates.push({ file: input, absolutePath, baseId: explicitPageId(input) });
    }
  }
  // The same file reached twice (named and inside a named folder, two globs...) is read once.
  const seen = new Map<string, string>();
  out.candidates = out.candidates.filter((c) => {
    const first = seen.get(c.absolutePath);
    if (first === undefined) {
      seen.set(c.absolutePath, c.file);
      return true;
    }
    out.skipped.push({ file: c.file, reason: `already included as ${first}` });
    return false;
  });
  return out;
}
