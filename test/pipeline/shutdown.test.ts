import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch, InputDef, ProcessorDef, ReadResult } from '../../src/core/index.js';
import { Message } from '../../src/core/index.js';
import { Metrics, buildStream, createRegistry } from '../../src/pipeline/index.js';
import { type Sink, comp, listInputDef, log, sinkDef, streamConf, until } from './helpers.js';

const never = new Promise<void>(() => {});

function env(extra: Array<InputDef | ProcessorDef> = []) {
  const sinks = new Map<string, Sink>();
  const acks = new Map<number, string | undefined>();
  const registry = createRegistry().add(sinkDef(sinks)).add(listInputDef(acks));
  for (const d of extra) registry.add(d);
  const metrics = new Metrics();
  return { sinks, acks, metrics, env: { registry, log, metrics } };
}

/** A sink whose writes never return (an output that hangs). */
const hungSink = (): Sink => ({ batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false, gate: never });

test('past shutdown_timeout, stop() nacks every pending batch (never acks one), force-closes the output and resolves', async () => {
  const e = env();
  e.sinks.set('hung', hungSink());
  const conf = { ...streamConf('hung', comp('input', 'test_list', { batches: [['a'], ['b'], ['c']] }), [], comp('output', 'test_sink', { name: 'hung' })), shutdownTimeoutMs: 200 };
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  await until(() => e.sinks.get('hung')!.writes >= 1, 'a write is stuck in the output');
  const first = stream.stop();
  assert.equal(stream.stop(), first, 'idempotent: the first call’s promise');
  assert.deepEqual(await first, { timedOut: true, nacked: 3 });
  assert.equal(stream.state(), 'stopped');
  assert.equal(e.acks.size, 3, 'every input batch settled');
  for (const [i, err] of e.acks) assert.match(err ?? 'ACKED', /shutdown_timeout \(200ms\) passed/, `batch ${i} was nacked, not acked`);
  assert.equal(e.sinks.get('hung')!.closed, true, 'the output was closed without waiting for its write');
  assert.deepEqual(e.sinks.get('hung')!.batches, []);
  assert.match(await e.metrics.render(), /hotplug_stream_nacked_total\{stream="hung"\} 3/);
});

test('past shutdown_timeout, messages held by a batch policy are dropped and nacked, not flushed late', async () => {
  // The third batch hangs in a processor, so the drain never gets to flush the policy holding the first two.
  const hang: ProcessorDef = {
    spec: { name: 'test_hang', kind: 'processor', fields: [] },
    build: () => ({
      processBatch: (b: Batch) => (b[0]?.text() === 'hang' ? never.then(() => [b]) : Promise.resolve([b])),
      close: () => Promise.resolve(),
    }),
  };
  const e = env([hang]);
  const conf = {
    ...streamConf('held', comp('input', 'test_list', { batches: [['a'], ['b'], ['hang']] }), [comp('processor', 'test_hang')], comp('output', 'test_sink', { name: 'held', batching: { count: 10 } })),
    shutdownTimeoutMs: 150,
  };
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  assert.deepEqual(await stream.stop(), { timedOut: true, nacked: 3 });
  assert.deepEqual([...e.acks.keys()].sort(), [0, 1, 2]);
  for (const err of e.acks.values()) assert.match(err ?? 'ACKED', /shutdown_timeout/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(e.sinks.get('held')!.batches, [], 'the held messages never reached the output');
  assert.equal(e.sinks.get('held')!.closed, true);
});

test('a batch read after the deadline passed is nacked at once', async () => {
  let deliver: ((rr: ReadResult | null) => void) | undefined;
  let late: string | undefined = 'not settled';
  // An input whose read ignores the abort and answers only when the test says so.
  const slow: InputDef = {
    spec: { name: 'test_slow_read', kind: 'input', fields: [] },
    build: () => ({
      connect: () => Promise.resolve(),
      readBatch: () => new Promise<ReadResult | null>((r) => (deliver = r)),
      close: () => Promise.resolve(),
    }),
  };
  const e = env([slow]);
  e.sinks.set('slow', hungSink());
  const conf = { ...streamConf('slow', comp('input', 'test_slow_read'), [], comp('output', 'test_sink', { name: 'slow' })), shutdownTimeoutMs: 100 };
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  await until(() => deliver !== undefined, 'the first read');
  deliver!({ batch: [new Message('x')], ack: () => Promise.resolve() });
  await until(() => e.sinks.get('slow')!.writes === 1, 'x is stuck in the output');
  deliver = undefined;
  const stopped = stream.stop();
  await until(() => deliver !== undefined, 'the drain reads what the input still holds');
  assert.deepEqual(await stopped, { timedOut: true, nacked: 1 });
  deliver!({ batch: [new Message('y')], ack: (err) => ((late = err?.message), Promise.resolve()) });
  await until(() => late !== 'not settled', 'the late batch settled');
  assert.match(late ?? 'ACKED', /shutdown_timeout/);
});

test('a clean drain within shutdown_timeout acks everything and reports no timeout', async () => {
  const e = env();
  const conf = { ...streamConf('clean', comp('input', 'test_list', { batches: [['a'], ['b']] }), [], comp('output', 'test_sink', { name: 'clean', batching: { count: 10 } })), shutdownTimeoutMs: 5_000 };
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  assert.deepEqual(await stream.stop(), { timedOut: false, nacked: 0 });
  assert.deepEqual([...e.acks.values()], [undefined, undefined]);
  assert.deepEqual(e.sinks.get('clean')!.batches, [['a', 'b']], 'flushed at shutdown');
});
