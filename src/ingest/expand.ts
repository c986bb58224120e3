// Turns the batch's inputs (files, folders, glob patterns) into an ordered list
// of candidate files, following DESIGN.md's input rules:
// - a file named explicitly is always a candidate (if it is not an image, that
//   is a failure later, with the reason);
// - in a folder (recursively) and among a glob's matches, only files with an
//   image/PDF extension are candidates; others are listed as skipped, never
//   failed; hidden files and folders (".name") are ignored silently;
// - order: input order, then natural name order within a folder (page2 before
//   page10), so page sequences read the way an archivist numbered them;
// - inputs stay where the user put them (issue 24): a symbolic link found in a
//   folder or among a glob's matches that leads outside the inputs' folders, and
//   a manifest entry outside the manifest's folder, are refused
//   (CS_ERR_INPUT_OUTSIDE) unless allowOutside says otherwise; devices, FIFOs and
//   sockets are skipped, never opened; a subfolder that cannot be read is one
//   failure (CS_ERR_INPUT_NO_ACCESS when permissions say no), its siblings are read.
import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
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

/**
 * A folder's (or glob's) files: the base as given and absolute, and each file's path below it,
 * in order, held as one string ("\0" between them: no file name has one) and their offsets.
 */
class CandidateGroup {
  private readonly joined: string;
  private readonly offsets: Uint32Array;
  /** No two of its files give the same page id, and none looks like a suffixed one (`-p2`, `~2`). */
  readonly idsUnique: boolean;

  constructor(
    readonly displayBase: string,
    readonly absoluteBase: string,
    rels: readonly string[],
  ) {
    this.joined = rels.join('\0');
    this.offsets = new Uint32Array(rels.length + 1);
    let at = 0;
    rels.forEach((rel, i) => {
      this.offsets[i] = at;
      at += rel.length + 1;
    });
    this.offsets[rels.length] = at;
    const ids = new Set<string>();
    this.idsUnique = rels.every((rel) => {
      const id = folderPageId(rel);
      if (ids.has(id) || SUFFIXED_ID.test(id)) return false;
      ids.add(id);
      return true;
    });
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  rel(i: number): string {
    return this.joined.slice(this.offsets[i], this.offsets[i + 1]! - 1);
  }

  candidate(i: number): Candidate {
    const rel = this.rel(i);
    return { file: path.join(this.displayBase, rel), absolutePath: path.join(this.absoluteBase, rel), baseId: folderPageId(rel) };
  }
}

/** Ids the discovery makes of others: a multi-page file's `<id>-p<n>`, a repeated id's `<id>~<n>`. */
const SUFFIXED_ID = /(-p|~)\d+$/;

/**
 * The candidates in order, held compactly (issue 18): a folder of 100,000 scans is its file names
 * in one string, not three strings and an object a file; a Candidate is made when a part of the
 * list is taken.
 */
export class CandidateList {
  private readonly groups: Array<CandidateGroup | Candidate> = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(candidate: Candidate): void {
    this.groups.push(candidate);
    this.size += 1;
  }

  pushGroup(displayBase: string, absoluteBase: string, rels: readonly string[]): void {
    if (rels.length === 0) return;
    this.groups.push(new CandidateGroup(displayBase, absoluteBase, rels));
    this.size += rels.length;
  }

  /** Candidates [from, to), in order. */
  slice(from: number, to = this.size): Candidate[] {
    const out: Candidate[] = [];
    let start = 0;
    for (const group of this.groups) {
      if (start >= to) break;
      const count = group instanceof CandidateGroup ? group.length : 1;
      if (start + count > from) {
        if (group instanceof CandidateGroup) {
          for (let i = Math.max(0, from - start); i < Math.min(count, to - start); i++) out.push(group.candidate(i));
        } else out.push(group);
      }
      start += count;
    }
    return out;
  }

  *[Symbol.iterator](): Generator<Candidate> {
    for (const group of this.groups) {
      if (group instanceof CandidateGroup) for (let i = 0; i < group.length; i++) yield group.candidate(i);
      else yield group;
    }
  }

  /** Keeps the candidates `keep` says yes to (their order kept). */
  filter(keep: (candidate: Candidate) => boolean): void {
    const groups = this.groups.splice(0);
    this.size = 0;
    for (const group of groups) {
      if (group instanceof CandidateGroup) {
        const kept: string[] = [];
        for (let i = 0; i < group.length; i++) if (keep(group.candidate(i))) kept.push(group.rel(i));
        this.pushGroup(group.displayBase, group.absoluteBase, kept);
      } else if (keep(group)) this.push(group);
    }
  }

