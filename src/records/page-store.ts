// Resume support: a page counts as done when its JSON exists under the output
// folder with the same content hash and pipeline version. The JSON is written
// atomically and last, so its presence is trustworthy.
import { open, readFile, rm } from 'node:fs/promises';
import type { ReadingWay } from '../ocr/recognize-page.ts';
import type { PageResult, PageSource } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { writeJsonAtomic } from './atomic-write.ts';
import { pageJsonPath, pageTimeoutPath } from './layout.ts';

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

/** A page JSON's identity fields come first (read-scan.ts pageIdentity): they fit in its first bytes. */
const HEAD_BYTES = 4096;
const headField = (head: string, key: string): string | undefined => new RegExp(`"${key}":\\s*"([^"\\\\]*)"`).exec(head)?.[1];

/**
 * Whether the page's output is current, as findDonePage decides, from the first few KB of its
 * JSON instead of all of it (a page JSON is tens of KB): cheap enough to ask of every page of a
 * batch when it is planned. Falls back to the full check when the head does not say.
 */
export async function pageLooksDone(outDir: string, source: PageSource): Promise<boolean> {
  let head: string;
  try {
    const handle = await open(pageJsonPath(outDir, source.pageId), 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      head = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  const [version, hash, lang] = [headField(head, 'pipelineVersion'), headField(head, 'contentHash'), headField(head, 'lang')];
  if (version === undefined || hash === undefined || lang === undefined) return (await findDonePage(outDir, source)) !== null;
  return version === PIPELINE_VERSION && hash === source.contentHash && (source.lang ?? lang) === lang;
}

/** What an earlier attempt's OCR timeout left beside the page's output (layout.ts: pageTimeoutPath). */
export interface OcrTimeoutNote {
  contentHash: string;
  pipelineVersion: string;
  /** The way that ran past its time: the page whole, or then its ink regions too. */
  way: ReadingWay;
  seconds: number;
  at: string;
}

/** The way that timed out on this page (same content, same pipeline) in an earlier attempt, or null. */
export async function findOcrTimeout(outDir: string, source: PageSource): Promise<ReadingWay | null> {
  try {
    const note = JSON.parse(await readFile(pageTimeoutPath(outDir, source.pageId), 'utf8')) as OcrTimeoutNote;
    return note.contentHash === source.contentHash && note.pipelineVersion === PIPELINE_VERSION ? note.way : null;
  } catch {
    return null;
  }
}

export async function rememberOcrTimeout(outDir: string, source: PageSource, way: ReadingWay, seconds: number): Promise<void> {
  const note: OcrTimeoutNote = { contentHash: source.contentHash, pipelineVersion: PIPELINE_VERSION, way, seconds, at: new Date().toISOString() };
  await writeJsonAtomic(pageTimeoutPath(outDir, source.pageId), note);
}

/** Once the page is read, the note has done its work. */
export async function forgetOcrTimeout(outDir: string, pageId: string): Promise<void> {
  await rm(pageTimeoutPath(outDir, pageId), { force: true });
}
