// One native `tesseract` process run to its end (the probes, and pages read one process per page),
// and the probe of what a machine's Tesseract is: its version, its own models folder and languages,
// and whether long-lived processes can be used (GNU stdbuf). The probe is shared by the native
// engine and `--engine auto`, which asks it before choosing (src/ocr/engines/select.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { diesWithParent } from '../child-lifetime.ts';
import { CablescanError, ErrorCode } from '../errors.ts';
import { boundOf, withinTimeout } from './timeout.ts';

export interface ProcessOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  input?: Buffer;
  /** The processes running now: close() kills them. */
  running?: Set<ChildProcess>;
  /**
   * A process that reads a page: it dies with this one and is killed past its bound (the request's
   * own `pageBudget` when tighter than `timeoutSeconds`). Probes are over in a moment, and must see
   * ENOENT themselves when the command is missing.
   */
  bounded?: { timeoutSeconds?: number; pageBudget?: number };
  /** Name of the tesseract command, for the message when it is missing (`command` may be stdbuf). */
  binary: string;
}

export function missingCommandError(binary: string, cause?: unknown): CablescanError {
  return new CablescanError(
    ErrorCode.CONFIG_INVALID,
    `--engine tesseract needs the native "${binary}" command (Tesseract 5), which was not found on PATH: install it (Debian/Ubuntu: apt-get install tesseract-ocr) or use tesseract.js (--engine tesseract.js, or auto)`,
    { retryable: false, cause },
  );
}

