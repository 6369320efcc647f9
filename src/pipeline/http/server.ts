import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { Logger } from '../../core/index.js';
import { type RequestSink, watchOutcome } from './outcome.js';
import type { Route } from './route.js';
import { RouteTable } from './route-table.js';
import { skipBody } from './early-answer.js';

/** What a mounted prefix answers (the dev console under /_hotplug/). */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, pathname: string, query: string) => void;

export interface HttpServerOptions {
  /** Default 4195; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  log: Logger;
  /** Told about every finished request while it is `watching` (the host's request events). */
  requests?: RequestSink;
  /** Time a client has to send a request's headers (default 10 s; slowloris). */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, headers and body (default 60 s). Past either, 408 and the connection closes. */
  requestTimeoutMs?: number;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The one node:http server every stream shares. Streams do not own the
 * listener: they own routes, which are swapped in and out atomically
 * (`setRoutes`), so a stream can be replaced while the listener keeps
 * accepting connections.
 */
export class HttpServer {
  private table = new RouteTable(new Map());
  private readonly server: Server;
  private closing: Promise<void> | undefined;
  /** Set while draining: every answer closes its connection, so clients move to another listener. */
  private draining = false;
  /** Open connections: requests in progress and when the last one ended (for closing only long-idle ones on drain). */
  private readonly sockets = new Map<Socket, { busy: number; last: number }>();
  private listening: Promise<AddressInfo> | undefined;
  private mounted: { prefix: string; handle: MountHandler } | undefined;

  constructor(private readonly opts: HttpServerOptions) {
    const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.server = createServer(
      {
        keepAliveTimeout: 65_000,
        requestTimeout,
        headersTimeout: Math.min(opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout),
        // node checks those deadlines on this interval (default 30 s, which would let them run over by as much).
        connectionsCheckingInterval: 1000,
      },
      (req, res) => this.dispatch(req, res),
    );
    this.server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { busy: 0, last: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (err, socket) => {
      // A request not received within --header-timeout / --request-timeout is a 408, as node answers it.
      const status = (err as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
      opts.log.debug({ err: err.message }, 'http client error');
    });
  }

  /** Starts listening; resolves with the bound address. Idempotent. */
  listen(): Promise<AddressInfo> {
    this.listening ??= new Promise<AddressInfo>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 4195, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
    return this.listening;
  }

  /** The bound address (after listen). */
  address(): AddressInfo | undefined {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  }

  /**
   * Replaces every route of `owner` in one step (an empty list removes them).
   * Throws HotplugError(E_ROUTE_CLASH) and changes nothing when a route is taken by another owner.
   */
  setRoutes(owner: string, routes: readonly Route[], previousOwner?: string): void {
    this.table = this.table.with(owner, routes, previousOwner);
  }

  /** Hands `from`'s routes over to `to` (a renamed stream) in one step: no request sees neither. */
  moveRoutes(from: string, to: string, routes: readonly Route[]): void {
    this.setRoutes(to, routes, from);
  }

  /** Checks routes against every other owner's without mounting them. */
  checkRoutes(owner: string, routes: readonly Route[], previousOwner?: string): void {
    this.table.with(owner, routes, previousOwner);
  }

  routes(): Route[] {
    return this.table.all();
  }

  /**
   * Serves every path under `prefix` (which ends in '/') with `handle`, ahead of the route table, and
   * redirects `GET /` there when no route claims `/`. One mount at a time; undefined removes it.
   * Routes cannot claim the prefix: the config loader reserves it (see RESERVED_PREFIX).
   */
  mount(prefix: string, handle: MountHandler | undefined): void {
    this.mounted = handle ? { prefix, handle } : undefined;
  }

  /** Stops accepting connections and closes idle keep-alive ones; streams answer their own pending requests. Idempotent. */
  close(): Promise<void> {
    if (this.draining) {
      this.server.closeIdleConnections();
      const t = setTimeout(() => this.server.closeAllConnections(), 2000);
      t.unref();
    }
    this.closing ??= new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // Connections still busy after a grace period are cut (their streams have answered by then).
      const t = setTimeout(() => this.server.closeAllConnections(), 2000);
      t.unref();
    });
    return this.closing;
  }

  /**
   * A cluster worker handing over: stops accepting (the other workers take new
   * connections from the shared socket) while requests on open keep-alive
   * connections are still served, each answer closing its connection
   * (`Connection: close`). A connection idle for `idleMs` is closed: a client
   * that left it unused that long is unlikely to pick it at that very moment
   * (the race every HTTP/1.1 server has when it closes an idle connection).
   * Resolves when no connection is left or after `maxMs`; close() afterwards
   * cuts whatever is still open.
   */
  drain(idleMs: number, maxMs: number): Promise<void> {
    if (this.closing !== undefined || !this.server.listening) return this.closing ?? Promise.resolve();
    this.draining = true;
    // net.Server's close, not http.Server's: since Node 19 the latter also closes every idle keep-alive
    // connection at once, racing clients that are about to send on one.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    this.closing = closed;
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [socket, s] of this.sockets) if (s.busy === 0 && now - s.last >= idleMs) socket.end();
    }, Math.min(250, idleMs));
    sweep.unref();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, maxMs);
      t.unref();
      void closed.then(() => {
        clearTimeout(t);
        resolve();
      });
    }).finally(() => clearInterval(sweep));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const conn = this.sockets.get(req.socket);
    if (conn !== undefined) {
      conn.busy++;
      res.once('close', () => {
        conn.busy--;
        conn.last = Date.now();
      });
    }
    if (this.draining) res.setHeader('Connection', 'close');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const mounted = this.mounted;
    if (mounted !== undefined && (pathname.startsWith(mounted.prefix) || pathname === mounted.prefix.slice(0, -1))) {
      mounted.handle(req, res, pathname, q < 0 ? '' : url.slice(q + 1));
      return;
    }
    const m = this.table.match(pathname);
    const sink = this.opts.requests;
    if (sink !== undefined && sink.watching) watchRequest(sink, req, res, pathname, m?.route);
    if (m === undefined) {
      skipBody(req, res);
      if (mounted !== undefined && pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(302, { Location: mounted.prefix, 'Content-Length': 0 });
        res.end();
        return;
      }
      reply(res, 404, `no route for ${pathname}\n`);
      return;
    }
    const { route } = m;
    if (route.cors !== undefined) {
      if (route.cors.isPreflight(req)) {
        skipBody(req, res);
        route.cors.preflight(req, res);
        return;
      }
      route.cors.decorate(req, res);
    }
    if (route.methods.length > 0 && !route.methods.includes(req.method ?? '')) {
      res.setHeader('Allow', route.methods.join(', '));
      skipBody(req, res);
      reply(res, 405, `method ${req.method ?? ''} not allowed on ${pathname}\n`);
      return;
    }
    route.handle(req, res, m.params, pathname, q < 0 ? '' : url.slice(q + 1));
  }
}

/** A plain-text reply (no-op when the client is gone or the response was sent). */
export function reply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reports `res` to `sink` once it is closed (answered, or the client gave up: 499). */
function watchRequest(sink: RequestSink, req: IncomingMessage, res: ServerResponse, path: string, route: Route | undefined): void {
  const time = Date.now();
  const started = performance.now();
  const outcome = watchOutcome(res);
  res.once('close', () => {
    sink.emit({
      time,
      method: req.method ?? '',
      path,
      route: route?.path ?? '',
      stream: route?.stream ?? '',
      status: res.writableFinished || res.headersSent ? res.statusCode : 499,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...outcome,
    });
  });
}
