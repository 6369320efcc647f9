import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { rawRequest, startHost } from './setup.js';

const upperStream = (id: string, input: Record<string, unknown> = {}) =>
  streamConf(id, comp('input', 'http_server', { path: `/${id}`, ...input }), [comp('processor', 'test_upper')], comp('output', 'sync_response'));

test('a request is answered with the message derived from it', async (t) => {
  const { url } = await startHost(t, [upperStream('up')]);
  const res = await fetch(url('/up'), { method: 'POST', body: 'hello' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'HELLO');
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
});

test('headers, query and path parameters become metadata', async (t) => {
  const conf = streamConf('meta', comp('input', 'http_server', { path: '/users/{id}/orders' }), [comp('processor', 'test_meta')], comp('output', 'sync_response'));
  const { url } = await startHost(t, [conf]);
  const res = await fetch(url('/users/u%2042/orders?x=1&x=2&y=b'), { method: 'POST', body: '{}', headers: { 'X-Trace-ID': 'abc', 'User-Agent': 'tester/1' } });
  assert.equal(res.status, 200);
  const meta = (await res.json()) as Record<string, string>;
  assert.equal(meta['x-trace-id'], 'abc');
  assert.equal(meta['id'], 'u 42');
  assert.equal(meta['x'], '1');
  assert.equal(meta['y'], 'b');
  assert.equal(meta['http_server_request_path'], '/users/u%2042/orders');
  assert.equal(meta['http_server_verb'], 'POST');
  assert.equal(meta['http_server_user_agent'], 'tester/1');
  assert.equal(meta['http_server_remote_ip'], '127.0.0.1');
});

test('status codes: 404 unknown route, 405 wrong verb, 413 over the limit, 400 unreadable body', async (t) => {
  const { url } = await startHost(t, [upperStream('codes', { body_limit: 16 })]);
  assert.equal((await fetch(url('/nope'), { method: 'POST', body: 'x' })).status, 404);
  const wrong = await fetch(url('/codes'), { method: 'PUT', body: 'x' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  assert.equal((await fetch(url('/codes'), { method: 'POST', body: 'x'.repeat(17) })).status, 413, 'declared length over the limit');
  const chunked = await rawRequest(url('/codes'), { chunks: ['x'.repeat(10), 'y'.repeat(10)] });
  assert.equal(chunked.status, 413, 'limit enforced while the body streams in');
  const bad = await fetch(url('/codes'), { method: 'POST', body: 'no boundary here', headers: { 'Content-Type': 'multipart/mixed; boundary=zzz' } });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(url('/codes'), { method: 'POST', body: 'x'.repeat(16) })).status, 200, 'exactly the limit is fine');
  assert.equal((await fetch(url('/ping'))).status, 200);
});

test('408 when the message is not acknowledged in time; 502 with the error text on a nack', async (t) => {
  let open!: () => void;
  const conf = streamConf('slow', comp('input', 'http_server', { path: '/slow', timeout: 150 }), [], comp('output', 'test_sink', { name: 'slow', max_in_flight: 8 }));
  const { url, sinks } = await startHost(t, [conf]);
  const sink = sinks.get('slow')!;
  sink.gate = new Promise<void>((r) => (open = r));
  const timedOut = await fetch(url('/slow'), { method: 'POST', body: 'late' });
  assert.equal(timedOut.status, 408);
  open();
  sink.gate = undefined;
  await until(() => sink.batches.length === 1, 'the late message still delivered');
  sink.failOn = 'bad';
  const nacked = await fetch(url('/slow'), { method: 'POST', body: 'bad' });
  assert.equal(nacked.status, 502);
  assert.match(await nacked.text(), /sink refused bad/);
});

test('a processor that rejects fails its request with 500 and the error text; the stream keeps running', async (t) => {
  const { url, host } = await startHost(t, [upperStream('rej')]);
  const res = await fetch(url('/rej'), { method: 'POST', body: 'fail' });
  assert.equal(res.status, 500, 'an unhandled error is never answered as a success');
  assert.equal(await res.text(), 'upper refused\n');
  assert.equal(await (await fetch(url('/rej'), { method: 'POST', body: 'ok' })).text(), 'OK');
  assert.deepEqual({ ...host.health()['rej']?.lastFailure, at: 'T' }, { error: 'upper refused', component: 'pipeline', at: 'T' }, '/ready shows the last failure');
  const metrics = await host.metrics.render();
  assert.match(metrics, /hotplug_processor_errors_total\{stream="rej",component="pipeline"\} 1/);
  assert.match(metrics, /hotplug_http_responses_total\{route="\/rej",stream="rej",code="500"\} 1/);
  assert.match(metrics, /hotplug_http_responses_total\{route="\/rej",stream="rej",code="200"\} 1/);
});

test('unhandled_errors: pass_through keeps Redpanda Connect behaviour: errored messages are delivered', async (t) => {
  const { url } = await startHost(t, [{ ...upperStream('pass'), unhandledErrors: 'pass_through' }]);
  const res = await fetch(url('/pass'), { method: 'POST', body: 'fail' });
  assert.equal(res.status, 200, 'errored messages are still delivered, as in Redpanda Connect');
  assert.equal(await res.text(), 'fail');
  assert.equal(await (await fetch(url('/pass'), { method: 'POST', body: 'ok' })).text(), 'OK');
});

test('a multipart request is one batch; its multi-message response is multipart', async (t) => {
  const conf = streamConf('multi', comp('input', 'http_server', { path: '/multi' }), [comp('processor', 'test_upper')], comp('output', 'test_sink', { name: 'multi' }));
  const { url, sinks } = await startHost(t, [conf]);
  const body = '--b1\r\nContent-Type: text/plain\r\n\r\none\r\n--b1\r\n\r\ntwo\r\n--b1--\r\n';
  const res = await fetch(url('/multi'), { method: 'POST', body, headers: { 'Content-Type': 'multipart/mixed; boundary=b1' } });
  assert.equal(res.status, 200);
  assert.deepEqual(sinks.get('multi')!.batches, [['ONE', 'TWO']]);
  const type = res.headers.get('content-type') ?? '';
  assert.match(type, /^multipart\/mixed; boundary=/);
  const text = await res.text();
  assert.ok(text.indexOf('ONE') >= 0 && text.indexOf('TWO') > text.indexOf('ONE'), text);
});

test('filtering a message acknowledges it: 200 with an empty body', async (t) => {
  const conf = streamConf('filter', comp('input', 'http_server', { path: '/filter' }), [comp('processor', 'test_filter')], comp('output', 'test_sink', { name: 'filter' }));
  const { url, sinks } = await startHost(t, [conf]);
  const res = await fetch(url('/filter'), { method: 'POST', body: 'drop' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
  assert.equal(sinks.get('filter')!.writes, 0);
});

test('sync_response status, headers and metadata headers', async (t) => {
  const conf = streamConf(
    'sr',
    comp('input', 'http_server', {
      path: '/sr',
      sync_response: { status: '201', headers: { 'Content-Type': 'text/plain' }, metadata_headers: { include_prefixes: ['x-keep'], include_patterns: ['^trace'] } },
    }),
    [],
    comp('output', 'sync_response'),
  );
  const { url } = await startHost(t, [conf]);
  const res = await fetch(url('/sr'), { method: 'POST', body: 'b', headers: { 'x-keep-me': '1', 'x-other': '2', traceparent: 't' } });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'text/plain');
  assert.equal(res.headers.get('x-keep-me'), '1');
  assert.equal(res.headers.get('traceparent'), 't');
  assert.equal(res.headers.get('x-other'), null);
});

test('a client that disconnects mid-body leaks nothing and the stream keeps serving', async (t) => {
  const { url, host } = await startHost(t, [upperStream('gone')]);
  const { request } = await import('node:http');
  await new Promise<void>((resolve) => {
    const req = request(url('/gone'), { method: 'POST', headers: { 'Content-Length': '1000' } });
    req.on('error', () => resolve());
    req.write('partial');
    setImmediate(() => {
      req.destroy();
      resolve();
    });
  });
  assert.equal(await (await fetch(url('/gone'), { method: 'POST', body: 'still' })).text(), 'STILL');
  await host.stop();
  assert.equal(host.stream('gone')?.state(), 'stopped', 'stop does not wait on the abandoned request');
});
