// The cablescan HTTP server (`cablescan serve`): a fastify app that features
// plug into. Each feature is a fastify plugin in its own file, registered here
// when its dependencies are given: review (needs the store) now; queue
// dashboards and metrics (need Redis) can be added the same way, or passed in
// `plugins`, without touching the review code. Nothing here needs Redis.
// Access (tokens, sessions, failure limits) and security headers are set up
// here once, for every feature: see docs/security.md.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyPluginOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { loadProfiles, type Profile } from '../segment/index.ts';
import type { ReviewStore } from '../store/index.ts';
import { PACKAGE_VERSION } from '../version.ts';
import rateLimit from '@fastify/rate-limit';
import { Access, failureLimiter, SessionStore } from './access.ts';
import { tokenDirectory } from './auth.ts';
import { installErrorHandlers } from './errors.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { signInPlugin } from './plugins/sign-in.ts';
import { Regrouper } from '../regroup/index.ts';
import { reviewApi } from './review/api.ts';
import { PageImages } from './review/page-images.ts';
import { reviewUi } from './review/ui.ts';
import { monitoringPlugin } from './plugins/monitoring.ts';

/** A feature registered from outside (e.g. /queues, /metrics), with its options. */
export interface FeaturePlugin<Options extends FastifyPluginOptions = FastifyPluginOptions> {
  name: string;
  plugin: FastifyPluginAsync<Options>;
  options?: Options;
}

export interface ServerDeps {
  config: Config;
  logger: Logger;
  /** The review store; without it the server runs without /review and /api. */
  store?: ReviewStore;
  /** Page rendering for crops (default: one built from config.maxPixels / pdfDpi). */
  pageImages?: PageImages;
  /** More features to register, in order. */
  plugins?: FeaturePlugin[];
}

/** The profiles records were read with, for where a missing field is printed; a bad profiles folder only costs that. */
function reviewProfiles(config: Config, logger: Logger): Profile[] {
  try {
    return loadProfiles({ profilesDir: config.profilesDir });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'profiles not loaded: fields that were not found are shown on their whole page');
    return [];
  }
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, logger } = deps;
  const app = Fastify({
    // pino's Logger and fastify's FastifyBaseLogger differ only in generic parameters.
    loggerInstance: logger.child({ component: 'server' }) as unknown as FastifyBaseLogger,
    // One debug line per request (onResponse below) instead of fastify's two info lines.
    logController: new LogController({ disableRequestLogging: true }),
    // Review writes are small JSON; nothing legitimate comes close.
    bodyLimit: 64 * 1024,
    // Ids are short; a long URL is a mistake or an attack.
    routerOptions: { maxParamLength: 200 },
    // Behind a TLS proxy: client addresses (rate limits, logs) and https (Secure cookies) from X-Forwarded-*.
    trustProxy: config.server.trustProxy,
  });
  installErrorHandlers(app, logger);
  installSecurityHeaders(app);
  // Not global: it only counts failed tokens and sign-ins (access.ts), never a reviewer's ordinary requests.
  await app.register(rateLimit, { global: false });
  const tokens = tokenDirectory(config.tokens);
  const access = new Access({
    tokens,
    sessions: new SessionStore({ ttlMs: config.server.sessionHours * 3600_000 }),
    limiter: failureLimiter(app, config.server.authFailures),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const features: string[] = [];
  if (deps.store) {
    if (tokens.counts.reviewer === 0) logger.warn('no reviewer tokens configured (tokens.reviewers): the review API will refuse every request');
    const images =
      deps.pageImages ??
      new PageImages({
        maxPixels: config.maxPixels,
        pdfDpi: config.pdfDpi,
        cacheBytes: config.server.pageCacheMB * 1024 * 1024,
        cropCacheBytes: config.server.cropCacheMB * 1024 * 1024,
        decodeConcurrency: config.server.decodeConcurrency,
      });
    const regrouper = new Regrouper({ store: deps.store, config, logger: logger.child({ component: 'regroup' }) });
    await app.register(reviewApi, { prefix: '/api', store: deps.store, images, access, profiles: reviewProfiles(config, logger), regrouper });
    await app.register(reviewUi);
    app.get('/', async (_request, reply) => reply.redirect('/review'));
    features.push('review');
  }
  // /readyz, /metrics, /queues, /api/batches: always registered; without Redis they say so.
  await app.register(monitoringPlugin, { config, logger, access });
  await app.register(signInPlugin, { access, landing: { operator: '/operator/queues/', reader: '/queues/', reviewer: '/queues/' } });
  if (config.redisUrl) features.push('monitoring');
  for (const feature of deps.plugins ?? []) {
    await app.register(feature.plugin, feature.options ?? {});
    features.push(feature.name);
  }
  app.get('/healthz', async () => ({ ok: true, version: PACKAGE_VERSION, features }));
  return app;
}
