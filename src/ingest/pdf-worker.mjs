// PDF work in a worker thread: counting pages and rendering one page with
// pdfjs-dist 5.6 (legacy build: Node 20; 5.7+ needs Node 22) onto an
// @napi-rs/canvas canvas. Plain JavaScript on purpose: pdf.ts starts this
// thread with no loader flags, so tsx does not process pdfjs's code (under tsx's
// loader pdfjs costs five times the memory: docs/benchmarks.md), and
// a slow or hostile PDF blocks this thread, never the caller's event loop.
//
// Everything is local: pdfjs runs its own "worker" in this thread by importing
// the worker module named by GlobalWorkerOptions.workerSrc (set to the file in
// node_modules); fonts, CMaps, ICC profiles and the wasm image decoders (JBIG2,
// JPX: common in scanned PDFs) are read from the package folders; nothing is
// fetched over a network and eval is disabled.
//
// Protocol: the parent posts { id, op: 'count', file } or { id, op: 'render',
// file, pageIndex, dpi, maxPixels, budgetPixels }; this thread answers { id, ok:
// true, ... } or { id, ok: false, error: { kind, name, message, details } }.
//
// The document a page was rendered from stays open for the next request (one
// document per thread; pdf.ts gives each file its thread): reading and parsing
// the whole file again for every page made a long PDF's cost quadratic in its
// pages (issue 24; docs/benchmarks.md). It is closed when another file is asked
// for, when the file changes, or after a minute without requests.
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
const asDirUrl = (sub) => path.join(PDFJS_DIR, sub) + path.sep;

// The minified builds: the same code without 8 MB of source maps.
const pdfjs = await import(pathToFileURL(path.join(PDFJS_DIR, 'legacy/build/pdf.min.mjs')).href);
pdfjs.GlobalWorkerOptions.workerSrc = pathToFileURL(path.join(PDFJS_DIR, 'legacy/build/pdf.worker.min.mjs')).href;

class TaskError extends Error {
  /** kind: 'unreadable' (cannot open the file), 'corrupt', 'password', 'too-large', 'geometry', 'render'. */
  constructor(kind, message, details) {
    super(message);
    this.kind = kind;
    this.details = details;
  }
}

async function openPdf(file, maxImagePixels) {
  let data;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new TaskError('unreadable', err.message);
  }
  const task = pdfjs.getDocument({
    // pdfjs wants a Uint8Array (not a Buffer) and takes ownership of it.
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    standardFontDataUrl: asDirUrl('standard_fonts'),
    cMapUrl: asDirUrl('cmaps'),
    cMapPacked: true,
    iccUrl: asDirUrl('iccs'),
    wasmUrl: asDirUrl('wasm'),
    // Embedded images over the pixel budget are not decoded (bombs inside PDFs).
    maxImageSize: maxImagePixels ?? -1,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    if (err?.name === 'PasswordException') throw new TaskError('password', 'the PDF is password-protected');
    throw new TaskError('corrupt', `the PDF cannot be read (${err?.message ?? String(err)})`);
  }
}

async function countPages({ file }) {
  const doc = await openPdf(file);
  try {
    return { pageCount: doc.numPages };
  } finally {
    await doc.destroy();
  }
}

/** The open document kept between requests: { file, size, mtimeMs, maxPixels, doc }. */
let kept = null;
let idleTimer = null;
/** Documents this thread has opened for rendering (reported with each page: tests see the document kept). */
let opened = 0;
const KEEP_IDLE_MS = 60_000;

async function dropKept() {
  const old = kept;
  kept = null;
  if (old) await old.doc.destroy().catch(() => undefined);
}

/** The document, opened once for as long as the same unchanged file is asked for. */
async function keptPdf(file, maxPixels) {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new TaskError('unreadable', err.message);
  }
  if (kept && kept.file === file && kept.size === info.size && kept.mtimeMs === info.mtimeMs && kept.maxPixels === maxPixels) return kept.doc;
  await dropKept();
  const doc = await openPdf(file, maxPixels);
  opened += 1;
  kept = { file, size: info.size, mtimeMs: info.mtimeMs, maxPixels, doc };
  return doc;
}

/** Long thin pages (a strip of 30000 x 200) are no page of a document; OCR engines fail on them. */
const MAX_ASPECT = 20;

/**
 * The resolution a page is rendered at: the one asked for, lowered so the page
 * stays within `budgetPixels` (a page can declare any size: 14400 pt square is
 * 200 Mpx at 300 dpi, 2.8 GB to render and preprocess).
 */
