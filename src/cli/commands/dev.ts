import type { Command } from '../command.js';
import { createLogger, displayPath, formatDiagnostic, type Logger, type PluginManifest, type StreamConf } from '../../core/index.js';
import { DIR_SCHEMA, writeDirSchema } from '../../scaffold/project-files.js';
import { createDevConsole } from '../../console/index.js';
import { createHost, withPluginEnv, type Host } from '../../host/index.js';
import { brokenFiles, createDevWatcher, pluginsUsed, snapshotFiles, type DevWatcher, type ReloadTarget } from '../../watch/index.js';
import { devBanner } from '../banner.js';
import { createEnvFiles, envFilesOf } from '../env-files.js';
import { inspectBanner, inspectManifest, inspectTargets, type InspectTarget } from '../inspect.js';
import { logRequests } from '../request-log.js';
import { stopHost } from '../shutdown.js';
import { trapSignals, untilSignalled } from '../signals.js';
import { SERVE_FLAGS, SERVE_HELP, explainListenError, hostServeOptions, serveOptions } from './serve-flags.js';

/**
 * Keeps DIR/.hotplug/pipeline.schema.json in step with the dir's plugins, for editors; a read-only
 * dir only warns. The schema is made again only when a plugin's name, kind or fields changed: it runs
 * on the serving thread at every reload, and most reloads are code saves.
 */
