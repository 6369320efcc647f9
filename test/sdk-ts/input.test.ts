import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../src/core/message.js';
import { InputService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';
import { fixture, startPlugin } from './harness.js';

const texts = (batch: Message[]): string[] => batch.map((m) => m.text());

async function inputPlugin(t: { after(fn: () => Promise<void>): void }, scenario: string) {
  const plugin = await startPlugin({ entry: fixture('input.ts'), args: [scenario] });
  t.after(() => plugin.dispose());
  return { plugin, rpc: plugin.client(InputService) };
}

test('an input generator: batches with ids, acks and nacks reach the ack function, then end_of_input', async (t) => {
  const { plugin, rpc } = await inputPlugin(t, 'count');
  const init = await rpc.init({ config: { count: 2 } });
  assert.equal(init.error, undefined);
  assert.equal(init.autoReplayNacks ?? false, false);

  const notYet = await rpc.readBatch({});
  assert.equal(notYet.error?.notConnected, true, 'reading before Connect asks for a connection');
  assert.deepEqual(await rpc.connect({}), {});

  const first = await rpc.readBatch({});
  assert.equal(first.error, undefined);
  assert.deepEqual(texts(first.batch), ['m0a', '{"i":0}']);
  assert.deepEqual(first.batch[1]!.structured(), { i: 0 });
  const second = await rpc.readBatch({});
  assert.notEqual(second.batchId, first.batchId);
  const end = await rpc.readBatch({});
  assert.equal(end.error?.endOfInput, true);

  assert.deepEqual(await rpc.ack({ batchId: second.batchId, error: { message: 'output refused' } }), {});
  assert.deepEqual(await rpc.ack({ batchId: first.batchId }), {});
  await waitFor(() => /nack 1 output refused/.test(plugin.stderr()) && /ack 0/.test(plugin.stderr()), { what: 'ack and nack reports' });
});

test('with autoReplayNacks off, a nacked batch without an ack function is read again before new data', async (t) => {
  const { rpc } = await inputPlugin(t, 'replay');
  await rpc.init({ config: {} });
  await rpc.connect({});
  const one = await rpc.readBatch({});
  await rpc.ack({ batchId: one.batchId, error: { message: 'try again' } });
  const again = await rpc.readBatch({});
  assert.deepEqual(texts(again.batch), ['one']);
  assert.notEqual(again.batchId, one.batchId);
  await rpc.ack({ batchId: again.batchId });
  assert.deepEqual(texts((await rpc.readBatch({})).batch), ['two']);
  assert.equal((await rpc.readBatch({})).error?.endOfInput, true);
});

test('not_connected, backoff and end_of_input thrown by the generator map to the contract errors', async (t) => {
  const { plugin, rpc } = await inputPlugin(t, 'flaky');
  const init = await rpc.init({ config: {} });
  assert.equal(init.autoReplayNacks, true, 'the host replays nacks by default');
  await rpc.connect({});
  assert.deepEqual(texts((await rpc.readBatch({})).batch), ['before the break']);
  const lost = await rpc.readBatch({});
  assert.deepEqual(lost.error, { message: 'lost the upstream', notConnected: true });
  assert.equal((await rpc.readBatch({})).error?.notConnected, true, 'still not connected until Connect');

  await rpc.connect({});
  assert.deepEqual(texts((await rpc.readBatch({})).batch), ['after reconnecting']);
  assert.deepEqual((await rpc.readBatch({})).error, { message: 'rate limited', backoffMs: 2500 });

  await rpc.connect({});
  await rpc.readBatch({});
  assert.deepEqual((await rpc.readBatch({})).error, { message: 'upstream closed', endOfInput: true });
  assert.equal((await rpc.readBatch({})).error?.endOfInput, true, 'an ended input stays ended');
  assert.match(plugin.stderr(), /connect 3/);
});