/** Runs `command args` to its end; a missing `binary` is a CONFIG_INVALID error, other spawn failures OCR_FAILED. */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessOutput> {
  let started: ChildProcess | undefined;
  const read = new Promise<ProcessOutput>((resolve, reject) => {
    const tied = options.bounded ? diesWithParent(command, args) : { command, args };
    const child = spawn(tied.command, tied.args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    options.running?.add(child);
    started = child;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    // EPIPE when the process dies before reading all of stdin: the exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.on('error', (e: NodeJS.ErrnoException) => {
      options.running?.delete(child);
      if (e.code === 'ENOENT' && command === options.binary) reject(missingCommandError(options.binary, e));
      else reject(new CablescanError(ErrorCode.OCR_FAILED, `cannot run ${options.binary}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      options.running?.delete(child);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.input);
  });
  const { bounded } = options;
  return bounded ? withinTimeout(read, boundOf(bounded.pageBudget, bounded.timeoutSeconds), 'its tesseract process', () => started?.kill('SIGKILL')) : read;
}

/** Why a tesseract process failed: the language could not be loaded, or how it ended. */
export function processError(result: Omit<ProcessOutput, 'stdout'> & { how?: string }, lang: string): CablescanError {
  const stderr = result.stderr.trim().slice(-500);
  if (/Failed loading language|Error opening data file/i.test(stderr)) {
    return new CablescanError(ErrorCode.TESSDATA_MISSING, `native tesseract could not load "${lang}": ${stderr}`, { retryable: false, details: { lang } });
  }
  // Running, but not answering as asked: the next attempt would fail the same way.
  if (result.how) return new CablescanError(ErrorCode.OCR_FAILED, `native tesseract ${result.how}`, { retryable: false });
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const crashed = result.signal && CRASH_SIGNALS.has(result.signal) ? { details: { crashed: result.signal } } : {};
  return new CablescanError(ErrorCode.OCR_FAILED, `native tesseract ${how}: ${stderr || '(no message)'}`, crashed);
}

/**
 * Signals of a process that failed on what it was given, not of one that was stopped: Tesseract 5.3
 * dies of SIGFPE on some images (a tall strip read as one line: "Image too small to scale!!"), and
 * reads the same image the same way every time, so a caller skips that image instead of retrying it.
 */
const CRASH_SIGNALS: ReadonlySet<string> = new Set(['SIGFPE', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT']);

/** Parses `tesseract --list-langs` output: a header naming the folder, then one code per line. */
export function parseListLangs(output: string): { tessdataDir: string; langs: Set<string> } {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const header = lines.findIndex((l) => /^List of available languages/i.test(l));
  const dir = header >= 0 ? (/"([^"]*)"/.exec(lines[header]!)?.[1] ?? '') : '';
  return { tessdataDir: dir, langs: new Set(header >= 0 ? lines.slice(header + 1) : []) };
}

export interface TesseractInstallation {
  binary: string;
  version: string;
  major: number;
  /** Tesseract's own models folder, as `--list-langs` reports it (Debian: tessdata_fast). */
  tessdataDir: string;
  /** Languages in that folder. */
  langs: Set<string>;
  /** GNU `stdbuf` answered: long-lived processes can be used. */
  streams: boolean;
}

/** What the probe found: an installation, or why there is none usable (no command, not Tesseract). */
export type TesseractProbe = { found: true; installation: TesseractInstallation } | { found: false; reason: string; error: CablescanError };

/** Asks `binary` for its version and languages, and whether stdbuf runs. Never throws. */
export async function probeTesseract(binary: string, env: NodeJS.ProcessEnv): Promise<TesseractProbe> {
  const options = { env, binary };
  try {
    const version = await runProcess(binary, ['--version'], options);
    const v = /tesseract\s+v?(\d+\.\d+(?:\.\d+)?\S*)/i.exec(version.stdout + version.stderr)?.[1];
    if (version.code !== 0 || !v) {
      const error = new CablescanError(
        ErrorCode.CONFIG_INVALID,
        `"${binary} --version" did not identify Tesseract: ${(version.stderr || version.stdout).trim().slice(0, 300)}`,
        { retryable: false },
      );
      return { found: false, reason: `"${binary}" is not Tesseract`, error };
    }
    const listed = await runProcess(binary, ['--list-langs'], options);
    const streams = await runProcess('stdbuf', ['--version'], { ...options, binary: 'stdbuf' }).then(
      (r) => r.code === 0,
      () => false,
    );
    const installation = { binary, version: v, major: Number(v.split('.')[0]), ...parseListLangs(`${listed.stdout}\n${listed.stderr}`), streams };
    return { found: true, installation };
  } catch (err) {
    const error = err instanceof CablescanError ? err : new CablescanError(ErrorCode.OCR_FAILED, String(err), { cause: err });
    return { found: false, reason: error.code === ErrorCode.CONFIG_INVALID ? `no "${binary}" command on PATH` : error.message, error };
  }
}

const probes = new Map<string, Promise<TesseractProbe>>();

/**
 * probeTesseract once per process and command; a miss is not remembered, so Tesseract installed
 * while a worker runs is found by its next engine.
 */
export function probeTesseractOnce(binary: string, env: NodeJS.ProcessEnv): Promise<TesseractProbe> {
  let found = probes.get(binary);
  if (!found) {
    found = probeTesseract(binary, env);
    probes.set(binary, found);
    void found.then((p) => {
      if (!p.found) probes.delete(binary);
    });
  }
  return found;
}

/** Where distributions put Tesseract's models, for an engine that cannot ask a `tesseract` command. */
const SYSTEM_FOLDERS = [
  '/usr/share/tesseract-ocr/5/tessdata', // Debian, Ubuntu
  '/usr/share/tesseract-ocr/4.00/tessdata',
  '/usr/share/tesseract/tessdata', // Fedora
  '/usr/share/tessdata',
  '/usr/local/share/tessdata',
  '/opt/homebrew/share/tessdata', // Homebrew
];

/**
 * The system's models folder (Debian's tesseract-ocr-<lang> packages: tessdata_fast): what
 * `tesseract --list-langs` names when the command is there, else the first folder of the usual
 * places that exists. Both engines ask this, so `--model fast` reads the same files on either.
 */
export async function systemModelsFolder(binary: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const probe = await probeTesseractOnce(binary, env);
  if (probe.found && probe.installation.tessdataDir) return probe.installation.tessdataDir;
  return SYSTEM_FOLDERS.find((dir) => existsSync(dir));
}