  /** More than one input gave candidates (only then can a file be reached twice). */
  get sources(): number {
    return this.groups.length;
  }

  /**
   * Every candidate's page id is unique as it is (one folder or glob whose files give distinct
   * ids, none like a suffixed one; or one file): discovery need not remember the ids it gave.
   */
  get idsUnique(): boolean {
    return this.groups.length <= 1 && this.groups.every((g) => !(g instanceof CandidateGroup) || g.idsUnique);
  }
}

export interface Expansion {
  candidates: CandidateList;
  failures: InputFailure[];
  skipped: SkippedInput[];
}

export interface ExpandOptions {
  /**
   * The inputs come from a manifest: each must lie in one of these folders (the manifest's),
   * links resolved. Inputs named on the command line are the user's own choice.
   */
  confineTo?: readonly string[];
  /** Follow links, and take manifest entries, that lead outside the input folders. */
  allowOutside?: boolean;
}

/** Errors that mean "not allowed to", not "not there". */
export function isNoAccess(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/** What a file that is neither a regular file nor a folder is, for a skip's reason. */
export function specialKind(info: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function isInside(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

const OUTSIDE_HINT = 'refused (--allow-outside-inputs takes it)';

interface Walk {
  out: Expansion;
  /** Real paths of the inputs' folders: links must lead inside one of them. */
  roots: readonly string[];
  allowOutside: boolean;
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

function readFailure(display: string, err: unknown, what: string): InputFailure {
  return isNoAccess(err)
    ? failure(display, ErrorCode.INPUT_NO_ACCESS, `${display}: ${what} cannot be read (permission denied)`)
    : failure(display, ErrorCode.INPUT_NOT_FOUND, `${display}: ${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
}

/**
 * A symbolic link found in a folder or among a glob's matches: 'file' when it leads to a file
 * inside the roots; otherwise the reason it is refused or skipped is recorded, and null returned.
 */
async function followLink(full: string, display: string, walk: Walk): Promise<'file' | null> {
  let target: Stats;
  try {
    target = await stat(full);
  } catch (err) {
    if (isNoAccess(err)) walk.out.failures.push(readFailure(display, err, 'the target of this symbolic link'));
    else walk.out.skipped.push({ file: display, reason: 'broken symbolic link' });
    return null;
  }
  // Links to folders are not followed (they can loop); nothing is read through them.
  if (target.isDirectory()) {
    walk.out.skipped.push({ file: display, reason: 'symbolic link to a folder (not followed)' });
    return null;
  }
  if (!walk.allowOutside) {
    const real = await realpath(full).catch(() => null);
    if (real === null || !isInside(real, walk.roots)) {
      walk.out.failures.push(failure(display, ErrorCode.INPUT_OUTSIDE, `${display}: a symbolic link leading outside the input folders; ${OUTSIDE_HINT}`));
      return null;
    }
  }
  if (target.isFile()) return 'file';
  walk.out.skipped.push({ file: display, reason: `symbolic link to ${specialKind(target)} (not read)` });
  return null;
}

/**
 * Relative POSIX paths of the files below `dir`, natural order per folder; hidden entries ignored.
 * The folder is read as a stream (fs.opendir): a regular file is kept as its name only, so a
 * folder of 100,000 scans is not 100,000 directory entries at once.
 */
async function walkFolder(dir: string, prefix: string, displayDir: string, walk: Walk): Promise<string[]> {
  const names: string[] = [];
  // Entries that are not regular files (folders, links, devices): few, kept whole.
  const others = new Map<string, Dirent>();
  for await (const entry of await opendir(dir, { bufferSize: 256 })) {
    if (isHidden(entry.name)) continue;
    names.push(entry.name);
    if (!entry.isFile()) others.set(entry.name, entry);
  }
  names.sort(compareNatural);
  const out: string[] = [];
  for (const name of names) {
    const entry = others.get(name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (!entry) {
      out.push(rel);
      continue;
    }
    const full = path.join(dir, name);
    const display = path.join(displayDir, rel);
    if (entry.isSymbolicLink()) {
      if ((await followLink(full, display, walk)) === 'file') out.push(rel);
    } else if (entry.isDirectory()) {
      // A subfolder that cannot be read is its own failure; the rest of the folder goes on.
      try {
        // (A loop, not push(...): a subfolder of 100,000 files would overflow the call's arguments.)
        for (const below of await walkFolder(full, rel, displayDir, walk)) out.push(below);
      } catch (err) {
        walk.out.failures.push(readFailure(display, err, 'folder'));
      }
    } else if (entry.isFile()) out.push(rel);
    else walk.out.skipped.push({ file: display, reason: `${specialKind(entry)} (not read)` });
  }
  return out;
}

/** Files found under a base (folder or glob base): candidates by extension, the rest skipped. */
function takeByExtension(displayBase: string, absoluteBase: string, relPaths: string[], out: Expansion): void {
  const kept: string[] = [];
  for (const rel of relPaths) {
    if (hasInputExtension(rel)) kept.push(rel);
    else {
      const ext = path.posix.extname(rel);
      out.skipped.push({ file: path.join(displayBase, rel), reason: ext ? `not an image or PDF (extension ${ext})` : 'not an image or PDF (no extension)' });
    }
  }
  out.candidates.pushGroup(displayBase, absoluteBase, kept);
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

async function expandGlob(pattern: string, cwd: string, out: Expansion, walk: Walk): Promise<void> {
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
  // Matches that are links obey the same rules as links found in a folder, with the pattern's base as their folder.
  const root = await realpath(absoluteBase).catch(() => absoluteBase);
  const kept: string[] = [];
  for (const rel of relPaths) {
    const full = path.join(absoluteBase, rel);
    const info = await lstatOrNull(full);
    if (info?.isSymbolicLink()) {
      if ((await followLink(full, path.join(base, rel), { ...walk, roots: [...walk.roots, root] })) === 'file') kept.push(rel);
    } else if (info && !info.isFile()) out.skipped.push({ file: path.join(base, rel), reason: `${specialKind(info)} (not read)` });
    else kept.push(rel);
  }
  takeByExtension(base, absoluteBase, kept, out);
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  return lstat(file).catch(() => null);
}

/** Expands every input, in order. Problems go into `failures`; nothing throws for a bad input. */
export async function expandInputs(inputs: readonly string[], cwd: string, options: ExpandOptions = {}): Promise<Expansion> {
  const out: Expansion = { candidates: new CandidateList(), failures: [], skipped: [] };
  const allowOutside = options.allowOutside ?? false;
  const confineTo = options.confineTo
    ? await Promise.all(options.confineTo.map((d) => realpath(path.resolve(cwd, d)).catch(() => path.resolve(cwd, d))))
    : undefined;
  // Every folder named is a root: a link in one may lead into another.
  const roots: string[] = [...(confineTo ?? [])];
  for (const input of inputs) {
    if (input.trim() === '') continue;
    const real = await realpath(path.resolve(cwd, input)).catch(() => null);
    if (real !== null && (await stat(real).catch(() => null))?.isDirectory()) roots.push(real);
  }
  const walk: Walk = { out, roots, allowOutside };
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
      if (info.code === 'ENOENT' && isGlobPattern(input)) await expandGlob(input, cwd, out, walk);
      else if (info.code === 'ENOENT' || info.code === 'ENOTDIR')
        out.failures.push(failure(input, ErrorCode.INPUT_NOT_FOUND, `${input}: no such file or folder`));
      else out.failures.push(readFailure(input, info, 'it'));
      continue;
    }
    if (confineTo && !allowOutside) {
      // A manifest entry names a file or folder in the manifest's folder, links resolved.
      const real = await realpath(absolutePath).catch(() => absolutePath);
      if (!isInside(real, confineTo)) {
        out.failures.push(failure(input, ErrorCode.INPUT_OUTSIDE, `${input}: a manifest entry leading outside the manifest's folder; ${OUTSIDE_HINT}`));
        continue;
      }
    }
    if (info.isDirectory()) {
      try {
        takeByExtension(input, absolutePath, await walkFolder(absolutePath, '', input, walk), out);
      } catch (err) {
        out.failures.push(readFailure(input, err, 'folder'));
      }
    } else {
      out.candidates.push({ file: input, absolutePath, baseId: explicitPageId(input) });
    }
  }
  // The same file reached twice (named and inside a named folder, two globs...) is read once.
  // (One folder or glob lists each of its files once.)
  if (out.candidates.sources <= 1) return out;
  const seen = new Map<string, string>();
  out.candidates.filter((c) => {
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
