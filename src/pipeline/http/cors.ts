import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldSpec, SpecProblem } from '../../core/index.js';

/** `http_server.cors`, Redpanda Connect's two fields. */
export interface CorsConf {
  enabled?: boolean;
  allowed_origins?: string[];
}

export const corsField: FieldSpec = {
  name: 'cors',
  type: 'object',
  default: {},
  description: 'Cross-Origin Resource Sharing: answers preflight OPTIONS requests and adds Access-Control-Allow-Origin for allowed origins.',
  fields: [
    { name: 'enabled', type: 'bool', default: false },
    { name: 'allowed_origins', type: 'string', kind: 'list', default: [], description: 'Origins allowed to call the route, e.g. https://app.example.com; `*` allows any.' },
  ],
};

/** Connect refuses an enabled cors without origins; so does hotplug, at load. */
export function corsProblems(conf: CorsConf | undefined): SpecProblem[] {
  if (conf?.enabled !== true || (conf.allowed_origins ?? []).length > 0) return [];
  return [{ severity: 'error', message: 'cors is enabled but allows no origin', path: 'cors.allowed_origins', hint: 'list the origins, e.g. allowed_origins: [ https://app.example.com ], or "*" for any' }];
}

/**
 * The CORS answers of one route. A preflight (OPTIONS with
 * Access-Control-Request-Method) is answered 204 here and never reaches the
 * stream; other requests from an allowed origin get
 * Access-Control-Allow-Origin on whatever the stream answers.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(
    origins: readonly string[],
    private readonly methods: readonly string[],
  ) {
    this.any = origins.includes('*');
    this.origins = new Set(origins);
  }

  /** The Access-Control-Allow-Origin value for a request's Origin; undefined when it is not allowed. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.any) return '*';
    return this.origins.has(origin) ? origin : undefined;
  }

  isPreflight(req: IncomingMessage): boolean {
    return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  }

  /** Answers a preflight: 204, with the allow headers only for an allowed origin (the browser then blocks the call). */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    const allow = this.allowOrigin(req.headers.origin);
    const headers: Record<string, string> = { 'Content-Length': '0', Vary: 'Origin' };
    if (allow !== undefined) {
      headers['Access-Control-Allow-Origin'] = allow;
      headers['Access-Control-Allow-Methods'] = (this.methods.length > 0 ? this.methods : DEFAULT_METHODS).join(', ');
      // The headers the page asked for are allowed: the route reads every header as metadata anyway.
      const asked = req.headers['access-control-request-headers'];
      if (asked !== undefined && asked !== '') headers['Access-Control-Allow-Headers'] = asked;
    }
    res.writeHead(204, headers);
    res.end();
  }

  /** Sets Access-Control-Allow-Origin on the response to come, for an allowed origin. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    const allow = this.allowOrigin(req.headers.origin);
    if (allow === undefined) return;
    res.setHeader('Access-Control-Allow-Origin', allow);
    if (allow !== '*') res.setHeader('Vary', 'Origin');
  }
}

// Connect's list, for a route that takes any verb.
const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
