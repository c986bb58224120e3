// Every error cablescan raises carries a stable code (CS_ERR_*) that scripts and
// the batch report can rely on, and says whether trying again could help: the
// queue driver turns `retryable: false` into BullMQ's UnrecoverableError.

export const ErrorCode = {
  /** A setting cannot be used: a flag, environment variable or config file value, a manifest, the token lists, a grouping model; the message names it. */
  CONFIG_INVALID: 'CS_ERR_CONFIG_INVALID',
  /** A preprocessing recipe does not parse, or names a step or parameter that does not exist. */
  RECIPE_INVALID: 'CS_ERR_RECIPE_INVALID',
  /** A telegram profile or one of its vocabularies cannot be read or is invalid, or no profile is loaded. */
  PROFILE_INVALID: 'CS_ERR_PROFILE_INVALID',
  /** An input is not there: a folder, file or pattern that matches nothing, or the page JSON an export needs. */
  INPUT_NOT_FOUND: 'CS_ERR_INPUT_NOT_FOUND',
  /** An input file is empty (0 bytes). */
  INPUT_EMPTY: 'CS_ERR_INPUT_EMPTY',
  /** An input is not something cablescan reads: not an image or PDF, a compression it does not decode, a folder or device where a file was expected. */
  INPUT_UNSUPPORTED: 'CS_ERR_INPUT_UNSUPPORTED',
  /** An input file cannot be decoded: truncated, a broken header, a PDF with no pages or a password. */
  INPUT_CORRUPT: 'CS_ERR_INPUT_CORRUPT',
  /** An input declares more pixels than maxPixels or more pages than maxPagesPerFile. */
  INPUT_TOO_LARGE: 'CS_ERR_INPUT_TOO_LARGE',
  /** A page whose shape is no document page's (a 30000 x 200 strip, a side of a few pixels): OCR engines fail on them. */
  INPUT_GEOMETRY: 'CS_ERR_INPUT_GEOMETRY',
  /** A file or folder cablescan may not read (EACCES, EPERM): a matter of permissions, not of the scan. */
  INPUT_NO_ACCESS: 'CS_ERR_INPUT_NO_ACCESS',
  /** A symbolic link or manifest entry leading outside the input folders (refused unless --allow-outside-inputs). */
  INPUT_OUTSIDE: 'CS_ERR_INPUT_OUTSIDE',
  /** A PDF page cannot be rendered: the renderer failed on it or took longer than its bound. */
  PDF_RENDER: 'CS_ERR_PDF_RENDER',
  /** OCR language data is missing or unusable for a language asked for, or the language code is not one. */
  TESSDATA_MISSING: 'CS_ERR_TESSDATA_MISSING',
  /** The model cache folder cannot be made or written (src/ocr/model-cache.ts): a setting of the machine, not of the page. */
  MODEL_CACHE: 'CS_ERR_MODEL_CACHE',
  /** The OCR engine failed on a page: it crashed, ran past its timeout or the page budget, or was closed meanwhile. */
  OCR_FAILED: 'CS_ERR_OCR_FAILED',
  /** A record built from the pages does not match the record schema (a defect of cablescan, not of the scan). */
  RECORD_INVALID: 'CS_ERR_RECORD_INVALID',
  /** A file or folder of the output cannot be written (disk full, permissions, a read-only mount). */
  OUTPUT_WRITE: 'CS_ERR_OUTPUT_WRITE',
  /** Redis does not answer (queue runs, workers, status and monitoring). */
  REDIS_UNAVAILABLE: 'CS_ERR_REDIS_UNAVAILABLE',
  /** An unexpected failure, a defect or a case no other code covers; the log has the details. */
  INTERNAL: 'CS_ERR_INTERNAL',
  /** The review store (SQLite file or PostgreSQL database) cannot be opened, migrated or written. */
  STORE: 'CS_ERR_STORE',
  /** The PostgreSQL review store does not answer (refused, timed out, shut down); a worker's job is tried again. */
  STORE_UNAVAILABLE: 'CS_ERR_STORE_UNAVAILABLE',
  /** A reviewer split or merged pages of a document while its records were being saved: they are built again with the reviewer's decision. */
  STORE_CHANGED: 'CS_ERR_STORE_CHANGED',
  /** `serve` cannot listen where it was told to (the port is taken, or needs privileges). */
  PORT_UNAVAILABLE: 'CS_ERR_PORT_UNAVAILABLE',
  /** A split, merge or confirmation that does not apply to the records named (not neighbours, the first page...). */
  REGROUP_INVALID: 'CS_ERR_REGROUP_INVALID',
  /** A record changed (or was replaced) since the reviewer loaded it. */
  CONFLICT: 'CS_ERR_CONFLICT',
  /** A regrouping cannot read the run's page JSON it rebuilds from. */
  READINGS_UNAVAILABLE: 'CS_ERR_READINGS_UNAVAILABLE',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCodeValue> = new Set<ErrorCodeValue>([
  ErrorCode.OCR_FAILED,
  ErrorCode.OUTPUT_WRITE,
  ErrorCode.REDIS_UNAVAILABLE,
  ErrorCode.INTERNAL,
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.STORE_CHANGED,
]);

export interface CablescanErrorOptions {
  file?: string;
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class CablescanError extends Error {
  readonly code: ErrorCodeValue;
  readonly retryable: boolean;
  readonly file?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCodeValue, message: string, options: CablescanErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CablescanError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.file = options.file;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, retryable: this.retryable, details: this.details };
  }
}

/** Wraps anything thrown into a CablescanError, keeping codes that are already there. */
export function toCablescanError(err: unknown, fallback: ErrorCodeValue = ErrorCode.INTERNAL, file?: string): CablescanError {
  if (err instanceof CablescanError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CablescanError(fallback, message, { cause: err, file });
}
