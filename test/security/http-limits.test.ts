import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echoStream, pushBody, startServing, tempTree } from './helpers.js';

// Issue 12 item 2: a request answered before its body is read (404, 405, 429,
// a route's GET-only endpoint) gets Connection: close and the host stops
// reading; it never reads an endless body to keep the connection alive.
const CAP = 32 * 1024 * 1024;
const huge = (method: string, path: string): string => `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n`;

test('early answers (404, 405, 429, /ping) close the connection instead of reading an endless body', async (t) => {
  const limited = `rate_limit_resources:\n  - label: once\n    local: { count: 1, interval: 1h }\n${echoStream('/limited').replace('path: /limited\n', 'path: /limited\n    rate_limit: once\n')}`;
  const dir = tempTree(t, { 'echo.yaml': echoStream('/echo'), 'limited.yaml': limited });
  const { base, port } = await startServing(t, 'run', dir);
  assert.equal((await fetch(`${base}/limited`, { method: 'POST', body: 'x' })).status, 200, 'the one request the limit allows');
  for (const [method, path, status] of [
    ['POST', '/nowhere', 404],
    ['PUT', '/echo', 405],
    ['POST', '/limited', 429],
    ['GET', '/ping', 200],
  ] as const) {
    const r = await pushBody(port, huge(method, path), CAP);
    assert.match(r.response, new RegExp(`^HTTP/1.1 ${status} `), `${method} ${path}: ${JSON.stringify(r)}`);
    assert.match(r.response, /connection: close/i, `${method} ${path} answered with Connection: close`);
    assert.ok(r.closed, `${method} ${path}: the host closed the connection (sent ${r.sent} bytes)`);
    assert.ok(r.sent < CAP, `${method} ${path}: the host stopped reading after ${r.sent} bytes`);
  }
  // A bodiless request keeps its connection (nothing to drain), and the server still serves.
  const ok = await fetch(`${base}/echo`, { method: 'POST', body: 'fine' });
  assert.equal(await ok.text(), 'FINE');
});
