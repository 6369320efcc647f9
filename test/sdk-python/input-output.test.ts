import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { InputService, OutputService } from '../../src/wire/index.js';
import { FIXTURES, connectPlugin, stderrMatches, untilAnswered } from './python-plugin.js';

type After = { after(fn: () => Promise<void>): void };

async function startInput(t: After, scenario: string, config: Value) {
  const { plugin, client } = await connectPlugin(t, InputService, join(FIXTURES, 'input.py'), [scenario]);
  const init = await untilAnswered(plugin, () => client.call('init', { config }));
  return { plugin, client, init };
}

async function startOutput(t: After, scenario: string) {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-pyout-'));
  const path = join(dir, 'out.txt');
  const { plugin, client } = await connectPlugin(t, OutputService, join(FIXTURES, 'output.py'), [scenario]);
  t.after(() => rm(dir, { recursive: true, force: true }));
  const init = await untilAnswered(plugin, () => client.call('init', { config: { path } }));
  const lines = async () => (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { plugin, client, init, lines };
}

test('@input generator: one message per batch, distinct batch ids, then end of input', async (t) => {
  const { client, init } = await startInput(t, 'numbers', { count: 3 });
  assert.equal(init.error, undefined);
  assert.equal(init.autoReplayNacks, true, 'a generator cannot redeliver, so the host replays nacks');
  const early = await client.call('readBatch', {});
  assert.equal(early.error?.notConnected, true, 'reading before Connect says not connected');
  assert.equal((await client.call('connect', {})).error, undefined);
  const ids = new Set<bigint>();
  for (let i = 0; i < 3; i++) {
    const res = await client.call('readBatch', {});
    assert.equal(res.error, undefined);
    assert.deepEqual(res.batch.map((m) => m.text()), [String(i)]);
    assert.equal(res.batch[0]!.metadata.get('i'), i);
    ids.add(res.batchId);
    assert.equal((await client.call('ack', { batchId: res.batchId })).error, undefined);
  }
  assert.equal(ids.size, 3);
  assert.ok(![...ids].includes(0n));
  const end = await client.call('readBatch', {});
  assert.equal(end.error?.endOfInput, true);
  assert.equal(end.batch.length, 0);
});

test('concurrent reads of a generator input take turns instead of failing', async (t) => {
  const { client } = await startInput(t, 'numbers', { count: 4 });
  await client.call('connect', {});
  const reads = await Promise.all([0, 1, 2, 3].map(() => client.call('readBatch', {})));
  assert.deepEqual(reads.map((r) => r.error), [undefined, undefined, undefined, undefined]);
  assert.deepEqual(reads.map((r) => r.batch[0]!.text()).sort(), ['0', '1', '2', '3']);
});

test('@batch_input with a plain generator yields whole batches', async (t) => {
  const { client } = await startInput(t, 'pairs', { count: 2 });
  await client.call('connect', {});
  assert.deepEqual((await client.call('readBatch', {})).batch.map((m) => m.text()), ['0a', '0b']);
  assert.deepEqual((await client.call('readBatch', {})).batch.map((m) => m.text()), ['1a', '1b']);
  assert.equal((await client.call('readBatch', {})).error?.endOfInput, true);
});

test('a hand-written Input: not-connected, reconnect, ack and nack reach its ack function, Close', async (t) => {
  const { client, init, plugin } = await startInput(t, 'queue', { count: 3 });
  assert.ok(!init.autoReplayNacks);
  await client.call('connect', {});
  const m0 = await client.call('readBatch', {});
  assert.deepEqual(m0.batch.map((m) => m.text()), ['m0']);
  const dropped = await client.call('readBatch', {});
  assert.equal(dropped.error?.notConnected, true);
  assert.equal((await client.call('connect', {})).error, undefined);
  const m1 = await client.call('readBatch', {});
  assert.deepEqual(m1.batch.map((m) => m.text()), ['m1']);

  await client.call('ack', { batchId: m0.batchId });
  await client.call('ack', { batchId: m1.batchId, error: { message: 'downstream failed' } });
  await stderrMatches(plugin, /ack m0\n/);
  await stderrMatches(plugin, /nack m1: downstream failed/);

  const rest: string[] = [];
  for (;;) {
    const res = await client.call('readBatch', {});
    if (res.error?.endOfInput) break;
    assert.equal(res.error, undefined);
    rest.push(...res.batch.map((m) => m.text()));
    await client.call('ack', { batchId: res.batchId });
  }
  assert.deepEqual(rest, ['m2', 'm1'], 'the nacked message is delivered again');
  assert.equal((await client.call('close', {})).error, undefined);
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.match(plugin.stderr(), /queue closed/);
});

test('@output: max_in_flight, concurrent sends, a failing function nacks, reconnect restarts it', async (t) => {
  const { client, init, lines } = await startOutput(t, 'lines');
  assert.equal(init.error, undefined);
  assert.equal(init.maxInFlight, 4);
  assert.equal(init.batchPolicy, undefined);
  assert.equal((await client.call('send', { batch: [new Message('early')] })).error?.notConnected, true);

  await client.call('connect', {});
  const sends = await Promise.all(
    [0, 1, 2, 3].map((i) => client.call('send', { batch: [new Message(`a${i}`, new Map([['i', i]])), new Message(`b${i}`)] })),
  );
  assert.deepEqual(sends.map((s) => s.error), [undefined, undefined, undefined, undefined]);
  const written = await lines();
  assert.equal(written.length, 8);
  assert.ok(written.includes("a2 {'i': 2}"), written.join('\n'));

  const bad = await client.call('send', { batch: [new Message('bad')] });
  assert.equal(bad.error?.message, 'refusing bad message');
  const after = await client.call('send', { batch: [new Message('next')] });
  assert.equal(after.error?.notConnected, true, 'the function ended; the host must connect again');
  await client.call('connect', {});
  assert.equal((await client.call('send', { batch: [new Message('again')] })).error, undefined);
  assert.equal((await lines()).at(-1), 'again {}');
});

test('@batch_output: batch policy handed to the host, whole batches written', async (t) => {
  const { client, init, lines } = await startOutput(t, 'batches');
  assert.equal(init.maxInFlight, 2);
  assert.deepEqual(init.batchPolicy, { count: 10, periodMs: 250 });
  await client.call('connect', {});
  assert.equal((await client.call('send', { batch: ['x', 'y', 'z'].map((s) => new Message(s)) })).error, undefined);
  assert.deepEqual(await lines(), ['x y z']);
  assert.equal((await client.call('close', {})).error, undefined);
});
