import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AckFn,
  type Batch,
  type Failure,
  type Input,
  type InputDef,
  type Logger,
  type Origin,
  type ReadResult,
  type Value,
  ErrorCode,
  HotplugError,
  Message,
  MessageFailedError,
  errorMessage,
  failureStatus,
  publicReason,
  throwLocation,
} from '../../core/index.js';
import type { Counter, Metrics } from '../metrics.js';
import { pipelineContext } from '../build.js';
import type { LocalRateLimit } from '../rate-limit.js';
import { BodyCutError, BodyTooLargeError, ClientGoneError, readBody } from './body.js';
import { skipBody } from './early-answer.js';
import { type CorsConf, CorsPolicy, corsField, corsProblems } from './cors.js';
import { Deadlines, type Expiring } from './deadlines.js';
import { multipartBoundary, parseMultipart, TooManyPartsError } from './multipart.js';
import { outcomeOf, type RequestOutcome } from './outcome.js';
import { type SyncResponseConf, ResponseWriter } from './response.js';
import { checkRoutePath, type PathParams, type Route } from './route.js';
import { reply } from './server.js';

export interface HttpServerInputConf {
  path?: string;
  allowed_verbs?: string[];
  /** Milliseconds. */
  timeout?: number;
  sync_response?: SyncResponseConf;
  /** Bytes; requests with bigger bodies get 413. */
  body_limit?: number;
  /** Label of a rate limit resource; requests over it get 429. */
  rate_limit?: string;
  cors?: CorsConf;
}

const RESOLVED = Promise.resolve();

/**
 * Once intake stops (shutdown or reload), bodies still arriving get this long;
 * then they are cut and answered 503. They were never acknowledged, so
 * nothing is lost, and a client dribbling its body cannot hold the shutdown.
 */
export const UPLOAD_GRACE_MS = 1000;

/** Most parts a multipart request may have (each becomes a message); more is refused with 413. */
export const MAX_MULTIPART_PARTS = 1000;

/**
 * One HTTP request on its way through a stream: the input batch it became,
 * the Origin its messages carry (so `sync_response` can record answers for
 * it), and the ack that finally answers the client.
 */
class PendingRequest implements ReadResult, Origin, Expiring {
  batch: Batch = [];
  private responses: Message[] | undefined;
  answered = false;
  deadline = 0;
  generation: number | undefined = undefined;
  suspect: Failure | undefined = undefined;
  prev: Expiring | undefined = undefined;
  next: Expiring | undefined = undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly input: HttpServerInput,
  ) {}

  readonly ack: AckFn = (err) => {
    this.finish(err);
    return RESOLVED;
  };

  addResponse(msg: Message): void {
    (this.responses ??= []).push(msg);
  }

  /**
   * The timeout passed before the ack: 408 (the message may still be delivered later), or the failure
   * of a plugin call that missed its deadline with this request in it and was still being re-run.
   */
  expire(): void {
    if (this.suspect !== undefined) this.finish(new MessageFailedError(this.suspect));
    else this.answer(408, 'request timed out before its message was delivered\n');
  }

  answer(status: number, text: string): void {
    if (this.answered) return;
    this.answered = true;
    this.input.deadlines.remove(this);
    this.input.reply(this.res, status, text);
  }

  private finish(err: Error | undefined): void {
    if (this.answered) return;
    this.answered = true;
    this.input.deadlines.remove(this);
    const res = this.res;
    const outcome = outcomeOf(res);
    if (outcome !== undefined && this.generation !== undefined) outcome.generation = this.generation;
    if (err !== undefined) {
      if (outcome !== undefined) describeFailure(outcome, err);
      // The caller gets the reason, not internals: no URL credentials, stderr tails, socket paths or pids (the log has them).
      this.input.reply(res, nackStatus(err), `${publicReason(err.message)}\n`);
      return;
    }
    if (res.destroyed) return;
    if (this.responses === undefined) {
      res.writeHead(200, EMPTY_HEADERS);
      res.end();
      this.input.countOk(res);
      return;
    }
    try {
      this.input.writer.write(res, this.responses);
      this.input.countOk(res);
    } catch (e) {
      this.input.log.warn({ err: errorMessage(e) }, 'cannot write sync response');
      this.input.reply(res, 500, `cannot write the response: ${errorMessage(e)}\n`);
    }
  }
}

