import type { FlagKinds, ParsedArgs } from '../args.js';
import { ErrorCode, HotplugError, parseDuration } from '../../core/index.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Flags shared by `run` and `dev`. */
export const SERVE_FLAGS: FlagKinds = { port: 'number', host: 'string', 'log-level': 'string', 'shutdown-timeout': 'string', 'log-requests': 'boolean' };

export const SERVE_HELP = [
  'Options:',
  '  --port N          port of the shared HTTP server (default: $PORT or 4195)',
  '  --host ADDR       interface to bind (default: $HOST or 127.0.0.1)',
  '  --log-level L     trace, debug, info (default), warn, error',
  '  --shutdown-timeout D',
  "                    overrides every pipeline's shutdown_timeout (a duration: 20s, 500ms; default: each",
  "                    file's, else 20s); past it, pending batches are nacked (HTTP requests get 503)",
].join('\n');

export interface ServeOptions {
  dir: string;
  port: number;
  host: string;
  logLevel: string;
  /** --shutdown-timeout in ms; undefined: each pipeline's own (default 20 s). */
  shutdownTimeoutMs: number | undefined;
  /** --log-requests: a log line per HTTP request. */
  logRequests: boolean;
}

/** Reads DIR, --port/--host (falling back to PORT/HOST env) and checks the dir exists. */
export function serveOptions(args: ParsedArgs): ServeOptions {
  if (args.positionals.length > 1) throw new HotplugError(ErrorCode.Usage, `expected at most one DIR, got ${args.positionals.length}`);
  const dir = resolve(args.positionals[0] ?? 'functions');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HotplugError(ErrorCode.Io, `${dir} is not a folder`, { hint: 'pass the functions dir: hotplug run DIR (default: functions)' });
  }
  const envPort = process.env['PORT'];
  const port = (args.flags['port'] as number | undefined) ?? (envPort ? Number(envPort) : 4195);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HotplugError(ErrorCode.Usage, `invalid port '${envPort}' in $PORT`);
  const host = (args.flags['host'] as string | undefined) ?? process.env['HOST'] ?? '127.0.0.1';
  const logLevel = (args.flags['log-level'] as string | undefined) ?? process.env['HOTPLUG_LOG_LEVEL'] ?? 'info';
  const timeout = args.flags['shutdown-timeout'] as string | undefined;
  const shutdownTimeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeout !== undefined && shutdownTimeoutMs === undefined) {
    throw new HotplugError(ErrorCode.Usage, `--shutdown-timeout must be a duration, not '${timeout}'`, { hint: 'write it like 20s, 500ms or 1m30s (units: ns, us, ms, s, m, h)' });
  }
  return { dir, port, host, logLevel, shutdownTimeoutMs, logRequests: args.flags['log-requests'] === true };
}
