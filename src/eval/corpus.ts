// Finds the pages of an evaluation folder laid out like ../shared/corpus/scans:
//   NAME.<any image extension>   the scan
//   NAME.gt.txt                  its ground truth (required; images without one are skipped)
//   NAME.lines.json              optional; its gt_coverage_bbox is the region that is scored
// and the OCR language of each page.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { discoverInputs, languageFor, loadManifest, type Manifest } from '../ingest/index.ts';
import type { Logger } from '../logger.ts';
import type { PageSource } from '../types.ts';

/**
 * Folder-name conventions of the corpus: a page below a folder with one of these names is read
 * in that language unless a manifest or --lang says otherwise.
 */
export const FOLDER_LANGUAGES: Readonly<Record<string, string>> = Object.freeze({ danish: 'dan', tapuscorpus: 'fra' });

export const DEFAULT_EVAL_LANG = 'eng';

/** The language a folder convention gives a path (relative to the evaluation folder), else `eng`. */
export function conventionLanguage(relativePath: string): string {
  const folders = relativePath
    .split(/[\\/]/)
    .slice(0, -1)
    .map((s) => s.toLowerCase());
  // The innermost matching folder wins.
  for (const folder of folders.reverse()) {
    const lang = FOLDER_LANGUAGES[folder];
    if (lang) return lang;
  }
  return DEFAULT_EVAL_LANG;
}

export interface EvalPage {
  /** The pipeline's pageId for the scan. */
  pageId: string;
  /** The scan, as ingest found it. */
  source: PageSource;
  /** Path relative to the evaluation folder (POSIX separators). */
  relativePath: string;
  gtFile: string;
  gtText: string;
  /** The ground truth's lines, for line recall: lines.json's `lines[].text` when it has them, else NAME.gt.txt's lines. */
  gtLines: string[];
  /** NAME.lines.json when present: the page is cropped to its gt_coverage_bbox. */
  linesFile: string | null;
  lang: string;
}

export interface EvalCorpus {
  pages: EvalPage[];
  /** Images left out, with the reason (no ground truth, multi-page file, unreadable). */
  skipped: { file: string; reason: string }[];
}

export interface FindEvalPagesOptions {
  cwd: string;
  /** Overrides the folder conventions (not a manifest entry). */
  lang?: string;
  /** A batch manifest (see src/ingest/manifest.ts): its languages win over everything else. */
  manifest?: string;
  maxPixels: number;
  logger?: Logger;
}

/** NAME.gt.txt and NAME.lines.json beside NAME.<ext>. */
export function companionFiles(imagePath: string): { gtFile: string; linesFile: string } {
  const stem = path.join(path.dirname(imagePath), path.basename(imagePath, path.extname(imagePath)));
  return { gtFile: `${stem}.gt.txt`, linesFile: `${stem}.lines.json` };
}

/** The texts of a lines.json's `lines`, or null when it has none (or cannot be read: the crop reports that). */
async function linesOf(linesFile: string): Promise<string[] | null> {
  try {
    const lines = (JSON.parse(await readFile(linesFile, 'utf8')) as { lines?: unknown }).lines;
    if (!Array.isArray(lines) || lines.length === 0) return null;
    return lines.map((l) => (typeof (l as { text?: unknown }).text === 'string' ? (l as { text: string }).text : ''));
  } catch {
    return null;
  }
}

export async function findEvalPages(dir: string, options: FindEvalPagesOptions): Promise<EvalCorpus> {
  const root = path.resolve(options.cwd, dir);
  const manifest: Manifest | undefined = options.manifest ? await loadManifest(options.manifest, options.cwd) : undefined;
  const found = await discoverInputs([dir], { cwd: options.cwd, maxPixels: options.maxPixels, logger: options.logger });
  const skipped = found.failures.map((f) => ({ file: f.file, reason: f.message }));
  const pages: EvalPage[] = [];
  for (const source of found.pages) {
    if (source.pageCount > 1) {
      skipped.push({ file: source.file, reason: `multi-page file (page ${source.pageIndex + 1}): NAME.gt.txt can only describe a single-page scan` });
      continue;
    }
    const { gtFile, linesFile } = companionFiles(source.path);
    if (!existsSync(gtFile)) {
      skipped.push({ file: source.file, reason: `no ground truth (${path.basename(gtFile)})` });
      continue;
    }
    const relativePath = path.relative(root, source.path).split(path.sep).join('/');
    const lang = languageFor(manifest, source.path, options.lang ?? conventionLanguage(relativePath)) ?? DEFAULT_EVAL_LANG;
    const gtText = await readFile(gtFile, 'utf8');
    const hasLines = existsSync(linesFile);
    pages.push({
      pageId: source.pageId,
      source: { ...source, lang },
      relativePath,
      gtFile,
      gtText,
      gtLines: (hasLines ? await linesOf(linesFile) : null) ?? gtText.split('\n'),
      linesFile: hasLines ? linesFile : null,
      lang,
    });
  }
  return { pages, skipped };
}
