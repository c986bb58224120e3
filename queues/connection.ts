// Redis connections, the way BullMQ's production guide asks for them:
// - workers (and anything that waits on the queue for a long time) retry forever:
//   `maxRetriesPerRequest: null`, so a Redis restart pauses them instead of killing them;
// - producers (enqueue, retry) fail fast: no offline queue, one retry, short timeout,
//   so `cablescan enqueue` with Redis down says so at once instead of hanging;
// - `rediss://` turns TLS on (with SNI), as ioredis does for URL strings.
// BullMQ gets connection *options*, not a shared client: it opens its own
// connections (a worker needs a dedicated blocking one).
import { Redis, type RedisOptions } from 'ioredis';
import { CablescanError, ErrorCode } from '../src/errors.ts';

export type ConnectionRole = 'producer' | 'worker';

/** ioredis options in the shape both ioredis and BullMQ accept (BullMQ's type has no `null` retry strategy). */
export type ConnectionSettings = Omit<RedisOptions, 'retryStrategy'> & { retryStrategy: (times: number) => number | null };

/** The URL with its password hidden, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid Redis URL)';
  }
}

/** Delay before reconnect attempt `times` (from 1): 0.2 s doubling, at most 5 s. */
export function reconnectDelay(times: number): number {
  return Math.min(200 * 2 ** Math.min(Math.max(times - 1, 0), 5), 5000);
}

export function redisOptions(url: string, role: ConnectionRole): ConnectionSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `Redis URL "${url}" is not a URL (expected redis://host:6379 or rediss://host:6380)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `Redis URL ${redactRedisUrl(url)} must start with redis:// or rediss://`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const options: ConnectionSettings = {
    host,
    port: u.port ? Number(u.port) : 6379,
    connectionName: `cablescan-${role}`,
    retryStrategy: reconnectDelay,
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, '');
  if (db) {
    if (!/^\d+$/.test(db)) throw new CablescanError(ErrorCode.CONFIG_INVALID, `Redis URL ${redactRedisUrl(url)}: the path must be a database number`);
    options.db = Number(db);
  }
  if (u.protocol === 'rediss:') options.tls = { servername: host };

  if (role === 'worker') {
    options.maxRetriesPerRequest = null;
    options.enableOfflineQueue = true;
  } else {
    options.maxRetriesPerRequest = 1;
    options.enableOfflineQueue = false;
    options.connectTimeout = 5000;
    options.retryStrategy = (times) => (times > 2 ? null : reconnectDelay(times));
  }
  return options;
}

/** A connected ioredis client (producers have no offline queue, so commands must wait for the connection). */
export async function connectRedis(url: string, role: ConnectionRole): Promise<Redis> {
  const client = new Redis({ ...redisOptions(url, role), lazyConnect: true });
  client.on('error', () => undefined); // ioredis reconnects or the next command fails with the cause
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return client;
}

/**
 * Connects once and PINGs, so a producer can refuse to start with a clear
 * CS_ERR_REDIS_UNAVAILABLE instead of BullMQ's retry loop.
 */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis({ ...redisOptions(url, 'producer'), lazyConnect: true, retryStrategy: () => null });
  // The rejected connect only says "Connection is closed"; the socket error says why.
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const reason = (cause ?? (err as Error)).message;
    throw new CablescanError(ErrorCode.REDIS_UNAVAILABLE, `cannot reach Redis at ${redactRedisUrl(url)}: ${reason}`, { cause: cause ?? err });
  } finally {
    client.disconnect();
  }
}
