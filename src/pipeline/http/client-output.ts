import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { type Batch, type Logger, type Message, type Output, type OutputDef, type SpecProblem, ErrorCode, HotplugError, redactUrl, redactUrls } from '../../core/index.js';
import { batchingField, batchingProblems } from '../batching-spec.js';
import { pipelineContext } from '../build.js';
import { sleep } from '../connect.js';
import { type Interpolated, interpolate } from '../expr.js';
import type { LocalRateLimit } from '../rate-limit.js';
import { type BasicAuthConf, basicAuthField, basicAuthHeader, basicAuthProblems } from './client-auth.js';
import { type OAuth2Conf, OAuth2Tokens, oauth2Field, oauth2Problems } from './client-oauth2.js';
import { type TlsConf, type TlsConnectOptions, describeFailure, loadTls, tlsField } from './client-tls.js';
import { buildMultipart } from './multipart.js';

export interface HttpClientConf {
  url: Interpolated;
  verb?: string;
  headers?: Record<string, Interpolated>;
  /** Milliseconds (durations arrive as ms). */
  timeout?: number;
  retry_period?: number;
  max_retry_backoff?: number;
  retries?: number;
  backoff_on?: number[];
  drop_on?: number[];
  successful_on?: number[];
  follow_redirects?: boolean;
  batch_as_multipart?: boolean;
  propagate_response?: boolean;
  max_in_flight?: number;
  tls?: TlsConf;
  basic_auth?: BasicAuthConf;
  oauth2?: OAuth2Conf;
  /** Label of a rate limit resource every request (and retry) waits for. */
  rate_limit?: string;
}

/** What one attempt's status means (Redpanda Connect's order of checks). */
type Verdict = 'ok' | 'drop' | 'backoff' | 'retry';

/**
 * `http_client`: sends batches over pooled keep-alive connections (undici).
 * The url is rendered from the first message of a batch, as Connect does;
 * headers per message. Each message is its own request unless
 * `batch_as_multipart`. Failed attempts are retried (`retry_period`, or
 * exponential backoff for `backoff_on` statuses, capped by
 * `max_retry_backoff`); once `retries` run out the batch is nacked.
 * TLS files were read and checked at load (see client-tls.ts); the agent
 * gets them as connect options.
 */
export class HttpClientOutput implements Output {
  readonly maxInFlight: number;
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly verb: string;
  private readonly headers: Array<[string, Interpolated]>;
  private readonly authorization: string | undefined;
  private readonly insecure: boolean;
  private readonly clientCerts: boolean;
  private readonly oauth2: OAuth2Tokens | undefined;
  private readonly abort = new AbortController();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly conf: HttpClientConf,
    private readonly log: Logger,
    tls?: TlsConnectOptions,
    private readonly rateLimit?: LocalRateLimit,
  ) {
    this.maxInFlight = conf.max_in_flight ?? 64;
    this.verb = (conf.verb ?? 'POST').toUpperCase();
    this.headers = Object.entries(conf.headers ?? {});
    this.authorization = basicAuthHeader(conf.basic_auth);
    this.insecure = tls?.rejectUnauthorized === false;
    this.clientCerts = (tls?.cert?.length ?? 0) > 0;
    // One secure context for every connection: the CA list (public CAs plus root_cas) is parsed once,
    // not per new connection (about 30 ms of CPU each with ~145 CAs, measured with createSecureContext).
    const connect = tls && { rejectUnauthorized: tls.rejectUnauthorized, secureContext: createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key }) };
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: this.maxInFlight, ...(connect && { connect }) });
    this.dispatcher = conf.follow_redirects === false ? this.agent : this.agent.compose(interceptors.redirect({ maxRedirections: 5 }));
    // The token endpoint is reached through the same agent, so tls applies to it too.
    this.oauth2 = conf.oauth2?.enabled ? new OAuth2Tokens(conf.oauth2, this.agent, conf.timeout ?? 5000) : undefined;
  }

  connect(): Promise<void> {
    if (this.insecure) this.log.warn('tls.skip_cert_verify is true: server certificates are not checked (insecure)');
    return Promise.resolve();
  }

  async writeBatch(batch: Batch): Promise<void> {
    const url = interpolate(this.conf.url, batch, 0);
    if (this.conf.batch_as_multipart && batch.length > 1) {
      const { contentType, body } = buildMultipart(
        batch.map((m, i) => ({ headers: this.headersFor(batch, i), body: Buffer.from(m.bytes()) })),
      );
      const headers = { ...this.headersFor(batch, 0), 'content-type': contentType };
      const res = await this.send(url, headers, body);
      if (this.conf.propagate_response) this.propagate(batch[0] as Message, res);
      return;
    }
    await Promise.all(
      batch.map(async (m, i) => {
        const res = await this.send(url, this.headersFor(batch, i), m.bytes());
        if (this.conf.propagate_response) this.propagate(m, res);
      }),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort(new Error('output closing'));
      await this.agent.close();
    })();
    return this.closing;
  }

  private headersFor(batch: Batch, i: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.headers) out[k.toLowerCase()] = interpolate(v, batch, i);
    if (this.authorization !== undefined) out['authorization'] = this.authorization;
    return out;
  }

  /** One request with retries; resolves with the successful response, rejects after the last attempt. */
  private async send(url: string, headers: Record<string, string>, body: Uint8Array): Promise<Response> {
    const retries = this.conf.retries ?? 3;
    const period = this.conf.retry_period ?? 1000;
    const cap = this.conf.max_retry_backoff ?? 300_000;
    const timeout = this.conf.timeout ?? 5000;
    let backoff = period;
    let lastErr = '';
    let refreshedToken = false;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let wait = period;
      try {
        // Waits (never fails) for the limit; closing the output ends the wait.
        if (this.rateLimit !== undefined) await this.rateLimit.wait(this.abort.signal);
        const token = this.oauth2 ? await this.oauth2.header(this.abort.signal) : undefined;
        const res = await request(url, {
          method: this.verb as Dispatcher.HttpMethod,
          headers: token === undefined ? headers : { ...headers, authorization: token },
          body,
          dispatcher: this.dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: this.abort.signal,
        });
        const data = Buffer.from(await res.body.arrayBuffer());
        // A refused token (revoked, or expired early) is replaced once, without using up a retry.
        if (res.statusCode === 401 && token !== undefined && !refreshedToken) {
          refreshedToken = true;
          (this.oauth2 as OAuth2Tokens).invalidate(token);
          attempt--;
          continue;
        }
        const verdict = this.classify(res.statusCode);
        if (verdict === 'ok') return { status: res.statusCode, headers: res.headers, body: data };
        lastErr = `${this.verb} ${redactUrl(url)} answered ${res.statusCode}${data.length > 0 ? `: ${data.toString('utf8', 0, Math.min(200, data.length)).trim()}` : ''}`;
        if (verdict === 'drop') throw new DropError(lastErr);
        if (verdict === 'backoff') {
          wait = backoff;
          backoff = Math.min(backoff * 2, cap);
        }
      } catch (err) {
        if (err instanceof DropError) throw err;
        if (this.abort.signal.aborted) throw new Error(`${this.verb} ${redactUrl(url)} abandoned: output closing`);
        lastErr = `${this.verb} ${redactUrl(url)} failed: ${redactUrls(describeFailure(err, url.startsWith('https:'), this.clientCerts))}`;
      }
      if (attempt < retries) {
        this.log.debug({ attempt: attempt + 1, retries, err: lastErr, waitMs: wait }, 'http_client retrying');
        await sleep(Math.min(wait, cap), this.abort.signal).catch(() => undefined);
      }
    }
    throw new Error(`${lastErr} (after ${retries} ${retries === 1 ? 'retry' : 'retries'})`);
  }

  private classify(status: number): Verdict {
    if (this.conf.successful_on?.includes(status)) return 'ok';
    if (this.conf.drop_on?.includes(status)) return 'drop';
    if ((this.conf.backoff_on ?? [429]).includes(status)) return 'backoff';
    return status >= 200 && status <= 299 ? 'ok' : 'retry';
  }

  /** The response becomes the sync response of the message's request. */
  private propagate(msg: Message, res: Response): void {
    if (msg.origin === undefined) return;
    const out = msg.derive(res.body);
    out.metadata.set('http_status_code', res.status);
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.metadata.set(k, Array.isArray(v) ? v.join(', ') : v);
    msg.origin.addResponse(out);
  }
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

