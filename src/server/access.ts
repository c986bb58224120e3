// Access control for every protected route: one onRequest hook factory, so a
// request is authenticated before its body is parsed or validated (an anonymous
// caller learns nothing about a route's schema). Credentials are a bearer token
// (any client) or, for the queue boards in a browser, a server-side session
// whose random id travels in an HttpOnly, SameSite=Strict cookie: the cookie
// never holds a token. A session-authenticated write must come from this
// server's own origin (Origin, else Referer): SameSite does not separate two
// ports of one host, the Origin check does. Failed tokens and sign-ins are
// logged and counted per client address; past the limit the address gets 429
// before its token is even compared.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { normalizeIP } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';
import { CablescanError, ErrorCode } from '../errors.ts';
import { bearerToken, type Principal, type Role, type TokenDirectory } from './auth.ts';
import { sendError } from './errors.ts';

export const SESSION_COOKIE = 'cablescan_session';
export const SIGN_IN_PATH = '/operator/login';

export interface Session extends Principal {
  id: string;
  createdAt: number;
}

/** Server-side sessions: the cookie holds a random id; expiry and role live here. */
export class SessionStore {
  private readonly sessions: LRUCache<string, Session>;
  readonly ttlMs: number;

  constructor(options: { ttlMs: number; max?: number }) {
    this.ttlMs = options.ttlMs;
    // A session is ~150 bytes: 10,000 of them are ~1.5 MB; past that the least recently used is dropped.
    this.sessions = new LRUCache<string, Session>({ max: options.max ?? 10_000, ttl: options.ttlMs, updateAgeOnGet: false });
  }

