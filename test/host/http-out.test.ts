import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { compileInterpolation } from '../../src/expr/index.js';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A target server answering with `answer(n)` for the n-th request (from 0). */
async function target(t: { after(fn: () => Promise<void>): void }, answer: (n: number, req: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      answer(seen.length - 1, s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const send = (res: ServerResponse, status: number, body = '') => {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(body);
};

test('http_client sends the bytes exactly, with interpolated url and headers', async (t) => {
  const { seen, base } = await target(t, (_n, _r, res) => send(res, 200));
  const out = comp('output', 'http_client', {
    url: compileInterpolation(`${base}/in/\${! meta("kind") }`),
    verb: 'PUT',
    headers: { 'X-Len': compileInterpolation('${! content().length() }'), 'Content-Type': 'application/octet-stream' },
  });
  const { url } = await startHost(t, [streamConf('out', comp('input', 'http_server', { path: '/out' }), [], out)]);
  const payload = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]);
  const res = await fetch(url('/out?kind=bin'), { method: 'POST', body: payload });
  assert.equal(res.status, 200);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.method, 'PUT');
  assert.equal(seen[0]?.url, '/in/bin');
  assert.equal(seen[0]?.headers['x-len'], '8');
  assert.deepEqual(seen[0]?.body, payload);
});

test('http_client: a failing target is retried, then the request is answered 502', async (t) => {
  const { seen, base } = await target(t, (_n, _r, res) => send(res, 500, 'boom'));
  const out = comp('output', 'http_client', { url: base, retries: 2, retry_period: 10 });
  const { url } = await startHost(t, [streamConf('fail', comp('input', 'http_server', { path: '/fail' }), [], out)]);
  const res = await fetch(url('/fail'), { method: 'POST', body: 'x' });
  assert.equal(res.status, 502);
  assert.match(await res.text(), /answered 500: boom \(after 2 retries\)/);
  assert.equal(seen.length, 3, 'one attempt and two retries');
});

test('http_client: backoff_on retries until success; drop_on fails at once; successful_on counts as delivered', async (t) => {
  const { seen, base } = await target(t, (n, req, res) => {
    if (req.url === '/flaky') send(res, n < 2 ? 429 : 200);
    else if (req.url === '/gone') send(res, 410);
    else send(res, 404);
  });
  const mk = (path: string, extra: Record<string, unknown> = {}) =>
    comp('output', 'http_client', { url: `${base}${path}`, retries: 3, retry_period: 5, max_retry_backoff: 20, drop_on: [410], ...extra });
  const { url } = await startHost(t, [
    streamConf('flaky', comp('input', 'http_server', { path: '/flaky' }), [], mk('/flaky')),
    streamConf('gone', comp('input', 'http_server', { path: '/gone' }), [], mk('/gone')),
    streamConf('nf', comp('input', 'http_server', { path: '/nf' }), [], mk('/nf', { successful_on: [404] })),
  ]);
  assert.equal((await fetch(url('/flaky'), { method: 'POST', body: 'x' })).status, 200);
  assert.equal(seen.filter((s) => s.url === '/flaky').length, 3);
  assert.equal((await fetch(url('/gone'), { method: 'POST', body: 'x' })).status, 502);
  assert.equal(seen.filter((s) => s.url === '/gone').length, 1, 'drop_on is not retried');
  assert.equal((await fetch(url('/nf'), { method: 'POST', body: 'x' })).status, 200);
});

test('http_client: an unreachable target nacks after retries; propagate_response answers with the target response', async (t) => {
  const { base } = await target(t, (_n, req, res) => send(res, 201, `echo:${req.body.toString()}`));
  const { url } = await startHost(t, [
    streamConf('down', comp('input', 'http_server', { path: '/down' }), [], comp('output', 'http_client', { url: 'http://127.0.0.1:1/x', retries: 1, retry_period: 5 })),
    streamConf('prop', comp('input', 'http_server', { path: '/prop' }), [], comp('output', 'http_client', { url: base, propagate_response: true })),
  ]);
  const down = await fetch(url('/down'), { method: 'POST', body: 'x' });
  assert.equal(down.status, 502);
  assert.match(await down.text(), /failed: .*ECONNREFUSED|connect/i);
  const prop = await fetch(url('/prop'), { method: 'POST', body: 'hi' });
  assert.equal(await prop.text(), 'echo:hi');
});

test('http_client with batching and batch_as_multipart sends one multipart request per batch', async (t) => {
  const { seen, base } = await target(t, (_n, _r, res) => send(res, 200));
  const out = comp('output', 'http_client', { url: base, batch_as_multipart: true, batching: { count: 3 } });
  const { url } = await startHost(t, [streamConf('mp', comp('input', 'http_server', { path: '/mp' }), [], out)]);
  const answers = await Promise.all(['a', 'b', 'c'].map((s) => fetch(url('/mp'), { method: 'POST', body: s })));
  assert.deepEqual(answers.map((r) => r.status), [200, 200, 200]);
  await until(() => seen.length === 1, 'one request');
  assert.match(String(seen[0]?.headers['content-type']), /^multipart\/mixed; boundary=/);
  const text = seen[0]?.body.toString() ?? '';
  for (const s of ['a', 'b', 'c']) assert.ok(text.includes(`\r\n\r\n${s}\r\n`), text);
});
