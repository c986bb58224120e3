// Optional OCR engine: the native `tesseract` command (Tesseract 5, e.g. Debian's tesseract-ocr),
// `concurrency` pages at a time. Chosen with `--engine tesseract` by installations that trade the
// zero-install default for speed (see docs/benchmarks.md).
//
// - Long-lived processes (tesseract-server.ts), one per page slot and reading mode (language and
//   PSM: the page's and the second opinion's), each fed image files one request at a time, so
//   the model is loaded once per process, not once per page; replaced after `recycleAfter`
//   requests. Images go to a private temporary folder as uncompressed TIFF carrying their
//   resolution (~9 ms a page). Needs GNU `stdbuf` (coreutils); without it, or for an image with
//   no resolution, one process per page: pixels on stdin as PNM (`tesseract stdin stdout`).
// - OMP_THREAD_LIMIT=1 for every process: Tesseract's OpenMP threads fight each other when several
//   processes run side by side (5x slower here); parallelism comes from the process pool.
// - TSV output is parsed into the same OcrResult as tesseract.js (see tesseract-tsv.ts).
// - Models come from Tesseract's own tessdata folder (Debian: tessdata_fast), or `--tessdata`,
//   passed as --tessdata-dir (plain `.traineddata` files: the CLI cannot read `.gz`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { diesWithParent } from '../child-lifetime.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OcrResult } from '../types.ts';
import { recognizeEach, type OcrEngine, type OcrRequest } from './engine.ts';
import { toPnm, writeTiff } from './image-encoding.ts';
import { openScratchFolder, type ScratchFolder } from './scratch-folder.ts';
import { parseLanguages } from './tessdata.ts';
import { TesseractServer, TesseractServerError } from './tesseract-server.ts';
import { tsvToOcrResult, TsvFormatError } from './tesseract-tsv.ts';
import { boundOf, withinTimeout } from './timeout.ts';

export interface TesseractCliEngineOptions {
  /** Maximum number of tesseract processes at once (one thread each). */
  concurrency: number;
  /** Folder with plain `<lang>.traineddata`, passed as --tessdata-dir; default: Tesseract's own. */
  tessdata?: string;
  /** The command to run (default "tesseract", looked up on PATH). */
  binary?: string;
  /** Keep processes alive between pages (default true; needs `stdbuf`, else one process per page). */
  streaming?: boolean;
  /** Replace a long-lived process after this many requests (default 500). */
  recycleAfter?: number;
  /** Seconds one call may take before its process is killed and the call fails (retryable); 0 or absent: no bound. */
  timeoutSeconds?: number;
  logger: Logger;
}

export type TesseractCliEngineStats = {
  /** Pages successfully read. */
  pages: number;
  /** Tesseract processes started (long-lived ones count once). */
  spawned: number;
  /** Processes that failed (non-zero exit, signal, unreadable output). */
  failed: number;
  busy: number;
  queued: number;
  /** Long-lived tesseract processes running now (reading or waiting for a page). */
  processes: number;
};

export interface TesseractCliEngine extends OcrEngine {
  prepare(lang: string): Promise<void>;
  recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]>;
  stats(): TesseractCliEngineStats;
}

interface Installation {
  version: string;
  /** Folder Tesseract reads models from, as `--list-langs` reports it. */
  tessdataDir: string;
  langs: Set<string>;
  /** `stdbuf` answered: long-lived processes can be used. */
  streams: boolean;
}

/** Where the long-lived processes' image files go: a private folder, and the blank sentinel image. */
interface Workspace extends ScratchFolder {
  sentinel: string;
}

