// Every error cablescan raises carries a stable code (CS_ERR_*) that scripts and
// the batch report can rely on, and says whether trying again could help: the
// queue driver turns `retryable: false` into BullMQ's UnrecoverableError.

export const ErrorCode = {
  CONFIG_INVALID: 'CS_ERR_CONFIG_INVALID',
  RECIPE_INVALID: 'CS_ERR_RECIPE_INVALID',
  PROFILE_INVALID: 'CS_ERR_PROFILE_INVALID',
  INPUT_NOT_FOUND: 'CS_ERR_INPUT_NOT_FOUND',
  INPUT_EMPTY: 'CS_ERR_INPUT_EMPTY',
  INPUT_UNSUPPORTED: 'CS_ERR_INPUT_UNSUPPORTED',
  INPUT_CORRUPT: 'CS_ERR_INPUT_CORRUPT',
  INPUT_TOO_LARGE: 'CS_ERR_INPUT_TOO_LARGE',
  /** A page whose shape is no document page's (a 30000 x 200 strip, a side of a few pixels): OCR engines fail on them. */
  INPUT_GEOMETRY: 'CS_ERR_INPUT_GEOMETRY',
  /** A file or folder cablescan may not read (EACCES, EPERM): a matter of permissions, not of the scan. */
  INPUT_NO_ACCESS: 'CS_ERR_INPUT_NO_ACCESS',
  /** A symbolic link or manifest entry leading outside the input folders (refused unless --allow-outside-inputs). */
  INPUT_OUTSIDE: 'CS_ERR_INPUT_OUTSIDE',
  PDF_RENDER: 'CS_ERR_PDF_RENDER',
  TESSDATA_MISSING: 'CS_ERR_TESSDATA_MISSING',
  /** The model cache folder cannot be made or written (src/ocr/model-cache.ts): a setting of the machine, not of the page. */
  MODEL_CACHE: 'CS_ERR_MODEL_CACHE',
  OCR_FAILED: 'CS_ERR_OCR_FAILED',
  RECORD_INVALID: 'CS_ERR_RECORD_INVALID',
  OUTPUT_WRITE: 'CS_ERR_OUTPUT_WRITE',
  REDIS_UNAVAILABLE: 'CS_ERR_REDIS_UNAVAILABLE',
  INTERNAL: 'CS_ERR_INTERNAL',
  /** The review store (SQLite) cannot be opened, migrated or written. */
  STORE: 'CS_ERR_STORE',
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
