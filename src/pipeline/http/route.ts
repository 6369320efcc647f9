import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRoutePattern } from '../../core/route-pattern.js';
import type { CorsPolicy } from './cors.js';

/** Path parameters of a matched `{param}` route; undefined for exact routes. */
export type PathParams = Record<string, string> | undefined;

/** One HTTP endpoint on the shared server. */
export interface Route {
  /** `/post`, `/users/{id}`. */
  readonly path: string;
  /** Verbs the route answers (others get 405); empty = any. */
  readonly methods: readonly string[];
  /** What owns it, for clash messages and the dev banner (`stream orders/ingest`). */
  readonly owner: string;
  /** The stream that serves it (for request records and metrics); absent for the host's own routes. */
  readonly stream?: string;
  /** Set when the route answers CORS preflights (OPTIONS) and adds Access-Control-Allow-Origin. */
  readonly cors?: CorsPolicy;
  handle(req: IncomingMessage, res: ServerResponse, params: PathParams, pathname: string, query: string): void;
}

/**
 * `http_server.path`, checked at load: throws RoutePatternError (offset in the
 * path, hint) for a pattern the route table could not serve; the path is
 * handed on as written.
 */
export function checkRoutePath(path: string): string {
  parseRoutePattern(path);
  return path;
}