class DropError extends Error {}

const statusList = (name: string, def: number[], description: string) =>
  ({ name, type: 'int', kind: 'list', default: def, description }) as const;

export const httpClientOutput: OutputDef = {
  spec: {
    name: 'http_client',
    kind: 'output',
    summary: 'Sends messages to an HTTP server over pooled keep-alive connections.',
    fields: [
      { name: 'url', type: 'string', interpolated: true, description: 'Rendered from the first message of each batch.' },
      { name: 'verb', type: 'string', default: 'POST' },
      { name: 'headers', type: 'string', kind: 'map', default: {}, interpolated: true },
      { name: 'timeout', type: 'duration', default: 5000 },
      { name: 'retry_period', type: 'duration', default: 1000 },
      { name: 'max_retry_backoff', type: 'duration', default: 300_000 },
      { name: 'retries', type: 'int', default: 3 },
      statusList('backoff_on', [429], 'Statuses retried with exponential backoff.'),
      statusList('drop_on', [], 'Statuses that fail the batch without retrying.'),
      statusList('successful_on', [], 'Statuses that count as delivered besides 2xx.'),
      { name: 'follow_redirects', type: 'bool', default: true },
      { name: 'batch_as_multipart', type: 'bool', default: false },
      { name: 'propagate_response', type: 'bool', default: false, description: 'The response becomes the sync response of the request the message came from.' },
      { name: 'max_in_flight', type: 'int', default: 64, check: (v) => (typeof v === 'number' && v < 1 ? 'must be 1 or more' : undefined) },
      tlsField,
      basicAuthField,
      oauth2Field,
      { name: 'rate_limit', type: 'string', optional: true, description: 'A rate_limit_resources label; each request waits for it.' },
      batchingField,
    ],
    lint: (config, ctx): SpecProblem[] => {
      const c = config as HttpClientConf;
      return [
        ...loadTls(c.tls, ctx?.file ?? resolve('pipeline.yaml')).problems,
        ...basicAuthProblems(c.basic_auth),
        ...oauth2Problems(c.oauth2, c.basic_auth?.enabled === true),
        ...batchingProblems(config),
      ];
    },
  },
  build: (conf, ctx) => {
    const c = conf.config as HttpClientConf;
    // Read again: lint found the files good at load, but they may have changed since.
    const { options, problems } = loadTls(c.tls, conf.location.file);
    const bad = problems.find((p) => p.severity === 'error');
    if (bad) throw new HotplugError(ErrorCode.InvalidValue, bad.message, { location: conf.locate(bad.path), ...(bad.hint && { hint: bad.hint }) });
    const limit = c.rate_limit === undefined || c.rate_limit === '' ? undefined : pipelineContext(ctx).rateLimits.get(c.rate_limit);
    return new HttpClientOutput(c, ctx.log, options, limit);
  },
};
