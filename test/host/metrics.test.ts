import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comp, streamConf } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

test('/metrics: messages in and out, errors, batches by trigger, latency histogram, per stream and component', async (t) => {
  const out = comp('output', 'test_sink', { name: 'm', batching: { count: 2 } });
  const { url, sinks } = await startHost(t, [streamConf('m', comp('input', 'http_server', { path: '/m' }), [comp('processor', 'test_upper')], out)]);
  await Promise.all(['a', 'b'].map((s) => fetch(url('/m'), { method: 'POST', body: s })));
  sinks.get('m')!.failOn = 'BOOM';
  await Promise.all(['boom', 'x'].map((s) => fetch(url('/m'), { method: 'POST', body: s })));
  const res = await fetch(url('/metrics'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const value = (series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    assert.ok(line, `${series} in\n${text}`);
    return Number(line.split(' ')[1]);
  };
  assert.equal(value('hotplug_input_received_total{stream="m",component="input"}'), 4);
  assert.equal(value('hotplug_output_batches_total{stream="m",component="output.test_sink",trigger="count"}'), 2);
  assert.ok(value('hotplug_output_sent_total{stream="m",component="output.test_sink"}') >= 2);
  assert.equal(value('hotplug_output_errors_total{stream="m",component="output.test_sink"}'), 1);
  assert.equal(value('hotplug_stream_acked_total{stream="m"}'), 2);
  assert.equal(value('hotplug_stream_nacked_total{stream="m"}'), 2);
  assert.equal(value('hotplug_stream_latency_seconds_count{stream="m"}'), 4);
  assert.equal(value('hotplug_stream_latency_seconds_bucket{stream="m",le="+Inf"}'), 4);
  assert.match(text, /# TYPE hotplug_stream_latency_seconds histogram/);
  // prom-client's default process metrics come with the host's own.
  assert.ok(value('process_cpu_user_seconds_total') > 0);
  assert.ok(value('process_resident_memory_bytes') > 0);
  assert.match(text, /# TYPE nodejs_eventloop_lag_seconds gauge/);
  assert.match(text, /^nodejs_heap_size_used_bytes \d+/m);
});
