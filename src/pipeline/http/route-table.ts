import { ErrorCode, HotplugError } from '../../core/index.js';
import type { PathParams, Route } from './route.js';

interface Pattern {
  segments: string[];
  /** Parameter name per segment, or undefined for a literal segment. */
  params: Array<string | undefined>;
  route: Route;
}

export interface RouteMatch {
  route: Route;
  params: PathParams;
}

/**
 * An immutable snapshot of every route, by owner. Changing routes builds a
 * new table, which the server swaps in with one assignment: a request is
 * matched against one table or the other, never a half-updated one.
 */
export class RouteTable {
  private readonly exact = new Map<string, Route>();
  private readonly patterns: Pattern[] = [];

  constructor(readonly byOwner: ReadonlyMap<string, readonly Route[]>) {
    const seen = new Map<string, Route>();
    for (const routes of byOwner.values()) {
      for (const route of routes) {
        const shape = route.path.replace(/\{[^}]*\}/g, '{}');
        const other = seen.get(shape);
        if (other) {
          throw new HotplugError(ErrorCode.RouteClash, `route ${route.path} of ${route.owner} clashes with ${other.path} of ${other.owner}`, {
            hint: 'give one of the http_server inputs another path',
          });
        }
        seen.set(shape, route);
        if (!route.path.includes('{')) {
          this.exact.set(route.path, route);
          continue;
        }
        const segments = route.path.split('/');
        this.patterns.push({ segments, params: segments.map((s) => /^\{([^}:]+)(?::[^}]*)?\}$/.exec(s)?.[1]), route });
      }
    }
  }

  match(pathname: string): RouteMatch | undefined {
    const route = this.exact.get(pathname);
    if (route !== undefined) return { route, params: undefined };
    if (this.patterns.length === 0) return undefined;
    const segs = pathname.split('/');
    for (const p of this.patterns) {
      if (p.segments.length !== segs.length) continue;
      let params: Record<string, string> | undefined = {};
      for (let i = 0; i < segs.length && params; i++) {
        const name = p.params[i];
        const seg = segs[i] as string;
        if (name === undefined) {
          if (seg !== p.segments[i]) params = undefined;
        } else if (seg === '') {
          params = undefined;
        } else {
          params[name] = safeDecode(seg);
        }
      }
      if (params) return { route: p.route, params };
    }
    return undefined;
  }

  /**
   * A new table with `owner`'s routes replaced (or removed when `routes` is
   * empty); `previousOwner`'s routes are removed in the same step (a renamed
   * stream). Throws on a clash.
   */
  with(owner: string, routes: readonly Route[], previousOwner?: string): RouteTable {
    const next = new Map(this.byOwner);
    if (previousOwner !== undefined) next.delete(previousOwner);
    if (routes.length === 0) next.delete(owner);
    else next.set(owner, routes);
    return new RouteTable(next);
  }

  /** Every route, for the dev banner and /ready. */
  all(): Route[] {
    return [...this.byOwner.values()].flat();
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
