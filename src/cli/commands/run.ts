import cluster from 'node:cluster';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { ErrorCode, HotplugError, createLogger, formatDiagnostic, parseDuration, type Logger } from '../../core/index.js';
import { createDevConsole } from '../../console/index.js';
import { createHost, type Host } from '../../host/index.js';
import { parseWorkers, runPrimary, serveAsWorker } from '../../cluster/index.js';
import { createEnvFiles, envFilesOf } from '../env-files.js';
import { logRequests } from '../request-log.js';
import { stopHost } from '../shutdown.js';
import { trapSignals, untilSignalled } from '../signals.js';
import { SERVE_FLAGS, SERVE_HELP, explainListenError, hostServeOptions, serveOptions, type ServeOptions } from './serve-flags.js';

const CLUSTER_HELP = [
  '  --workers N|auto  N worker processes share the port (node:cluster; auto = one per core; default: $HOTPLUG_WORKERS,',
  '                    else one process and no primary). Each worker runs its own plugin processes and batch',
  '                    policies. SIGHUP then rolls the workers onto new code with no refused request',
  '  --follow LINK     each SIGHUP starts workers from the release LINK points at now (a bundle dir,',
  '                    e.g. the deploy dir\'s `current`); implies --workers auto unless told otherwise',
  '  --status-file F   with --workers: the cluster state as JSON, rewritten on every change',
  '  --reload-timeout D  how long new workers get to become ready on SIGHUP (default 60s)',
].join('\n');

const DEFAULT_RELOAD_TIMEOUT_MS = 60_000;
/** A draining worker gets its streams' shutdown budget plus this before it is killed. */
const DRAIN_SLACK_MS = 40_000;

export const runCommand: Command = {
  name: 'run',
  summary: 'Serve a functions dir in production mode (no watching, JSON logs)',
  usage: 'hotplug run [DIR] [--port N] [--host ADDR] [--env-file PATH] [--workers N|auto] [--shutdown-timeout D] [--log-requests] [--console]',
  help: `${SERVE_HELP}\n${CLUSTER_HELP}\n  --console         also serve the dev console at /_hotplug/ (local requests only; off by default;\n                    not with --workers)\n\nA config error stops the start with exit code 1 (run 'hotplug lint DIR' for the full list).\nSIGTERM/SIGINT: stop intake, flush batches, drain, answer pending requests, close plugins, exit 0.\nA stream still stopping after its shutdown_timeout nacks what is pending (503 to its HTTP requests)\nand is force-closed; the exit code is then 1, as Redpanda Connect's.\nWith --workers, SIGHUP starts a new set of workers; once all are ready the old ones drain; if they\ncrash, report a failed plugin or are not ready in time, they are stopped and the old ones keep serving.`,
  flags: { ...SERVE_FLAGS, workers: 'string', follow: 'string', 'status-file': 'string', 'reload-timeout': 'string', console: 'boolean' },
  async run(args) {
    const o = serveOptions(args);
    const log = createLogger({ level: o.logLevel });
    if (cluster.isWorker) {
      const host = await startHost(o, log);
      const code = typeof host === 'number' ? host : await serveAsWorker(host, log, () => stopHost(host, log));
      // The channel to the primary would keep this process alive: let go of it (as a worker that means to, so
      // node:cluster does not exit 0 at once), and a worker that could not start exits with its code.
      if (process.connected) cluster.worker?.disconnect();
      return code;
    }
    const workers = workersOf(args);
    if (workers !== undefined) {
      if (args.flags['console']) throw new HotplugError(ErrorCode.Usage, '--console needs a single process: it shows one host', { hint: 'leave out --workers (or --console)' });
      const reload = args.flags['reload-timeout'] as string | undefined;
      const reloadTimeoutMs = reload === undefined ? DEFAULT_RELOAD_TIMEOUT_MS : parseDuration(reload);
      if (reloadTimeoutMs === undefined) throw new HotplugError(ErrorCode.Usage, `--reload-timeout must be a duration, not '${reload}'`, { hint: 'write it like 60s or 2m' });
      const follow = args.flags['follow'] as string | undefined;
      const statusFile = args.flags['status-file'] as string | undefined;
      return runPrimary({
        workers,
        log,
        argv: process.argv.slice(2),
        dirArg: args.positionals[0],
        follow: follow === undefined ? undefined : resolve(follow),
        statusFile: statusFile === undefined ? undefined : resolve(statusFile),
        reloadTimeoutMs,
        drainTimeoutMs: (o.shutdownTimeoutMs ?? 20_000) + DRAIN_SLACK_MS,
      });
    }
    for (const flag of ['status-file', 'reload-timeout']) {
      if (args.flags[flag] !== undefined) throw new HotplugError(ErrorCode.Usage, `--${flag} needs --workers`, { hint: 'hotplug run DIR --workers auto' });
    }
    // From the first moment: a SIGTERM while the dir loads or plugins start still stops cleanly, once it is safe.
    const trap = trapSignals(() => log.warn('second signal: exiting without draining'));
    const host = await startHost(o, log);
    if (typeof host === 'number') return host;
    process.on('SIGHUP', () => log.warn('SIGHUP ignored: reloads need --workers (a primary that keeps the socket while workers change)'));
    const devConsole = args.flags['console'] ? createDevConsole({ host, log }) : undefined;
    if (devConsole) log.info({ console: devConsole.url() }, 'dev console');
    let code = 0;
    await untilSignalled(
      async (signal) => {
        log.info({ signal }, 'shutting down');
        devConsole?.close();
        code = await stopHost(host, log);
      },
      () => undefined,
      trap,
    );
    return code;
  },
};

function workersOf(args: ParsedArgs): number | undefined {
  const flag = args.flags['workers'] as string | undefined;
  if (flag !== undefined) return parseWorkers(flag);
  const env = process.env['HOTPLUG_WORKERS'];
  if (env !== undefined && env !== '') return parseWorkers(env, '$HOTPLUG_WORKERS');
  // Following a release link only makes sense with a primary: one worker per core then.
  return args.flags['follow'] !== undefined ? parseWorkers('auto') : undefined;
}

/** Starts the host; on a config error prints every error, stops it and returns exit code 1. */
async function startHost(o: ServeOptions, log: Logger): Promise<Host | number> {
  // A cluster worker opens the shared port only once it is ready (serveAsWorker): the socket's other
  // workers keep taking every connection until then.
  const worker = cluster.isWorker;
  // Only files named with --env-file: in production the environment (or the unit's EnvironmentFile) is the source.
  const env = createEnvFiles(envFilesOf(o.envFiles, undefined));
  const envErrors = env.reload();
  if (envErrors.length) {
    process.stderr.write(`${envErrors.map(formatDiagnostic).join('\n')}\nhotplug: ${envErrors.length} error(s) in env files; not serving.\n`);
    return 1;
  }
  const host = createHost({ dir: o.dir, ...hostServeOptions(o), env: env.lookup, pluginEnv: env.vars(), log, listen: !worker });
  if (o.logRequests) logRequests(host.requests, log);
  await host.start().catch(async (err: unknown) => {
    await host.stop();
    throw explainListenError(err, o);
  });
  const errors = host.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    process.stderr.write(`${errors.map(formatDiagnostic).join('\n')}\nhotplug: ${errors.length} config error(s); not serving. Fix them, or use 'hotplug dev' to keep serving the rest while you edit.\n`);
    await host.stop();
    return 1;
  }
  if (!worker) log.info({ url: host.url('/'), streams: host.streamIds().length }, 'serving');
  return host;
}