const EMPTY_HEADERS = { 'Content-Length': '0' };

/**
 * How a nack answers: a message that failed in the pipeline with its
 * failure's status (500, 503, 504); a nack because the stream is shutting
 * down (its shutdown_timeout passed) is the server's state, not the
 * downstream's answer: 503, like a request that arrives while shutting down;
 * any other nack is the downstream's (an output failed): 502.
 */
function nackStatus(err: Error): number {
  if (err instanceof MessageFailedError) return err.failure.status;
  // An output that is unavailable (503) or missed its deadline (504) says so; any other refusal is a 502.
  const status = err instanceof HotplugError ? failureStatus(err.code) : 500;
  return status === 503 || status === 504 ? status : 502;
}

function describeFailure(outcome: RequestOutcome, err: Error): void {
  outcome.error = err.message;
  if (!(err instanceof MessageFailedError)) return;
  const f = err.failure;
  if (f.generation !== undefined) outcome.generation = f.generation;
  if (f.stack !== undefined) {
    outcome.stack = f.stack;
    const at = throwLocation(f.stack);
    if (at !== undefined) outcome.location = at;
  }
}

/**
 * `http_server`: each request becomes one input batch (a multipart request,
 * one message per part) and is answered once that batch is acknowledged.
 */
export class HttpServerInput implements Input {
  readonly writer: ResponseWriter;
  readonly deadlines: Deadlines;
  readonly route: Route;
  private queue: PendingRequest[] = [];
  private waiter: ((rr: ReadResult | null) => void) | undefined;
  private watched: AbortSignal | undefined;
  private draining = false;
  private closed = false;
  /** Requests whose route matched before intake stopped and whose body is still arriving: how to cut each. */
  private readonly uploads = new Set<() => void>();
  private uploadTimer: NodeJS.Timeout | undefined;
  private readonly limit: number;
  private readonly statuses = new Map<number, Counter>();

  constructor(
    conf: HttpServerInputConf,
    owner: string,
    readonly log: Logger,
    private readonly rateLimit?: LocalRateLimit,
    private readonly metrics?: Metrics,
    stream?: string,
  ) {
    this.writer = new ResponseWriter(conf.sync_response);
    this.deadlines = new Deadlines(conf.timeout ?? 5000);
    this.limit = conf.body_limit ?? 10 * 1024 * 1024;
    const methods = (conf.allowed_verbs ?? ['POST']).map((v) => v.toUpperCase());
    this.route = {
      path: conf.path ?? '/post',
      methods,
      owner,
      ...(stream !== undefined && { stream }),
      ...(conf.cors?.enabled === true && { cors: new CorsPolicy(conf.cors.allowed_origins ?? [], methods) }),
      handle: (req, res, params, pathname, query) => this.handle(req, res, params, pathname, query),
    };
  }

  connect(): Promise<void> {
    return RESOLVED;
  }

  /** A plain-text answer, counted by status. */
  reply(res: ServerResponse, status: number, text: string): void {
    if (res.headersSent || res.destroyed) return;
    reply(res, status, text);
    this.count(status)?.inc();
  }

  /** A response written from the pipeline's answer (sync_response's status). */
  countOk(res: ServerResponse): void {
    this.count(res.statusCode)?.inc();
  }

