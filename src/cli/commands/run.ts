import type { Command } from '../command.js';
import { createLogger, formatDiagnostic } from '../../core/index.js';
import { createHost } from '../../host/index.js';
import { logRequests } from '../request-log.js';
import { stopHost } from '../shutdown.js';
import { untilSignalled } from '../signals.js';
import { SERVE_FLAGS, SERVE_HELP, serveOptions } from './serve-flags.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'Serve a functions dir in production mode (no watching, JSON logs)',
  usage: 'hotplug run [DIR] [--port N] [--host ADDR] [--shutdown-timeout D] [--log-requests]',
  help: `${SERVE_HELP}\n\nA config error stops the start with exit code 1 (run 'hotplug lint DIR' for the full list).\nSIGTERM/SIGINT: stop intake, flush batches, drain, answer pending requests, close plugins, exit 0.\nA stream still stopping after its shutdown_timeout nacks what is pending (503 to its HTTP requests)\nand is force-closed; the exit code is then 1, as Redpanda Connect's.`,
  flags: SERVE_FLAGS,
  async run(args) {
    const o = serveOptions(args);
    const log = createLogger({ level: o.logLevel });
    const host = createHost({ dir: o.dir, port: o.port, host: o.host, log, ...(o.shutdownTimeoutMs !== undefined && { shutdownTimeoutMs: o.shutdownTimeoutMs }) });
    if (o.logRequests) logRequests(host.requests, log);
    await host.start();
    const errors = host.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      process.stderr.write(`${errors.map(formatDiagnostic).join('\n')}\nhotplug: ${errors.length} config error(s); not serving. Fix them, or use 'hotplug dev' to keep serving the rest while you edit.\n`);
      await host.stop();
      return 1;
    }
    log.info({ url: host.url('/'), streams: host.streamIds().length }, 'serving');
    let code = 0;
    await untilSignalled(
      async (signal) => {
        log.info({ signal }, 'shutting down');
        code = await stopHost(host, log);
      },
      () => log.warn('second signal: exiting without draining'),
    );
    return code;
  },
};