function renderDpi(widthPt, heightPt, dpi, budgetPixels) {
  const pixels = ((widthPt * dpi) / 72) * ((heightPt * dpi) / 72);
  if (!budgetPixels || pixels <= budgetPixels) return dpi;
  return Math.max(1, Math.floor(dpi * Math.sqrt(budgetPixels / pixels)));
}

async function renderPage({ file, pageIndex, dpi: askedDpi, maxPixels, budgetPixels }) {
  const doc = await keptPdf(file, maxPixels);
  {
    const pageNumber = pageIndex + 1;
    if (pageNumber < 1 || pageNumber > doc.numPages) {
      throw new TaskError('render', `page ${pageNumber} does not exist (the PDF has ${doc.numPages})`);
    }
    const page = await doc.getPage(pageNumber);
    const declared = page.getViewport({ scale: 1 });
    const [widthPt, heightPt] = [declared.width, declared.height];
    if (!(widthPt > 0 && heightPt > 0) || Math.max(widthPt, heightPt) / Math.min(widthPt, heightPt) > MAX_ASPECT) {
      page.cleanup();
      throw new TaskError(
        'geometry',
        `page ${pageNumber} is ${Math.round(widthPt)} x ${Math.round(heightPt)} pt, not the shape of a document page (sides more than ${MAX_ASPECT}:1 apart)`,
        {
          widthPt,
          heightPt,
        },
      );
    }
    const dpi = renderDpi(widthPt, heightPt, askedDpi, budgetPixels);
    const viewport = page.getViewport({ scale: dpi / 72 });
    const width = Math.ceil(viewport.width);
    const height = Math.ceil(viewport.height);
    // Checked before allocating: a page can declare any size (MediaBox up to
    // 14400 pt square), a decompression bomb of its own at 300 dpi.
    if (width * height > maxPixels) {
      throw new TaskError(
        'too-large',
        `page ${pageNumber} at ${dpi} dpi would be ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels} (maxPixels)`,
        {
          width,
          height,
          maxPixels,
          dpi,
        },
      );
    }
    // Canvases come from pdfjs's own factory: pdfjs-dist may load its own nested
    // copy of @napi-rs/canvas, and a Path2D from one copy is refused by a context
    // of another ("not a valid enum value of type CanvasFillRule").
    const factory = doc.canvasFactory;
    const target = factory.create(width, height);
    let rgba;
    try {
      target.context.fillStyle = '#ffffff';
      target.context.fillRect(0, 0, width, height);
      await page.render({ canvas: target.canvas, canvasContext: target.context, viewport }).promise;
      rgba = target.context.getImageData(0, 0, width, height).data;
    } catch (err) {
      throw new TaskError('render', `page ${pageNumber} could not be rendered (${err?.message ?? String(err)})`);
    } finally {
      factory.destroy(target); // frees ~35 MB at 300 dpi before the copy below
      page.cleanup();
    }
    // RGBA -> RGB over white. The canvas was filled white first, so alpha is
    // 255 almost everywhere; blend anyway in case a page's drawing cleared it.
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
      const a = rgba[i + 3];
      if (a === 255) {
        rgb[o] = rgba[i];
        rgb[o + 1] = rgba[i + 1];
        rgb[o + 2] = rgba[i + 2];
      } else {
        const white = 255 * (255 - a);
        rgb[o] = (rgba[i] * a + white + 127) / 255;
        rgb[o + 1] = (rgba[i + 1] * a + white + 127) / 255;
        rgb[o + 2] = (rgba[i + 2] * a + white + 127) / 255;
      }
    }
    return { width, height, dpi, opened, data: rgb };
  }
}

parentPort.on('message', async (request) => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void dropKept(), KEEP_IDLE_MS);
  try {
    if (request.op === 'count') {
      parentPort.postMessage({ id: request.id, ok: true, ...(await countPages(request)) });
    } else if (request.op === 'render') {
      const result = await renderPage(request);
      parentPort.postMessage({ id: request.id, ok: true, ...result }, [result.data.buffer]);
    } else {
      throw new TaskError('render', `unknown operation ${request.op}`);
    }
  } catch (err) {
    const error =
      err instanceof TaskError ? { kind: err.kind, message: err.message, details: err.details } : { kind: 'render', message: err?.message ?? String(err) };
    parentPort.postMessage({ id: request.id, ok: false, error });
  }
});
