// pino logging: JSON lines on stderr by default (stdout stays free for command
// output such as `status --json`), human-readable with --pretty. Units of work get
// child loggers bound to {batch, doc, page, stage} so one page's story is one grep.
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Defaults to stderr (fd 2). */
  destination?: NodeJS.WritableStream | number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const base = { pid: process.pid };
  if (options.pretty) {
    // Loaded only for --pretty: the default JSON lines need none of it (~50 ms of CPU per process).
    const prettyStream = createRequire(import.meta.url)('pino-pretty') as typeof pretty;
    const stream = prettyStream({
      colorize: process.stderr.isTTY,
      sync: true,
      destination: typeof options.destination === 'number' ? options.destination : 2,
      ignore: 'pid,hostname',
      translateTime: 'HH:MM:ss.l',
    });
    return pino({ level, base }, stream);
  }
  const destination =
    options.destination === undefined || typeof options.destination === 'number'
      ? pino.destination({ fd: typeof options.destination === 'number' ? options.destination : 2, sync: true })
      : options.destination;
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export interface WorkUnit {
  batch?: string;
  doc?: string;
  page?: string;
  stage?: string;
}

/** Child logger bound to the ids of one unit of work. */
export function forUnit(logger: Logger, unit: WorkUnit): Logger {
  return logger.child(Object.fromEntries(Object.entries(unit).filter(([, v]) => v !== undefined)));
}
