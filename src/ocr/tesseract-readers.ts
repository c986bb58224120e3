// The two ways the native engine reads a batch of images of one reading mode (language set, models
// folder, PSM, inverted retry), each giving one TSV per image. The engine keeps readers in the
// shared keyed pool (worker-pool.ts), keyed by reading mode:
// - StreamingReader: one long-lived tesseract process (tesseract-server.ts) fed image files, so the
//   model is loaded once per process, not once per page; images go to a private folder as
//   uncompressed TIFF carrying their resolution (~9 ms a page).
// - OneShotReader: one process per call, for a machine without GNU stdbuf or an image with no
//   resolution: pixels on stdin as PNM (`tesseract stdin stdout`), or several images through a list
//   file (tesseract numbers them in its TSV's page_num).
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { OcrRequest } from './engine.ts';
import { toPnm, writeTiff } from './image-encoding.ts';
import { openScratchFolder, type ScratchFolder } from './scratch-folder.ts';
import { processError, runProcess } from './tesseract-process.ts';
import { TesseractServer, TesseractServerError } from './tesseract-server.ts';
import { boundOf, withinTimeout } from './timeout.ts';

/**
 * TSV output asked for by parameter, not by the `tsv` config name: a config name is a file in
 * `tessdata/configs/`, which a folder holding only `<lang>.traineddata` (the usual --tessdata
 * folder, and the model cache) lacks; tesseract then prints "read_params_file: Can't open tsv" and
 * writes plain text.
 */
export const TSV_OUTPUT = ['-c', 'tessedit_create_tsv=1'];

/** A reading mode: requests of one mode can share a process. */
export interface ReadingMode {
  lang: string;
  psm: number;
  invertedRetry: boolean;
  /** Models folder passed as --tessdata-dir ('': Tesseract's own). */
  tessdataDir: string;
  /** A long-lived process (needs stdbuf and a resolution on every image). */
  streamed: boolean;
}

export function modeOf(request: OcrRequest, tessdataDir: string, streamed: boolean): ReadingMode {
  return { lang: request.lang, psm: request.psm, invertedRetry: request.invertedRetry !== false, tessdataDir, streamed };
}

export function modeKey(mode: ReadingMode): string {
  return [mode.streamed ? 'server' : 'once', mode.lang, mode.psm, mode.invertedRetry, mode.tessdataDir].join('\t');
}

/** The tesseract arguments of a reading mode (not an image or its resolution). */
export function modeArgs(mode: ReadingMode): string[] {
  const args = ['-l', mode.lang, '--psm', String(mode.psm), ...(mode.tessdataDir ? ['--tessdata-dir', mode.tessdataDir] : [])];
  if (!mode.invertedRetry) args.push('-c', 'tessedit_do_invert=0');
  return args;
}

/** What every reader of one engine shares: the command, its environment, bounds and counters. */
export interface ReaderContext {
  binary: string;
  env: NodeJS.ProcessEnv;
  timeoutSeconds?: number;
  /** One-off processes running now (close() kills them). */
  running: Set<ChildProcess>;
  counters: { spawned: number };
  /** The private folder for image files, and its blank sentinel image (made on first use). */
  workspace(): Promise<Workspace>;
  /** Whether the engine is closing: a failure then says so instead of blaming the page. */
  closed(): boolean;
}

export interface NativeReader {
  /** One TSV (header included) per request, in order. */
  read(requests: readonly OcrRequest[]): Promise<string[]>;
  /** False once a long-lived process has ended; such a reader is retired, not reused. */
  readonly alive: boolean;
  close(): Promise<void>;
}

function closedError(cause?: unknown): CablescanError {
  return new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false, cause });
}

/**
 * Splits the TSV of a multi-image run into one TSV per image (by its page_num column, 1-based),
 * each with the header line; an image that produced no rows gets the header alone.
 */
export function splitTsvPages(tsv: string, pages: number): string[] {
  const lines = tsv.split('\n');
  const header = lines[0] ?? '';
  const byPage: string[][] = Array.from({ length: pages }, () => [header]);
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const page = Number(line.split('\t')[1]);
    if (Number.isInteger(page) && page >= 1 && page <= pages) byPage[page - 1]!.push(line);
  }
  return byPage.map((rows) => rows.join('\n') + '\n');
}

export class StreamingReader implements NativeReader {
  private readonly server: TesseractServer;

  constructor(
    private readonly mode: ReadingMode,
    private readonly ctx: ReaderContext,
    sentinel: string,
  ) {
    ctx.counters.spawned += 1;
    const args = ['-oL', ctx.binary, '-', 'stdout', ...modeArgs(mode), '-c', 'stream_filelist=1', ...TSV_OUTPUT];
    this.server = new TesseractServer({ command: 'stdbuf', args, env: ctx.env, sentinel });
  }

