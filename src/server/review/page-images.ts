// Renders what a reviewer looks at from the ORIGINAL page (the pixels every
// bbox refers to): a field's crop with some context and its box outlined, and a
// downscaled whole page for the record view. Pages are decoded by ingest's
// loadPageImage (TIFF pages, PDF rasters, EXIF rotation), checked against the
// content hash the pipeline saw (a crop of a different image would mislead the
// reviewer), and kept in a small LRU because the queue jumps between pages.
// Both caches are bounded in bytes (a page larger than the page budget is
// rendered and forgotten), and at most decodeConcurrency pages are decoded at
// once: a burst of requests for different pages waits instead of holding every
// page in memory together.
import { stat } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import { hashFile, pageContentHash } from '../../ingest/hash.ts';
import { detectFormat, readHead } from '../../ingest/format.ts';
import { loadPageImage } from '../../ingest/index.ts';
import type { StoredPage } from '../../store/index.ts';
import type { BBox, PageSource, RawImage } from '../../types.ts';

export class PageUnavailableError extends Error {
  readonly reason: 'not_found' | 'changed' | 'unreadable';
  constructor(reason: PageUnavailableError['reason'], message: string) {
    super(message);
    this.name = 'PageUnavailableError';
    this.reason = reason;
  }
}

export interface PageImageOptions {
  maxPixels: number;
  pdfDpi: number;
  /** Decoded pages kept in memory (bytes). An A4 grey page at 300 dpi is ~8.7 MB. */
  cacheBytes?: number;
  /** Rendered crops kept in memory (bytes). */
  cropCacheBytes?: number;
  /** Pages decoded at the same time; further requests wait their turn. */
  decodeConcurrency?: number;
  /** Largest crop returned (px); bigger regions are scaled down as a whole. */
  maxCropWidth?: number;
  maxCropHeight?: number;
  /** Largest crop area (px): a body crop is tall, and is scaled down to this many pixels. */
  maxCropPixels?: number;
}

export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
  contentType: 'image/png' | 'image/jpeg';
}

interface DecodedPage {
  image: RawImage;
  /** Decoded size over the size the pipeline recorded (1 unless a PDF is rasterised at another dpi). */
  scaleX: number;
  scaleY: number;
}

/** Bump when the rendering changes, so cached crops (ETags) are not reused. */
export const RENDER_VERSION = 2;

interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The region shown around a box: a little of the lines above and below and of
 * the words beside it, so a reviewer can read the field in its place.
 */
