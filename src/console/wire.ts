/**
 * What the console's server sends its page (the event stream and the playground's answers). Free of
 * imports beyond plain records, so the page's own type check (src/console/ui) stays small.
 */
import type { RequestRecord } from '../pipeline/http/outcome.js';
export type { RequestRecord };
export type { BrokenFile, ReloadRecord } from '../watch/reload-record.js';

/** A request the console shows in red: a server error, or one whose function failed. */
export function failed(r: RequestRecord): boolean {
  return r.status >= 500 || r.error !== undefined;
}

/** Requests for pages from one flush: the newest few and failures, oldest first; `skipped` were left out. */
export interface RequestBatch {
  requests: RequestRecord[];
  skipped: number;
}

/**
 * The event stream's periodic message (at most one per flush, only when something is in it):
 * new requests, seconds of chart data that closed, plugin processes (once a second).
 */
export interface ConsoleUpdate {
  requests?: RequestBatch;
  points?: ChartPoint[];
  plugins?: PluginView[];
}

/** A component of a stream, as the Routes panel lists it. */
export interface ComponentView {
  /** `input`, `processor`, `output`. */
  role: string;
  type: string;
  label?: string;
  /** True when a plugin (a process of its own) implements it. */
  plugin: boolean;
}

/** One route: which stream serves it and what the stream is made of. */
export interface RouteView {
  path: string;
  methods: string[];
  stream: string;
  file?: string;
  components: ComponentView[];
}

/** One plugin process, as the Plugins panel lists it. */
export interface PluginView {
  name: string;
  kind: string;
  generation: number;
  state: string;
  pid?: number;
  restarts: number;
  inFlight: number;
  /** Older generations still draining. */
  retiring: number;
  cpu?: number;
  rss?: number;
  lastError?: string;
  stderrTail: string;
}

/** One second of one route's traffic (route '*' is every route together). */
export interface RouteSecond {
  route: string;
  count: number;
  errors: number;
  p50: number;
  p99: number;
}

/** A finished second: epoch second `t` and each route that had requests in it. */
export interface ChartPoint {
  t: number;
  routes: RouteSecond[];
}

export type PlaygroundResult =
  | { ok: true; output: string; metadata: Record<string, unknown>; deleted: boolean }
  | { ok: false; stage: 'parse' | 'execute'; error: string; line?: number; col?: number };