interface Output {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function asOcrError(err: unknown): CablescanError {
  return err instanceof CablescanError ? err : new CablescanError(ErrorCode.OCR_FAILED, `native tesseract failed: ${describe(err)}`, { cause: err });
}

/** Why a tesseract process failed: the language could not be loaded, or how it ended. */
function processError(result: Omit<Output, 'stdout'>, lang: string): CablescanError {
  const stderr = result.stderr.trim().slice(-500);
  if (/Failed loading language|Error opening data file/i.test(stderr)) {
    return new CablescanError(ErrorCode.TESSDATA_MISSING, `native tesseract could not load "${lang}": ${stderr}`, { retryable: false, details: { lang } });
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  return new CablescanError(ErrorCode.OCR_FAILED, `native tesseract ${how}: ${stderr || '(no message)'}`);
}

function validateRequest(request: OcrRequest): void {
  const { image, psm, dpi } = request;
  const bad = (reason: string) => new CablescanError(ErrorCode.OCR_FAILED, `cannot OCR this image: ${reason}`, { retryable: false });
  if (!image || !(image.width >= 1) || !(image.height >= 1)) throw bad(`empty image (${image?.width}x${image?.height})`);
  if (image.data.length < image.width * image.height * image.channels) throw bad('pixel buffer shorter than width x height x channels');
  if (!Number.isInteger(psm) || psm < 0 || psm > 13) throw bad(`page segmentation mode must be 0..13, got ${psm}`);
  if (dpi !== undefined && !(dpi > 0)) throw bad(`dpi must be positive, got ${dpi}`);
}

/**
 * Splits the TSV of a multi-image run into one TSV per image (by its page_num column, 1-based),
 * each with the header line; an image that produced no rows gets the header alone.
 */
/**
 * TSV output asked for by parameter, not by the `tsv` config name: a config name is a file in
 * `tessdata/configs/`, which a folder holding only `<lang>.traineddata` (the usual --tessdata
 * folder) lacks; tesseract then prints "read_params_file: Can't open tsv" and writes plain text.
 */
const TSV_OUTPUT = ['-c', 'tessedit_create_tsv=1'];

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

/** Parses `tesseract --list-langs` output: a header naming the folder, then one code per line. */
export function parseListLangs(output: string): { tessdataDir: string; langs: Set<string> } {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const header = lines.findIndex((l) => /^List of available languages/i.test(l));
  const dir = header >= 0 ? /"([^"]*)"/.exec(lines[header]!)?.[1] ?? '' : '';
  return { tessdataDir: dir, langs: new Set(header >= 0 ? lines.slice(header + 1) : []) };
}

