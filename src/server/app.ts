// The cablescan HTTP server (`cablescan serve`): a fastify app that features
// plug into. Each feature is a fastify plugin in its own file, registered here
// when its dependencies are given: review (needs the store) now; queue
// dashboards and metrics (need Redis) can be added the same way, or passed in
// `plugins`, without touching the review code. Nothing here needs Redis.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyPluginOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { loadProfiles, type Profile } from '../segment/index.ts';
import type { ReviewStore } from '../store/index.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { reviewerDirectory } from './auth.ts';
import { installErrorHandlers } from './errors.ts';
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
  });
  installErrorHandlers(app, logger);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const features: string[] = [];
  if (deps.store) {
    const reviewers = reviewerDirectory(config.tokens.reviewers);
    if (reviewers.size === 0) logger.warn('no reviewer tokens configured (tokens.reviewers): the review API will refuse every request');
    const images = deps.pageImages ?? new PageImages({ maxPixels: config.maxPixels, pdfDpi: config.pdfDpi });
    const regrouper = new Regrouper({ store: deps.store, config, logger: logger.child({ component: 'regroup' }) });
    await app.register(reviewApi, { prefix: '/api', store: deps.store, images, reviewers, profiles: reviewProfiles(config, logger), regrouper });
    await app.register(reviewUi);
    app.get('/', async (_request, reply) => reply.redirect('/review'));
    features.push('review');
  }
  // /readyz, /metrics, /queues, /api/batches: always registered; without Redis they say so.
  await app.register(monitoringPlugin, { config, logger });
  if (config.redisUrl) features.push('monitoring');
  for (const feature of deps.plugins ?? []) {
    await app.register(feature.plugin, feature.options ?? {});
    features.push(feature.name);
  }
  app.get('/healthz', async () => ({ ok: true, version: PACKAGE_VERSION, features }));
  return app;
}
