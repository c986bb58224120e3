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

/**
 * Finds the pages of a batch. Bad inputs end up in `failures` (with a CS_ERR_*
 * code and a message naming the file), non-image files of folders in `skipped`;
 * only an invalid manifest throws (CS_ERR_CONFIG_INVALID), since without it the
 * batch itself is unknown.
 */
export async function discoverInputs(inputs: string[], options: DiscoverOptions): Promise<IngestResult> {
  // The caller binds the unit of work ({ batch, stage }) to the logger it passes.
  const log = options.logger;
  let manifest: Manifest | undefined;
  if (options.manifest !== undefined) manifest = await loadManifest(options.manifest, options.cwd);
  const fromManifest = inputs.length === 0 && manifest !== undefined;
  const effectiveInputs = fromManifest ? manifest!.entries.map((e) => e.file) : inputs;

  // Inputs named on the command line are the user's; a manifest's entries stay in its folder.
  const expansion = await expandInputs(effectiveInputs, options.cwd, {
    allowOutside: options.allowOutsideInputs,
    confineTo: fromManifest ? [path.dirname(path.resolve(options.cwd, options.manifest!))] : undefined,
  });
  const pdf = new PdfWorker(); // a thread starts only if the batch has a PDF
  const outcomes = await mapLimit(expansion.candidates, options.concurrency ?? 4, async (candidate): Promise<ProbeOutcome> => {
    try {
      return { ok: true, probed: await probeFile(candidate.file, candidate.absolutePath, { maxPixels: options.maxPixels, maxPages: options.maxPagesPerFile, pdf }) };
    } catch (err) {
      const vanished = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      const error = isNoAccess(err)
        ? new CablescanError(ErrorCode.INPUT_NO_ACCESS, `${candidate.file}: cannot be read (permission denied)`, { file: candidate.file, retryable: false })
        : toCablescanError(err, vanished ? ErrorCode.INPUT_NOT_FOUND : ErrorCode.INPUT_UNSUPPORTED, candidate.file);
      const message = error.message.includes(candidate.file) ? error.message : `${candidate.file}: ${error.message}`;
      return { ok: false, failure: { file: candidate.file, pageId: candidate.baseId, code: error.code, message, stage: 'ingest' } };
    }
  }).finally(() => pdf.close());

  const pages: PageSource[] = [];
  const failures = [...expansion.failures];
  const allocate = uniqueIdAllocator();
  expansion.candidates.forEach((candidate, i) => {
    const outcome = outcomes[i];
    if (outcome.ok) {
      const lang = languageFor(manifest, candidate.absolutePath, options.lang);
      pages.push(...pagesOf(candidate, outcome.probed, lang, groupingFor(manifest, candidate.absolutePath, options.documents ?? 'auto'), allocate));
    }
    else failures.push(outcome.failure);
  });

  // Logged here, once, for every driver: a file that cannot be read is an error of the batch.
  for (const f of failures) log?.error({ file: f.file, code: f.code }, f.message);
  for (const s of expansion.skipped) log?.info({ file: s.file }, `skipped: ${s.reason}`);
  log?.info({ pages: pages.length, failures: failures.length, skipped: expansion.skipped.length }, 'inputs discovered');
  return { pages, failures, skipped: expansion.skipped };
}
