import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { ProcessorService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';
import { EVERY_KIND, norm, normMessage, randomBatch, rng } from '../wire/proto-model.js';
import { FIXTURES, connectPlugin, stderrMatches, untilAnswered, type PluginProcess, type RpcClient } from './python-plugin.js';

const SCRIPT = join(FIXTURES, 'processor.py');


async function start(t: { after(fn: () => Promise<void>): void }, scenario: string, config: Value = {}) {
  const { plugin, client } = await connectPlugin(t, ProcessorService, SCRIPT, [scenario]);
  const init = await untilAnswered(plugin, () => client.call('init', { config }));
  return { plugin, client, init };
}

/**
 * Python's payload is `bytes` or a structured value, and a `str` payload is sent
 * as its bytes (as in the official SDK): a structured string or bytes value comes
 * back as a bytes payload with the same content.
 */
function normAsPython(m: Message): unknown {
  if (m.isStructured()) {
    const v = m.structured();
    if (typeof v === 'string' || v instanceof Uint8Array) {
      const copy = m.copy();
      copy.setBytes(v);
      return normMessage(copy);
    }
  }
  return normMessage(m);
}

function texts(batch: Message[]): string[] {
  return batch.map((m) => m.text());
}

test('config is handed to a (message, config) processor; every Value kind and metadata round-trip', async (t) => {
  const config = { threshold: 0.25, words: ['a', 'b'], nested: { on: true } };
  const { client, init } = await start(t, 'config', config);
  assert.equal(init.error, undefined);
  assert.equal(init.perMessage, true, 'a per-message processor announces the hotplug extension');

  const structured = Message.structured({ hello: 'world', n: [1, 2.5] }, new Map(Object.entries(EVERY_KIND)));
  const raw = new Message(Uint8Array.from([0, 255, 10, 13]), new Map([['k', 'v']]));
  const res = await client.call('processBatch', { batch: [structured, raw] });
  assert.equal(res.error, undefined);
  assert.equal(res.batches.length, 1, 'without the extension flag: one batch for the whole input (official behaviour)');
  const [s, r] = res.batches[0]!;
  assert.ok(s && r);
  assert.ok(s.isStructured());
  assert.deepEqual(s.structured(), { hello: 'world', n: [1, 2.5] });
  for (const [k, v] of Object.entries(EVERY_KIND)) assert.deepEqual(norm(s.metadata.get(k)), norm(v), `metadata ${k}`);
  assert.deepEqual(s.metadata.get('config'), config);
  assert.equal(s.metadata.get('seen_payload_type'), 'dict');
  assert.deepEqual(norm(r.bytes()), norm(Uint8Array.from([0, 255, 10, 13])));
  assert.equal(r.metadata.get('seen_payload_type'), 'bytes');
});

test('random batches (payloads, every Value kind, metadata, error flags) come back unchanged through Python', async (t) => {
  const { client } = await start(t, 'echo');
  const r = rng(7);
  for (let round = 0; round < 20; round++) {
    const batch = randomBatch(r, 1 + Math.floor(r() * 40));
    const res = await client.call('processBatch', { batch, perMessageResults: round % 2 === 0 });
    // In the contract's own shape, flagged messages also give a batch-level summary (what Connect reads).
    const flagged = batch.filter((m) => m.error).length;
    if (round % 2 === 0 || flagged === 0) assert.equal(res.error, undefined);
    else assert.match(res.error?.message ?? '', new RegExp(`^${flagged} of ${batch.length} messages failed: `));
    const out = round % 2 === 0 ? res.batches.flat() : res.batches[0]!;
    assert.deepEqual(out.map(normMessage), batch.map(normAsPython), `round ${round}`);
  }
});

test('a one-argument processor (the official form) keeps payloads byte-exact, empty and 10 MiB', async (t) => {
  const { client } = await start(t, 'official');
  const big = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  const res = await client.call('processBatch', { batch: [new Message('abc'), new Message(new Uint8Array(0)), new Message(binary), new Message(big)] }, 60_000);
  assert.equal(res.error, undefined);
  const out = res.batches[0]!;
  assert.equal(out[0]!.text(), 'ABC');
  assert.equal(out[1]!.bytes().byteLength, 0);
  const upper = Uint8Array.from(binary, (b) => (b >= 97 && b <= 122 ? b - 32 : b)); // Python's bytes.upper() is ASCII-only
  assert.deepEqual(norm(out[2]!.bytes()), norm(upper));
  assert.equal(out[3]!.bytes().byteLength, big.length);
  assert.ok(Buffer.from(out[3]!.bytes()).equals(Buffer.from(big.map((b) => (b >= 97 && b <= 122 ? b - 32 : b)))));
});

test('per-message results: one batch per input message, drops as empty batches, failures flag only their message', async (t) => {
  const { client, plugin } = await start(t, 'shapes');
  const inputs = ['ok', 'drop', 'twice', 'bad one', 'json', 'backoff', 'unencodable', 'last'];
  const batch = inputs.map((s, i) => new Message(s, new Map([['i', i]])));
  const res = await client.call('processBatch', { batch, perMessageResults: true });
  assert.equal(res.error, undefined);
  assert.equal(res.batches.length, inputs.length);
  const [ok, drop, twice, bad, json, backoff, unencodable, last] = res.batches as Message[][];
  assert.deepEqual(texts(ok!), ['OK']);
  assert.equal(ok![0]!.metadata.get('i'), 0);
  assert.deepEqual(drop, []);
  assert.deepEqual(texts(twice!), ['one', 'two']);
  assert.equal(twice![1]!.metadata.get('i'), 2);
  assert.deepEqual(texts(bad!), ['bad one'], 'a failed message passes on unchanged');
  assert.equal(bad![0]!.error, 'ValueError: cannot handle bad one');
  assert.equal(bad![0]!.metadata.get('i'), 3);
  assert.deepEqual(json![0]!.structured(), { n: 1, list: [true, null] });
  assert.equal(backoff![0]!.error, 'busy');
  assert.match(unencodable![0]!.error ?? '', /cannot send a set/);
  assert.equal(unencodable![0]!.text(), 'unencodable');
  assert.deepEqual(texts(last!), ['LAST']);

  // The traceback travels with the error (hotplug's stack extension), for the host to log once with the
  // stream and component; the plugin itself does not log it too.
  assert.match(bad![0]!.failure?.stack ?? '', /Traceback[\s\S]*in shapes[\s\S]*ValueError: cannot handle bad one/);
  assert.equal(bad![0]!.failure?.text, 'ValueError: cannot handle bad one');
  assert.ok(!plugin.stderr().includes('cannot handle bad one'), plugin.stderr());

  // Without the flag the same processor answers with one batch of everything, in order.
  const flat = await client.call('processBatch', { batch: ['a', 'drop', 'twice'].map((s) => new Message(s)) });
  assert.equal(flat.batches.length, 1);
  assert.deepEqual(texts(flat.batches[0]!), ['A', 'one', 'two']);
});

test('batch processor: config handed over, several batches, never per-message', async (t) => {
  const { client, init } = await start(t, 'split', { size: 2 });
  assert.ok(!init.perMessage);
  const batch = ['1', '2', '3', '4', '5'].map((s) => new Message(s));
  // A batch processor ignores the per-message flag (a host must not send it; if it does, the official shape comes back).
  const res = await client.call('processBatch', { batch, perMessageResults: true });
  assert.deepEqual(res.batches.map(texts), [['1', '2'], ['3', '4'], ['5']]);
});

test('a failing batch processor fails the batch with the contract error (backoff carried over)', async (t) => {
  const { client } = await start(t, 'batch-fails');
  const res = await client.call('processBatch', { batch: [new Message('x')] });
  assert.deepEqual(res.batches, []);
  assert.equal(res.error?.message, 'downstream busy');
  assert.equal(res.error?.backoffMs, 2000);
});

test('constructor errors come back from Init; later calls say the processor is not initialised', async (t) => {
  const a = await start(t, 'init-fails', { x: 1 });
  assert.equal(a.init.error?.message, "bad config: {'x': 1}");
  assert.ok(!a.init.perMessage);
  const res = await a.client.call('processBatch', { batch: [new Message('x')] });
  assert.match(res.error?.message ?? '', /not initialised/);

  const b = await start(t, 'init-plain-error');
  assert.equal(b.init.error?.message, 'RuntimeError: constructor blew up');
});

test('a hand-written Processor class: state kept across calls, close() runs on Close, then the plugin exits', async (t) => {
  const { client, plugin } = await start(t, 'class', { prefix: 'n' });
  const first = await client.call('processBatch', { batch: [new Message('a'), new Message('b')] });
  const second = await client.call('processBatch', { batch: [new Message('c')] });
  assert.deepEqual(texts(first.batches[0]!), ['n1', 'n2']);
  assert.deepEqual(texts(second.batches[0]!), ['n3']);
  const closed = await client.call('close', {});
  assert.equal(closed.error, undefined);
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.match(plugin.stderr(), /counter closed/);
  assertNoTraceback(plugin);
});

test('a repeated Init (the host retrying a slow constructor) gets the first answer, not a second component', async (t) => {
  const { plugin, client } = await connectPlugin(t, ProcessorService, SCRIPT, ['slow-start']);
  const config = { seconds: 0.5 };
  const first = untilAnswered(plugin, () => client.call('init', { config }));
  await stderrMatches(plugin, /constructing/);
  const [a, b] = await Promise.all([first, client.call('init', { config })]);
  assert.equal(a.error, undefined);
  assert.deepEqual(b, a);
  // Another config does build anew. stderr is ordered, so once that second line is
  // in, a duplicate construction for the repeated Init would have shown up before it.
  await client.call('init', { config: { seconds: 0 } });
  const count = () => plugin.stderr().match(/constructing/g)?.length ?? 0;
  await waitFor(() => count() >= 2, { what: 'the second construction to be logged' });
  assert.equal(count(), 2);
  assert.match(plugin.stderr(), /constructing with \{'seconds': 0\.5\}[\s\S]*constructing with \{'seconds': 0\}/);
});

function assertNoTraceback(plugin: PluginProcess): void {
  assert.doesNotMatch(plugin.stderr(), /Traceback/, plugin.stderr());
}

export type { RpcClient };
