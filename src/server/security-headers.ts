// Security headers on every answer, whoever made it (the review page, the
// bull-board pages and their assets, JSON, errors, 404s): a route that sets
// its own CSP keeps it; everything else gets one that forbids everything it
// does not need. An HTML page gets the full set; any other answer (JSON, an
// image, a script) the two that matter for it, a CSP with frame-ancestors
// 'none' and nosniff: the others only act on documents, and each header costs
// on the cheapest review requests (5% of a field lookup's CPU, bench:server).
// Hand-written rather than @fastify/helmet: the CSP differs by path
// (bull-board's React pages need inline styles, an API answer needs nothing),
// helmet sets one per route, and bull-board's routes are not ours.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** An HTML page with no CSP of its own (none today): nothing to load, never framed. */
export const NOTHING_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** JSON, images, scripts, errors: nothing to load, never framed. */
export const RESOURCE_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * bull-board's pages: its own scripts and styles; React sets style attributes, so inline styles
 * are allowed (no inline script is). Its Google Fonts link is blocked: the page falls back to
 * system fonts and makes no request outside this server.
 */
export const BOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const BOARD_PATHS = /^\/(queues|operator\/queues)(\/|$|\?)/;

const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: with it, Chrome sends `Origin: null` on a form post, and the sign-in's and the
  // board's same-origin check (src/server/access.ts) could not tell our own pages from a sandbox.
  // same-origin sends nothing to other sites.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const ALWAYS_NAMES = Object.keys(ALWAYS) as Array<keyof typeof ALWAYS>;

export function cspFor(request: FastifyRequest): string {
  return BOARD_PATHS.test(request.url) ? BOARD_CSP : NOTHING_CSP;
}

/** Install on the root instance before any feature, so every encapsulated plugin inherits the hook. */
export function installSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every answer.
  app.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', cspFor(request));
      for (const name of ALWAYS_NAMES) if (!reply.hasHeader(name)) reply.header(name, ALWAYS[name]);
    } else {
      // bull-board's scripts keep the board's policy: a script run as a worker is governed by the CSP
      // it was served with (with RESOURCE_CSP the board's job errors were never shown).
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', BOARD_PATHS.test(request.url) ? BOARD_CSP : RESOURCE_CSP);
      if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    }
    // Only over TLS (directly, or behind a trusted proxy that says so): over plain HTTP it would be ignored.
    if (request.protocol === 'https' && !reply.hasHeader('strict-transport-security')) reply.header('strict-transport-security', 'max-age=15552000');
    done(null, payload);
  });
}