export function createTesseractCliEngine(options: TesseractCliEngineOptions): TesseractCliEngine {
  const { logger } = options;
  const binary = options.binary ?? 'tesseract';
  const tessdataArgs = options.tessdata ? ['--tessdata-dir', options.tessdata] : [];
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  if (!(options.concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${options.concurrency}`);

  const streaming = options.streaming ?? true;
  const recycleAfter = options.recycleAfter ?? 500;
  if (!(recycleAfter >= 1)) throw new RangeError(`recycleAfter must be >= 1, got ${recycleAfter}`);
  const running = new Set<ChildProcess>();
  /** Long-lived processes waiting for work, by reading mode (language and PSM). */
  const idle = new Map<string, TesseractServer[]>();
  /** Long-lived processes reading a request now. */
  const reading = new Set<TesseractServer>();
  let workspace: Promise<Workspace> | null = null;
  let sentinelWritten: Promise<void> | null = null;
  let fileCount = 0;
  const waiting: Array<() => void> = [];
  const counters = { pages: 0, spawned: 0, failed: 0 };
  let busy = 0;
  let closed = false;
  let installation: Promise<Installation> | null = null;

  /** Runs a tesseract process to its end; with `bounded`, one that reads pages, killed after the timeout (or `pageBudget`, when tighter). */
  function run(args: string[], input?: Buffer, command = binary, bounded = false, pageBudget?: number): Promise<Output> {
    let started: ChildProcess | undefined;
    const read = new Promise<Output>((resolve, reject) => {
      // A process that reads a page dies with this one (the probes are over in a moment, and
      // must see ENOENT themselves when the command is missing).
      const tied = bounded ? diesWithParent(command, args) : { command, args };
      const child = spawn(tied.command, tied.args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      running.add(child);
      started = child;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      // EPIPE when the process dies before reading all of stdin: the exit code tells the story.
      child.stdin.on('error', () => undefined);
      child.on('error', (e: NodeJS.ErrnoException) => {
        running.delete(child);
        if (e.code === 'ENOENT' && command === binary) {
          reject(
            new CablescanError(
              ErrorCode.CONFIG_INVALID,
              `--engine tesseract needs the native "${binary}" command (Tesseract 5), which was not found on PATH: install it (Debian/Ubuntu: apt-get install tesseract-ocr) or use the default engine, tesseract.js`,
              { retryable: false, cause: e },
            ),
          );
        } else reject(new CablescanError(ErrorCode.OCR_FAILED, `cannot run ${binary}: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) => {
        running.delete(child);
        resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      child.stdin.end(input);
    });
    return bounded ? withinTimeout(read, boundOf(pageBudget, options.timeoutSeconds), 'its tesseract process', () => started?.kill('SIGKILL')) : read;
  }

  function install(): Promise<Installation> {
    installation ??= (async () => {
      const version = await run(['--version']);
      const v = /tesseract\s+v?(\d+\.\d+(?:\.\d+)?\S*)/i.exec(version.stdout + version.stderr)?.[1];
      if (version.code !== 0 || !v) {
        throw new CablescanError(ErrorCode.CONFIG_INVALID, `"${binary} --version" did not identify Tesseract: ${(version.stderr || version.stdout).trim().slice(0, 300)}`, { retryable: false });
      }
      if (Number(v.split('.')[0]) < 4) {
        throw new CablescanError(ErrorCode.CONFIG_INVALID, `--engine tesseract needs Tesseract 4 or later (LSTM engine), found ${v}`, { retryable: false });
      }
      const listed = await run(['--list-langs', ...tessdataArgs]);
      const streams = streaming && (await run(['--version'], undefined, 'stdbuf').then((r) => r.code === 0, () => false));
      if (streaming && !streams) logger.warn('GNU stdbuf (coreutils) not found: native tesseract runs one process per page, loading its model each time');
      return { version: v, ...parseListLangs(listed.stdout + '\n' + listed.stderr), streams };
    })();
    // A failed probe is not remembered: the user may install Tesseract and retry in the same process.
    installation.catch(() => (installation = null));
    return installation;
  }

  async function checkLanguages(lang: string): Promise<Installation> {
    const found = await install();
    const missing = parseLanguages(lang).filter((code) => !found.langs.has(code));
    if (missing.length > 0) {
      const where = options.tessdata ? `--tessdata ${options.tessdata}` : found.tessdataDir || "Tesseract's tessdata folder";
      throw new CablescanError(
        ErrorCode.TESSDATA_MISSING,
        `native tesseract has no traineddata for ${missing.map((m) => `"${m}"`).join(', ')} in ${where} (installed: ${[...found.langs].join(', ') || 'none'}); install tesseract-ocr-${missing[0]} or point --tessdata at a folder with plain <lang>.traineddata`,
        { retryable: false, details: { lang, missing, tessdataDir: found.tessdataDir } },
      );
    }
    return found;
  }

  async function slot(): Promise<void> {
    if (busy < options.concurrency) {
      busy += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function free(): void {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next page
    else busy -= 1;
  }

  async function openWorkspace(): Promise<Workspace> {
    workspace ??= (async () => {
      const folder = await openScratchFolder('cablescan-tesseract-');
      return { ...folder, sentinel: path.join(folder.dir, 'sentinel.tif') };
    })();
    const opened = await workspace;
    // A queue worker lives for weeks: if a /tmp cleaner took the folder or the sentinel, they are
    // made again instead of every later page failing (one stat per request when all is well). Written
    // under another name and renamed, so a process never reads half a sentinel.
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
  }

  /** A reading mode: requests of one mode can share a process. */
  function modeKey(request: OcrRequest): string {
    return `${request.lang}\t${request.psm}\t${request.invertedRetry !== false}`;
  }

  /** The tesseract arguments of a request's reading mode (not its image or resolution). */
  function modeArgs(request: OcrRequest): string[] {
    const args = ['-l', request.lang, '--psm', String(request.psm), ...tessdataArgs];
    if (request.invertedRetry === false) args.push('-c', 'tessedit_do_invert=0');
    return args;
  }

  function takeServer(request: OcrRequest, sentinel: string): TesseractServer {
    const waitingServers = idle.get(modeKey(request)) ?? [];
    for (let server = waitingServers.pop(); server; server = waitingServers.pop()) if (server.alive) return server;
    counters.spawned += 1;
    const args = ['-oL', binary, '-', 'stdout', ...modeArgs(request), '-c', 'stream_filelist=1', ...TSV_OUTPUT];
    return new TesseractServer({ command: 'stdbuf', args, env, sentinel });
  }

  function giveBack(server: TesseractServer, request: OcrRequest): void {
    if (closed || !server.alive || server.requests >= recycleAfter) {
      void server.close();
      return;
    }
    const key = modeKey(request);
    const waitingServers = idle.get(key);
    if (waitingServers) waitingServers.push(server);
    else idle.set(key, [server]);
  }

  /** Reads the requests (same language and PSM, each with a resolution) with a long-lived process. */
  async function readStreaming(requests: readonly OcrRequest[], found: Installation): Promise<OcrResult[]> {
    const first = requests[0]!;
    const { lang, psm } = first;
    const { dir, sentinel } = await openWorkspace();
    const files = requests.map(() => path.join(dir, `${(fileCount += 1)}.tif`));
    const server = takeServer(first, sentinel);
    reading.add(server);
    try {
      await Promise.all(requests.map((r, i) => writeTiff(files[i]!, r.image, Math.round(r.dpi!))));
      let tsvs: string[];
      try {
        tsvs = await withinTimeout(server.read(files), boundOf(first.timeoutSeconds, options.timeoutSeconds), 'its tesseract process', () => void server.close(100));
      } catch (err) {
        if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false, cause: err });
        if (err instanceof TesseractServerError) throw processError(err, lang);
        throw err;
      }
      return tsvs.map((tsv) => parseTsv(tsv, found, lang, psm));
    } finally {
      reading.delete(server);
      giveBack(server, first);
      await Promise.all(files.map((file) => rm(file, { force: true })));
    }
  }

  function parseTsv(tsv: string, found: Installation, lang: string, psm: number): OcrResult {
    try {
      return tsvToOcrResult(tsv, { engine: 'tesseract', engineVersion: found.version, lang, psm });
    } catch (err) {
      if (err instanceof TsvFormatError) throw new CablescanError(ErrorCode.OCR_FAILED, `native tesseract gave unreadable output: ${err.message}`, { cause: err });
      throw err;
    }
  }

  async function read(request: OcrRequest, found: Installation): Promise<OcrResult> {
    if (found.streams && request.dpi !== undefined) return (await readStreaming([request], found))[0]!;
    const args = ['stdin', 'stdout', ...modeArgs(request)];
    if (request.dpi !== undefined) args.push('--dpi', String(Math.round(request.dpi)));
    args.push(...TSV_OUTPUT);
    counters.spawned += 1;
    const result = await run(args, toPnm(request.image), binary, true, request.timeoutSeconds);
    if (closed && result.signal) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false });
    if (result.code !== 0) throw processError(result, request.lang);
    return parseTsv(result.stdout, found, request.lang, request.psm);
  }

  return {
    name: 'tesseract',

    async prepare(lang: string): Promise<void> {
      await checkLanguages(lang);
    },

    async recognize(request: OcrRequest): Promise<OcrResult> {
      if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine is closed', { retryable: false });
      validateRequest(request);
      const found = await checkLanguages(request.lang);
      await slot();
      const started = process.hrtime.bigint();
      try {
        if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before this page was read', { retryable: false });
        const result = await read(request, found);
        counters.pages += 1;
        logger.debug({ ms: Number(process.hrtime.bigint() - started) / 1e6, words: result.wordCount }, 'tesseract page read');
        return result;
      } catch (err) {
        counters.failed += 1;
        throw asOcrError(err);
      } finally {
        free();
      }
    },

    async recognizeMany(requests: readonly OcrRequest[]): Promise<OcrResult[]> {
      if (requests.length === 0) return [];
      const [first] = requests;
      const mode = modeKey(first!);
      const sameMode = requests.every((r) => modeKey(r) === mode);
      if (requests.length === 1 || !sameMode) return recognizeEach(this, requests);
      if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine is closed', { retryable: false });
      requests.forEach(validateRequest);
      const found = await checkLanguages(first!.lang);
      // Each image carries its own resolution to a long-lived process; a one-off process takes one --dpi for all.
      const streamed = found.streams && requests.every((r) => r.dpi !== undefined);
      if (!streamed && !requests.every((r) => r.dpi === first!.dpi)) return recognizeEach(this, requests);
      await slot();
      let dir: string | null = null;
      try {
        if (closed) throw new CablescanError(ErrorCode.OCR_FAILED, 'OCR engine was closed before these images were read', { retryable: false });
        if (streamed) return await readStreaming(requests, found);
        // One process for all: tesseract reads a list file of images and numbers them in its TSV
        // (page_num), loading the model once instead of once per word (~0.1 s of CPU each).
        dir = await mkdtemp(path.join(os.tmpdir(), 'cablescan-words-'));
        const listDir = dir;
        const files = await Promise.all(
          requests.map(async (r, i) => {
            const file = path.join(listDir, `${i}.pnm`);
            await writeFile(file, toPnm(r.image));
            return file;
          }),
        );
        const list = path.join(listDir, 'list.txt');
        await writeFile(list, files.join('\n') + '\n');
        const args = [list, 'stdout', ...modeArgs(first!)];
        if (first!.dpi !== undefined) args.push('--dpi', String(Math.round(first!.dpi)));
        args.push(...TSV_OUTPUT);
        counters.spawned += 1;
        const result = await run(args, undefined, binary, true, first!.timeoutSeconds);
        if (result.code !== 0) throw processError(result, first!.lang);
        return splitTsvPages(result.stdout, requests.length).map((tsv) => parseTsv(tsv, found, first!.lang, first!.psm));
      } catch (err) {
        counters.failed += 1;
        throw asOcrError(err);
      } finally {
        free();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },

    stats(): TesseractCliEngineStats {
      const waitingServers = [...idle.values()].flat().filter((server) => server.alive).length;
      return { ...counters, busy, queued: waiting.length, processes: reading.size + waitingServers };
    },

    async close(): Promise<void> {
      closed = true;
      for (const child of running) child.kill('SIGTERM');
      // Waiting pages wake up, see `closed` and fail instead of starting a process.
      for (const wake of waiting.splice(0)) {
        busy += 1;
        wake();
      }
      const servers = [...reading, ...[...idle.values()].flat()];
      idle.clear();
      await Promise.all([
        ...[...running].map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve())))),
        ...servers.map((server) => server.close()),
      ]);
      const opened = workspace ? await workspace.catch(() => null) : null;
      await opened?.remove();
    },
  };
}
