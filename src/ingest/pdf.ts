// PDF pages through pdfjs-dist 5.6 + @napi-rs/canvas (Apache-2.0 / MIT; mupdf
// was rejected as AGPL, cablescan is MIT). Both come from npm: no system install.
//
// The work happens in a worker thread (pdf-worker.mjs) that a PdfWorker owns:
// - rendering a page is CPU-bound for seconds; in a thread it does not block the
//   caller's event loop (queue lock renewals, HTTP);
// - the thread starts without tsx's loader, which otherwise makes loading pdfjs
//   cost five times the memory (docs/benchmarks.md);
// - a PDF that makes pdfjs spin forever is stopped by terminating the thread;
// - a page's renderer keeps its document open for the file's next page (pages
//   are handed to the same thread by file: renderPdfPage), so a long PDF is read
//   and parsed once, not once per page.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CablescanError, ErrorCode, type ErrorCodeValue } from '../errors.ts';
import type { RawImage } from '../types.ts';

const WORKER_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pdf-worker.mjs');

/** Default limit for one operation (open + count, or open + render one page). */
export const DEFAULT_PDF_TIMEOUT_MS = 120_000;

type WorkerErrorKind = 'unreadable' | 'corrupt' | 'password' | 'too-large' | 'geometry' | 'render';

interface WorkerReply {
  id: number;
  ok: boolean;
  pageCount?: number;
  width?: number;
  height?: number;
  /** The resolution the page was rendered at (lowered to fit the page's pixel budget). */
  dpi?: number;
  /** Documents the thread has opened so far (one per file while its pages come in turn). */
  opened?: number;
  data?: Uint8Array;
  error?: { kind: WorkerErrorKind; message: string; details?: Record<string, unknown> };
}

const CODE_BY_KIND: Record<WorkerErrorKind, ErrorCodeValue> = {
  unreadable: ErrorCode.INPUT_NOT_FOUND,
  corrupt: ErrorCode.INPUT_CORRUPT,
  password: ErrorCode.INPUT_CORRUPT,
  'too-large': ErrorCode.INPUT_TOO_LARGE,
  geometry: ErrorCode.INPUT_GEOMETRY,
  render: ErrorCode.PDF_RENDER,
};

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (err: Error) => void;
}

/**
 * One worker thread for PDF work, used for a batch's discovery or one page's
 * render, then closed. Requests run one after another inside the thread.
 */
export class PdfWorker {
  #thread: { worker: Worker; pending: Map<number, Pending> } | undefined;
  #nextId = 1;
  readonly #timeoutMs: number;
  /** The request in the thread now: the next is posted when it has settled, so its time limit counts its own work only. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS;
  }

  #start(): { worker: Worker; pending: Map<number, Pending> } {
    if (this.#thread) return this.#thread;
    // execArgv: [] keeps loader flags (--import tsx) out of the thread.
    const worker = new Worker(WORKER_FILE, { execArgv: [] });
    const thread = { worker, pending: new Map<number, Pending>() };
    worker.on('message', (reply: WorkerReply) => {
      const pending = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      pending?.resolve(reply);
    });
    const failAll = (err: Error): void => {
      for (const p of thread.pending.values()) p.reject(err);
      thread.pending.clear();
      if (this.#thread === thread) this.#thread = undefined;
    };
    worker.on('error', (err) => failAll(err));
    worker.on('exit', (code) => failAll(new Error(`the PDF worker thread stopped (exit code ${code})`)));
    // A forgotten PdfWorker must not keep the process alive; a request in flight
    // does, through its timeout timer. (After the listeners: adding one refs the port again.)
    worker.unref();
    this.#thread = thread;
    return thread;
  }

  #request(message: Record<string, unknown>, file: string, what: string): Promise<WorkerReply> {
    const turn = this.#last.then(() => this.#send(message, file, what));
    this.#last = turn.catch(() => undefined);
    return turn;
  }

  /** Requests waiting or running. */
  get busy(): boolean {
    return this.#waiting > 0;
  }

  #waiting = 0;

