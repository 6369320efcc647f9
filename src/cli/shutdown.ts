import type { Logger } from '../core/index.js';
import type { Host } from '../host/index.js';

/** Exit code when a stream's shutdown_timeout passed, as Redpanda Connect exits 1 when its stream fails to stop in time. */
export const EXIT_SHUTDOWN_TIMEOUT = 1;
/** On top of the streams' shutdown_timeout: their force-close grace, the plugins' and the listener's. */
const WATCHDOG_SLACK_MS = 10_000;
/** After a clean stop, how long a handle left open (a socket nobody owns any more) may keep the process alive. */
const LINGER_MS = 2_000;
/** After a timed-out stop, things may still hang by design (a plugin stuck in a call): exit now, as Connect does. */
const TIMED_OUT_LINGER_MS = 100;

/**
 * Stops the host on a signal and returns the exit code: 0 after a clean
 * drain, EXIT_SHUTDOWN_TIMEOUT when a stream's shutdown_timeout passed (its
 * pending batches were nacked; the stream logged how many). A watchdog exits
 * the process should stop() itself not finish in time; the plugin runtime
 * kills its process groups and removes their socket dirs on exit either way.
 */
export async function stopHost(host: Host, log: Logger): Promise<number> {
  const budget = host.shutdownBudgetMs() + WATCHDOG_SLACK_MS;
  const watchdog = setTimeout(() => {
    log.warn({ afterMs: budget }, 'shutdown did not finish in time; exiting now');
    process.exit(EXIT_SHUTDOWN_TIMEOUT);
  }, budget);
  watchdog.unref();
  const report = await host.shutdown();
  clearTimeout(watchdog);
  const code = report.timedOut.length > 0 ? EXIT_SHUTDOWN_TIMEOUT : 0;
  // Should a handle still hold the event loop, do not hang on it. Exiting kills what is left of the
  // plugins and removes their socket dirs (the plugin runtime's exit handler).
  setTimeout(() => process.exit(code), code === 0 ? LINGER_MS : TIMED_OUT_LINGER_MS).unref();
  return code;
}
