// One error shape for every API response: { error: { code, message, ... } }.
// Validation failures, unknown routes and unexpected errors are all turned into
// it, so clients branch on `code`, never on message text.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { CablescanError, type ErrorCodeValue } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The codes only the HTTP API answers with; it passes the CablescanError codes (errors.ts) on too. */
export const ApiErrorCode = {
  /** The request does not pass validation (path, query or body), or a write with a session cookie is a form, not JSON. */
  BAD_REQUEST: 'CS_ERR_BAD_REQUEST',
  /** No token or sign-in session, or a token not known here. */
  UNAUTHORIZED: 'CS_ERR_UNAUTHORIZED',
  /** The caller's role may not use this route (a reader's token on the operator board). */
  FORBIDDEN: 'CS_ERR_FORBIDDEN',
  /** A write with a session cookie that does not come from the server's own pages. */
  CROSS_ORIGIN: 'CS_ERR_CROSS_ORIGIN',
  /** Too many failed sign-ins or unknown tokens from one address; Retry-After says when to try again. */
  TOO_MANY_ATTEMPTS: 'CS_ERR_TOO_MANY_ATTEMPTS',
  /** No such route, record, field, page or batch (also what `cablescan review` says for a record it does not know). */
  NOT_FOUND: 'CS_ERR_NOT_FOUND',
  /** The field has no box on a page, so there is no crop to show. */
  NO_BOX: 'CS_ERR_NO_BOX',
  /** A correction whose value does not parse as the field's type, or a confirmation of a field that has no value. */
  INVALID_VALUE: 'CS_ERR_INVALID_VALUE',
  /** The page's image cannot be shown: its file is gone (404), changed since it was read (410) or cannot be decoded (422). */
  PAGE_UNAVAILABLE: 'CS_ERR_PAGE_UNAVAILABLE',
  /** The review API was mounted without a regrouper (an embedding that reviews fields only): no split or merge. */
  UNAVAILABLE: 'CS_ERR_UNAVAILABLE',
} as const;

export type ApiErrorCodeValue = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** The API answers a client may send again unchanged and expect to succeed later. */
export const RETRYABLE_API_CODES: ReadonlySet<ApiErrorCodeValue> = new Set<ApiErrorCodeValue>([ApiErrorCode.TOO_MANY_ATTEMPTS]);

export interface ApiError {
  error: { code: string; message: string; [extra: string]: unknown };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ApiErrorCodeValue | ErrorCodeValue,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, ...extra } } satisfies ApiError);
}

/** Installs the JSON error and not-found handlers on the root instance. */
export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) return sendError(reply, 400, 'CS_ERR_BAD_REQUEST', `invalid request: ${err.message}`);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, err.statusCode, 'CS_ERR_BAD_REQUEST', err.message);
    }
    const code = err instanceof CablescanError ? err.code : 'CS_ERR_INTERNAL';
    logger.error({ err, url: request.url, method: request.method }, 'request failed');
    // The message of an unexpected error may carry paths or internals: keep it in the log.
    return sendError(reply, 500, code, 'internal error (see the server log)');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
