// Redis for the monitoring readers (status, serve). Unlike a worker they must
// never hang on a Redis that is away: commands fail at once (no offline queue)
// and the page or scrape says "Redis down"; unlike a one-shot producer, the
// server keeps reconnecting in the background for as long as it runs.
import { Redis } from 'ioredis';
import { connectRedis, reconnectDelay, redisOptions, type ConnectionSettings } from '../../queues/connection.ts';
import { bullPrefix } from '../../queues/names.ts';
import type { Config } from '../config.ts';
import { StatusSource } from './status.ts';

export interface MonitorConnection {
  redis: Redis;
  connection: ConnectionSettings;
  prefix: string;
  status: StatusSource;
  close(): Promise<void>;
}

/** Settings of a long-lived reader: fail commands fast, reconnect forever. */
export function readerOptions(redisUrl: string): ConnectionSettings {
  return { ...redisOptions(redisUrl, 'producer'), connectionName: 'cablescan-monitor', retryStrategy: reconnectDelay };
}

function wrap(redis: Redis, connection: ConnectionSettings, prefix: string): MonitorConnection {
  const status = new StatusSource({ redis, connection, prefix });
  return {
    redis,
    connection,
    prefix,
    status,
    async close() {
      await status.close();
      redis.disconnect();
    },
  };
}

/**
 * For the server: returns at once whether or not Redis answers (the server must
 * start anyway and show "Redis down"); waits up to `waitMs` for the first
 * connection so the first request does not see a connection still opening.
 */
export async function openMonitor(config: Pick<Config, 'redisUrl' | 'queuePrefix'>, waitMs = 2000): Promise<MonitorConnection | null> {
  if (!config.redisUrl) return null;
  const connection = readerOptions(config.redisUrl);
  const redis = new Redis(connection);
  redis.on('error', () => undefined); // readiness and scrapes report it
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    }
    // The first refusal is answer enough: the server starts and reports Redis down.
    redis.once('ready', done);
    redis.once('error', done);
  });
  return wrap(redis, connection, bullPrefix(config.queuePrefix));
}

/** For one-shot commands (status): fails with CS_ERR_REDIS_UNAVAILABLE when Redis does not answer. */
export async function connectMonitor(redisUrl: string, queuePrefix: string): Promise<MonitorConnection> {
  const redis = await connectRedis(redisUrl, 'producer');
  return wrap(redis, redisOptions(redisUrl, 'producer'), bullPrefix(queuePrefix));
}
