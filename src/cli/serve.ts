// `cablescan serve --out DIR`: the HTTP server. Today it serves the review UI
// (/review) and API (/api) over the output folder's store; other features
// (queue dashboards, metrics) register into the same server. No Redis needed.
import type { Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import { openExistingStore, resolveStorePath, type ReviewStore } from '../store/index.ts';
import { contextFrom, EXIT, parseInteger } from './common.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new CablescanError(
      ErrorCode.PORT_UNAVAILABLE,
      `${where} is already in use (another cablescan serve?): choose another with --port, or stop the other server`,
      { retryable: false },
    );
  if (code === 'EACCES')
    return new CablescanError(ErrorCode.PORT_UNAVAILABLE, `not allowed to listen on ${where} (ports below 1024 need privileges): choose another with --port`, {
      retryable: false,
    });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new CablescanError(ErrorCode.PORT_UNAVAILABLE, `cannot listen on ${where}: ${host} is not an address of this machine (--host)`, {
      retryable: false,
    });
  return err;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the review UI at /review for the records of an output folder')
    .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
    .option('--db <file|url>', 'review store: a SQLite file instead of <out>/cablescan.db, or postgres://...; env CABLESCAN_DB, DATABASE_URL')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; config server.host)')
    .option('--port <n>', 'port (default 8080; 0 picks a free one; config server.port)', parseInteger('--port'))
    .option('--redis <url>', 'Redis of the queues to show at /queues, /metrics and /api/batches (env REDIS_URL)')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const { config, logger } = contextFrom(opts, { db: opts.db });
      const storePath = resolveStorePath({ out: opts.out, db: config.db });
      let store: ReviewStore | undefined;
      if (storePath) store = await openExistingStore({ db: storePath });
      else logger.warn('no --out or --db: serving without the review UI');
      // Loaded here, not at the top: the server (fastify, the dashboards) is a quarter of the
      // CLI's heap, which every other command (a producer enqueueing 100,000 pages) would carry.
      const { buildServer } = await import('../server/app.ts');
      const app = await buildServer({ config, logger, store });
      const host: string = opts.host ?? config.server.host;
      const port: number = opts.port ?? config.server.port;
      if (!LOOPBACK.test(host)) {
        logger.warn(
          { host },
          'listening beyond this machine: put TLS in front (a reverse proxy, with server.trustProxy set), tokens and session cookies travel in every request',
        );
      }
      let address: string;
      try {
        address = await app.listen({ host, port });
      } catch (err) {
        // Close what the server opened (Redis connections for /queues and /metrics keep a
        // process alive), then say what to change: a port in use is a usage error, not a crash.
        await app.close().catch(() => undefined);
        await store?.close();
        throw listenError(err, host, port);
      }
      process.stdout.write(`cablescan serve: ${store ? `review at ${address}/review (store ${store.file})` : address}\n`);

      let closing = false;
      const shutdown = async (signal: NodeJS.Signals) => {
        if (closing) process.exit(EXIT.interrupted);
        closing = true;
        logger.info({ signal }, 'stopping the server');
        await app.close();
        await store?.close();
        process.exitCode = EXIT.ok;
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
}
