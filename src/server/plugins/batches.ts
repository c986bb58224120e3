// GET /api/batches and GET /api/batches/:id: batch progress (pages done of
// total, pages/min, ETA) and failures as JSON, from Redis. Read-only, like the
// read-only queue board; served under the same /api prefix as the review API,
// to the same readers as the board.
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type { MonitorConnection } from '../../monitoring/connection.ts';
import type { BatchFailureDetail } from '../../monitoring/status.ts';
import { sendError } from '../errors.ts';

export interface BatchesOptions {
  monitor: MonitorConnection | null;
  /** The access check (a reader, reviewer or operator token): batches name inputs, folders and failures. */
  guard: onRequestHookHandler;
}

const NO_REDIS = 'no Redis configured: batch progress lives in the Redis queue (this server was started for an embedded run; start it with REDIS_URL set)';

export const batchesPlugin: FastifyPluginAsync<BatchesOptions> = async (app, options) => {
  app.addHook('onRequest', options.guard);
  app.get<{ Querystring: { limit: number } }>(
    '/batches',
    {
      schema: {
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { monitor } = options;
      if (!monitor) return sendError(reply, 503, 'CS_ERR_REDIS_UNAVAILABLE', NO_REDIS);
      try {
        const report = await monitor.status.report({ limit: request.query.limit });
        return { generatedAt: report.generatedAt, prefix: report.prefix, batches: report.batches };
      } catch (err) {
        return sendError(reply, 503, 'CS_ERR_REDIS_UNAVAILABLE', `cannot read the queue: ${(err as Error).message}`);
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: { failures: number } }>(
    '/batches/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] },
        querystring: { type: 'object', properties: { failures: { type: 'integer', minimum: 0, maximum: 10000, default: 200 } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { monitor } = options;
      if (!monitor) return sendError(reply, 503, 'CS_ERR_REDIS_UNAVAILABLE', NO_REDIS);
      const detail = { failures: [] as BatchFailureDetail[] };
      let status;
      try {
        status = await monitor.status.batchStatus(request.params.id, Date.now(), detail);
      } catch (err) {
        return sendError(reply, 503, 'CS_ERR_REDIS_UNAVAILABLE', `cannot read the queue: ${(err as Error).message}`);
      }
      if (!status) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no batch named "${request.params.id}"`);
      const limit = request.query.failures;
      return { ...status, failures: { ...status.failures, items: detail.failures.slice(0, limit), truncated: detail.failures.length > limit } };
    },
  );
};
