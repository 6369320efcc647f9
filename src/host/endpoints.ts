import type { IncomingMessage, ServerResponse } from 'node:http';
import { publicReason } from '../core/index.js';
import { skipBody, type Route } from '../pipeline/index.js';
import type { Host } from './host.js';

/** GET /ping, /ready and /metrics on the shared server. */
export function hostRoutes(host: Host): Route[] {
  const get = (path: string, fn: (res: ServerResponse) => void): Route => ({
    path,
    methods: ['GET', 'HEAD'],
    owner: 'host',
    handle: (req: IncomingMessage, res: ServerResponse) => {
      skipBody(req, res);
      fn(res);
    },
  });
  return [
    get('/ping', (res) => send(res, 200, 'text/plain; charset=utf-8', 'pong\n')),
    get('/ready', (res) => {
      const r = readiness(host);
      const gate = host.readyGate?.();
      const ready = r.ready && (gate?.ready ?? true);
      const body = { ...r.body, ready, ...(gate ? { cluster: gate.detail } : {}) };
      send(res, ready ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
    }),
    get('/metrics', (res) => {
      (host.metricsSource ?? (() => host.metrics.render()))().then(
        (text) => send(res, 200, host.metrics.contentType, text),
        (err: unknown) => send(res, 500, 'text/plain; charset=utf-8', `metrics: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    }),
  ];
}

/**
 * Whether this host serves: running, every stream connected, every plugin up.
 * `failed` names a plugin that crashed or gave up (a new release with it is not worth waiting for).
 */
export function readiness(host: Host): { ready: boolean; failed: string | undefined; body: Record<string, unknown> } {
  const streams = host.health();
  // In production, reasons without internals (stderr tails, socket paths, pids); dev and --ready-details show them.
  if (!host.readyDetails) for (const h of Object.values(streams)) if (h.error !== undefined) h.error = publicReason(h.error);
  const notReady: Record<string, unknown> = {};
  for (const [id, h] of Object.entries(streams)) {
    if (!h.input || !h.output) notReady[id] = h;
  }
  // A plugin still starting (or restarting, or failing to start) cannot serve yet; its last error says why.
  const health = host.pluginHealth();
  const plugins = health
    .filter((p) => p.state !== 'ready' && p.state !== 'draining')
    .map((p) => {
      const error = p.instances[0]?.lastError;
      return { name: p.name, kind: p.kind, state: p.state, ...(error ? { error: host.readyDetails ? error : publicReason(error) } : {}) };
    });
  // Serving, but it crashed or hung before: how often, and the last reason.
  const recovered = health
    .filter((p) => p.state === 'ready' && p.instances.some((i) => i.restarts > 0))
    .map((p) => {
      const lastError = p.instances.find((i) => i.lastError !== undefined)?.lastError;
      return {
        name: p.name,
        state: p.state,
        restarts: p.instances.reduce((n, i) => n + i.restarts, 0),
        deadlineMisses: p.instances.reduce((n, i) => n + i.deadlineMisses, 0),
        ...(lastError !== undefined && { lastError: host.readyDetails ? lastError : publicReason(lastError) }),
      };
    });
  const down = plugins.find((p) => p.state === 'failed' || p.state === 'crashed');
  const failed = down === undefined ? undefined : `plugin ${down.name} ${down.state}${down.error ? `: ${down.error}` : ''}`;
  const ready = host.state() === 'running' && Object.keys(notReady).length === 0 && plugins.length === 0;
  const restarted = recovered.length > 0 ? { restarted: recovered } : {};
  const body = ready ? { ready, streams, ...restarted } : { ready, state: host.state(), notReady, ...(plugins.length > 0 ? { plugins } : {}), ...restarted };
  return { ready, failed, body };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
