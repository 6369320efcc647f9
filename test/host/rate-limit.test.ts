import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';
import { pipelineDir, writePipeline } from './tls-setup.js';

/** A target server that records each body with its arrival time (performance.now, the limiter's clock). */
async function target(t: { after(fn: () => Promise<void>): void }) {
  const seen: Array<{ body: string; at: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ body: Buffer.concat(chunks).toString(), at: performance.now() });
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('http_server rate_limit (loaded from YAML): 3 requests per hour pass, the 4th is answered 429 with Retry-After and never delivered', async (t) => {
  const { seen, base } = await target(t);
  const dir = pipelineDir(t);
  const conf = writePipeline(
    dir,
    'limited',
    [
      'rate_limit_resources:',
      '  - label: per_hour',
      '    local: { count: 3, interval: 1h }',
      'input:',
      '  http_server: { path: /limited, rate_limit: per_hour }',
      'output:',
      `  http_client: { url: ${base}/in }`,
      '',
    ].join('\n'),
  );
  const { url } = await startHost(t, [conf]);
  for (const body of ['a', 'b', 'c']) assert.equal((await fetch(url('/limited'), { method: 'POST', body })).status, 200, body);
  const refused = await fetch(url('/limited'), { method: 'POST', body: 'd' });
  assert.equal(refused.status, 429);
  const retry = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry > 3500 && retry <= 3600, `Retry-After in whole seconds until the window ends, got ${refused.headers.get('retry-after')}`);
  assert.match(await refused.text(), /rate limit/);
  assert.deepEqual(
    seen.map((s) => s.body),
    ['a', 'b', 'c'],
    'the refused request never reached the output',
  );
});

test('http_client rate_limit: requests wait for the next window instead of failing', async (t) => {
  const { seen, base } = await target(t);
  const interval = 300;
  const conf = streamConf('spaced', comp('input', 'test_list', { batches: [['m0', 'm1', 'm2']] }), [], comp('output', 'http_client', { url: base, rate_limit: 'two' }), 1);
  conf.resources.rateLimits = new Map([['two', { label: 'two', count: 2, intervalMs: interval, location: { file: conf.file } }]]);
  // The limit's first window opens when the stream is built, after this.
  const t0 = performance.now();
  const { acks } = await startHost(t, [conf]);
  await until(() => acks.has(0), 'the batch acknowledged');
  assert.equal(acks.get(0), undefined, 'delivered, not failed');
  assert.equal(seen.length, 3);
  assert.deepEqual(seen.slice(0, 2).map((s) => s.body).sort(), ['m0', 'm1']);
  assert.equal(seen[2]?.body, 'm2', 'the third waited');
  assert.ok((seen[2]?.at ?? 0) - t0 >= interval, `the third arrived ${((seen[2]?.at ?? 0) - t0).toFixed(1)} ms after start, before the next window`);
});

test('http_client rate_limit: a send waiting for the limit ends when the stream is force-closed', async (t) => {
  const { seen, base } = await target(t);
  const conf = {
    ...streamConf('stuck', comp('input', 'test_list', { batches: [['first', 'second']] }), [], comp('output', 'http_client', { url: base, rate_limit: 'once' }), 1),
    shutdownTimeoutMs: 200,
  };
  conf.resources.rateLimits = new Map([['once', { label: 'once', count: 1, intervalMs: 3_600_000, location: { file: conf.file } }]]);
  const { host, acks } = await startHost(t, [conf]);
  await until(() => seen.length === 1, 'the first request sent');
  const report = await host.shutdown();
  assert.deepEqual(report.timedOut, ['stuck'], 'the waiting send kept the stream from draining until the deadline');
  assert.match(acks.get(0) ?? '', /.+/, 'the batch was nacked');
  assert.deepEqual(
    seen.map((s) => s.body),
    ['first'],
  );
});
