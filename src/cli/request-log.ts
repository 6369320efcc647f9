import type { Logger } from '../core/index.js';
import type { RequestEvents, RequestRecord } from '../host/index.js';

/** `POST /hello 500 12ms gen 2 plugin shout: boom (functions/shout/index.ts:4)`: one line per request. */
export function requestLine(r: RequestRecord): string {
  let line = `${r.method} ${r.path} ${r.status} ${r.ms}ms`;
  if (r.generation !== undefined) line += ` gen ${r.generation}`;
  if (r.error !== undefined) line += ` ${firstLine(r.error)}`;
  if (r.location !== undefined) line += ` (${r.location})`;
  return line;
}

/**
 * Logs every finished request (dev, and run with --log-requests): info for
 * answers below 400, warn for 4xx, error for 5xx with the error's text.
 * The host's own endpoints (health and readiness polls, metrics scrapes, the
 * console) are logged at debug only: a 503 from /ready while starting is not
 * a failed request. Returns the unsubscribe function.
 */
export function logRequests(requests: RequestEvents, log: Logger): () => void {
  const rlog = log.child({ component: 'requests' });
  return requests.on((r) => {
    const level = isHostEndpoint(r.path) ? 'debug' : r.status >= 500 ? 'error' : r.status >= 400 ? 'warn' : 'info';
    const fields = {
      method: r.method, path: r.path, status: r.status, ms: r.ms,
      ...(r.stream !== '' && { stream: r.stream }),
      ...(r.generation !== undefined && { generation: r.generation }),
      ...(r.error !== undefined && { error: r.error }),
      ...(r.location !== undefined && { location: r.location }),
    };
    rlog[level](fields, requestLine(r));
  });
}

const HOST_PATHS = new Set(['/ping', '/ready', '/metrics']);

function isHostEndpoint(path: string): boolean {
  const p = path.split('?')[0] ?? path;
  return HOST_PATHS.has(p) || p === '/_hotplug' || p.startsWith('/_hotplug/');
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