function schemaRefresher(dir: string, log: Logger): (manifests: readonly PluginManifest[]) => void {
  let written: string | undefined;
  return (manifests) => {
    const key = JSON.stringify(manifests.map((m) => [m.name, m.type, m.fields]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    if (key === written) return;
    try {
      writeDirSchema(dir, manifests);
      written = key;
    } catch (err) {
      log.warn(`could not write ${DIR_SCHEMA} for editors: ${(err as Error).message}`);
    }
  };
}

/** The host as the dev watcher sees it. */
function reloadTarget(host: Host, refreshSchema: (manifests: readonly PluginManifest[]) => void, log: Logger): ReloadTarget {
  return {
    setManifests: (ms: PluginManifest[]) => {
      ms.forEach((m) => host.plugins.register(m));
      refreshSchema(ms);
    },
    swapPlugin: async (m) => {
      await host.reloadPlugin(m);
      // A stream whose input had finished runs again with the new code, as `node --watch` reruns a script.
      for (const id of host.streamIds()) {
        const conf = host.streamConf(id);
        if (conf && host.stream(id)?.finished() && pluginsUsed(conf, new Set([m.name])).size > 0) {
          await host.replaceStream(id, conf);
          log.info({ stream: id }, `stream ${id} had finished; running it again with the new ${m.name}`);
        }
      }
    },
    startStream: async (conf: StreamConf) => {
      await host.startStream(conf);
    },
    replaceStream: (oldId, conf) => host.replaceStream(oldId, conf),
    stopStream: (id) => host.removeStream(id),
  };
}

export const devCommand: Command = {
  name: 'dev',
  summary: 'Serve a functions dir and hot-reload plugins and pipelines on save',
  usage: 'hotplug dev [DIR] [--port N] [--host ADDR] [--env-file PATH] [--inspect NAME[:PORT]] [--quiet|--verbose] [--shutdown-timeout D] [--no-console]',
  help: `${SERVE_HELP}\n  --no-console      do not serve the dev console at /_hotplug/\n  --inspect NAME[:PORT]\n                    run plugin NAME under a debugger on 127.0.0.1:PORT (node/TS: the node inspector, default\n                    9229; python: debugpy, default 5678); the port stays across reloads (repeatable)\n\nThe dev console (http://HOST:PORT/_hotplug/, local requests only; GET / redirects there) shows routes\nwith a "try it" form, requests, plugin processes, reloads, charts and an expression playground.\nA broken edit is reported with its file:line:col and the previous version keeps serving.\nCtrl-C stops like 'hotplug run' does on SIGTERM. A reload stops the old version of a pipeline\nwithin its shutdown_timeout too.`,
  flags: { ...SERVE_FLAGS, 'no-console': 'boolean', inspect: 'list' },
  async run(args) {
    const o = serveOptions(args, 'dev');
    const log = createLogger({ level: o.logLevel, pretty: Boolean(process.stderr.isTTY) });
    // From the first moment: a SIGTERM while plugins or the watcher start still drains and cleans up.
    const trap = trapSignals(() => log.warn('second signal: exiting without draining'));
    // DIR/.env unless --env-file names files: read again on every reload (a broken one keeps its previous values).
    const env = createEnvFiles(envFilesOf(o.envFiles, o.dir));
    const host = createHost({ ...hostServeOptions(o), env: env.lookup, readyDetails: true, log, plugins: { warmFromStart: true } });
    logRequests(host.requests, log);
    // Read, parsed and checked on a worker thread, where `${VAR}` sees the environment and the env files' values.
    const loader = host.dirLoader(() => ({ ...env.vars(), ...process.env }));
    const load = async () => {
      const envErrors = env.reload();
      const loaded = await loader.load(o.dir);
      const manifests = loaded.manifests.map((m) => inspectManifest(withPluginEnv(m, env.vars()), inspected));
      return { ...loaded, manifests, diagnostics: [...envErrors, ...loaded.diagnostics] };
    };
    let inspected: InspectTarget[] = [];
    const envPaths = env.specs.map((s) => s.path);
    // Taken before loading: a save while dev starts is applied once the watcher is ready.
    const initialFiles = snapshotFiles(o.dir, envPaths);
    let initial = await load();
    const inspect = (args.flags['inspect'] as string[] | undefined) ?? [];
    if (inspect.length) {
      inspected = await inspectTargets(inspect, initial.manifests).catch(async (err: unknown) => {
        await host.stop(); // the loader's worker thread would keep the process alive
        throw err;
      });
      initial = { ...initial, manifests: initial.manifests.map((m) => inspectManifest(m, inspected)) };
    }
    const names = Object.keys(env.vars());
    if (names.length) log.info(`env: ${names.length} variable(s) from ${envPaths.map((p) => displayPath(p)).join(', ')} (the environment's own values win)`);
    for (const d of initial.diagnostics) (d.severity === 'error' ? log.error.bind(log) : log.warn.bind(log))(formatDiagnostic(d));
    initial.manifests.forEach((m) => host.plugins.register(m));
    const refreshSchema = schemaRefresher(o.dir, log);
    refreshSchema(initial.manifests);
    await host.start().catch(async (err: unknown) => {
      await host.stop();
      throw explainListenError(err, o);
    });
    let watcher: DevWatcher | undefined;
    const devConsole = args.flags['no-console'] ? undefined : createDevConsole({ host, log, broken: () => watcher?.broken() ?? brokenFiles(initial.diagnostics) });
    for (const conf of initial.streams) {
      try {
        host.addStream(conf);
      } catch (err) {
        log.error(`stream ${conf.id}: ${(err as Error).message}`);
      }
    }
    if (!trap.signalled()) {
      watcher = createDevWatcher({ dir: o.dir, target: reloadTarget(host, refreshSchema, log), initial, initialFiles, envFiles: envPaths, load, log, ...(devConsole && { onReload: (r) => devConsole.reloaded(r) }) });
      if ((await Promise.race([watcher.ready.then(() => 'ready'), trap.received])) === 'ready') {
        const banner = devBanner({ url: host.url(''), dir: o.dir, streams: initial.streams, manifests: initial.manifests, ...(devConsole && { console: devConsole.url() }) });
        // Off a terminal the logs are JSON lines (`2>&1 | jq`): the banner is one of them rather than text in between.
        if (process.stderr.isTTY) process.stderr.write(`${banner}\n`);
        else log.info({ banner: banner.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim()) }, 'dev banner');
        for (const t of inspected) log.info({ plugin: t.name, port: t.port }, inspectBanner(t));
        log.info({ url: host.url('/') }, 'ready; watching for changes');
      }
    }
    let code = 0;
    await untilSignalled(
      async (signal) => {
        log.info({ signal }, 'shutting down');
        await watcher?.close();
        devConsole?.close();
        code = await stopHost(host, log);
      },
      () => undefined,
      trap,
    );
    return code;
  },
};
