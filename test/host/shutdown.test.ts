import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHost } from '../../src/host/index.js';
import { createRegistry } from '../../src/pipeline/index.js';
import { type Sink, comp, log, sinkDef, streamConf, until } from '../pipeline/helpers.js';
import { startHost } from './setup.js';

const never = new Promise<void>(() => {});
/** A stream whose output (the in-test sink called `name`) is given `timeoutMs` to stop. */
const sinkStream = (name: string, timeoutMs: number) => ({ ...streamConf('s', comp('input', 'http_server', { path: '/s', timeout: 60_000 }), [], comp('output', 'test_sink', { name })), shutdownTimeoutMs: timeoutMs });

test('a reload replaces a stream whose output hangs: the old one is stopped within its shutdown_timeout, its request answered 503', async (t) => {
  const { url, host, sinks } = await startHost(t, [sinkStream('hung', 300)]);
  sinks.get('hung')!.gate = never;
  const pending = fetch(url('/s'), { method: 'POST', body: 'stuck' });
  await until(() => sinks.get('hung')!.writes === 1, 'the request is stuck in the output');
  await host.replaceStream('s', sinkStream('fresh', 300));
  const res = await pending;
  assert.equal(res.status, 503);
  assert.match(await res.text(), /^shutting down: shutdown_timeout \(300ms\) passed before this was delivered; it was nacked\n$/);
  assert.equal(sinks.get('hung')!.closed, true);
  const after = await fetch(url('/s'), { method: 'POST', body: 'next' });
  assert.equal(after.status, 200, 'the new generation serves');
  assert.deepEqual(sinks.get('fresh')!.batches, [['next']]);
});

test('removeStream is bounded the same way; host.shutdown() reports clean stops', async (t) => {
  const { url, host, sinks } = await startHost(t, [sinkStream('gone', 200)]);
  sinks.get('gone')!.gate = never;
  const pending = fetch(url('/s'), { method: 'POST', body: 'stuck' });
  await until(() => sinks.get('gone')!.writes === 1, 'the request is stuck in the output');
  await host.removeStream('s');
  assert.equal((await pending).status, 503);
  assert.deepEqual(await host.shutdown(), { timedOut: [], nacked: 0 }, 'the removed stream was already stopped; nothing else pending');
});

test('--shutdown-timeout (the host option) overrides the file, and host.shutdown() names the streams that timed out', async (t) => {
  const sinks = new Map<string, Sink>();
  const registry = createRegistry().add(sinkDef(sinks));
  const host = createHost({ port: 0, log, registry, streams: [sinkStream('slow', 60_000)], shutdownTimeoutMs: 200 });
  t.after(() => host.stop());
  await host.start();
  assert.equal(host.stream('s')!.shutdownTimeoutMs, 200);
  assert.equal(host.shutdownBudgetMs(), 200);
  sinks.get('slow')!.gate = never;
  const pending = fetch(host.url('/s'), { method: 'POST', body: 'stuck' });
  await until(() => sinks.get('slow')!.writes === 1, 'the request is stuck in the output');
  assert.deepEqual(await host.shutdown(), { timedOut: ['s'], nacked: 1 });
  assert.equal((await pending).status, 503);
});
