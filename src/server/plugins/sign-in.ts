// Sign-in for the queue boards in a browser: GET/POST /operator/login and POST
// /operator/logout. Any configured token signs in (the operator's opens the
// writable board, a reader's or reviewer's the read-only one); the answer is a
// server-side session whose random id is the cookie, HttpOnly, SameSite=Strict,
// Path=/, Secure whenever the request came over TLS (directly or, with
// server.trustProxy, through a proxy that says so). Failed sign-ins are logged
// with the client's address and counted: past the limit, 429 before the token
// is compared. The form body parser lives only in this plugin's context, so no
// other route accepts a form.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../auth.ts';
import { cookieValue, sameOrigin, SESSION_COOKIE, SIGN_IN_PATH, type Access } from '../access.ts';
import { escapeHtml, PLAIN_PAGE_CSP, plainPage } from '../html.ts';

export interface SignInOptions {
  access: Access;
  /** Where each role lands after signing in. */
  landing: Record<Role, string>;
}

const LOGOUT_PATH = '/operator/logout';
const REALM = 'cablescan sign-in';

function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', PLAIN_PAGE_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(plainPage(title, body));
}

const form = (note = ''): string =>
  `${note}<form method="post" action="${SIGN_IN_PATH}"><label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label> <button>Sign in</button></form>` +
  '<p>The operator token opens the writable queue board; a reader or reviewer token the read-only board.</p>';

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${request.protocol === 'https' ? '; Secure' : ''}`;
}

export const signInPlugin: FastifyPluginAsync<SignInOptions> = async (app, options) => {
  const { access } = options;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get(SIGN_IN_PATH, async (_request, reply) => html(reply, 200, 'cablescan sign-in', form()));

  app.post<{ Body: { token?: string } }>(SIGN_IN_PATH, async (request, reply) => {
    // A sign-in posted by another site's page would sign the browser in as the attacker (login CSRF).
    if (!sameOrigin(request, false)) {
      request.log.warn({ ip: request.ip, origin: request.headers.origin ?? null }, 'cross-origin sign-in refused');
      return html(reply, 403, 'cablescan sign-in', "<p>Sign in from this server's own page.</p>");
    }
    if (await access.refuseBlocked(request, reply, REALM)) return reply;
    const presented = typeof request.body?.token === 'string' ? request.body.token : '';
    const principal = presented ? access.tokens.identify(presented) : null;
    if (!principal) {
      if (await access.recordFailure(request, reply, REALM, presented ? 'unknown token' : 'no token')) return reply;
      return html(reply, 401, 'cablescan sign-in', form('<p>That token is not known here.</p>'));
    }
    const session = access.sessions.create(principal);
    request.log.info({ ip: request.ip, role: principal.role, name: principal.name }, 'signed in');
    reply.header('set-cookie', cookie(request, session.id, Math.floor(access.sessions.ttlMs / 1000)));
    return reply.redirect(options.landing[principal.role], 303);
  });

  app.post(LOGOUT_PATH, async (request, reply) => {
    if (!sameOrigin(request, true)) return html(reply, 403, 'cablescan sign-out', "<p>Sign out from this server's own page.</p>");
    access.sessions.destroy(cookieValue(request, SESSION_COOKIE));
    reply.header('set-cookie', cookie(request, '', 0));
    return html(reply, 200, 'cablescan sign-out', `<p>Signed out. <a href="${escapeHtml(SIGN_IN_PATH)}">Sign in again</a>.</p>`);
  });
};
