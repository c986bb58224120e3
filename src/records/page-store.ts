// Resume support: a page counts as done when its JSON exists under the output
// folder with the same content hash and pipeline version. The JSON is written
// atomically and last, so its presence is trustworthy.
import { readFile } from 'node:fs/promises';
import type { PageResult, PageSource } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { pageJsonPath } from './layout.ts';

export async function readPageJson(outDir: string, pageId: string): Promise<PageResult | null> {
  try {
    return JSON.parse(await readFile(pageJsonPath(outDir, pageId), 'utf8')) as PageResult;
  } catch {
    return null;
  }
}

/** The page's earlier result, when it was read from the same content by the same pipeline version. */
export async function findDonePage(outDir: string, source: PageSource): Promise<PageResult | null> {
  const page = await readPageJson(outDir, source.pageId);
  if (!page || page.contentHash !== source.contentHash || page.pipelineVersion !== PIPELINE_VERSION) return null;
  // The file path or language may differ on this run (moved folder, manifest); the pixels do not.
  const lang = source.lang ?? page.lang;
  if (lang !== page.lang) return null;
  return { ...page, file: source.file, documentKey: source.documentKey };
}
