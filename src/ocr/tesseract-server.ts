// One long-lived native `tesseract` process that reads the images named on its stdin, one list
// line at a time (Tesseract's own `stream_filelist` mode), so its model is loaded once per
// process instead of once per page: ~0.07-0.12 s of CPU per load, 5-10% of a page and most of
// the cost of a page's second-opinion words (issue 8).
//
// Two things the CLI does not give a streaming caller, and how they are made up for:
// - Tesseract writes TSV with C stdio, which buffers a pipe in 4 KB blocks, so the end of a page
//   could sit in the buffer until the next page fills it. The process runs under `stdbuf -oL`
//   (GNU coreutils), which makes stdout line-buffered.
// - TSV does not mark where an image's rows end. Every request is followed by a blank "sentinel"
//   image: its page row (level 1) arriving means every row of the images before it has arrived.
// Rows are sorted to their image by the page_num column, which counts the images this process has
// read (1-based), sentinels included.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { diesWithParent } from '../child-lifetime.ts';

export interface TesseractServerOptions {
  /** Program to run: `stdbuf`, with the tesseract command line in `args`. */
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** A blank image file, read after every request to mark its end. */
  sentinel: string;
}

/** How a server's process failed: what it said on stderr and how it ended. */
export class TesseractServerError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly spawnError?: NodeJS.ErrnoException,
    /** Set when the process runs but does not answer as asked (not TSV): it would fail every page alike. */
    readonly how?: string,
  ) {
    super(message);
    this.name = 'TesseractServerError';
  }
}

interface Pending {
  /** page_num of the request's first image. */
  first: number;
  /** Rows per image of the request. */
  rows: string[][];
  resolve(tsvs: string[]): void;
  reject(err: Error): void;
}

/** Keep this much of stderr: enough for Tesseract's last messages, not a run's worth of "Page N" lines. */
const STDERR_TAIL = 4000;

/**
 * What Tesseract prints, and goes on running, when it cannot do what it was asked: a config file
 * it cannot open (`tsv` from a models folder without `configs/`, issue 20). It would then write
 * plain text, or nothing, and a waiting page would learn of it only at its timeout.
 */
const GOES_ON_AFTER = /read_params_file: Can't open [^\n]*/;
/** The first line of Tesseract's TSV. */
const TSV_HEADER = 'level\t';

export class TesseractServer {
  private readonly child: ChildProcess;
  private readonly sentinel: string;
  /** Images written to stdin so far (the next image's page_num is sent + 1). */
  private sent = 0;
  private header: string | null = null;
  private pending: Pending | null = null;
  private stderr = '';
  private ended: TesseractServerError | null = null;
  private readonly exited: Promise<void>;
  /** Requests answered: the pool recycles a process after a number of them. */
  requests = 0;
  /** Set by close(): the process is on its way out, not to be handed another request. */
  private closing = false;

  constructor(options: TesseractServerOptions) {
    this.sentinel = options.sentinel;
    // Killed with this process, even mid-page (kill -9 of a worker: no orphan reading on).
    const tied = diesWithParent(options.command, options.args);
    this.child = spawn(tied.command, tied.args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    // EPIPE when the process has died: its exit says why.
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
      const error = GOES_ON_AFTER.exec(this.stderr);
      if (error) this.refuse(`cannot read as asked: ${error[0]}`);
    });
    createInterface({ input: this.child.stdout!, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        this.fail(new TesseractServerError(`cannot run ${options.command}: ${err.message}`, '', null, null, err));
        resolve();
      });
      this.child.on('close', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.fail(new TesseractServerError(`native tesseract ${how}`, this.stderr.trim(), code, signal));
        resolve();
      });
    });
  }

  /** False once the process has ended (or could not start), or is being closed. */
  get alive(): boolean {
    return this.ended === null && !this.closing;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Reads the image files in order; resolves with one TSV (header included) per file. */
  read(files: readonly string[]): Promise<string[]> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.pending) return Promise.reject(new Error('a tesseract server reads one request at a time'));
    if (files.length === 0) return Promise.resolve([]);
    for (const file of files) {
      // A list line is a path; a newline in a name would split it in two.
      if (/[\r\n]/.test(file)) return Promise.reject(new Error(`image path contains a line break: ${JSON.stringify(file)}`));
    }
    return new Promise((resolve, reject) => {
      this.pending = { first: this.sent + 1, rows: files.map(() => []), resolve, reject };
      this.stderr = '';
      this.sent += files.length + 1;
      this.child.stdin!.write([...files, this.sentinel].join('\n') + '\n');
    });
  }

  private onLine(line: string): void {
    if (this.ended) return;
    if (this.header === null) {
      if (line.startsWith(TSV_HEADER)) this.header = line;
      else this.refuse(`does not write TSV (its first line: ${JSON.stringify(line.slice(0, 80))})`);
      return;
    }
    const pending = this.pending;
    if (!pending || !line) return;
    const tab = line.indexOf('\t');
    const pageNum = Number(line.slice(tab + 1, line.indexOf('\t', tab + 1)));
    const index = pageNum - pending.first;
    if (index >= 0 && index < pending.rows.length) {
      pending.rows[index]!.push(line);
    } else if (index === pending.rows.length && line.startsWith('1\t')) {
      // The sentinel's page row: every image of the request has been written out.
      this.pending = null;
      this.requests += 1;
      pending.resolve(pending.rows.map((rows) => [this.header, ...rows].join('\n') + '\n'));
    }
    // Anything else is a sentinel's own rows (a blank image has none beyond its page row).
  }

  /** The process runs but cannot answer as asked: every request fails now, not at its timeout, and the process goes. */
  private refuse(how: string): void {
    this.fail(new TesseractServerError(`native tesseract ${how}`, this.stderr.trim(), null, null, undefined, how));
    this.child.kill('SIGKILL');
  }

  private fail(err: TesseractServerError): void {
    if (this.ended) return;
    this.ended = err;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(err);
  }

  /** Ends the process: stdin closed so Tesseract finishes cleanly, killed if it has not after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    if (!this.ended) {
      this.child.stdin!.end();
      if (this.pending) this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
