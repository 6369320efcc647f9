import type { RequestRecord } from '../pipeline/http/outcome.js';
import type { ChartPoint, RouteSecond } from './wire.js';

export interface RequestLogOptions {
  /** Requests kept for a page that opens (default 500). */
  keep?: number;
  /** Seconds of chart history kept (default 600). */
  seconds?: number;
  /** New requests handed out per flush at most; the rest are counted as skipped (default 50). */
  perFlush?: number;
}

/** Latency samples kept per route and second: enough for a p99, bounded under any load. */
const SAMPLES = 1000;

interface Bucket {
  count: number;
  errors: number;
  ms: number[];
}

/**
 * What the console knows about requests while it is watching: the most
 * recent ones (for a page that opens), those not yet sent to pages (flushed
 * in batches, so a flood of requests costs pages one message per flush), and
 * per-second counts and latencies per route for the charts.
 */
export class RequestLog {
  private readonly keep: number;
  private readonly seconds: number;
  private readonly perFlush: number;
  /** The last `keep` requests, a circular buffer: `next` is where the next one goes. */
  private readonly ring: RequestRecord[] = [];
  private next = 0;
  private pending: RequestRecord[] = [];
  private skipped = 0;
  private open = new Map<number, Map<string, Bucket>>();
  private readonly points: ChartPoint[] = [];

  constructor(opts: RequestLogOptions = {}) {
    this.keep = opts.keep ?? 500;
    this.seconds = opts.seconds ?? 600;
    this.perFlush = opts.perFlush ?? 50;
  }

  add(r: RequestRecord): void {
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.keep;
    if (this.pending.length < this.perFlush) this.pending.push(r);
    else this.skipped++;
    const second = Math.floor((r.time + r.ms) / 1000);
    let routes = this.open.get(second);
    if (!routes) this.open.set(second, (routes = new Map()));
    const failed = r.status >= 500 || r.error !== undefined;
    for (const key of ['*', r.route || '(no route)']) {
      let b = routes.get(key);
      if (!b) routes.set(key, (b = { count: 0, errors: 0, ms: [] }));
      b.count++;
      if (failed) b.errors++;
      if (b.ms.length < SAMPLES) b.ms.push(r.ms);
      else b.ms[Math.floor(Math.random() * SAMPLES)] = r.ms;
    }
  }

  /** The requests kept, oldest first. */
  recent(): RequestRecord[] {
    return this.ring.length < this.keep ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Requests added since the last flush (at most perFlush) and how many more were not included. */
  flush(): { requests: RequestRecord[]; skipped: number } | undefined {
    if (this.pending.length === 0 && this.skipped === 0) return undefined;
    const out = { requests: this.pending, skipped: this.skipped };
    this.pending = [];
    this.skipped = 0;
    return out;
  }

  /** Closes every second before `nowMs`'s and returns them (seconds without requests included, as zeros). */
  closeSeconds(nowMs: number): ChartPoint[] {
    const current = Math.floor(nowMs / 1000);
    const last = this.points.at(-1)?.t;
    const out: ChartPoint[] = [];
    const from = last !== undefined ? last + 1 : Math.min(current - 1, ...this.open.keys());
    for (let t = Math.max(from, current - this.seconds); t < current; t++) {
      const routes = this.open.get(t);
      this.open.delete(t);
      out.push({ t, routes: routes ? [...routes].map(([route, b]) => summarize(route, b)) : [] });
    }
    for (const t of this.open.keys()) if (t < current) this.open.delete(t);
    this.points.push(...out);
    if (this.points.length > this.seconds) this.points.splice(0, this.points.length - this.seconds);
    return out;
  }

  /** The chart history kept, oldest first. */
  history(): ChartPoint[] {
    return [...this.points];
  }
}

function summarize(route: string, b: Bucket): RouteSecond {
  const sorted = b.ms.sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { route, count: b.count, errors: b.errors, p50: round(at(0.5)), p99: round(at(0.99)) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
