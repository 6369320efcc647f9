import type { ServerResponse } from 'node:http';
import type { Logger } from '../core/index.js';
import type { Host } from '../host/index.js';
import type { BrokenFile, ReloadRecord } from '../watch/index.js';
import type { ConsoleUpdate } from './wire.js';
import { createProcessSampler } from './process-stats.js';
import { RequestLog } from './request-log.js';
import { pluginPids, pluginViews, routeViews } from './views.js';

/** Pages connected at once at most; more get 503. */
const MAX_PAGES = 16;
/** A page that has not read this much of what was sent is dropped (it reconnects and gets a snapshot). */
const MAX_BUFFERED = 1024 * 1024;
/** How often pages get what happened (one message, only when something did). */
const FLUSH_MS = 250;
/** Plugin processes are sampled every this many flushes (once a second). */
const SAMPLE_EVERY = 4;
/** Requests stay recorded this long after the last page closed (a page reload loses nothing). */
export const LINGER_MS = 10_000;
const RELOADS_KEPT = 100;

export type FeedState = 'idle' | 'watching' | 'lingering' | 'closed';

/**
 * The console's event stream (server-sent events). While no page is open it
 * is idle: it does not listen to requests, runs no timer and samples no
 * process, so the hot path pays nothing. The first page starts it: each
 * request is then stored in the request log's ring buffer, and that is all
 * the request path pays. Every 250 ms one timer flushes the log and sends
 * pages one `update` message with what happened: the newest requests and
 * failures (a bounded batch; pages are told how many more there were),
 * chart seconds that closed, and once a second the plugin processes. After
 * the last page goes it lingers 10 s, then idles.
 */
export class ConsoleFeed {
  private current: FeedState = 'idle';
  private readonly pages = new Set<ServerResponse>();
  private readonly requests = new RequestLog();
  private readonly sampler = createProcessSampler();
  private readonly reloads: ReloadRecord[] = [];
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private linger: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: Host,
    private readonly log: Logger,
    private readonly broken: () => BrokenFile[],
    private readonly lingerMs = LINGER_MS,
  ) {}

  state(): FeedState {
    return this.current;
  }

  /** Adds a page: answers with an event stream that starts with a snapshot of everything. */
  open(res: ServerResponse): void {
    if (this.current === 'closed' || this.pages.size >= MAX_PAGES) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(this.current === 'closed' ? 'shutting down\n' : `at most ${MAX_PAGES} console pages at once\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.socket?.setNoDelay(true);
    this.pages.add(res);
    res.on('close', () => this.leave(res));
    this.watch();
    this.send(res, 'snapshot', {
      routes: routeViews(this.host),
      plugins: pluginViews(this.host, this.sampler.sample(pluginPids(this.host))),
      requests: this.requests.recent(),
      points: this.requests.history(),
      reloads: this.reloads,
      broken: this.broken(),
    });
  }

  /** A reload finished: pages get it with the routes as they are now. */
  reloaded(record: ReloadRecord): void {
    this.reloads.push(record);
    if (this.reloads.length > RELOADS_KEPT) this.reloads.shift();
    if (this.pages.size > 0) this.broadcast('reload', { record, routes: routeViews(this.host) });
  }

  /** Ends every page's stream and stops watching. Idempotent. */
  close(): void {
    this.current = 'closed';
    for (const res of this.pages) res.end();
    this.pages.clear();
    this.idle();
  }

  private watch(): void {
    if (this.linger) clearTimeout(this.linger);
    this.linger = undefined;
    if (this.current === 'watching') return;
    if (this.current === 'idle') {
      const log = this.requests;
      this.unsubscribe = this.host.requests.on((r) => log.add(r));
      this.timer = setInterval(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
    this.current = 'watching';
  }

  private leave(res: ServerResponse): void {
    if (!this.pages.delete(res) || this.pages.size > 0 || this.current !== 'watching') return;
    this.current = 'lingering';
    this.linger = setTimeout(() => this.idle(), this.lingerMs);
    this.linger.unref();
  }

  private idle(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.linger) clearTimeout(this.linger);
    this.linger = undefined;
    if (this.current !== 'closed') this.current = 'idle';
  }

  private flush(): void {
    const update: ConsoleUpdate = {};
    const batch = this.requests.flush();
    if (batch) update.requests = batch;
    const points = this.requests.closeSeconds(Date.now());
    if (points.length > 0) update.points = points;
    if (this.pages.size === 0) return;
    if (++this.flushes % SAMPLE_EVERY === 0) update.plugins = pluginViews(this.host, this.sampler.sample(pluginPids(this.host)));
    if (update.requests || update.points || update.plugins) this.broadcast('update', update);
  }

  private broadcast(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const res of this.pages) this.write(res, text);
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    this.write(res, frame(event, data));
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableLength > MAX_BUFFERED) {
      this.log.warn('a console page is not keeping up with its event stream; dropping it (it reconnects)');
      res.destroy();
      return;
    }
    res.write(text);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
