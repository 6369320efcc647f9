import { ErrorCode, formatLocation, type Diagnostic, type SourceLocation } from '../core/errors.js';
import { parseRoutePattern } from '../core/route-pattern.js';
import type { ComponentConf, StreamConf } from '../core/spec.js';

/** One route an `http_server` input claims on the shared server. */
export interface HttpRoute {
  streamId: string;
  /** As written, e.g. `/users/{id}`. */
  path: string;
  /** Upper-case verbs. */
  verbs: string[];
  /** Where the route's path is written (or its http_server key, when the path is the default). */
  location: SourceLocation;
}

/** Served by the host itself on the shared server. */
export const RESERVED_PATHS: readonly string[] = ['/ping', '/ready', '/metrics'];

/** Everything under this prefix is the dev console's (`hotplug dev`, `run --console`); no route may claim it. */
export const RESERVED_PREFIX = '/_hotplug/';

const DEFAULT_PATH = '/post';
const DEFAULT_VERBS = ['POST'];

/**
 * Every http_server input of a stream, including those nested in brokers
 * (or any component holding inputs) and behind `resource:` references.
 */
export function httpRoutes(stream: StreamConf): HttpRoute[] {
  const routes: HttpRoute[] = [];
  const seen = new Set<ComponentConf>();
  const visit = (conf: ComponentConf): void => {
    if (seen.has(conf)) return;
    seen.add(conf);
    if (conf.kind === 'input' && conf.type === 'resource') {
      const target = stream.resources.inputs.get(conf.config as string);
      if (target) visit(target);
      return;
    }
    if (conf.kind === 'input' && conf.type === 'http_server') {
      const config = (conf.config ?? {}) as { path?: unknown; allowed_verbs?: unknown };
      const path = typeof config.path === 'string' ? config.path : DEFAULT_PATH;
      const verbs = Array.isArray(config.allowed_verbs) ? config.allowed_verbs.map((v) => String(v).toUpperCase()) : DEFAULT_VERBS;
      // Located only when asked: locating parses the file's YAML again, on the serving thread (about a
      // second for a 2 MiB pipeline), and the banner and reload plans only need paths and verbs.
      const route = { streamId: stream.id, path, verbs } as HttpRoute;
      let where: SourceLocation | undefined;
      Object.defineProperty(route, 'location', { enumerable: true, get: () => (where ??= conf.locate('path')) });
      routes.push(route);
    }
    for (const nested of nestedComponents(conf.config)) visit(nested);
  };
  visit(stream.input);
  return routes;
}

/**
 * Two paths are the same route when they differ only in parameter names:
 * `/u/{id}` ≡ `/u/{name}`, `/u/{id:[0-9]+}` ≡ `/u/{n:[0-9]+}`. Patterns that
 * merely overlap (`/u/{id}` and `/u/{id:[0-9]+}`, or two different regexes)
 * are different routes: the more specific one wins a request both match.
 */
export function routeKey(path: string): string {
  try {
    return parseRoutePattern(path).key;
  } catch {
    // A path that does not parse was reported where it is written; keep it as its own key.
    return path.startsWith('/') ? path : `/${path}`;
  }
}

/**
 * Reports routes claimed twice (same path up to parameter names, a verb in
 * common), across streams and within one, and routes the host reserves.
 * The first claim (by stream id order) keeps the route; later ones are errors.
 */
export function findRouteClashes(streams: readonly StreamConf[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const claimed = new Map<string, HttpRoute>();
  const sorted = [...streams].sort((a, b) => a.id.localeCompare(b.id));
  for (const route of sorted.flatMap(httpRoutes)) {
    const key = routeKey(route.path);
    const reserved = RESERVED_PATHS.includes(key) || `${key}/`.startsWith(RESERVED_PREFIX);
    if (reserved) {
      out.push({
        severity: 'error',
        code: ErrorCode.RouteClash,
        message: `route ${route.path} is reserved by hotplug`,
        hint: `hotplug serves ${RESERVED_PATHS.join(', ')} and everything under ${RESERVED_PREFIX} (the dev console) itself; choose another path`,
        location: route.location,
      });
      continue;
    }
    for (const verb of route.verbs) {
      const first = claimed.get(`${verb} ${key}`);
      if (!first) {
        claimed.set(`${verb} ${key}`, route);
        continue;
      }
      const same = first.path === route.path ? '' : ` (same as ${first.path})`;
      out.push({
        severity: 'error',
        code: ErrorCode.RouteClash,
        message: `route ${verb} ${route.path}${same} is already claimed by stream '${first.streamId}' at ${formatLocation(first.location)}`,
        hint: 'each path and verb may be served by one http_server input only (parameter names do not make paths differ): change path or allowed_verbs',
        location: route.location,
      });
      break;
    }
  }
  return out;
}

/** ComponentConfs held anywhere in a checked config (broker inputs, switch cases, ...). */
export function nestedComponents(value: unknown): ComponentConf[] {
  const out: ComponentConf[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isComponentConf(v)) out.push(v);
    else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

function isComponentConf(v: unknown): v is ComponentConf {
  return typeof v === 'object' && v !== null && typeof (v as ComponentConf).locate === 'function' && typeof (v as ComponentConf).kind === 'string';
}
