// The queue dashboard (bull-board) at /queues: every cablescan queue, its jobs
// by state, and each failed job's reason ("<code>: <message>", naming the file).
// It shows scan paths, worker hosts and Redis internals, so it needs a token: any
// reader, reviewer or operator, by bearer or by a sign-in session
// (/operator/login). It is read-only: bull-board's own read-only mode refuses
// retries, removals and pauses on the server side (405), not just in the page.
// The operator (config tokens.operator) gets a writable board at
// /operator/queues; a session's writes there must come from this server's own
// pages (src/server/access.ts). Without an operator token configured, there is
// no writable board at all. Without Redis, /queues says so.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MonitorConnection } from '../../monitoring/connection.ts';
import { QUEUES } from '../../monitoring/status.ts';
import type { Access } from '../access.ts';
import { PLAIN_PAGE_CSP, plainPage } from '../html.ts';

export const QUEUES_PATH = '/queues';
export const OPERATOR_PATH = '/operator';
export const OPERATOR_BOARD_PATH = `${OPERATOR_PATH}/queues`;

export interface QueuesOptions {
  monitor: MonitorConnection | null;
  access: Access;
  /** tokens.operator is set: enables the writable board. */
  operator: boolean;
}

function board(monitor: MonitorConnection, basePath: string, readOnly: boolean, title: string) {
  const queues = QUEUES.map((name) => {
    // The workers own the queues' meta keys; a dashboard that merely looks must not create them.
    const queue = new Queue(name, { connection: monitor.connection, prefix: monitor.prefix, skipMetasUpdate: true });
    queue.on('error', () => undefined); // the board shows the failed request
    return queue;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: readOnly, allowRetries: !readOnly, description: readOnly ? 'read-only' : 'operator' })),
    // @bull-board/fastify 9.10.1 carries its own copy of @bull-board/api 9.10.1 for its types; same shapes, other declarations.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: title, hideDocsLink: true, ...(readOnly ? {} : { miscLinks: [{ text: 'Read-only board', url: QUEUES_PATH }] }) } },
  });
  return { plugin: serverAdapter.registerPlugin(), close: () => Promise.allSettled(queues.map((q) => q.close())) };
}

export const queuesPlugin: FastifyPluginAsync<QueuesOptions> = async (app, options) => {
  const { monitor } = options;
  if (!monitor) {
    const notice = plainPage(
      'cablescan queues: no Redis',
      '<p id="no-redis">No Redis is configured, so there are no queues to show: this server was started for the review of an embedded run (<code>cablescan run</code> without <code>--redis</code>).</p>' +
        '<p>To watch queued batches, start <code>cablescan serve</code> with <code>REDIS_URL=redis://host:6379</code> (and the same <code>CABLESCAN_QUEUE_PREFIX</code> as the workers).</p>',
    );
    const handler = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(503).header('content-security-policy', PLAIN_PAGE_CSP).type('text/html; charset=utf-8').send(notice);
    app.get(QUEUES_PATH, handler);
    app.get(`${QUEUES_PATH}/*`, handler);
    return;
  }

  const { access } = options;
  const readOnly = board(monitor, QUEUES_PATH, true, 'cablescan queues (read-only)');
  await app.register(async (readers) => {
    readers.addHook('onRequest', access.require({ roles: ['reader', 'reviewer', 'operator'], sessions: true, realm: 'cablescan queues', signIn: true }));
    await readers.register(readOnly.plugin, { prefix: QUEUES_PATH });
  });
  app.addHook('onClose', async () => {
    await readOnly.close();
  });

  if (!options.operator) return;
  const writable = board(monitor, OPERATOR_BOARD_PATH, false, 'cablescan queues (operator)');
  app.addHook('onClose', async () => {
    await writable.close();
  });
  await app.register(async (operator) => {
    operator.addHook('onRequest', access.require({ roles: ['operator'], sessions: true, realm: 'cablescan operator', signIn: true }));
    await operator.register(writable.plugin, { prefix: OPERATOR_BOARD_PATH });
  });
};
