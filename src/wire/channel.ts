/*
 * The host's side of the gRPC contract: unary calls over one HTTP/2
 * connection to a plugin's Unix socket, written on node:http2 directly.
 *
 * Why not a grpc-js Client: every plugin RPC is unary, the target is one
 * local socket, and there is no TLS, name resolution, load balancing,
 * retries or interceptors to pay for. Measured on the 2-core bench machine
 * against the same grpc-js server, a call of a few KiB cost the grpc-js
 * client ~380–560 µs of host CPU and this channel ~170–250 µs; that is the
 * difference between the HTTP path keeping up or not (README, bench:http).
 * The bytes on the wire are ordinary gRPC (length-prefixed messages,
 * grpc-status trailers), so any gRPC server — grpc-js, Python's grpcio,
 * Go — answers it; plugins still serve with their usual gRPC libraries.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { connect as connectUnix } from 'node:net';
import { status, type MethodDefinition } from '@grpc/grpc-js';

/** A failed call: `code` is a gRPC status code, `details` the server's message (or ours). */
export class CallError extends Error {
  readonly code: status;
  readonly details: string;
  constructor(code: status, details: string) {
    super(`${code} ${status[code] ?? 'UNKNOWN'}: ${details}`);
    this.name = 'CallError';
    this.code = code;
    this.details = details;
  }
}

export interface CallOptions {
  /** Milliseconds until the call fails with DEADLINE_EXCEEDED (sent as grpc-timeout too). */
  timeoutMs?: number;
  /** Aborting cancels the call (RST_STREAM) and fails it with CANCELLED. */
  signal?: AbortSignal | undefined;
}

export interface ChannelOptions {
  /** Largest message in either direction; bigger ones fail with RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
}

// Flow-control windows: HTTP/2's default 64 KiB would cost a round trip per
// 64 KiB of every large answer; a few MiB lets a 1000-message batch come
// back without stalls. Only what is in flight is ever buffered.
const STREAM_WINDOW = 4 << 20;
const SESSION_WINDOW = 16 << 20;
const USER_AGENT = 'hotplug (node:http2)';
const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_ENHANCE_YOUR_CALM } = constants;

/**
 * One connection to `unix:PATH`, opened on the first call and again after it
 * breaks. `close()` ends it; calls in flight then fail with UNAVAILABLE.
 */
export class UnaryChannel {
  private readonly path: string;
  private readonly maxBytes: number;
  private session: ClientHttp2Session | undefined;
  private active = 0;
  private closed = false;

  constructor(address: string, opts: ChannelOptions) {
    if (!address.startsWith('unix:')) throw new Error(`UnaryChannel: only unix: addresses are supported, got ${address}`);
    this.path = address.slice('unix:'.length);
    this.maxBytes = opts.maxMessageBytes;
  }

