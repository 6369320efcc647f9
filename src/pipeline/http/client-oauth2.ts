import { type Dispatcher, request } from 'undici';
import { redactUrl, type FieldSpec, type SpecProblem } from '../../core/index.js';

/** `oauth2:` as Redpanda Connect writes it (the client-credentials grant). */
export interface OAuth2Conf {
  enabled?: boolean;
  client_key?: string;
  client_secret?: string;
  token_url?: string;
  scopes?: string[];
  endpoint_params?: Record<string, string>;
}

export const oauth2Field: FieldSpec = {
  name: 'oauth2',
  type: 'object',
  optional: true,
  description: 'OAuth 2 client credentials: a token is fetched from token_url, cached, and refreshed before it expires.',
  fields: [
    { name: 'enabled', type: 'bool', default: false },
    { name: 'client_key', type: 'string', default: '' },
    { name: 'client_secret', type: 'string', default: '' },
    { name: 'token_url', type: 'string', default: '' },
    { name: 'scopes', type: 'string', kind: 'list', default: [] },
    { name: 'endpoint_params', type: 'string', kind: 'map', default: {}, description: 'Extra form fields of the token request.' },
  ],
};

export function oauth2Problems(conf: OAuth2Conf | undefined, basicAuth: boolean): SpecProblem[] {
  if (!conf?.enabled) return [];
  if (basicAuth) {
    return [{ severity: 'error', path: 'oauth2.enabled', message: 'basic_auth and oauth2 both set the Authorization header', hint: 'enable only one of them' }];
  }
  if (!conf.token_url) return [{ severity: 'error', path: 'oauth2', message: 'oauth2 needs a token_url', hint: 'set token_url to the token endpoint, e.g. https://auth.example.com/oauth/token' }];
  try {
    const u = new URL(conf.token_url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(u.protocol);
  } catch {
    return [{ severity: 'error', path: 'oauth2.token_url', message: `oauth2.token_url is not an http(s) URL: ${redactUrl(conf.token_url)}`, hint: 'write an absolute URL, e.g. https://auth.example.com/oauth/token' }];
  }
  return [];
}

/** Refresh this long before a token's stated expiry (the margin Go's oauth2 package uses). */
const EARLY_MS = 10_000;
/** A token endpoint's answer is small; anything bigger is not one. */
const MAX_TOKEN_RESPONSE = 64 * 1024;

interface Token {
  header: string;
  /** performance.now() after which the token is refreshed; Infinity when the server gave no expiry. */
  refreshAt: number;
}

/**
 * Client-credentials tokens for one output: fetched on first use, shared by
 * concurrent requests (one fetch at a time), refreshed once within
 * EARLY_MS of expiry, and dropped when the target answers 401.
 * The client authenticates with HTTP Basic (RFC 6749 §2.3.1).
 */
export class OAuth2Tokens {
  private current: Token | undefined;
  private fetching: Promise<Token> | undefined;
  private readonly basic: string;
  private readonly form: string;

  constructor(
    private readonly conf: OAuth2Conf,
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    this.basic = `Basic ${Buffer.from(`${enc(conf.client_key ?? '')}:${enc(conf.client_secret ?? '')}`).toString('base64')}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if ((conf.scopes ?? []).length > 0) form.set('scope', (conf.scopes ?? []).join(' '));
    for (const [k, v] of Object.entries(conf.endpoint_params ?? {})) form.set(k, v);
    this.form = form.toString();
  }

  /** The `Authorization` value to send now. */
  async header(signal: AbortSignal): Promise<string> {
    const t = this.current;
    if (t && performance.now() < t.refreshAt) return t.header;
    this.fetching ??= this.fetch(signal).finally(() => {
      this.fetching = undefined;
    });
    return (await this.fetching).header;
  }

  /** The target refused `header`: the next call fetches a new token (unless one already replaced it). */
  invalidate(header: string): void {
    if (this.current?.header === header) this.current = undefined;
  }

  private async fetch(signal: AbortSignal): Promise<Token> {
    const url = this.conf.token_url as string;
    const started = performance.now();
    const res = await request(url, {
      method: 'POST',
      headers: { authorization: this.basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: this.form,
      dispatcher: this.dispatcher,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      signal,
    });
    const text = await readLimited(res.body);
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new Error(`oauth2 token request to ${redactUrl(url)} answered ${res.statusCode}${text ? `: ${text.slice(0, 200).trim()}` : ''}`);
    }
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`oauth2 token response from ${redactUrl(url)} is not JSON`);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new Error(`oauth2 token response from ${redactUrl(url)} has no access_token`);
    const type = typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer' ? body.token_type : 'Bearer';
    const expiresIn = Number(body.expires_in);
    const refreshAt = Number.isFinite(expiresIn) && expiresIn > 0 ? started + expiresIn * 1000 - EARLY_MS : Infinity;
    this.current = { header: `${type} ${body.access_token}`, refreshAt };
    return this.current;
  }
}

async function readLimited(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.byteLength;
    if (size > MAX_TOKEN_RESPONSE) throw new Error(`oauth2 token response is over ${MAX_TOKEN_RESPONSE} bytes`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks).toString('utf8');
}