  get alive(): boolean {
    return this.server.alive;
  }

  async read(requests: readonly OcrRequest[]): Promise<string[]> {
    const { dir } = await this.ctx.workspace();
    const files = requests.map(() => path.join(dir, `${nextFile()}.tif`));
    try {
      await Promise.all(requests.map((r, i) => writeTiff(files[i]!, r.image, Math.round(r.dpi!))));
      try {
        return await withinTimeout(
          this.server.read(files),
          boundOf(requests[0]!.timeoutSeconds, this.ctx.timeoutSeconds),
          'its tesseract process',
          () => void this.server.close(100),
        );
      } catch (err) {
        if (this.ctx.closed()) throw closedError(err);
        if (err instanceof TesseractServerError) throw processError(err, this.mode.lang);
        throw err;
      }
    } finally {
      await Promise.all(files.map((file) => rm(file, { force: true })));
    }
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

let fileCount = 0;
function nextFile(): number {
  fileCount += 1;
  return fileCount;
}

export class OneShotReader implements NativeReader {
  readonly alive = true;

  constructor(
    private readonly mode: ReadingMode,
    private readonly ctx: ReaderContext,
  ) {}

  async read(requests: readonly OcrRequest[]): Promise<string[]> {
    const first = requests[0]!;
    const bounded = { timeoutSeconds: this.ctx.timeoutSeconds, pageBudget: first.timeoutSeconds };
    const dpiArgs = first.dpi !== undefined ? ['--dpi', String(Math.round(first.dpi))] : [];
    const options = { env: this.ctx.env, running: this.ctx.running, bounded, binary: this.ctx.binary };
    if (requests.length === 1) {
      this.ctx.counters.spawned += 1;
      const result = await runProcess(this.ctx.binary, ['stdin', 'stdout', ...modeArgs(this.mode), ...dpiArgs, ...TSV_OUTPUT], {
        ...options,
        input: toPnm(first.image),
      });
      if (this.ctx.closed() && result.signal) throw closedError();
      if (result.code !== 0) throw processError(result, this.mode.lang);
      return [result.stdout];
    }
    // One process for all: tesseract reads a list file of images and numbers them in its TSV
    // (page_num), loading the model once instead of once per word (~0.1 s of CPU each).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cablescan-words-'));
    try {
      const files = await Promise.all(
        requests.map(async (r, i) => {
          const file = path.join(dir, `${i}.pnm`);
          await writeFile(file, toPnm(r.image));
          return file;
        }),
      );
      const list = path.join(dir, 'list.txt');
      await writeFile(list, files.join('\n') + '\n');
      this.ctx.counters.spawned += 1;
      const result = await runProcess(this.ctx.binary, [list, 'stdout', ...modeArgs(this.mode), ...dpiArgs, ...TSV_OUTPUT], options);
      if (result.code !== 0) throw processError(result, this.mode.lang);
      return splitTsvPages(result.stdout, requests.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    // Nothing outlives a call.
  }
}

/** Where the long-lived processes' image files go: a private folder, and the blank sentinel image. */
export interface Workspace extends ScratchFolder {
  sentinel: string;
}

/**
 * The engine's private folder for image files, opened on first use. A queue worker lives for weeks:
 * if a /tmp cleaner took the folder or the sentinel, they are made again instead of every later
 * page failing (one stat per request when all is well). The sentinel is written under another name
 * and renamed, so a process never reads half of it.
 */
export function lazyWorkspace(): { open(): Promise<Workspace>; remove(): Promise<void> } {
  let workspace: Promise<Workspace> | null = null;
  let sentinelWritten: Promise<void> | null = null;
  return {
    async open() {
      workspace ??= (async () => {
        const folder = await openScratchFolder('cablescan-tesseract-');
        return { ...folder, sentinel: path.join(folder.dir, 'sentinel.tif') };
      })();
      const opened = await workspace;
      if (!(await stat(opened.sentinel).catch(() => null))) {
        sentinelWritten ??= (async () => {
          await mkdir(opened.dir, { recursive: true });
          const partial = `${opened.sentinel}.partial`;
          await writeTiff(partial, { data: Buffer.alloc(32 * 32, 255), width: 32, height: 32, channels: 1 }, 300);
          await rename(partial, opened.sentinel);
        })().finally(() => (sentinelWritten = null));
        await sentinelWritten;
      }
      return opened;
    },
    async remove() {
      const opened = workspace ? await workspace.catch(() => null) : null;
      await opened?.remove();
    },
  };
}
