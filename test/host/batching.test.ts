import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

const post = (url: string, body: string) => fetch(url, { method: 'POST', body }).then(async (r) => ({ status: r.status, body: await r.text() }));

test('count: concurrent requests share one output batch, and each gets its own response', async (t) => {
  const out = comp('output', 'test_sink', { name: 'count', batching: { count: 4 } });
  const { url, sinks } = await startHost(t, [streamConf('count', comp('input', 'http_server', { path: '/count' }), [comp('processor', 'test_upper')], out)]);
  const answers = await Promise.all(['a', 'b', 'c', 'd'].map((s) => post(url('/count'), s)));
  assert.deepEqual(answers.map((a) => a.body), ['A', 'B', 'C', 'D']);
  assert.ok(answers.every((a) => a.status === 200));
  const batches = sinks.get('count')!.batches;
  assert.equal(batches.length, 1);
  assert.deepEqual([...(batches[0] ?? [])].sort(), ['A', 'B', 'C', 'D']);
});

test('byte_size: flushes once payload bytes reach the size', async (t) => {
  const out = comp('output', 'test_sink', { name: 'bytes', batching: { byte_size: 6 } });
  const { url, sinks } = await startHost(t, [streamConf('bytes', comp('input', 'http_server', { path: '/bytes' }), [], out)]);
  const first = post(url('/bytes'), 'abc');
  await until(() => sinks.get('bytes') !== undefined, 'sink built');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sinks.get('bytes')!.writes, 0, '3 bytes do not flush');
  const second = post(url('/bytes'), 'def');
  await Promise.all([first, second]);
  assert.deepEqual(sinks.get('bytes')!.batches, [['abc', 'def']]);
});

test('period: a lone message is flushed by the period', async (t) => {
  const out = comp('output', 'test_sink', { name: 'period', batching: { count: 100, period: 100 } });
  const { url, sinks } = await startHost(t, [streamConf('period', comp('input', 'http_server', { path: '/period' }), [], out)]);
  const started = Date.now();
  const res = await post(url('/period'), 'x');
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started >= 50, 'it waited for the period');
  assert.deepEqual(sinks.get('period')!.batches, [['x']]);
  assert.match(await (await fetch(url('/metrics'))).text(), /hotplug_output_batches_total\{stream="period",component="output.test_sink",trigger="period"\} 1/);
});

test('post-batch processors run once on the flushed batch; their merged output is written', async (t) => {
  const out = comp('output', 'test_sink', { name: 'post', batching: { count: 3, processors: [comp('processor', 'test_join')] } });
  const { url, sinks } = await startHost(t, [streamConf('post', comp('input', 'http_server', { path: '/post-batch' }), [], out)]);
  const answers = await Promise.all(['1', '2', '3'].map((s) => post(url('/post-batch'), s)));
  assert.ok(answers.every((a) => a.status === 200));
  const batches = sinks.get('post')!.batches;
  assert.equal(batches.length, 1);
  assert.equal(batches[0]?.length, 1, 'joined into one message');
  assert.deepEqual(batches[0]?.[0]?.split('\n').sort(), ['1', '2', '3']);
});

test('post-batch processors failing nack the whole batch (502 for every request); filtering everything acks', async (t) => {
  const failing = comp('output', 'test_sink', { name: 'pf', batching: { count: 2, processors: [comp('processor', 'test_upper')] } });
  const filtering = comp('output', 'test_sink', { name: 'pd', batching: { count: 2, processors: [comp('processor', 'test_filter')] } });
  const { url, sinks } = await startHost(t, [
    streamConf('pf', comp('input', 'http_server', { path: '/pf' }), [], failing),
    streamConf('pd', comp('input', 'http_server', { path: '/pd' }), [], filtering),
  ]);
  const nacked = await Promise.all(['fail', 'x'].map((s) => post(url('/pf'), s)));
  assert.deepEqual(nacked.map((a) => a.status).sort(), [502, 502]);
  assert.match(nacked[0]?.body ?? '', /upper refused/);
  const dropped = await Promise.all(['drop', 'drop'].map((s) => post(url('/pd'), s)));
  assert.deepEqual(dropped.map((a) => a.status), [200, 200]);
  assert.equal(sinks.get('pd')!.writes, 0);
});

test('stop() flushes buffered batches through the output and answers the waiting requests', async (t) => {
  const out = comp('output', 'test_sink', { name: 'flush', batching: { count: 100, period: 3_600_000 } });
  // Two batches in flight at most: the third request waits in the input, behind a batch that only a flush can settle.
  const { url, sinks, host } = await startHost(t, [streamConf('flush', comp('input', 'http_server', { path: '/flush' }), [comp('processor', 'test_upper')], out)], 2);
  const pending = ['p', 'q', 'r'].map((s) => post(url('/flush'), s));
  await until(async () => (await host.metrics.render()).includes('hotplug_input_received_total{stream="flush",component="input"} 2'), 'two requests read');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sinks.get('flush')!.writes, 0);
  await host.stop();
  const answers = await Promise.all(pending);
  assert.deepEqual(answers.map((a) => a.body).sort(), ['P', 'Q', 'R']);
  assert.deepEqual(sinks.get('flush')!.batches.flat().sort(), ['P', 'Q', 'R']);
  assert.equal(sinks.get('flush')!.batches.length, 1, 'the queued request joined the buffered batch, flushed once at shutdown');
  assert.equal(sinks.get('flush')!.closed, true);
});

test('503 once a stream is draining; requests already in flight still complete', async (t) => {
  let open!: () => void;
  const out = comp('output', 'test_sink', { name: 'drain' });
  const { url, sinks, host } = await startHost(t, [streamConf('drain', comp('input', 'http_server', { path: '/drain' }), [], out)]);
  await until(() => sinks.get('drain') !== undefined, 'sink');
  sinks.get('drain')!.gate = new Promise<void>((r) => (open = r));
  const inFlight = post(url('/drain'), 'first');
  await until(() => sinks.get('drain')!.writes === 1, 'first request at the output');
  const stopping = host.stream('drain')!.stop();
  const refused = await post(url('/drain'), 'second');
  assert.equal(refused.status, 503);
  open();
  assert.equal((await inFlight).status, 200);
  await stopping;
});
