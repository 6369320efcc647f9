import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import { OutputService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';
import { fixture, startPlugin } from './harness.js';

test('an output answers Init with max_in_flight from its config and its batch policy, and maps send errors', async (t) => {
  const plugin = await startPlugin({ entry: fixture('output.ts') });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(OutputService);
  const init = await rpc.init({ config: { max_in_flight: 8 } });
  assert.equal(init.error, undefined);
  assert.equal(init.maxInFlight, 8);
  assert.deepEqual(init.batchPolicy, { count: 50, byteSize: 1 << 20, periodMs: 250 });

  assert.deepEqual(await rpc.connect({}), {});
  assert.deepEqual(await rpc.send({ batch: [new Message('a'), new Message('b')] }), {});
  await waitFor(() => plugin.stderr().includes('sent a,b'), { what: 'the batch to be sent' });
  assert.match(plugin.stderr(), /connected/);

  assert.deepEqual((await rpc.send({ batch: [new Message('down')] })).error, { message: 'sink is down', notConnected: true });
  assert.deepEqual((await rpc.send({ batch: [new Message('busy')] })).error, { message: 'sink is busy', backoffMs: 250 });
  const bad = (await rpc.send({ batch: [new Message('bad')] })).error;
  assert.equal(bad?.message, 'sink rejected the batch');
  assert.match(bad?.stack ?? '', /^Error: sink rejected the batch\n\s+at /, 'a failure carries its stack (hotplug extension) for the host to log');
});

test('an invalid max_in_flight fails Init with a message that says why', async (t) => {
  const plugin = await startPlugin({ entry: fixture('output.ts') });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(OutputService);
  const init = await rpc.init({ config: { max_in_flight: 0 } });
  assert.equal(init.error?.message, 'maxInFlight must be a positive integer, got 0');
});