  create(principal: Principal): Session {
    const session: Session = { ...principal, id: randomBytes(32).toString('base64url'), createdAt: Date.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | null): Session | undefined {
    return id ? this.sessions.get(id) : undefined;
  }

  destroy(id: string | null): void {
    if (id) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

export function cookieValue(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** This server's origin as the browser sees it (scheme and host from X-Forwarded-* only with trustProxy). */
export const ownOrigin = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/**
 * Whether the request comes from a page of this server: its Origin, or without one its Referer's
 * origin, is ours. `strict`: a request naming neither is refused (a browser names one on every write).
 */
export function sameOrigin(request: FastifyRequest, strict: boolean): boolean {
  const expected = ownOrigin(request);
  const origin = request.headers.origin;
  if (typeof origin === 'string') return origin === expected;
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin === expected;
    } catch {
      return false;
    }
  }
  return !strict;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Bodies an HTML form can send cross-site without a preflight; session writes take JSON only. */
const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/** Counts failed authentications per client address (@fastify/rate-limit's store and key). */
export interface FailureLimiter {
  /** Whether the address failed in the current window (only such an address can be over the limit). */
  suspect(request: FastifyRequest): boolean;
  /** Whether the address is over the limit now (not counting this request). */
  blocked(request: FastifyRequest): Promise<{ blocked: boolean; retryAfterSeconds: number }>;
  /** Counts one failure; whether the address is over the limit with it. */
  fail(request: FastifyRequest): Promise<{ blocked: boolean; retryAfterSeconds: number }>;
}

type RateLimitCheck = (
  request: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<{ isAllowed: true; key: string } | { isAllowed: false; isExceeded: boolean; ttlInSeconds: number }>;

/** Needs @fastify/rate-limit registered on `app` (it decorates createRateLimit). */
export function failureLimiter(app: FastifyInstance, options: { max: number; windowSeconds: number }): FailureLimiter {
  const create = (app as unknown as { createRateLimit: (o: object) => RateLimitCheck }).createRateLimit;
  const check = create({ max: options.max, timeWindow: options.windowSeconds * 1000 });
  // Addresses with a failure in the window: only they can be over the limit, so a reviewer's
  // ordinary request (no failure behind it) is let through without asking the limiter's store.
  // Keyed as the limiter keys them (an IPv6 address by its /64), or a fresh address in a blocked
  // /64 would skip the limiter.
  const failing = new LRUCache<string, true>({ max: 10_000, ttl: options.windowSeconds * 1000 });
  const key = (request: FastifyRequest) => normalizeIP(request.ip);
  const ask = async (request: FastifyRequest, increment: boolean) => {
    const r = await check(request, { increment });
    if (r.isAllowed) return { blocked: false, retryAfterSeconds: 0 };
    return { blocked: r.isExceeded, retryAfterSeconds: r.ttlInSeconds };
  };
  return {
    suspect: (request) => failing.has(key(request)),
    blocked: (request) => ask(request, false),
    fail: (request) => {
      failing.set(key(request), true);
      return ask(request, true);
    },
  };
}

export interface RequireOptions {
  /** Roles let in. */
  roles: readonly Role[];
  /** Whether a sign-in session is accepted (the queue boards); the review API takes bearer tokens only. */
  sessions: boolean;
  /** For WWW-Authenticate and the log. */
  realm: string;
  /** A browser (GET, Accept: text/html) without credentials is sent to the sign-in page instead of a 401. */
  signIn?: boolean;
}

export class Access {
  private readonly principals = new WeakMap<FastifyRequest, Principal>();
  readonly tokens: TokenDirectory;
  readonly sessions: SessionStore;
  readonly limiter: FailureLimiter;

  constructor(options: { tokens: TokenDirectory; sessions: SessionStore; limiter: FailureLimiter }) {
    this.tokens = options.tokens;
    this.sessions = options.sessions;
    this.limiter = options.limiter;
  }

  /** Who the request was let in as (set by a require() hook). */
  principalOf(request: FastifyRequest): Principal | undefined {
    return this.principals.get(request);
  }

  /** Refuses the request when the address is over the failure limit; true when it was refused. */
  async refuseBlocked(request: FastifyRequest, reply: FastifyReply, realm: string): Promise<boolean> {
    const { blocked, retryAfterSeconds } = await this.limiter.blocked(request);
    if (!blocked) return false;
    request.log.warn({ ip: request.ip, realm, url: request.url.split('?')[0] }, 'authentication refused: too many failures from this address');
    tooMany(reply, retryAfterSeconds);
    return true;
  }

  /** Logs and counts a failed token or sign-in; answers 429 when that crossed the limit, else leaves the answer to the caller. */
  async recordFailure(request: FastifyRequest, reply: FastifyReply, realm: string, reason: string): Promise<boolean> {
    const { blocked, retryAfterSeconds } = await this.limiter.fail(request);
    request.log.warn({ ip: request.ip, realm, url: request.url.split('?')[0], reason }, 'authentication failed');
    if (!blocked) return false;
    tooMany(reply, retryAfterSeconds);
    return true;
  }

  /**
   * The onRequest hook for a route: a callback hook whose common case (a known token from an
   * address without failures, or a session) decides without a promise; it runs on every request.
   */
  require(options: RequireOptions): onRequestHookHandler {
    const allowed = new Set(options.roles);
    /** Resolves true when the request may go on; otherwise the answer has been sent. */
    const slowBearer = async (request: FastifyRequest, reply: FastifyReply, token: string): Promise<boolean> => {
      if (await this.refuseBlocked(request, reply, options.realm)) return false;
      const principal = this.tokens.identify(token);
      if (!principal) {
        if (await this.recordFailure(request, reply, options.realm, 'unknown token')) return false;
        reply.header('www-authenticate', `Bearer realm="${options.realm}"`);
        sendError(reply, 401, 'CS_ERR_UNAUTHORIZED', `this token is not known here (${describeRoles(options.roles)} needed)`);
        return false;
      }
      if (!allowed.has(principal.role)) {
        forbidden(reply, principal, options);
        return false;
      }
      this.principals.set(request, principal);
      return true;
    };
    return (request, reply, done) => {
      const token = bearerToken(request);
      if (token !== null) {
        if (!this.limiter.suspect(request)) {
          const principal = this.tokens.identify(token);
          if (principal && allowed.has(principal.role)) {
            this.principals.set(request, principal);
            return done();
          }
        }
        slowBearer(request, reply, token).then((go) => (go ? done() : undefined), done);
        return;
      }
      const session = options.sessions ? this.sessions.get(cookieValue(request, SESSION_COOKIE)) : undefined;
      if (session) {
        if (!allowed.has(session.role)) {
          if (wantsPage(request) && options.signIn) return void reply.redirect(SIGN_IN_PATH, 303);
          return void forbidden(reply, session, options);
        }
        if (!SAFE_METHODS.has(request.method)) {
          if (!sameOrigin(request, true)) {
            request.log.warn(
              { ip: request.ip, origin: request.headers.origin ?? null, url: request.url.split('?')[0], role: session.role },
              'cross-origin write refused',
            );
            return void sendError(
              reply,
              403,
              'CS_ERR_CROSS_ORIGIN',
              `a write with a session cookie must come from this server's own pages (${ownOrigin(request)})`,
            );
          }
          if (FORM_TYPES.test(String(request.headers['content-type'] ?? ''))) {
            return void sendError(reply, 415, 'CS_ERR_BAD_REQUEST', 'a write takes a JSON body (application/json), not a form');
          }
        }
        this.principals.set(request, { role: session.role, name: session.name });
        return done();
      }
      if (options.signIn && wantsPage(request)) return void reply.redirect(SIGN_IN_PATH, 303);
      reply.header('www-authenticate', `Bearer realm="${options.realm}"`);
      const how = options.sessions ? `sign in at ${SIGN_IN_PATH} or send Authorization: Bearer <token>` : 'send Authorization: Bearer <token>';
      sendError(reply, 401, 'CS_ERR_UNAUTHORIZED', `a ${describeRoles(options.roles)} token is required: ${how}`);
    };
  }
}

const wantsPage = (request: FastifyRequest): boolean => request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');

function describeRoles(roles: readonly Role[]): string {
  return roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;
}

function forbidden(reply: FastifyReply, principal: Principal, options: RequireOptions): FastifyReply {
  return sendError(reply, 403, 'CS_ERR_FORBIDDEN', `${principal.name} (${principal.role}) may not use this: a ${describeRoles(options.roles)} token is needed`);
}

function tooMany(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return sendError(
    reply.header('retry-after', String(Math.max(1, retryAfterSeconds))),
    429,
    'CS_ERR_TOO_MANY_ATTEMPTS',
    `too many failed sign-ins or tokens from this address: try again in ${Math.max(1, retryAfterSeconds)} s`,
  );
}

/** The reviewer a review route was let in as (needs a require({ roles: ['reviewer'] }) hook). */
export function reviewerOf(access: Access, request: FastifyRequest): { name: string } {
  const principal = access.principalOf(request);
  if (!principal || principal.role !== 'reviewer')
    throw new CablescanError(ErrorCode.INTERNAL, 'route reached without a reviewer: is the access hook installed?');
  return { name: principal.name };
}
