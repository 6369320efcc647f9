import { errorMessage, type Logger } from '../core/index.js';
import type { Host } from '../host/index.js';
import { readiness } from '../host/endpoints.js';
import { isHotplugMessage, type ClusterView, type MetricsAnswer, type ToWorker, type WorkerReady } from './messages.js';

/** How often a worker looks at its own readiness (it reports only changes). */
const REPORT_EVERY_MS = 200;
/** A draining worker closes a keep-alive connection once it has been idle this long. */
export const IDLE_GRACE_MS = 2000;
/** And stops waiting for busy ones after this long (stop() then cuts them). */
const DRAIN_MAX_MS = 30_000;
/** A scrape waits this long for the primary (which waits up to 2 s per worker). */
const METRICS_TIMEOUT_MS = 5000;

/**
 * The worker side of `hotplug run --workers`: the host (already started) reports
 * its readiness to the primary, folds the cluster's into /ready, and serves until
 * the primary says drain (a reload or a stop), a signal arrives, or the primary
 * is gone. Then it stops accepting, lets open connections finish, stops the host
 * as `run` does and resolves with the exit code `stop` returns.
 */
export async function serveAsWorker(host: Host, log: Logger, stop: () => Promise<number>): Promise<number> {
  let view: ClusterView | undefined;
  let draining = false;
  host.readyGate = () =>
    draining ? { ready: false, detail: { state: 'draining' } } : view ? { ready: view.ready, detail: view.detail } : { ready: false, detail: { state: 'waiting for the primary' } };
  let last = '';
  let listening: 'no' | 'opening' | 'yes' = 'no';
  const report = (): void => {
    const r = readiness(host);
    // Join the shared socket once ready, and report ready once listening: a half-started worker takes no connection.
    if (r.ready && listening === 'no') {
      listening = 'opening';
      host.listen().then(
        () => {
          listening = 'yes';
          log.info({ url: host.url('/'), streams: host.streamIds().length, worker: process.pid }, 'serving');
          report();
        },
        (err: unknown) => {
          log.error({ err: errorMessage(err) }, 'this worker could not listen; exiting');
          process.exit(1);
        },
      );
    }
    const msg: WorkerReady = { hotplug: 'ready', ready: r.ready && listening === 'yes', ...(r.failed !== undefined ? { failed: r.failed } : {}) };
    const key = JSON.stringify(msg);
    if (key === last || !process.connected) return;
    last = key;
    process.send?.(msg);
  };
  const metrics = clusterMetrics();
  host.metricsSource = metrics.scrape;
  report();
  const timer = setInterval(report, REPORT_EVERY_MS);
  // Reloads are the primary's business; a hangup of the terminal must not kill a worker.
  process.on('SIGHUP', () => {});
  const reason = await new Promise<string>((resolve) => {
    process.on('message', (m: unknown) => {
      if (!isHotplugMessage<ToWorker>(m)) return;
      if (m.hotplug === 'cluster') view = m;
      else if (m.hotplug === 'collect') void host.metrics.json().then((json) => process.connected && process.send?.({ hotplug: 'metrics-json', id: m.id, json }));
      else if (m.hotplug === 'metrics') metrics.answered(m);
      else if (m.hotplug === 'drain') resolve('asked by the primary');
    });
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('disconnect', () => resolve('the primary is gone'));
  });
  clearInterval(timer);
  draining = true;
  log.info({ reason }, 'worker draining: no new connections, finishing open ones');
  await host.drainConnections(IDLE_GRACE_MS, DRAIN_MAX_MS);
  return stop();
}

/** GET /metrics on a worker: the primary sums every worker's metrics and answers (see metrics-hub.ts). */
function clusterMetrics(): { scrape: () => Promise<string>; answered: (m: MetricsAnswer) => void } {
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  return {
    scrape: () =>
      new Promise<string>((resolve, reject) => {
        if (!process.connected) {
          reject(new Error('the cluster primary is gone'));
          return;
        }
        const id = ++next;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the cluster primary did not answer in time'));
        }, METRICS_TIMEOUT_MS);
        waiting.set(id, {
          resolve: (text) => (clearTimeout(timer), resolve(text)),
          reject: (err) => (clearTimeout(timer), reject(err)),
        });
        process.send?.({ hotplug: 'metrics?', id });
      }),
    answered: (m) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.text !== undefined) w?.resolve(m.text);
      else w?.reject(new Error(m.error ?? 'no metrics'));
    },
  };
}
