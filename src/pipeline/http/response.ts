import type { ServerResponse } from 'node:http';
import type { Message } from '../../core/index.js';
import { type Interpolated, interpolate, isStatic } from '../expr.js';
import { buildMultipart, type Part } from './multipart.js';

/** `sync_response` of an http_server input, as written. */
export interface SyncResponseConf {
  status?: Interpolated;
  headers?: Record<string, Interpolated>;
  metadata_headers?: { include_prefixes?: string[]; include_patterns?: string[] };
}

/**
 * How responses are written, prepared once per input: static status and
 * header values are rendered at build time, so the hot path only
 * interpolates what really varies per message.
 */
export class ResponseWriter {
  private readonly staticStatus: number | undefined;
  private readonly status: Interpolated;
  private readonly headers: Array<[string, Interpolated]>;
  private readonly staticHeaders: Record<string, string> | undefined;
  private readonly prefixes: string[];
  private readonly patterns: RegExp[];

  constructor(conf: SyncResponseConf = {}) {
    this.status = conf.status ?? '200';
    this.staticStatus = isStatic(this.status) ? parseStatus(interpolate(this.status, [], 0)) : undefined;
    this.headers = Object.entries(conf.headers ?? { 'Content-Type': 'application/octet-stream' });
    this.staticHeaders = this.headers.every(([, v]) => isStatic(v))
      ? Object.fromEntries(this.headers.map(([k, v]) => [k, interpolate(v, [], 0)]))
      : undefined;
    this.prefixes = conf.metadata_headers?.include_prefixes ?? [];
    this.patterns = (conf.metadata_headers?.include_patterns ?? []).map((p) => new RegExp(p));
    // The common case (constant status and headers, no metadata headers) writes a prepared list.
    if (this.staticHeaders && this.staticStatus !== undefined && this.prefixes.length === 0 && this.patterns.length === 0) {
      this.fixed = Object.entries(this.staticHeaders).flat();
    }
  }

  private readonly fixed: string[] | undefined;

  /** Answers with the messages recorded for the request: one → its bytes; several → multipart/mixed. */
  write(res: ServerResponse, responses: Message[]): void {
    const first = responses[0] as Message;
    if (responses.length === 1 && this.fixed !== undefined) {
      const body = first.bytes();
      res.writeHead(this.staticStatus as number, [...this.fixed, 'Content-Length', String(body.byteLength)]);
      res.end(body);
      return;
    }
    const status = this.staticStatus ?? parseStatus(interpolate(this.status, responses, 0));
    if (responses.length === 1) {
      const headers = this.headersFor(responses, 0);
      const body = first.bytes();
      headers['Content-Length'] = String(body.byteLength);
      res.writeHead(status, headers);
      res.end(body);
      return;
    }
    const parts: Part[] = responses.map((m, i) => ({ headers: this.headersFor(responses, i), body: Buffer.from(m.bytes()) }));
    const { contentType, body } = buildMultipart(parts);
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.byteLength) });
    res.end(body);
  }

  private headersFor(batch: Message[], i: number): Record<string, string> {
    const out: Record<string, string> = this.staticHeaders
      ? { ...this.staticHeaders }
      : Object.fromEntries(this.headers.map(([k, v]) => [k, interpolate(v, batch, i)]));
    if (this.prefixes.length === 0 && this.patterns.length === 0) return out;
    for (const [k, v] of (batch[i] as Message).metadata) {
      if (this.prefixes.some((p) => k.startsWith(p)) || this.patterns.some((r) => r.test(k))) {
        out[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    return out;
  }
}

function parseStatus(text: string): number {
  const n = Number.parseInt(text, 10);
  return n >= 100 && n <= 599 ? n : 500;
}
