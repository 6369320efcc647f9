import type { RequestRecord } from '../pipeline/http/outcome.js';
import { failed, type ChartPoint, type RequestBatch, type RouteSecond } from './wire.js';

export interface RequestLogOptions {
  /** Requests kept for a page that opens (default 500). */
  keep?: number;
  /** Seconds of chart history kept (default 600). */
  seconds?: number;
  /** Newest requests handed out per flush at most, and failures at most besides them (default 25 each). */
  perFlush?: number;
  /** Requests the ring holds between two flushes (default 8192: 32,000 requests/s at a flush every 250 ms). */
  ring?: number;
}

/** Latency samples kept per route and second: enough for a p99, bounded under any load. */
const SAMPLES = 1000;

interface Bucket {
  count: number;
  errors: number;
  ms: number[];
}

/**
 * What the console knows about requests while a page is open. On the request path it only stores the
 * record in a ring buffer (a slot and a counter: nothing sorted, nothing allocated, nothing sent). The
 * periodic flush does the rest, once for many requests: per-second counts and latencies per route for
 * the charts, the most recent ones for a page that opens, and a batch for open pages — the newest few
 * and failures (a flood of requests costs pages one small message per flush, and no failure is lost
 * among successes unless failures alone exceed the batch).
 */
export class RequestLog {
  private readonly keep: number;
  private readonly seconds: number;
  private readonly perFlush: number;
  /** Every request lands here: slot `added % ring.length`. */
  private readonly ring: Array<RequestRecord | undefined>;
  private added = 0;
  /** `added` at the last flush. */
  private flushed = 0;
  /** The last `keep` flushed requests, oldest first. */
  private kept: RequestRecord[] = [];
  private readonly open = new Map<number, Map<string, Bucket>>();
  private readonly points: ChartPoint[] = [];

  constructor(opts: RequestLogOptions = {}) {
    this.keep = opts.keep ?? 500;
    this.seconds = opts.seconds ?? 600;
    this.perFlush = opts.perFlush ?? 25;
    this.ring = new Array<RequestRecord | undefined>(opts.ring ?? 8192);
  }

  /** The request path's whole share of the console's work. */
  add(r: RequestRecord): void {
    this.ring[this.added++ % this.ring.length] = r;
  }

  /**
   * Takes in the requests added since the last flush (into the chart buckets and the kept ones) and
   * returns the batch for pages: the newest `perFlush` and up to `perFlush` failures among the others,
   * oldest first, and how many were left out. Undefined when none were added.
   */
  flush(): RequestBatch | undefined {
    const fresh = this.added - this.flushed;
    if (fresh === 0) return undefined;
    const size = this.ring.length;
    // More than the ring holds since the last flush: the oldest are gone, counted without their details.
    const lost = Math.max(0, fresh - size);
    const records: RequestRecord[] = [];
    for (let i = this.flushed + lost; i < this.added; i++) {
      const r = this.ring[i % size]!;
      this.ring[i % size] = undefined;
      records.push(r);
      this.count(r);
    }
    this.flushed = this.added;
    if (lost > 0) this.countLost(lost);
    this.kept = this.kept.concat(records.slice(-this.keep));
    if (this.kept.length > this.keep) this.kept = this.kept.slice(-this.keep);
    const newest = records.slice(-this.perFlush);
    const failures = records.slice(0, -this.perFlush).filter(failed).slice(-this.perFlush);
    const requests = failures.length === 0 ? newest : [...failures, ...newest].sort((a, b) => a.time + a.ms - (b.time + b.ms));
    return { requests, skipped: fresh - requests.length };
  }

  /** The requests kept (those flushed), oldest first. */
  recent(): RequestRecord[] {
    return [...this.kept];
  }

  /** Closes every second before `nowMs`'s and returns them (seconds without requests included, as zeros). Flush first. */
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

  private bucket(second: number, route: string): Bucket {
    let routes = this.open.get(second);
    if (!routes) this.open.set(second, (routes = new Map()));
    let b = routes.get(route);
    if (!b) routes.set(route, (b = { count: 0, errors: 0, ms: [] }));
    return b;
  }

  private count(r: RequestRecord): void {
    const second = Math.floor((r.time + r.ms) / 1000);
    const bad = failed(r);
    for (const key of ['*', r.route || '(no route)']) {
      const b = this.bucket(second, key);
      b.count++;
      if (bad) b.errors++;
      if (b.ms.length < SAMPLES) b.ms.push(r.ms);
      else b.ms[Math.floor(Math.random() * SAMPLES)] = r.ms;
    }
  }

  /** Requests that came and went between two flushes: they count in the current second of all routes. */
  private countLost(n: number): void {
    this.bucket(Math.floor(Date.now() / 1000), '*').count += n;
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
