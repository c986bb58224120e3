// The monitoring features of `cablescan serve`, registered by the app as one
// plugin: /readyz, /metrics, /queues (+ /operator/queues), /api/batches. Each
// but /readyz (and /metrics unless server.metrics is `token`) needs a token. They
// share one Redis connection, opened here when config.redisUrl is set; without
// it the server still starts and each feature says there is no Redis.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { openMonitor, type MonitorConnection } from '../../monitoring/connection.ts';
import type { Access } from '../access.ts';
import { batchesPlugin } from './batches.ts';
import { healthPlugin } from './health.ts';
import { metricsPlugin } from './metrics.ts';
import { queuesPlugin } from './queues.ts';

export interface MonitoringOptions {
  config: Config;
  logger: Logger;
  access: Access;
  /** A connection made by the caller (tests); by default one is opened from config and closed with the app. */
  monitor?: MonitorConnection | null;
}

export const monitoringPlugin: FastifyPluginAsync<MonitoringOptions> = async (app, options) => {
  const { config, logger, access } = options;
  const own = options.monitor === undefined;
  const monitor = own ? await openMonitor(config) : (options.monitor ?? null);
  if (!monitor) logger.warn('no Redis configured (REDIS_URL): /queues and /api/batches say so; /metrics has process metrics only');
  else if (monitor.redis.status !== 'ready') logger.warn({ prefix: monitor.prefix }, 'Redis does not answer yet: /readyz reports 503 until it does');
  if (own && monitor) app.addHook('onClose', async () => monitor.close());

  await app.register(healthPlugin, { monitor });
  // /readyz stays open (a load balancer's probe); the rest shows paths, hosts or failures.
  const readers = { roles: ['reader', 'reviewer', 'operator'] as const, sessions: true };
  await app.register(metricsPlugin, {
    monitor,
    logger,
    guard: config.server.metrics === 'token' ? access.require({ ...readers, realm: 'cablescan metrics' }) : undefined,
  });
  await app.register(queuesPlugin, { monitor, access, operator: Boolean(config.tokens.operator) });
  await app.register(batchesPlugin, { monitor, guard: access.require({ ...readers, realm: 'cablescan batches' }), prefix: '/api' });
};
