import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage, type Logger } from '../core/index.js';
import { RESERVED_PREFIX } from '../config/index.js';
import type { Host } from '../host/index.js';
import { BodyTooLargeError, readBody } from '../pipeline/index.js';
import type { BrokenFile, ReloadRecord } from '../watch/index.js';
import { asset, indexHtml } from './assets.js';
import { ConsoleFeed, type FeedState } from './feed.js';
import { runPlayground, type PlaygroundRequest } from './playground.js';

export const CONSOLE_PREFIX = RESERVED_PREFIX;

/** Playground requests carry a mapping and one message: bounded like any body a caller controls. */
const MAX_API_BODY = 1024 * 1024;

export interface DevConsoleOptions {
  host: Host;
  log: Logger;
  /** What is broken in the functions dir now (the dev watcher's); none under `run --console`. */
  broken?: () => BrokenFile[];
  /** How long requests stay recorded after the last page closed (default 10 s). */
  lingerMs?: number;
}

export interface DevConsole {
  /** Where the page is, e.g. http://127.0.0.1:4195/_hotplug/. */
  url(): string;
  /** Hands a reload to open pages (the dev watcher's onReload). */
  reloaded(record: ReloadRecord): void;
  /** `idle` while no page is open: nothing is recorded, no timer runs. */
  state(): FeedState;
  /** Ends every page's event stream and unmounts. Idempotent. */
  close(): void;
}

/**
 * Mounts the dev console on the host's server under /_hotplug/: the page,
 * its event stream and the expression playground. Answers only requests
 * from this machine addressed to a local name (no other host on the network,
 * no DNS-rebound page from the web).
 */
export function createDevConsole(opts: DevConsoleOptions): DevConsole {
  const { host } = opts;
  const log = opts.log.child({ component: 'console' });
  const feed = new ConsoleFeed(host, log, opts.broken ?? (() => []), opts.lingerMs);
  const handle = (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    if (!isLocal(req)) {
      req.resume();
      send(res, 403, 'text/plain; charset=utf-8', 'the hotplug console answers only local requests (http://127.0.0.1 or http://localhost on this machine)\n');
      return;
    }
    const path = pathname.slice(CONSOLE_PREFIX.length);
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (pathname === CONSOLE_PREFIX.slice(0, -1) || (path === '' && get)) {
      req.resume();
      if (pathname !== CONSOLE_PREFIX) return redirect(res, CONSOLE_PREFIX);
      return send(res, 200, 'text/html; charset=utf-8', indexHtml(CONSOLE_PREFIX));
    }
    if (path === 'events' && get) {
      req.resume();
      return feed.open(res);
    }
    if (path === 'api/mapping' && req.method === 'POST') return playground(req, res, log);
    const a = get ? asset(path) : undefined;
    req.resume();
    if (a) return send(res, 200, a.type, a.body);
    send(res, 404, 'text/plain; charset=utf-8', `no console page at ${pathname}\n`);
  };
  host.mount(CONSOLE_PREFIX, handle);
  return {
    url: () => host.url(CONSOLE_PREFIX),
    reloaded: (r) => feed.reloaded(r),
    state: () => feed.state(),
    close() {
      host.mount(CONSOLE_PREFIX, undefined);
      feed.close();
    },
  };
}

function playground(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  readBody(req, MAX_API_BODY).then(
    (body) => {
      let parsed: PlaygroundRequest;
      try {
        parsed = JSON.parse(body.toString('utf8')) as PlaygroundRequest;
      } catch (err) {
        return send(res, 400, 'application/json', JSON.stringify({ ok: false, stage: 'parse', error: `the request is not JSON: ${errorMessage(err)}` }));
      }
      send(res, 200, 'application/json', JSON.stringify(runPlayground(parsed ?? {})));
    },
    (err: unknown) => {
      if (err instanceof BodyTooLargeError) return send(res, 413, 'text/plain; charset=utf-8', `${err.message}\n`);
      log.debug({ err: errorMessage(err) }, 'playground request not read');
      res.destroy();
    },
  );
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLocal(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer.startsWith('127.') || peer === '::1' || peer.startsWith('::ffff:127.');
  const name = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return loopback && (LOCAL_NAMES.has(name) || name.endsWith('.localhost'));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(302, { Location: to, 'Content-Length': 0 });
  res.end();
}