  async #send(message: Record<string, unknown>, file: string, what: string): Promise<WorkerReply> {
    const thread = this.#start();
    const id = this.#nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<WorkerReply>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          thread.pending.delete(id);
          reject(new CablescanError(ErrorCode.PDF_RENDER, `${file}: ${what} took longer than ${this.#timeoutMs} ms; stopped`, { file, retryable: false }));
          // The thread may be stuck: stop it; the next request starts a new one.
          if (this.#thread === thread) this.#thread = undefined;
          void thread.worker.terminate();
        }, this.#timeoutMs);
        thread.worker.postMessage({ id, ...message });
      });
    } catch (err) {
      if (err instanceof CablescanError) throw err;
      throw new CablescanError(ErrorCode.PDF_RENDER, `${file}: ${what} failed (${(err as Error).message})`, { file, retryable: false, cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  static #failure(reply: WorkerReply, file: string): CablescanError {
    const error = reply.error ?? { kind: 'render' as const, message: 'unknown PDF worker error' };
    return new CablescanError(CODE_BY_KIND[error.kind], `${file}: ${error.message}`, { file, retryable: false, details: error.details });
  }

  /** Number of pages. `file` names the PDF in messages; `absolutePath` is opened. */
  async countPages(file: string, absolutePath: string): Promise<number> {
    const reply = await this.#request({ op: 'count', file: absolutePath }, file, 'reading the PDF');
    if (!reply.ok) throw PdfWorker.#failure(reply, file);
    return reply.pageCount ?? 0;
  }

  /**
   * Renders page `pageIndex` (from 0) to RGB on white at `dpi`, or lower when the page would
   * be over `budgetPixels`; `dpi` in the result is the resolution used.
   */
  async renderPage(file: string, absolutePath: string, options: RenderOptions): Promise<RenderedPdfPage> {
    this.#waiting += 1;
    try {
      const reply = await this.#request(
        { op: 'render', file: absolutePath, pageIndex: options.pageIndex, dpi: options.dpi, maxPixels: options.maxPixels, budgetPixels: options.budgetPixels },
        file,
        `rendering page ${options.pageIndex + 1}`,
      );
      if (!reply.ok || !reply.data || !reply.width || !reply.height) throw PdfWorker.#failure(reply, file);
      const data = Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
      return { image: { data, width: reply.width, height: reply.height, channels: 3 }, dpi: reply.dpi ?? options.dpi, documentsOpened: reply.opened ?? 0 };
    } finally {
      this.#waiting -= 1;
    }
  }

  async close(): Promise<void> {
    const thread = this.#thread;
    this.#thread = undefined;
    if (thread) await thread.worker.terminate();
  }
}

export interface RenderOptions {
  pageIndex: number;
  dpi: number;
  /** Pages over this many pixels are refused (CS_ERR_INPUT_TOO_LARGE); also the limit for images inside the PDF. */
  maxPixels: number;
  /** Pages are rendered at a lower resolution rather than over this many pixels. */
  budgetPixels?: number;
}

export interface RenderedPdfPage {
  image: RawImage;
  dpi: number;
  /** Documents the rendering thread has opened so far: stays 1 while one file's pages are rendered. */
  documentsOpened: number;
}

/** Render threads kept at most (one per file, the least recently used idle one closed first). */
const MAX_RENDER_THREADS = 4;
const renderers = new Map<string, PdfWorker>();

/**
 * Renders one page in the thread of its file, which keeps the document open for the next
 * page of the same file. Threads are unreferenced: they never keep the process alive.
 */
export async function renderPdfPage(file: string, absolutePath: string, options: RenderOptions & { timeoutMs?: number }): Promise<RenderedPdfPage> {
  const key = `${absolutePath}\0${options.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS}`;
  let worker = renderers.get(key);
  if (worker)
    renderers.delete(key); // re-inserted last: the Map's order is least recently used first
  else {
    worker = new PdfWorker({ timeoutMs: options.timeoutMs });
    for (const [oldKey, old] of renderers) {
      if (renderers.size < MAX_RENDER_THREADS) break;
      if (old.busy) continue;
      renderers.delete(oldKey);
      void old.close();
    }
  }
  renderers.set(key, worker);
  return worker.renderPage(file, absolutePath, options);
}

/** Stops the render threads (tests, and a process that wants its memory back). */
export async function closePdfRenderers(): Promise<void> {
  const all = [...renderers.values()];
  renderers.clear();
  await Promise.all(all.map((w) => w.close()));
}
