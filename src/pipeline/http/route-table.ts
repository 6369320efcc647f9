import { ErrorCode, HotplugError } from '../../core/index.js';
import { parseRoutePattern, RoutePatternError, type RoutePattern, type RouteSegment } from '../../core/route-pattern.js';
import type { PathParams, Route } from './route.js';

interface Pattern {
  segments: readonly RouteSegment[];
  route: Route;
}

export interface RouteMatch {
  route: Route;
  params: PathParams;
}

// A route's pattern (and its regexes) is compiled once per Route, not once per table: tables are rebuilt on every reload.
const compiled = new WeakMap<Route, RoutePattern>();

function patternOf(route: Route): RoutePattern {
  let p = compiled.get(route);
  if (p === undefined) {
    try {
      p = parseRoutePattern(route.path);
    } catch (err) {
      if (!(err instanceof RoutePatternError)) throw err;
      throw new HotplugError(ErrorCode.InvalidValue, `route ${route.path} of ${route.owner}: ${err.message}`, { hint: err.hint });
    }
    compiled.set(route, p);
  }
  return p;
}

/**
 * An immutable snapshot of every route, by owner. Changing routes builds a
 * new table, which the server swaps in with one assignment: a request is
 * matched against one table or the other, never a half-updated one.
 *
 * Matching: a path without parameters is one map lookup. Otherwise patterns
 * with as many segments as the request are tried most specific first,
 * segment by segment from the left: a literal beats `{name:regex}`, which
 * beats `{name}` (so `/users/me` wins over `/users/{id:[0-9]+}`, which wins
 * over `/users/{name}`). Two different regexes in the same place are tried
 * in the order of their text; patterns that differ only in parameter names
 * clash.
 */
export class RouteTable {
  private readonly exact = new Map<string, Route>();
  private readonly bySize = new Map<number, Pattern[]>();

  constructor(readonly byOwner: ReadonlyMap<string, readonly Route[]>) {
    const seen = new Map<string, Route>();
    const keyed: Array<{ pattern: RoutePattern; route: Route }> = [];
    for (const routes of byOwner.values()) {
      for (const route of routes) {
        const pattern = patternOf(route);
        const other = seen.get(pattern.key);
        if (other) {
          throw new HotplugError(ErrorCode.RouteClash, `route ${route.path} of ${route.owner} clashes with ${other.path} of ${other.owner}`, {
            hint: 'give one of the http_server inputs another path',
          });
        }
        seen.set(pattern.key, route);
        if (pattern.hasParams) keyed.push({ pattern, route });
        else this.exact.set(pattern.path.startsWith('/') ? pattern.path : `/${pattern.path}`, route);
      }
    }
    keyed.sort((a, b) => compareSpecificity(a.pattern, b.pattern));
    for (const { pattern, route } of keyed) {
      const n = pattern.segments.length;
      const list = this.bySize.get(n) ?? [];
      list.push({ segments: pattern.segments, route });
      this.bySize.set(n, list);
    }
  }

  match(pathname: string): RouteMatch | undefined {
    const route = this.exact.get(pathname);
    if (route !== undefined) return { route, params: undefined };
    if (this.bySize.size === 0) return undefined;
    const segs = pathname.split('/');
    const candidates = this.bySize.get(segs.length);
    if (candidates === undefined) return undefined;
    for (const p of candidates) {
      const params = matchSegments(p.segments, segs);
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

function matchSegments(pattern: readonly RouteSegment[], segs: readonly string[]): Record<string, string> | undefined {
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segs.length; i++) {
    const want = pattern[i] as RouteSegment;
    const seg = segs[i] as string;
    if (want.kind === 'literal') {
      if (seg !== want.text) return undefined;
      continue;
    }
    // A parameter never matches an empty segment (`/users/` is not `/users/{id}`).
    if (seg === '') return undefined;
    const value = safeDecode(seg);
    if (want.regex !== undefined && !want.regex.test(value)) return undefined;
    (params ??= {})[want.name] = value;
  }
  return params;
}

// Literal (0) before regex parameter (1) before plain parameter (2), from the left; then by text, for a stable order.
function compareSpecificity(a: RoutePattern, b: RoutePattern): number {
  const rank = (s: RouteSegment): number => (s.kind === 'literal' ? 0 : s.regex ? 1 : 2);
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = rank(a.segments[i] as RouteSegment) - rank(b.segments[i] as RouteSegment);
    if (d !== 0) return d;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
