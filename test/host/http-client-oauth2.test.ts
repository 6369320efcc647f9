import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/index.js';
import { readStream } from '../../src/config/index.js';
import { startHost } from './setup.js';
import { loadOptions, pipelineDir, writePipeline } from './tls-setup.js';

interface Auth {
  /** Lifetimes (s) of the tokens issued, in order; the last repeats. undefined = no expires_in. */
  lifetimes: Array<number | undefined>;
  /** Form fields of each token request. */
  tokenRequests: URLSearchParams[];
  /** Authorization headers the API saw, and its answers. */
  api: Array<{ auth: string | undefined; status: number }>;
  /** Tokens the API accepts; revoke one by deleting it. */
  valid: Set<string>;
  /** The API refuses every token. */
  refuseAll: boolean;
  base: string;
}

/** One server with a token endpoint (client `app` / `s3cret pw`) and an API that checks bearer tokens. */
async function authServer(t: { after(fn: () => Promise<void>): void }, lifetimes: Array<number | undefined>): Promise<Auth> {
  const state: Auth = { lifetimes, tokenRequests: [], api: [], valid: new Set(), refuseAll: false, base: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        state.tokenRequests.push(form);
        if (req.headers.authorization !== `Basic ${Buffer.from('app:s3cret+pw').toString('base64')}` || form.get('grant_type') !== 'client_credentials') {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        const n = state.tokenRequests.length;
        const life = lifetimes[Math.min(n, lifetimes.length) - 1];
        state.valid.add(`tok${n}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `tok${n}`, token_type: 'bearer', ...(life === undefined ? {} : { expires_in: life }) }));
        return;
      }
      const auth = req.headers.authorization;
      const status = !state.refuseAll && auth !== undefined && auth.startsWith('Bearer ') && state.valid.has(auth.slice(7)) ? 200 : 401;
      state.api.push({ auth, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

const pipeline = (id: string, base: string, oauth: string) => `
input:
  http_server: { path: /${id} }
output:
  http_client:
    url: ${base}/api
    retries: 0
    oauth2: { enabled: true, client_key: app, client_secret: "s3cret pw", token_url: "${base}/token", ${oauth} }
`;

const post = async (url: string) => (await fetch(url, { method: 'POST', body: 'x' })).status;

test('oauth2: one token is fetched and shared; one about to expire is refreshed before use; a revoked one is replaced once on 401', async (t) => {
  // tok1 has 5 s left, inside the 10 s refresh margin; tok2 and later last an hour.
  const auth = await authServer(t, [5, 3600]);
  const { url } = await startHost(t, [writePipeline(pipelineDir(t), 'o', pipeline('o', auth.base, 'scopes: [read, write], endpoint_params: { audience: api }'))]);

  assert.equal(await post(url('/o')), 200);
  assert.deepEqual(Object.fromEntries(auth.tokenRequests[0] ?? []), { grant_type: 'client_credentials', scope: 'read write', audience: 'api' });
  assert.deepEqual(await Promise.all([post(url('/o')), post(url('/o')), post(url('/o'))]), [200, 200, 200]);
  assert.deepEqual(auth.api.map((a) => a.auth), ['Bearer tok1', 'Bearer tok2', 'Bearer tok2', 'Bearer tok2'], 'tok1 was refreshed early; concurrent requests shared one fetch of tok2');
  assert.equal(auth.tokenRequests.length, 2);

  auth.valid.delete('tok2');
  assert.equal(await post(url('/o')), 200, 'delivered with retries: 0 — the token refresh is not a retry');
  assert.deepEqual(auth.api.slice(4), [{ auth: 'Bearer tok2', status: 401 }, { auth: 'Bearer tok3', status: 200 }]);

  auth.refuseAll = true;
  assert.equal(await post(url('/o')), 502, 'a second 401 in a row is a failure');
  assert.equal(auth.tokenRequests.length, 4, 'one refresh per delivery, not a loop');
});

test('oauth2: a refused token request fails the delivery with the endpoint answer', async (t) => {
  const auth = await authServer(t, [undefined]);
  const { url } = await startHost(t, [writePipeline(pipelineDir(t), 'bad', pipeline('bad', auth.base, '').replace('s3cret pw', 'wrong'))]);
  const res = await fetch(url('/bad'), { method: 'POST', body: 'x' });
  assert.equal(res.status, 502);
  assert.match(await res.text(), /oauth2 token request to http:\/\/127\.0\.0\.1:\d+\/token answered 401: \{"error":"invalid_client"\}/);
  assert.equal(auth.api.length, 0);
});

test('oauth2 config: token_url is required and must be a URL; basic_auth and oauth2 together are an error', (t) => {
  const dir = pipelineDir(t);
  const cases: Array<[string, RegExp, string]> = [
    ['oauth2: { enabled: true }', /oauth2 needs a token_url/, 'oauth2'],
    ['oauth2: { enabled: true, token_url: "auth/token" }', /not an http\(s\) URL/, 'oauth2.token_url'],
    ['oauth2: { enabled: true, token_url: "https://a/t" }\n    basic_auth: { enabled: true, username: u }', /both set the Authorization header/, 'oauth2.enabled'],
  ];
  for (const [body, message, path] of cases) {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, `input:\n  http_server: {}\noutput:\n  http_client:\n    url: http://x/\n    ${body}\n`);
    const diags = readStream(file, loadOptions()).diagnostics;
    assert.equal(diags.length, 1, diags.map(formatDiagnostic).join('\n'));
    assert.match(diags[0]?.message ?? '', message);
    assert.equal(diags[0]?.location?.path, `output.http_client.${path}`);
    assert.equal(diags[0]?.location?.line, 6);
  }
});
