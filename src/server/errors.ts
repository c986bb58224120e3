// One error shape for every API response: { error: { code, message, ... } }.
// Validation failures, unknown routes and unexpected errors are all turned into
// it, so clients branch on `code`, never on message text.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { CablescanError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface ApiError {
  error: { code: string; message: string; [extra: string]: unknown };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message, ...extra } } satisfies ApiError);
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
