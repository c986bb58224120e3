// Ingest stage: finds the batch's pages (files, folders, globs, a manifest),
// splits multi-page TIFF/PDF, gives every page its pageId, content hash and
// document key, and refuses bad input per file, so one broken scan never stops
// a batch. loadPageImage then decodes one page when a worker needs its pixels.
import path from 'node:path';
import { CablescanError, toCablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { IngestResult, InputFailure, PageSource } from '../types.ts';
import { expandInputs, isNoAccess, type Candidate } from './expand.ts';
import { pageContentHash } from './hash.ts';
import { groupingFor, languageFor, loadManifest, type Manifest } from './manifest.ts';
import type { GroupingMode } from '../group/modes.ts';
import { sequenceKey } from '../group/sequence.ts';
import { PdfWorker } from './pdf.ts';
import { probeFile, type ProbedFile } from './probe.ts';

export { loadPageImage, type LoadedPage, type LoadPageOptions } from './load-image.ts';
export { detectFormat, hasInputExtension, INPUT_EXTENSIONS } from './format.ts';
export { loadManifest, languageFor, groupingFor, type Manifest, type ManifestEntry } from './manifest.ts';
export { compareNatural, folderPageId, explicitPageId } from './expand.ts';

export interface DiscoverOptions {
  cwd: string;
  /** Language(s) for pages the manifest does not cover (the run's --lang). */
  lang?: string;
  /** Path of a batch manifest (JSON, CSV or TSV; see manifest.ts). */
  manifest?: string;
  /** How pages group into documents where the manifest does not say (the run's --documents; default auto). */
  documents?: GroupingMode;
  /** Pixel limit per page: larger images fail with CS_ERR_INPUT_TOO_LARGE. */
  maxPixels: number;
  /** Files with more pages fail with CS_ERR_INPUT_TOO_LARGE (absent: no limit). */
  maxPagesPerFile?: number;
  logger?: Logger;
  /** Follow links, and take manifest entries, that lead outside the input folders (default: refused). */
  allowOutsideInputs?: boolean;
  /** Files probed at the same time (header reads and hashing are I/O bound). */
  concurrency?: number;
}

type ProbeOutcome = { ok: true; probed: ProbedFile } | { ok: false; failure: InputFailure };

/** Runs `fn` over `items` with at most `limit` at a time; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Gives each id its first free form: id, id~2, id~3... in order of arrival. */
function uniqueIdAllocator(): (id: string) => string {
  const taken = new Set<string>();
  return (id) => {
    let candidate = id;
    for (let n = 2; taken.has(candidate); n++) candidate = `${id}~${n}`;
    taken.add(candidate);
    return candidate;
  };
}

function pagesOf(candidate: Candidate, probed: ProbedFile, lang: string | undefined, mode: GroupingMode, allocate: (id: string) => string): PageSource[] {
  const multi = probed.pageCount > 1;
  return Array.from({ length: probed.pageCount }, (_, pageIndex) => {
    // The pages the grouping stage decides over together (a folder's, a file's, or one page),
    // named so that the mode travels with each page (src/group/sequence.ts).
    const documentKey = sequenceKey(mode, candidate.absolutePath, pageIndex);
    const page: PageSource = {
      pageId: allocate(multi ? `${candidate.baseId}-p${pageIndex + 1}` : candidate.baseId),
      file: candidate.file,
      path: candidate.absolutePath,
      pageIndex,
      pageCount: probed.pageCount,
      format: probed.format,
      contentHash: pageContentHash(probed.fileHash, pageIndex + 1, probed.pageCount),
      documentKey,
    };
    if (lang !== undefined) page.lang = lang;
    return page;
  });
}

/** The pages of a part of the batch's files, in order, and the files of it that failed. */
export interface DiscoveredPart {
  pages: PageSource[];
  failures: InputFailure[];
}

/** A batch's inputs listed (names only) and read file by file, a part at a time (discoverInParts). */
export interface Discovery {
  /** Files found (every one becomes pages or a failure). */
  files: number;
  /** Inputs that failed before any file was read (not found, no access), and non-image files. */
  failures: InputFailure[];
  skipped: IngestResult['skipped'];
  /**
   * The pages in ingest order, `partFiles` files at a time: only the file list is held whole (it
   * is sorted); pages are probed, hashed and handed on part by part (issue 18: a folder of
   * 100,000 scans is never one list of pages). `closedKeys`: the sequences (documentKeys) no
   * later file adds to, so a planner can close them.
   */
  parts(): AsyncGenerator<DiscoveredPart & { closedKeys: string[] }>;
}

/**
 * Finds the pages of a batch, a part at a time. Bad inputs end up in `failures` (with a CS_ERR_*
 * code and a message naming the file), non-image files of folders in `skipped`; only an invalid
 * manifest throws (CS_ERR_CONFIG_INVALID), since without it the batch itself is unknown.
 */
export async function discoverInParts(inputs: string[], options: DiscoverOptions & { partFiles?: number }): Promise<Discovery> {
  let manifest: Manifest | undefined;
  if (options.manifest !== undefined) manifest = await loadManifest(options.manifest, options.cwd);
  const fromManifest = inputs.length === 0 && manifest !== undefined;
  const effectiveInputs = fromManifest ? manifest!.entries.map((e) => e.file) : inputs;

  // Inputs named on the command line are the user's; a manifest's entries stay in its folder.
  const expansion = await expandInputs(effectiveInputs, options.cwd, {
    allowOutside: options.allowOutsideInputs,
    confineTo: fromManifest ? [path.dirname(path.resolve(options.cwd, options.manifest!))] : undefined,
  });
  const candidates = expansion.candidates;
  const modeOf = (candidate: Candidate) => groupingFor(manifest, candidate.absolutePath, options.documents ?? 'auto');
  // Where each folder's files end in the list: a sequence (a folder's pages, or fewer) is complete there.
  const lastOfKey = new Map<string, number>();
  const unprefixed = (key: string) => key.slice(key.indexOf(':') + 1);
  let at = 0;
  for (const c of candidates) lastOfKey.set(unprefixed(sequenceKey(modeOf(c), c.absolutePath, 0)), at++);
  const partFiles = options.partFiles ?? 256;

  async function* parts(): AsyncGenerator<DiscoveredPart & { closedKeys: string[] }> {
    const pdf = new PdfWorker(); // a thread starts only if the batch has a PDF
    // The ids given out are remembered only when two could meet (a set of 100,000 ids otherwise).
    const allocate = candidates.idsUnique ? (id: string) => id : uniqueIdAllocator();
    try {
      for (let from = 0; from < candidates.length; from += partFiles) {
        const part = candidates.slice(from, from + partFiles);
        const outcomes = await mapLimit(part, options.concurrency ?? 4, async (candidate): Promise<ProbeOutcome> => {
          try {
            return {
              ok: true,
              probed: await probeFile(candidate.file, candidate.absolutePath, { maxPixels: options.maxPixels, maxPages: options.maxPagesPerFile, pdf }),
            };
          } catch (err) {
            const vanished = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
            const error = isNoAccess(err)
              ? new CablescanError(ErrorCode.INPUT_NO_ACCESS, `${candidate.file}: cannot be read (permission denied)`, {
                  file: candidate.file,
                  retryable: false,
                })
              : toCablescanError(err, vanished ? ErrorCode.INPUT_NOT_FOUND : ErrorCode.INPUT_UNSUPPORTED, candidate.file);
            const message = error.message.includes(candidate.file) ? error.message : `${candidate.file}: ${error.message}`;
            return { ok: false, failure: { file: candidate.file, pageId: candidate.baseId, code: error.code, message, stage: 'ingest' } };
          }
        });
        const pages: PageSource[] = [];
        const failures: InputFailure[] = [];
        const closedKeys: string[] = [];
        part.forEach((candidate, i) => {
          const outcome = outcomes[i]!;
          const own = outcome.ok
            ? pagesOf(candidate, outcome.probed, languageFor(manifest, candidate.absolutePath, options.lang), modeOf(candidate), allocate)
            : [];
          if (outcome.ok) pages.push(...own);
          else failures.push(outcome.failure);
          const key = sequenceKey(modeOf(candidate), candidate.absolutePath, 0);
          if (lastOfKey.get(unprefixed(key)) === from + i) closedKeys.push(...new Set([key, ...own.map((p) => p.documentKey)]));
        });
        // Logged here, once, for every driver: a file that cannot be read is an error of the batch.
        for (const f of failures) options.logger?.error({ file: f.file, code: f.code }, f.message);
        yield { pages, failures, closedKeys };
      }
    } finally {
      await pdf.close();
    }
  }

  for (const f of expansion.failures) options.logger?.error({ file: f.file, code: f.code }, f.message);
  for (const s of expansion.skipped) options.logger?.info({ file: s.file }, `skipped: ${s.reason}`);
  return { files: candidates.length, failures: expansion.failures, skipped: expansion.skipped, parts };
}

/**
 * Finds the pages of a batch, all of them (discoverInParts, collected). Bad inputs end up in
 * `failures`, non-image files of folders in `skipped`; only an invalid manifest throws.
 */
export async function discoverInputs(inputs: string[], options: DiscoverOptions): Promise<IngestResult> {
  const discovery = await discoverInParts(inputs, options);
  const pages: PageSource[] = [];
  const failures = [...discovery.failures];
  for await (const part of discovery.parts()) {
    pages.push(...part.pages);
    failures.push(...part.failures);
  }
  options.logger?.info({ pages: pages.length, failures: failures.length, skipped: discovery.skipped.length }, 'inputs discovered');
  return { pages, failures, skipped: discovery.skipped };
}