  private count(status: number): Counter | undefined {
    if (this.metrics === undefined) return undefined;
    let c = this.statuses.get(status);
    if (c === undefined) {
      c = this.metrics.counter('hotplug_http_responses_total', 'HTTP responses by route and status code.', {
        route: this.route.path,
        stream: this.route.stream ?? '',
        code: String(status),
      });
      this.statuses.set(status, c);
    }
    return c;
  }

  /** Once the signal aborts, a pending read gets null, or the requests already accepted first (see watch). */
  readonly settlesOnAbort = true;

  readBatch(signal: AbortSignal): Promise<ReadResult | null> {
    if (this.watched !== signal) this.watch(signal);
    const next = this.queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.draining && this.uploads.size === 0) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): Promise<void> {
    this.draining = true;
    this.closed = true;
    for (const pr of this.queue.splice(0)) pr.answer(503, 'shutting down\n');
    this.deadlines.close();
    clearTimeout(this.uploadTimer);
    return RESOLVED;
  }

  /** Once intake stops, new requests get 503; queued ones are still handed over. */
  private watch(signal: AbortSignal): void {
    this.watched = signal;
    const stop = (): void => {
      this.draining = true;
      this.wakeIfDrained();
      if (this.uploads.size > 0) {
        this.uploadTimer = setTimeout(() => {
          for (const cut of [...this.uploads]) cut();
        }, UPLOAD_GRACE_MS);
        this.uploadTimer.unref();
      }
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }

  /** While draining, the reader waits for bodies still arriving; once they are in, it is told the input is done. */
  private wakeIfDrained(): void {
    if (this.draining && this.uploads.size === 0 && this.queue.length === 0 && this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(null);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, params: PathParams, pathname: string, query: string): void {
    // A request routed here before intake stopped is still taken (a reload moves routes first, then
    // drains the old stream): only requests that arrive after that are refused.
    if (this.draining) {
      skipBody(req, res);
      this.reply(res, 503, 'shutting down\n');
      return;
    }
    // Over the limit: refused before the body is read, so it never enters the pipeline (as Connect).
    const wait = this.rateLimit?.access() ?? 0;
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      skipBody(req, res);
      this.reply(res, 429, 'rate limit exceeded\n');
      return;
    }
    let cut: () => void = () => undefined;
    readBody(req, this.limit, (c) => this.uploads.add((cut = c))).then(
      (body) => {
        this.uploads.delete(cut);
        this.accept(req, res, body, params, pathname, query);
        this.wakeIfDrained();
      },
      (err: unknown) => {
        this.uploads.delete(cut);
        this.wakeIfDrained();
        if (err instanceof ClientGoneError) return;
        if (err instanceof BodyCutError) {
          skipBody(req, res);
          this.reply(res, 503, `${err.message}\n`);
          return;
        }
        if (err instanceof BodyTooLargeError) {
          res.setHeader('Connection', 'close');
          this.reply(res, 413, `${err.message}\n`);
          return;
        }
        this.reply(res, 400, `cannot read the request body: ${errorMessage(err)}\n`);
      },
    );
  }

  private accept(req: IncomingMessage, res: ServerResponse, body: Buffer, params: PathParams, pathname: string, query: string): void {
    if (this.closed) {
      this.reply(res, 503, 'shutting down\n');
      return;
    }
    const meta = requestMetadata(req, params, pathname, query);
    const pr = new PendingRequest(res, this);
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary === undefined) {
      const m = new Message(body, meta);
      m.origin = pr;
      pr.batch = [m];
    } else {
      let parts;
      try {
        parts = parseMultipart(body, boundary, MAX_MULTIPART_PARTS);
      } catch (err) {
        if (err instanceof TooManyPartsError) {
          this.reply(res, 413, `${err.message}\n`);
          return;
        }
        this.reply(res, 400, `cannot read the multipart body: ${errorMessage(err)}\n`);
        return;
      }
      pr.batch = parts.map((p) => {
        const m = new Message(p.body, new Map(meta));
        for (const [k, v] of Object.entries(p.headers)) m.metadata.set(k, v);
        m.origin = pr;
        return m;
      });
      if (pr.batch.length === 0) {
        this.reply(res, 400, 'the multipart body has no parts\n');
        return;
      }
    }
    this.deadlines.add(pr);
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      w(pr);
    } else {
      this.queue.push(pr);
    }
  }
}

