import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutputDef } from '../../src/core/index.js';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

const upper = (id: string, path: string) => streamConf(id, comp('input', 'http_server', { path }), [comp('processor', 'test_upper')], comp('output', 'sync_response'));
const echo = (id: string, path: string) => streamConf(id, comp('input', 'http_server', { path }), [], comp('output', 'sync_response'));

/** Clients posting in a loop until stopped; every answer is recorded. */
function load(url: string, clients: number) {
  const answers: Array<{ status: number; body: string }> = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    let n = 0;
    while (running) {
      const body = `c${c}-${n++}`;
      try {
        const res = await fetch(url, { method: 'POST', body });
        answers.push({ status: res.status, body: await res.text() });
      } catch (err) {
        answers.push({ status: 0, body: String(err) });
      }
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

test('replaceStream under load: no request fails, routes move atomically, the new behaviour follows', async (t) => {
  const { url, host } = await startHost(t, [upper('r', '/r')]);
  const clients = load(url('/r'), 6);
  await until(() => clients.answers.length > 50, 'load running');
  const old = host.stream('r')!;
  await host.replaceStream('r', echo('r', '/r'));
  assert.equal(old.state(), 'stopped', 'the old generation drained and stopped');
  const swappedAt = clients.answers.length;
  await until(() => clients.answers.length > swappedAt + 50, 'load continues on the new stream');
  await clients.stop();
  const failed = clients.answers.filter((a) => a.status !== 200);
  assert.deepEqual(failed, [], 'zero failed requests');
  const after = clients.answers.slice(swappedAt + 6);
  assert.ok(after.every((a) => a.body === a.body.toLowerCase()), 'new generation echoes without upper-casing');
  assert.ok(clients.answers.slice(0, 50).every((a) => a.body === a.body.toUpperCase()));
});

test('replaceStream flushes the old stream\'s buffered batch through its output; a broken replacement keeps the old one', async (t) => {
  const out = comp('output', 'test_sink', { name: 'old', batching: { count: 100, period: 3_600_000 } });
  const { url, host, sinks } = await startHost(t, [streamConf('b', comp('input', 'http_server', { path: '/b' }), [], out)]);
  const pending = ['1', '2'].map((s) => fetch(url('/b'), { method: 'POST', body: s }));
  await until(async () => (await host.metrics.render()).includes('hotplug_input_received_total{stream="b",component="input"} 2'), 'buffered');
  await assert.rejects(host.replaceStream('b', streamConf('b', comp('input', 'http_server', { path: '/b' }), [comp('processor', 'no_such_thing')], comp('output', 'drop'))), /unknown processor "no_such_thing"/);
  assert.equal(host.stream('b')?.state(), 'running', 'the old stream still serves');
  await host.replaceStream('b', streamConf('b', comp('input', 'http_server', { path: '/b' }), [], comp('output', 'test_sink', { name: 'new' })));
  assert.deepEqual((await Promise.all(pending)).map((r) => r.status), [200, 200]);
  assert.deepEqual(sinks.get('old')!.batches.map((b) => [...b].sort()), [['1', '2']]);
  assert.equal((await fetch(url('/b'), { method: 'POST', body: '3' })).status, 200);
  assert.deepEqual(sinks.get('new')!.batches, [['3']]);
});

test('replaceStream refuses a route another stream owns; removeStream drains and its routes answer 404', async (t) => {
  const { url, host } = await startHost(t, [upper('a', '/a'), upper('c', '/c')]);
  await assert.rejects(host.replaceStream('a', upper('a', '/c')), /clashes/);
  assert.equal(await (await fetch(url('/a'), { method: 'POST', body: 'still' })).text(), 'STILL');
  await host.removeStream('a');
  assert.equal((await fetch(url('/a'), { method: 'POST', body: 'x' })).status, 404);
  assert.equal((await fetch(url('/c'), { method: 'POST', body: 'x' })).status, 200);
  assert.deepEqual(host.streamIds(), ['c']);
});

test('/ready is 503 with what is not connected, 200 once everything is', async (t) => {
  let up = false;
  const flaky: OutputDef = {
    spec: { name: 'test_flaky', kind: 'output', fields: [] },
    build: () => ({
      connect: () => (up ? Promise.resolve() : Promise.reject(new Error('target down'))),
      writeBatch: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }),
  };
  const { url, host } = await startHost(t, []);
  host.registry.add(flaky);
  host.addStream(streamConf('f', comp('input', 'http_server', { path: '/f' }), [], comp('output', 'test_flaky')));
  const down = await fetch(url('/ready'));
  assert.equal(down.status, 503);
  assert.deepEqual(((await down.json()) as { notReady: unknown }).notReady, { f: { state: 'starting', input: false, output: false } });
  up = true;
  await until(() => host.stream('f')?.state() === 'running', 'connected after a retry');
  const ok = await fetch(url('/ready'));
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { ready: boolean }).ready, true);
});

test('replaceStream with a new id (a renamed file) moves the routes to it', async (t) => {
  const { url, host } = await startHost(t, [upper('old-name', '/renamed')]);
  await host.replaceStream('old-name', echo('new-name', '/renamed'));
  assert.deepEqual(host.streamIds(), ['new-name']);
  assert.equal(await (await fetch(url('/renamed'), { method: 'POST', body: 'abc' })).text(), 'abc');
  assert.deepEqual(host.routes().filter((r) => r.owner !== 'host').map((r) => r.path), ['/renamed']);
});
