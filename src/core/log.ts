import { pino, destination, stdTimeFunctions, type Logger, type LoggerOptions } from 'pino';
import { redactLogArgs } from './redact.js';

export type { Logger };

export interface LogOptions {
  /** Human-friendly output (dev mode on a TTY); JSON lines otherwise. */
  pretty?: boolean;
  level?: string;
  /** Where JSON lines go; defaults to stderr so stdout stays free for the `stdout` output. */
  destination?: number;
}

/**
 * The root logger. Components take a child with their bindings made once
 * (`log.child({ stream, component })`), which pino serialises up front.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const level = opts.level ?? process.env['HOTPLUG_LOG_LEVEL'] ?? 'info';
  const base: LoggerOptions = {
    level,
    base: undefined,
    timestamp: stdTimeFunctions.isoTime,
    // Downstream URLs in log lines lose their credentials and query values.
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactLogArgs(args) as Parameters<typeof method>);
      },
    },
  };
  if (opts.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { destination: opts.destination ?? 2, colorize: !process.env['NO_COLOR'], translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(base, destination({ fd: opts.destination ?? 2, sync: false }));
}

/** A logger that drops everything, for units and benchmarks. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