export function contextRegion(bbox: BBox, width: number, height: number): Region {
  const [x0, y0, x1, y1] = bbox;
  const boxHeight = Math.max(1, y1 - y0);
  const marginY = clamp(Math.round(boxHeight * 0.8), 16, 120);
  const marginX = clamp(Math.round(boxHeight * 2), 32, 240);
  const left = clamp(Math.floor(x0 - marginX), 0, width - 1);
  const top = clamp(Math.floor(y0 - marginY), 0, height - 1);
  const right = clamp(Math.ceil(x1 + marginX), left + 1, width);
  const bottom = clamp(Math.ceil(y1 + marginY), top + 1, height);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * How much a region is shrunk to fit the crop limits (never enlarged): a body or a line
 * across the page is scaled down as a whole, so the reviewer sees all of it.
 */
export function cropScale(width: number, height: number, limits: { maxCropWidth: number; maxCropHeight: number; maxCropPixels: number }): number {
  return Math.min(1, limits.maxCropWidth / width, limits.maxCropHeight / height, Math.sqrt(limits.maxCropPixels / (width * height)));
}

/** The box's outline, just outside the box so it never covers the ink being read, in the scaled crop's pixels. */
function outlineSvg(box: BBox, region: Region, scale: number, width: number, height: number): Buffer {
  const pad = 4;
  const x0 = clamp((box[0] - region.left - pad) * scale, 0, width);
  const y0 = clamp((box[1] - region.top - pad) * scale, 0, height);
  const x1 = clamp((box[2] - region.left + pad) * scale, x0 + 1, width);
  const y1 = clamp((box[3] - region.top + pad) * scale, y0 + 1, height);
  const stroke = clamp(Math.round(Math.min(width, height) / 150), 2, 6);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="none" stroke="#e8590c" stroke-width="${stroke}" stroke-opacity="0.85"/></svg>`,
  );
}

/** At most `limit` tasks at once; the others wait in order. */
class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Most tasks that ran at once (for tests and the bench). */
  peak = 0;
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface PageImageStats {
  pages: number;
  pageBytes: number;
  crops: number;
  cropBytes: number;
  /** Most pages that were being decoded at once since start. */
  peakDecodes: number;
}

export class PageImages {
  private readonly options: Required<PageImageOptions>;
  private readonly pages: LRUCache<string, DecodedPage>;
  private readonly loading = new Map<string, Promise<DecodedPage>>();
  private readonly crops: LRUCache<string, RenderedImage>;
  private readonly decodes: Slots;

  constructor(options: PageImageOptions) {
    this.options = {
      cacheBytes: 200 * 1024 * 1024,
      cropCacheBytes: 32 * 1024 * 1024,
      decodeConcurrency: 2,
      maxCropWidth: 1600,
      maxCropHeight: 2400,
      maxCropPixels: 2_600_000,
      ...options,
    };
    // lru-cache refuses an entry larger than maxSize (maxEntrySize defaults to it): such a page is not kept.
    this.pages = new LRUCache<string, DecodedPage>({ maxSize: this.options.cacheBytes, sizeCalculation: (p) => Math.max(1, p.image.data.length) });
    this.crops = new LRUCache<string, RenderedImage>({ maxSize: this.options.cropCacheBytes, sizeCalculation: (c) => Math.max(1, c.data.length) });
    this.decodes = new Slots(this.options.decodeConcurrency);
  }

  stats(): PageImageStats {
    return {
      pages: this.pages.size,
      pageBytes: this.pages.calculatedSize,
      crops: this.crops.size,
      cropBytes: this.crops.calculatedSize,
      peakDecodes: this.decodes.peak,
    };
  }

  /** The field's box with context, box outlined, as PNG no larger than the configured maximum. */
  async crop(page: StoredPage, bbox: BBox): Promise<RenderedImage> {
    return this.cached(`${page.contentHash}:box:${bbox.join(',')}`, async () => {
      const { image, scaleX, scaleY } = await this.load(page);
      const box: BBox = [bbox[0] * scaleX, bbox[1] * scaleY, bbox[2] * scaleX, bbox[3] * scaleY];
      return this.render(image, contextRegion(box, image.width, image.height), box);
    });
  }

  /**
   * A region of the page (in the page's recorded pixels) without an outline: where the
   * profile looks for a field that was not found.
   */
  async region(page: StoredPage, bbox: BBox): Promise<RenderedImage> {
    return this.cached(`${page.contentHash}:region:${bbox.join(',')}`, async () => {
      const { image, scaleX, scaleY } = await this.load(page);
      const left = clamp(Math.floor(bbox[0] * scaleX), 0, image.width - 1);
      const top = clamp(Math.floor(bbox[1] * scaleY), 0, image.height - 1);
      const right = clamp(Math.ceil(bbox[2] * scaleX), left + 1, image.width);
      const bottom = clamp(Math.ceil(bbox[3] * scaleY), top + 1, image.height);
      return this.render(image, { left, top, width: right - left, height: bottom - top }, null);
    });
  }

  private async cached(key: string, make: () => Promise<RenderedImage>): Promise<RenderedImage> {
    const hit = this.crops.get(key);
    if (hit) return hit;
    const rendered = await make();
    this.crops.set(key, rendered);
    return rendered;
  }

  /**
   * Cuts `region` out of the page, scales it to fit the crop limits and outlines `box` (page
   * pixels) at the scale of the result. The outline is drawn after scaling: a region larger
   * than the limits (a body, a line across the page) is shrunk first, and an outline made at
   * the region's own size would no longer fit on it.
   */
  private async render(image: RawImage, region: Region, box: BBox | null): Promise<RenderedImage> {
    const scale = cropScale(region.width, region.height, this.options);
    const width = Math.max(1, Math.round(region.width * scale));
    const height = Math.max(1, Math.round(region.height * scale));
    let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
      .extract(region)
      .resize({ width, height, fit: 'fill', kernel: 'lanczos3' })
      .toColourspace('srgb');
    if (box) pipeline = pipeline.composite([{ input: outlineSvg(box, region, scale, width, height), left: 0, top: 0 }]);
    const { data, info } = await pipeline.png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: 'image/png' };
  }

  /** The whole page, scaled to at most `maxWidth` pixels wide, as JPEG (boxes are drawn by the browser). */
  async preview(page: StoredPage, maxWidth = 1400): Promise<RenderedImage> {
    const { image } = await this.load(page);
    const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
      .resize({ width: Math.min(maxWidth, image.width), withoutEnlargement: true })
      .jpeg({ quality: 82, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: 'image/jpeg' };
  }

  private load(page: StoredPage): Promise<DecodedPage> {
    const cached = this.pages.get(page.contentHash);
    if (cached) return Promise.resolve(cached);
    let pending = this.loading.get(page.contentHash);
    if (!pending) {
      pending = this.decodes
        .run(() => this.decode(page))
        .then((decoded) => {
          this.pages.set(page.contentHash, decoded);
          return decoded;
        })
        .finally(() => this.loading.delete(page.contentHash));
      this.loading.set(page.contentHash, pending);
    }
    return pending;
  }

  private async decode(page: StoredPage): Promise<DecodedPage> {
    try {
      await stat(page.path);
    } catch {
      throw new PageUnavailableError('not_found', `the scan ${page.file} (page ${page.pageId}) is no longer where it was read`);
    }
    const fileHash = await hashFile(page.path);
    if (pageContentHash(fileHash, page.pageIndex + 1, page.pageCount) !== page.contentHash) {
      throw new PageUnavailableError('changed', `the scan ${page.file} has changed since page ${page.pageId} was read`);
    }
    const format = detectFormat(await readHead(page.path));
    if (!format) throw new PageUnavailableError('unreadable', `${page.file} is not an image cablescan can read`);
    const source: PageSource = {
      pageId: page.pageId,
      file: page.file,
      path: page.path,
      pageIndex: page.pageIndex,
      pageCount: page.pageCount,
      format,
      contentHash: page.contentHash,
      documentKey: page.contentHash,
    };
    let image: RawImage;
    try {
      ({ image } = await loadPageImage(source, { maxPixels: this.options.maxPixels, pdfDpi: this.options.pdfDpi }));
    } catch (err) {
      throw new PageUnavailableError('unreadable', `${page.file}: ${(err as Error).message}`);
    }
    return { image, scaleX: image.width / page.width, scaleY: image.height / page.height };
  }
}
