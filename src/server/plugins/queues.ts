// The queue dashboard (bull-board) at /queues: every cablescan queue, its jobs
// by state, and each failed job's reason ("<code>: <message>", naming the file).
// It is read-only: bull-board's own read-only mode refuses retries, removals
// and pauses on the server side (405), not just in the page. An operator (config
// tokens.operator) gets a writable board at /operator/queues: sign in once at
// /operator/login (an HttpOnly, SameSite=Strict cookie scoped to /operator) or
// send `Authorization: Bearer <token>`. Without an operator token configured,
// there is no writable board at all. Without Redis, /queues says so.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MonitorConnection } from '../../monitoring/connection.ts';
import { QUEUES } from '../../monitoring/status.ts';
import { bearerToken } from '../auth.ts';
import { sendError } from '../errors.ts';

export const QUEUES_PATH = '/queues';
export const OPERATOR_PATH = '/operator';
export const OPERATOR_BOARD_PATH = `${OPERATOR_PATH}/queues`;
const COOKIE = 'cablescan_operator';

export interface QueuesOptions {
  monitor: MonitorConnection | null;
  /** tokens.operator: enables the writable board. */
  operatorToken?: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function cookieValue(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares SHA-256 digests in constant time, so timing says nothing about how close a guess was. */
export function operatorCheck(token: string): (presented: string | null) => boolean {
  const expected = digest(token);
  return (presented) => presented !== null && timingSafeEqual(expected, digest(presented));
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
    const notice = page(
      'cablescan queues: no Redis',
      '<p id="no-redis">No Redis is configured, so there are no queues to show: this server was started for the review of an embedded run (<code>cablescan run</code> without <code>--redis</code>).</p>' +
        '<p>To watch queued batches, start <code>cablescan serve</code> with <code>REDIS_URL=redis://host:6379</code> (and the same <code>CABLESCAN_QUEUE_PREFIX</code> as the workers).</p>',
    );
    const handler = async (_request: FastifyRequest, reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').send(notice);
    app.get(QUEUES_PATH, handler);
    app.get(`${QUEUES_PATH}/*`, handler);
    return;
  }

  const readOnly = board(monitor, QUEUES_PATH, true, 'cablescan queues (read-only)');
  await app.register(readOnly.plugin, { prefix: QUEUES_PATH });
  app.addHook('onClose', async () => {
    await readOnly.close();
  });

  const token = options.operatorToken;
  if (!token) return;
  const isOperator = operatorCheck(token);
  const writable = board(monitor, OPERATOR_BOARD_PATH, false, 'cablescan queues (operator)');
  app.addHook('onClose', async () => {
    await writable.close();
  });

  await app.register(async (operator) => {
    // Only the login form itself is open; every other /operator route needs the token.
    operator.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0];
      if (path === `${OPERATOR_PATH}/login`) return;
      if (isOperator(bearerToken(request)) || isOperator(cookieValue(request, COOKIE))) return;
      if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
        return reply.redirect(`${OPERATOR_PATH}/login`, 303);
      }
      reply.header('www-authenticate', 'Bearer realm="cablescan operator"');
      return sendError(reply, 401, 'CS_ERR_UNAUTHORIZED', 'an operator token is required: sign in at /operator/login or send Authorization: Bearer <token>');
    });
    operator.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    operator.get(`${OPERATOR_PATH}/login`, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(
        page(
          'cablescan operator sign-in',
          `<form method="post" action="${OPERATOR_PATH}/login"><label>Operator token <input type="password" name="token" autocomplete="current-password" required autofocus></label> <button>Sign in</button></form>` +
            `<p>The <a href="${QUEUES_PATH}">read-only board</a> needs no token.</p>`,
        ),
      ),
    );
    operator.post<{ Body: { token?: string } }>(`${OPERATOR_PATH}/login`, async (request, reply) => {
      const presented = typeof request.body?.token === 'string' ? request.body.token : null;
      if (!isOperator(presented)) {
        return reply.code(401).type('text/html; charset=utf-8').send(page('cablescan operator sign-in', `<p>That is not the operator token. <a href="${OPERATOR_PATH}/login">Try again</a>.</p>`));
      }
      reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(presented!)}; Path=${OPERATOR_PATH}; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`);
      return reply.redirect(`${OPERATOR_BOARD_PATH}/`, 303);
    });
    await operator.register(writable.plugin, { prefix: OPERATOR_BOARD_PATH });
  });
};
