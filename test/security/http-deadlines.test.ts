import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/poll.js';
import { echoStream, rawClient, startServing, tempTree } from './helpers.js';

// Issue 12 items 3 and 8: slow clients meet read deadlines, a slow upload
// cannot hold the shutdown, and a multipart body's part count is bounded.

test('slowloris headers get 408 and a closed connection after --header-timeout; a dribbled body after --request-timeout', async (t) => {
  const dir = tempTree(t, { 'echo.yaml': echoStream('/echo') });
  const { base, port } = await startServing(t, 'run', dir, ['--header-timeout', '1s', '--request-timeout', '2s']);
  const headers = rawClient(port);
  t.after(() => headers.sock.destroy());
  headers.sock.write('POST /echo HTTP/1.1\r\nHost: x\r\n');
  headers.dribble('X-A: b\r\n', 200);
  const body = rawClient(port);
  t.after(() => body.sock.destroy());
  body.sock.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
  body.dribble('a', 200);
  await waitFor(() => headers.received().length > 0, { timeoutMs: 15_000, what: 'an answer to the slow headers' });
  assert.match(headers.received(), /^HTTP\/1.1 408 /);
  await headers.closed;
  await waitFor(() => body.received().length > 0, { timeoutMs: 15_000, what: 'an answer to the slow body' });
  assert.match(body.received(), /^HTTP\/1.1 408 /);
  await body.closed;
  assert.equal(await (await fetch(`${base}/echo`, { method: 'POST', body: 'quick' })).text(), 'QUICK');
});

test('SIGTERM with an upload dribbling in: a short grace, then it is cut (503, never processed) and the host exits 0', async (t) => {
  const dir = tempTree(t, { 'echo.yaml': `shutdown_timeout: 8s\n${echoStream('/echo')}` });
  const { cli, port } = await startServing(t, 'run', dir);
  const slow = rawClient(port);
  t.after(() => slow.sock.destroy());
  slow.sock.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
  slow.dribble('a', 200);
  // Give the first bytes time to reach the route; were SIGTERM first, the request is refused 503 and this still holds.
  await new Promise((r) => setTimeout(r, 300));
  const startedAt = Date.now();
  const code = await cli.stop('SIGTERM', 30_000);
  const took = Date.now() - startedAt;
  assert.equal(code, 0, cli.stderr());
  assert.ok(took < 6000, `exited ${took} ms after SIGTERM, well before the 8 s shutdown_timeout`);
  await slow.closed;
  assert.doesNotMatch(slow.received(), /^HTTP\/1.1 200/, 'the upload was not answered as processed');
  if (slow.received() !== '') assert.match(slow.received(), /^HTTP\/1.1 503 [^]*request body was still arriving/);
});

test('multipart: more parts than the limit (1000) is refused 413 before any becomes a message; a few parts still work', async (t) => {
  const dir = tempTree(t, { 'echo.yaml': echoStream('/echo') });
  const { base } = await startServing(t, 'run', dir);
  const multipart = (n: number): string => `${Array.from({ length: n }, (_, i) => `--b\r\n\r\n${i}`).join('\r\n')}\r\n--b--\r\n`;
  const many = await fetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed; boundary=b' }, body: multipart(20_000) });
  assert.equal(many.status, 413);
  assert.match(await many.text(), /more than 1000 parts/);
  const few = await fetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed; boundary=b' }, body: multipart(3) });
  assert.equal(few.status, 200);
  assert.match(few.headers.get('content-type') ?? '', /^multipart\/mixed/);
});
