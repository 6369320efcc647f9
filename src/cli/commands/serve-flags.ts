import type { FlagKinds, ParsedArgs } from '../args.js';
import { ErrorCode, HotplugError, parseDuration } from '../../core/index.js';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** pino's levels, least to most severe, then silent. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Flags shared by `run` and `dev`. */
export const SERVE_FLAGS: FlagKinds = { port: 'number', host: 'string', 'log-level': 'string', quiet: 'boolean', verbose: 'boolean', 'shutdown-timeout': 'string', 'log-requests': 'boolean', 'header-timeout': 'string', 'request-timeout': 'string', 'ready-details': 'boolean', 'env-file': 'list' };

export const SERVE_HELP = [
  'Options:',
  '  --port N          port of the shared HTTP server (default: $PORT or 4195)',
  '  --host ADDR       interface to bind (default: $HOST or 127.0.0.1)',
  `  --log-level L     ${LOG_LEVELS.join(', ')} (default: $HOTPLUG_LOG_LEVEL or info)`,
  '  --quiet           warnings and errors only (--log-level warn)',
  '  --verbose         debug logs too (--log-level debug)',
  '  --shutdown-timeout D',
  "                    overrides every pipeline's shutdown_timeout (a duration: 20s, 500ms; default: each",
  "                    file's, else 20s); past it, pending batches are nacked (HTTP requests get 503)",
  '  --header-timeout D time a client has to send request headers (default 10s)',
  '  --request-timeout D',
  '                    time a client has to send a whole request, body included (default 60s); past',
  '                    either, the request gets 408 and its connection is closed',
  '  --ready-details    /ready shows errors in full (plugin stderr tails, socket paths, pids); by default',
  '                    `run` shows states and reasons only (dev always shows details)',
  '  --env-file PATH   read NAME=value lines for ${VAR} in pipelines and every plugin\'s environment;',
  '                    repeatable (later files win); the real environment wins over every file.',
  '                    dev reads DIR/.env when no --env-file is given, and reloads on save',
  '',
  'Environment:',
  '  PORT, HOST           defaults of --port and --host',
  '  HOTPLUG_LOG_LEVEL    default of --log-level',
  '  NO_COLOR             no colours in logs on a terminal (https://no-color.org)',
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
  /** --env-file paths as given (repeatable). */
  envFiles: string[] | undefined;
}

/** Reads DIR, --port/--host (falling back to PORT/HOST env), the log level, and checks the dir exists. */
export function serveOptions(args: ParsedArgs, command = 'run'): ServeOptions {
  if (args.positionals.length > 1) {
    throw new HotplugError(ErrorCode.Usage, `expected at most one DIR, got ${args.positionals.length}: ${args.positionals.join(' ')}`, { hint: `hotplug ${command} [DIR] [options]` });
  }
  const port = portOption(args);
  const host = (args.flags['host'] as string | undefined) ?? process.env['HOST'] ?? '127.0.0.1';
  const logLevel = logLevelOption(args);
  const dir = resolve(args.positionals[0] ?? 'functions');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HotplugError(ErrorCode.Io, `${dir} ${existsSync(dir) ? 'is not a folder' : 'does not exist'}`, {
      hint: `pass the functions dir: hotplug ${command} DIR (default: functions); start one with: hotplug new NAME --lang ts --dir DIR`,
    });
  }
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
    envFiles: args.flags['env-file'] as string[] | undefined,
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

function portOption(args: ParsedArgs): number {
  const flag = args.flags['port'] as number | undefined;
  const env = process.env['PORT'];
  const [port, from] = flag !== undefined ? [flag, '--port'] : env !== undefined && env !== '' ? [Number(env), '$PORT'] : [4195, ''];
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HotplugError(ErrorCode.Usage, `${from} must be a port number from 0 to 65535, not '${flag ?? env}'`, { hint: '0 picks a free port' });
  }
  return port;
}

function logLevelOption(args: ParsedArgs): string {
  const flag = args.flags['log-level'] as string | undefined;
  if (args.flags['quiet'] && args.flags['verbose']) throw new HotplugError(ErrorCode.Usage, '--quiet and --verbose contradict each other', { hint: 'pass one of them' });
  const shorthand = args.flags['quiet'] ? 'warn' : args.flags['verbose'] ? 'debug' : undefined;
  if (flag !== undefined && shorthand !== undefined) throw new HotplugError(ErrorCode.Usage, `--log-level and --${args.flags['quiet'] ? 'quiet' : 'verbose'} both set the log level`, { hint: 'pass one of them' });
  const env = process.env['HOTPLUG_LOG_LEVEL'] || undefined;
  const level = flag ?? shorthand ?? env ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new HotplugError(ErrorCode.Usage, `${flag !== undefined ? '--log-level' : '$HOTPLUG_LOG_LEVEL'} must be one of ${LOG_LEVELS.join(', ')}; not '${level}'`);
  }
  return level;
}

/** A listen error a person can act on: the port taken, or the address not on this machine. */
export function explainListenError(err: unknown, o: ServeOptions): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new HotplugError(ErrorCode.Io, `port ${o.port} on ${o.host} is already in use (another 'hotplug dev' or server?)`, {
      hint: `stop it (\`ss -ltnp 'sport = :${o.port}'\` shows which process), or pick another port: --port ${o.port + 1} (or PORT=${o.port + 1}); --port 0 takes any free one`,
    });
  }
  if (code === 'EADDRNOTAVAIL') return new HotplugError(ErrorCode.Io, `${o.host} is not an address of this machine`, { hint: 'use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)' });
  if (code === 'EACCES') return new HotplugError(ErrorCode.Io, `not allowed to listen on port ${o.port}`, { hint: 'ports below 1024 need root; pick a higher one with --port' });
  return err;
}
