import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestRecord } from '../../src/host/index.js';
import { requestLine } from '../../src/cli/request-log.js';
import { throwLocation } from '../../src/core/index.js';
import { comp, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

test('host.requests reports one record per finished request, including 404s and failures', async (t) => {
  const conf = streamConf('ev', comp('input', 'http_server', { path: '/ev/{id}' }), [comp('processor', 'test_upper')], comp('output', 'sync_response'));
  const { host, url } = await startHost(t, [conf]);
  const seen: RequestRecord[] = [];
  const off = host.requests.on((r) => seen.push(r));
  const before = Date.now();
  assert.equal((await fetch(url('/ev/7'), { method: 'POST', body: 'hi' })).status, 200);
  assert.equal((await fetch(url('/nowhere'), { method: 'POST', body: 'x' })).status, 404);
  await until(() => seen.length === 2, 'two records');
  const [ok, missing] = seen as [RequestRecord, RequestRecord];
  assert.deepEqual({ ...ok, ms: 0, time: 0 }, { method: 'POST', path: '/ev/7', route: '/ev/{id}', stream: 'ev', status: 200, ms: 0, time: 0 });
  assert.ok(ok.time >= before && ok.time <= Date.now());
  assert.ok(ok.ms >= 0 && ok.ms < 10_000);
  assert.equal(missing.status, 404);
  assert.equal(missing.route, '');
  off();
  assert.equal((await fetch(url('/ev/8'), { method: 'POST', body: 'hi' })).status, 200);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen.length, 2, 'no records after unsubscribing');
});

test('a request line: method, path, status, ms, generation, error and where it was thrown', () => {
  const r: RequestRecord = { time: 0, method: 'POST', path: '/x', route: '/x', stream: 's', status: 500, ms: 3.5, generation: 2, error: 'plugin p: boom\nmore', location: 'functions/p/index.ts:4' };
  assert.equal(requestLine(r), 'POST /x 500 3.5ms gen 2 plugin p: boom (functions/p/index.ts:4)');
  assert.equal(requestLine({ ...r, status: 200, error: undefined, location: undefined, generation: undefined } as RequestRecord), 'POST /x 200 3.5ms');
});

test('throwLocation finds the innermost frame of the user code in JS stacks and Python tracebacks', () => {
  const js = [
    'Error: boom',
    '    at shout (/work/app/functions/shout/index.ts:4:11)',
    '    at processEach (/work/hotplug/dist/src/sdk/ts/processor.js:90:17)',
    '    at node:internal/process/task_queues:95:5',
  ].join('\n');
  assert.equal(throwLocation(js, '/work/app'), 'functions/shout/index.ts:4');
  const sdkFirst = ['TypeError: x', '    at file:///tmp/hotplug-build-0/sdk/hotplug-sdk-abc.mjs:1:2', '    at /srv/f/index.ts:9:1'].join('\n');
  assert.equal(throwLocation(sdkFirst, '/work'), '/srv/f/index.ts:9');
  const py = [
    'Traceback (most recent call last):',
    '  File "/work/hotplug/src/sdk/python/hotplug/_processors.py", line 120, in process_each',
    '    result = func(msg)',
    '  File "/work/app/functions/py/main.py", line 7, in handle',
    '    raise ValueError("bad")',
    'ValueError: bad',
  ].join('\n');
  assert.equal(throwLocation(py, '/work/app'), 'functions/py/main.py:7');
  assert.equal(throwLocation('no frames here'), undefined);
});