  call<Req, Res>(method: MethodDefinition<Req, Res>, req: Req, opts: CallOptions = {}): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const { signal, timeoutMs } = opts;
      if (signal?.aborted) return reject(new CallError(status.CANCELLED, 'Cancelled on client'));
      if (this.closed) return reject(new CallError(status.UNAVAILABLE, 'channel closed'));
      let body: Buffer;
      try {
        body = method.requestSerialize(req);
      } catch (err) {
        return reject(new CallError(status.INTERNAL, `could not serialise the request: ${(err as Error).message}`));
      }
      if (body.byteLength > this.maxBytes) {
        return reject(new CallError(status.RESOURCE_EXHAUSTED, `Sent message larger than max (${body.byteLength} vs. ${this.maxBytes})`));
      }
      const headers: Record<string, string> = {
        ':method': 'POST',
        ':path': method.path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'user-agent': USER_AGENT,
      };
      if (timeoutMs !== undefined) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(timeoutMs))}m`;
      let stream: ClientHttp2Stream;
      const session = this.connect();
      try {
        stream = session.request(headers);
      } catch (err) {
        return reject(new CallError(status.UNAVAILABLE, `could not start a call: ${(err as Error).message}`));
      }
      this.started();
      const answer = new Answer(this.maxBytes);
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: CallError | undefined, res?: Res): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res as Res);
      };
      const cancel = (err: CallError): void => {
        finish(err);
        if (!stream.closed) stream.close(NGHTTP2_CANCEL);
      };
      const onAbort = (): void => cancel(new CallError(status.CANCELLED, 'Cancelled on client'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(() => cancel(new CallError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')), timeoutMs);

      stream.on('response', (h) => answer.headers(h));
      stream.on('trailers', (h) => answer.trailers(h));
      stream.on('data', (chunk: Buffer) => {
        const tooBig = answer.data(chunk);
        if (tooBig) cancel(tooBig);
      });
      let streamError: Error | undefined;
      stream.on('error', (err: Error) => (streamError = err));
      stream.on('close', () => {
        this.ended();
        if (settled) return;
        const err = answer.error(stream.rstCode, streamError, session);
        if (err) return finish(err);
        try {
          finish(undefined, method.responseDeserialize(answer.message()));
        } catch (e) {
          finish(new CallError(status.INTERNAL, `could not parse the response: ${(e as Error).message}`));
        }
      });
      // One 5-byte prefix (uncompressed, length) before the message.
      const prefix = Buffer.allocUnsafe(5);
      prefix[0] = 0;
      prefix.writeUInt32BE(body.byteLength, 1);
      stream.cork();
      stream.write(prefix);
      stream.end(body);
      stream.uncork();
    });
  }

  /** Ends the connection; idempotent. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  private connect(): ClientHttp2Session {
    const existing = this.session;
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect('http://localhost', {
      createConnection: () => connectUnix(this.path),
      settings: { initialWindowSize: STREAM_WINDOW, enablePush: false },
      // Node's default (10 MB) would fail big batches with ENHANCE_YOUR_CALM; the message limit bounds memory instead.
      maxSessionMemory: Number.MAX_SAFE_INTEGER,
    });
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
    // Errors reach every call through its stream; the session only has to be forgotten.
    session.on('error', () => {});
    const forget = (): void => {
      if (this.session === session) this.session = undefined;
    };
    session.once('close', forget);
    session.once('goaway', forget);
    // Calls may still be running on a connection that just broke: then this one must hold the process too.
    if (this.active === 0) session.unref();
    this.session = session;
    return session;
  }

  // An idle channel must not keep the process alive; one with calls in flight must.
  private started(): void {
    if (this.active++ === 0) this.session?.ref();
  }

  private ended(): void {
    if (--this.active === 0) this.session?.unref();
  }
}

/** The answer to one call as it arrives: headers, length-prefixed data, trailers. */
class Answer {
  private readonly max: number;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private httpStatus: number | undefined;
  private grpcStatus: number | undefined;
  private grpcMessage = '';

  constructor(max: number) {
    this.max = max;
  }

  headers(h: IncomingHttpHeaders): void {
    this.httpStatus = Number(h[':status']);
    // A trailers-only answer (usually an error) carries its status in the headers.
    if (h['grpc-status'] !== undefined) this.trailers(h);
  }

  trailers(h: IncomingHttpHeaders): void {
    this.grpcStatus = Number(h['grpc-status']);
    const msg = h['grpc-message'];
    if (typeof msg === 'string') this.grpcMessage = decodeMessage(msg);
  }

  /** Takes a chunk; returns an error when the message grows past the limit. */
  data(chunk: Buffer): CallError | undefined {
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
    if (this.bytes >= 5) {
      const head = this.chunks.length === 1 ? chunk : this.head();
      const len = head.readUInt32BE(1);
      if (len > this.max) return new CallError(status.RESOURCE_EXHAUSTED, `Received message larger than max (${len} vs. ${this.max})`);
    }
    return undefined;
  }

  /** Why the call failed, or undefined when it succeeded with one message. */
  error(rstCode: number | undefined, streamError: Error | undefined, session: ClientHttp2Session): CallError | undefined {
    if (this.grpcStatus === undefined) {
      if (this.httpStatus !== undefined && this.httpStatus !== 200) {
        return new CallError(httpToGrpc(this.httpStatus), `the plugin answered HTTP ${this.httpStatus}`);
      }
      if (rstCode === NGHTTP2_REFUSED_STREAM || session.destroyed || session.closed || this.httpStatus === undefined) {
        const why = streamError?.message ?? (rstCode ? `stream reset (code ${rstCode})` : 'connection closed');
        return new CallError(status.UNAVAILABLE, `connection to the plugin dropped: ${why}`);
      }
      if (rstCode === NGHTTP2_ENHANCE_YOUR_CALM) return new CallError(status.RESOURCE_EXHAUSTED, 'Received RST_STREAM with code 11 (ENHANCE_YOUR_CALM)');
      if (rstCode) return new CallError(status.INTERNAL, `Received RST_STREAM with code ${rstCode}`);
      return new CallError(status.INTERNAL, 'the answer ended without a grpc-status');
    }
    if (this.grpcStatus !== status.OK) return new CallError(this.grpcStatus, this.grpcMessage);
    if (this.bytes < 5) return new CallError(status.INTERNAL, 'the answer had status OK but no message');
    const head = this.head();
    if (head[0] !== 0) return new CallError(status.INTERNAL, 'the plugin sent a compressed message, which was never asked for');
    const len = head.readUInt32BE(1);
    if (this.bytes !== 5 + len) return new CallError(status.INTERNAL, `expected one message of ${len} bytes, got ${this.bytes - 5} bytes of data`);
    return undefined;
  }

  message(): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.bytes);
    return all.subarray(5);
  }

  private head(): Buffer {
    if ((this.chunks[0] as Buffer).byteLength >= 5) return this.chunks[0] as Buffer;
    const all = Buffer.concat(this.chunks, this.bytes);
    this.chunks = [all];
    return all;
  }
}

/** grpc-message is percent-encoded UTF-8. */
function decodeMessage(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The gRPC spec's mapping for answers that are not gRPC at all. */
function httpToGrpc(code: number): status {
  switch (code) {
    case 400: return status.INTERNAL;
    case 401: return status.UNAUTHENTICATED;
    case 403: return status.PERMISSION_DENIED;
    case 404: return status.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return status.UNAVAILABLE;
    default: return status.UNKNOWN;
  }
}
