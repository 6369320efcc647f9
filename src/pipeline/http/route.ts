import type { IncomingMessage, ServerResponse } from 'node:http';

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
  handle(req: IncomingMessage, res: ServerResponse, params: PathParams, pathname: string, query: string): void;
}
