// Small records and pages for the store and server tests, shaped exactly like
// the pipeline's output (records validate against the record schema), plus a
// real page image on disk so crops can be rendered.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { BBox, PageResult, RecordField, TelegramRecord } from '../../src/types.ts';

export function tempDir(prefix = 'cablescan-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function page(pageId: string, contentHash: string, file = `scans/${pageId}.png`, size = { width: 800, height: 1000 }): PageResult {
  return {
    schemaVersion: 1,
    pipelineVersion: 'test',
    pageId,
    file,
    pageIndex: 0,
    pageCount: 1,
    contentHash,
    documentKey: 'dir:scans',
    width: size.width,
    height: size.height,
    lang: 'eng',
    preprocess: { recipe: 'none', steps: [], outputWidth: size.width, outputHeight: size.height, toOriginal: [1, 0, 0, 0, 1, 0] },
    ocr: { meanConfidence: 90, wordCount: 0, engine: 'test', engineVersion: '0', lang: 'eng', psm: 3 },
    lines: [],
    text: '',
    timings: {},
  };
}

export function field(value: string | number | null, status: RecordField['status'], confidence: number, pageId: string | null, bbox: BBox | null): RecordField {
  return {
    value,
    text: value === null ? '' : String(value),
    confidence,
    status,
    page: pageId,
    bbox,
    reasons: status === 'needs_review' ? ['low_ocr_confidence'] : [],
  };
}

/** A record on one page with a mix of accepted, doubtful and missing fields. */
export function record(id: string, pageId: string, overrides: Partial<Record<string, RecordField>> = {}, profile = 'soviet-cipher'): TelegramRecord {
  const fields: Record<string, RecordField> = {
    docType: field('CIPHERED TELEGRAM', 'accepted', 0.95, pageId, [100, 40, 500, 80]),
    number: field('21340', 'needs_review', 0.61, pageId, [520, 40, 700, 80]),
    date: field('1951-06-30', 'needs_review', 0.72, pageId, [100, 120, 400, 160]),
    copies: field(2, 'accepted', 0.9, pageId, [420, 120, 560, 160]),
    signature: field(null, 'missing', 0, null, null),
  };
  for (const [name, f] of Object.entries(overrides)) {
    if (f) fields[name] = f;
    else delete fields[name];
  }
  const needed = Object.entries(fields)
    .filter(([, f]) => f.status === 'needs_review' || f.status === 'missing')
    .map(([n]) => n);
  return {
    schemaVersion: 1,
    id,
    profile,
    profileScore: 0.9,
    source: { files: [`scans/${pageId}.png`], pages: [pageId] },
    fields,
    text: 'CIPHERED TELEGRAM No. 21340',
    review: { needed, status: needed.length ? 'pending' : 'done' },
  };
}

/** Writes a white page with dark bars where the fixture's boxes are, so a crop shows ink. */
export async function writePageImage(file: string, width = 800, height = 1000): Promise<void> {
  const bars = [
    [100, 40, 500, 80],
    [520, 40, 700, 80],
    [100, 120, 400, 160],
  ]
    .map(([x0, y0, x1, y1]) => `<rect x="${x0 + 4}" y="${y0 + 8}" width="${x1 - x0 - 8}" height="${y1 - y0 - 16}" fill="#222"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${bars}</svg>`;
  await sharp(Buffer.from(svg)).greyscale().png().toFile(file);
}
