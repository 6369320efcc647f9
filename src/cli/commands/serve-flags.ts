import type { FlagKinds, ParsedArgs } from '../args.js';
import { ErrorCode, HotplugError, parseDuration } from '../../core/index.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Flags shared by `run` and `dev`. */
export const SERVE_FLAGS: FlagKinds = { port: 'number', host: 'string', 'log-level': 'string', 'shutdown-timeout': 'string', 'log-requests': 'boolean', 'header-timeout': 'string', 'request-timeout': 'string', 'ready-details': 'boolean' };

export const SERVE_HELP = [
  'Options:',
  '  --port N          port of the shared HTTP server (default: $PORT or 4195)',
  '  --host ADDR       interface to bind (default: $HOST or 127.0.0.1)',
  '  --log-level L     trace, debug, info (default), warn, error',
  '  --shutdown-timeout D',
  "                    overrides every pipeline's shutdown_timeout (a duration: 20s, 500ms; default: each",
  "                    file's, else 20s); past it, pending batches are nacked (HTTP requests get 503)",
  '  --header-timeout D time a client has to send request headers (default 10s)',
  '  --request-timeout D',
  '                    time a client has to send a whole request, body included (default 60s); past',
  '                    either, the request gets 408 and its connection is closed',
  '  --ready-details    /ready shows errors in full (plugin stderr tails, socket paths, pids); by default',
  '                    `run` shows states and reasons only (dev always shows details)',
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
  /** --header-timeout / --request-timeout in ms (undefined: the server's defaults). */
  headersTimeoutMs: number | undefined;
  requestTimeoutMs: number | undefined;
  /** --ready-details: internals in /ready's errors. */
  readyDetails: boolean;
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
  return {
    dir,
    port,
    host,
    logLevel,
    shutdownTimeoutMs: durationFlag(args, 'shutdown-timeout'),
    logRequests: args.flags['log-requests'] === true,
    headersTimeoutMs: durationFlag(args, 'header-timeout'),
    requestTimeoutMs: durationFlag(args, 'request-timeout'),
    readyDetails: args.flags['ready-details'] === true,
  };
}

/** The serve options a host takes (timeouts only when given). */
export function hostServeOptions(o: ServeOptions): { port: number; host: string; readyDetails: boolean; shutdownTimeoutMs?: number; headersTimeoutMs?: number; requestTimeoutMs?: number } {
  return {
    port: o.port,
    host: o.host,
    readyDetails: o.readyDetails,
    ...(o.shutdownTimeoutMs !== undefined && { shutdownTimeoutMs: o.shutdownTimeoutMs }),
    ...(o.headersTimeoutMs !== undefined && { headersTimeoutMs: o.headersTimeoutMs }),
    ...(o.requestTimeoutMs !== undefined && { requestTimeoutMs: o.requestTimeoutMs }),
  };
}

function durationFlag(args: ParsedArgs, name: string): number | undefined {
  const text = args.flags[name] as string | undefined;
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || (name !== 'shutdown-timeout' && ms <= 0)) {
    throw new HotplugError(ErrorCode.Usage, `--${name} must be a duration, not '${text}'`, { hint: 'write it like 20s, 500ms or 1m30s (units: ns, us, ms, s, m, h)' });
  }
  return ms;
}
