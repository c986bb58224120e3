// Where things live under the output folder (DESIGN.md's output contract).
import path from 'node:path';

export const pageJsonPath = (outDir: string, pageId: string): string => path.join(outDir, 'pages', `${pageId}.json`);
/** An OCR timeout remembered beside the page's output, so the next attempt reads it another way (src/ocr/recognize-page.ts). */
export const pageTimeoutPath = (outDir: string, pageId: string): string => path.join(outDir, 'pages', `${pageId}.ocr-timeout`);
export const pageTextPath = (outDir: string, pageId: string): string => path.join(outDir, 'pages', `${pageId}.txt`);
export const recordPath = (outDir: string, recordId: string): string => path.join(outDir, 'records', `${recordId}.json`);
export const reportPath = (outDir: string): string => path.join(outDir, 'report.json');
/** Which records each page went into on the last build (records/retire.ts). */
export const pageIndexPath = (outDir: string, pageId: string): string => path.join(outDir, 'index', `${pageId}.json`);
/** A reviewer's decision at the boundary before a page (records/reviewer-boundaries.ts). */
export const reviewerBoundaryPath = (outDir: string, pageId: string): string => path.join(outDir, 'grouping', `${pageId}.json`);
/** What a window of a sequence built (its records, its pages' outcomes) and carried to the next (pipeline/windows.ts). */
export const windowResultPath = (outDir: string, windowId: string): string => path.join(outDir, 'windows', `${windowId}.json`);
