// GET /readyz: ready when Redis answers (or when none is configured: a server
// reviewing an embedded run needs no Redis). /healthz (the process is up) is
// answered by the app itself (src/server/app.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { MonitorConnection } from '../../monitoring/connection.ts';

export interface HealthOptions {
  monitor: MonitorConnection | null;
  /** How long a PING may take before Redis counts as unreachable. */
  timeoutMs?: number;
}

export async function pingRedis(monitor: MonitorConnection, timeoutMs: number): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      monitor.redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const timeoutMs = options.timeoutMs ?? 1000;
  app.get('/readyz', async (_request, reply) => {
    const { monitor } = options;
    if (!monitor) return { ready: true, redis: 'not configured' };
    const ping = await pingRedis(monitor, timeoutMs);
    if (ping.ok) return { ready: true, redis: 'up', ms: ping.ms };
    return reply.code(503).send({ ready: false, redis: 'down', error: ping.error });
  });
};
