import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHost } from '../../src/host/index.js';
import { log, until } from '../pipeline/helpers.js';

test('a real host: generate on `@every 200ms` posts to an http_client target once per fire; a stream waiting a year stops at once', async (t) => {
  const arrivals: Array<{ at: number; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrivals.push({ at: performance.now(), body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ticks`;

  const dir = await mkdtemp(join(tmpdir(), 'hotplug-cron-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ticks.yaml'), `input:\n  generate:\n    interval: '@every 200ms'\n    mapping: 'root = "tick"'\noutput:\n  http_client:\n    url: ${target}\n`);
  await writeFile(join(dir, 'yearly.yaml'), `input:\n  generate:\n    interval: 'TZ=Europe/Berlin 0 0 1 1 *'\n    mapping: 'root = "new year"'\noutput:\n  http_client:\n    url: ${target}\n`);

  const started = performance.now();
  const host = createHost({ dir, port: 0, log });
  let stopped = false;
  t.after(() => (stopped ? undefined : host.stop()));
  await host.start();
  assert.deepEqual(host.diagnostics, []);

  await until(() => arrivals.length >= 4, 'four scheduled messages', 10_000);
  // Fire k is due 200·k ms after the input's first read (later under load, never earlier): the first is
  // not at start, and four messages cannot come as fast as possible.
  for (let i = 0; i < 4; i++) {
    const since = (arrivals[i]?.at ?? 0) - started;
    assert.ok(since >= (i + 1) * 200 - 10, `message ${i + 1} came ${since.toFixed(0)} ms after start`);
  }
  assert.ok(arrivals.every((a) => a.body === 'tick'), 'only the 200 ms stream has fired');

  // Both streams are between fires; neither may hold the host's shutdown up.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 5_000)));
  const outcome = await Promise.race([host.stop().then(() => 'stopped' as const), deadline]);
  clearTimeout(timer);
  stopped = true;
  assert.equal(outcome, 'stopped');
  const after = arrivals.length;
  await new Promise((r) => setTimeout(r, 450)); // two would-be fires: proving an absence needs a wait
  assert.equal(arrivals.length, after, 'nothing fires after stop');
});