/** Headers (names lower-cased), query and path parameters, and the request's own facts. */
function requestMetadata(req: IncomingMessage, params: PathParams, pathname: string, query: string): Map<string, Value> {
  const meta = new Map<string, Value>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = (raw[i] as string).toLowerCase();
    const prev = meta.get(k);
    meta.set(k, prev === undefined ? (raw[i + 1] as string) : `${prev as string}, ${raw[i + 1] as string}`);
  }
  if (query !== '') {
    // A repeated query parameter keeps its first value, as Redpanda Connect does.
    const q = new URLSearchParams(query);
    for (const k of new Set(q.keys())) meta.set(k, q.get(k) as string);
  }
  if (params !== undefined) for (const k in params) meta.set(k, params[k] as string);
  meta.set('http_server_request_path', pathname);
  meta.set('http_server_verb', req.method ?? '');
  meta.set('http_server_remote_ip', remoteIp(req));
  meta.set('http_server_user_agent', req.headers['user-agent'] ?? '');
  return meta;
}

/** The peer address, looked up once per connection (it is a syscall), not once per keep-alive request. */
const peers = new WeakMap<object, string>();
function remoteIp(req: IncomingMessage): string {
  let ip = peers.get(req.socket);
  if (ip === undefined) {
    ip = req.socket.remoteAddress ?? '';
    peers.set(req.socket, ip);
  }
  return ip;
}

export const httpServerInput: InputDef = {
  spec: {
    name: 'http_server',
    kind: 'input',
    summary: 'Receives HTTP requests on the shared server; each is answered once its message is acknowledged.',
    fields: [
      {
        name: 'path',
        type: 'string',
        default: '/post',
        parse: checkRoutePath,
        description: 'Route; `{name}` segments (any non-empty segment) and `{name:regex}` segments (the regex must match the whole segment) become metadata.',
      },
      { name: 'allowed_verbs', type: 'string', kind: 'list', default: ['POST'] },
      { name: 'timeout', type: 'duration', default: 5000, description: 'Answer 408 when the message is not acknowledged in time.' },
      { name: 'body_limit', type: 'int', default: 10 * 1024 * 1024, description: 'Largest request body in bytes (413 above).' },
      { name: 'rate_limit', type: 'string', optional: true, description: 'A rate_limit_resources label; a request over the limit is answered 429 with Retry-After and not processed.' },
      corsField,
      {
        name: 'sync_response',
        type: 'object',
        default: {},
        fields: [
          { name: 'status', type: 'string', default: '200', interpolated: true },
          { name: 'headers', type: 'string', kind: 'map', default: { 'Content-Type': 'application/octet-stream' }, interpolated: true },
          {
            name: 'metadata_headers',
            type: 'object',
            default: {},
            fields: [
              { name: 'include_prefixes', type: 'string', kind: 'list', default: [] },
              { name: 'include_patterns', type: 'string', kind: 'list', default: [] },
            ],
          },
        ],
      },
    ],
    lint: (config) => corsProblems((config as HttpServerInputConf).cors),
  },
  build: (conf, ctx) => {
    const c = (conf.config ?? {}) as HttpServerInputConf;
    const pctx = pipelineContext(ctx);
    const limit = c.rate_limit === undefined || c.rate_limit === '' ? undefined : pctx.rateLimits.get(c.rate_limit);
    const input = new HttpServerInput(c, `stream ${ctx.streamId}`, ctx.log, limit, pctx.metrics, ctx.streamId);
    pctx.routes.push(input.route);
    return input;
  },
};
