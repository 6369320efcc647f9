import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Message } from '../../src/core/message.js';
import { valueEquals, type Value } from '../../src/core/value.js';
import { ProcessorService } from '../../src/wire/index.js';
import { fixture, startPlugin } from './harness.js';

const EVERY_KIND: Record<string, Value> = {
  null: null,
  string: 'héllo ✓',
  int: 42,
  negative: -7,
  bigint: 2n ** 62n,
  double: 1.5,
  bool: true,
  timestamp: new Date('2026-01-02T03:04:05.678Z'),
  bytes: new Uint8Array([0, 1, 254, 255]),
  struct: { a: [1, 'two', { three: false }], empty: {} },
  list: [null, [], 'x'],
};

test('metadata of every Value kind, structured payloads and byte-exact binary payloads pass through a TS plugin unchanged', async (t) => {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: ['passthrough'] });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  await rpc.init({ config: {} });

  const binary = randomBytes(4096);
  const big = randomBytes(10 * 1024 * 1024);
  const withMeta = new Message('m');
  for (const [k, v] of Object.entries(EVERY_KIND)) withMeta.metadata.set(k, v);
  const inputs = [withMeta, Message.structured(EVERY_KIND), new Message(binary), new Message(new Uint8Array(0)), new Message(big)];
  const errored = new Message('e');
  errored.error = 'upstream failure';
  inputs.push(errored);

  const res = await rpc.processBatch({ batch: inputs, perMessageResults: true });
  const out = res.batches.map((b) => b[0]!);
  assert.equal(out.length, inputs.length);
  // valueEquals: decoded bytes are Buffers, which strict deepEqual tells apart from Uint8Array.
  assert.ok(valueEquals(Object.fromEntries(out[0]!.metadata), EVERY_KIND), 'metadata of every kind round-trips');
  assert.equal(typeof out[0]!.metadata.get('bigint'), 'bigint');
  assert.ok(out[0]!.metadata.get('timestamp') instanceof Date);
  assert.ok(valueEquals(out[1]!.structured(), EVERY_KIND), 'a structured payload of every kind round-trips');
  assert.equal(out[1]!.isStructured(), true);
  assert.ok(Buffer.from(out[2]!.bytes()).equals(binary));
  assert.equal(out[3]!.bytes().byteLength, 0);
  assert.ok(Buffer.from(out[4]!.bytes()).equals(big), '10 MiB payload byte-exact');
  assert.equal(out[5]!.error, 'upstream failure', 'the error flag survives a pass-through');
});

test('concurrent calls of different sizes each get their own answer (responses are encoded into a reused buffer)', async (t) => {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: ['passthrough'] });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  await rpc.init({ config: {} });
  const sizes = [1, 300, 70_000, 5 * 1024 * 1024, 2, 1_000_000, 64];
  const payloads = sizes.map((n) => randomBytes(n));
  const answers = await Promise.all(payloads.map((p) => rpc.processBatch({ batch: [new Message(p), new Message(p.subarray(0, 1))] })));
  answers.forEach((res, i) => {
    const [whole, first] = res.batches[0]!;
    assert.ok(Buffer.from(whole!.bytes()).equals(payloads[i]!), `payload of ${sizes[i]} bytes intact`);
    assert.ok(Buffer.from(first!.bytes()).equals(payloads[i]!.subarray(0, 1)));
  });
});
