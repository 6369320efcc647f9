import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { ProcessorService } from '../../src/wire/index.js';
import { fixture, repoRoot, startPlugin } from './harness.js';

const texts = (batch: Message[]): string[] => batch.map((m) => m.text());

async function processorPlugin(t: { after(fn: () => Promise<void>): void }, scenario: string) {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: [scenario] });
  t.after(() => plugin.dispose());
  return { plugin, rpc: plugin.client(ProcessorService) };
}

test('a per-message processor gets its config, says so in Init and answers one batch per message when asked', async (t) => {
  const { plugin, rpc } = await processorPlugin(t, 'each');
  const init = await rpc.init({ config: { prefix: '> ', times: 2 } });
  assert.equal(init.error, undefined);
  assert.equal(init.perMessage, true);
  assert.match(plugin.stderr(), /init \{"prefix":"> ","times":2\}/);

  const inputs = ['hello', 'drop', 'two', 'json', 'fail', 'meta', 'message', 'config', 'slow'].map((s) => {
    const m = new Message(s);
    m.metadata.set('id', s);
    return m;
  });
  const res = await rpc.processBatch({ batch: inputs, perMessageResults: true });
  assert.equal(res.error, undefined);
  assert.equal(res.batches.length, inputs.length, 'exactly one batch per input message');
  const [hello, drop, two, json, fail, meta, message, config, slow] = res.batches as Message[][];
  assert.deepEqual(texts(hello!), ['> HELLO']);
  assert.equal(hello![0]!.metadata.get('id'), 'hello', 'a new payload keeps the metadata');
  assert.deepEqual(drop, [], 'a dropped message leaves an empty batch');
  assert.deepEqual(texts(two!), ['first', 'second']);
  assert.deepEqual(two!.map((m) => m.metadata.get('id')), ['two', 'two']);
  assert.deepEqual(json![0]!.structured(), { n: 1, tags: ['a'] });
  assert.equal(json![0]!.isStructured(), true, 'a structured result travels structured');
  assert.equal(fail!.length, 1);
  assert.equal(fail![0]!.text(), 'fail', 'a failed message is passed on unchanged');
  assert.equal(fail![0]!.error, 'cannot process "fail"');
  assert.equal(meta![0]!.text(), 'meta');
  assert.equal(meta![0]!.metadata.get('seen'), true);
  assert.deepEqual(message![0]!.structured(), [1, 2, 3]);
  assert.deepEqual(JSON.parse(config![0]!.text()), { prefix: '> ', times: 2 });
  assert.deepEqual(texts(slow!), ['slow done']);
});

test('without the per-message-results extension the answer is one batch, as the official contract has it', async (t) => {
  const { rpc } = await processorPlugin(t, 'each');
  await rpc.init({ config: { prefix: '', times: 1 } });
  const res = await rpc.processBatch({ batch: ['a', 'drop', 'two', 'b'].map((s) => new Message(s)) });
  assert.equal(res.batches.length, 1);
  assert.deepEqual(texts(res.batches[0]!), ['A', 'first', 'second', 'B']);

  const dropped = await rpc.processBatch({ batch: [new Message('drop')] });
  assert.deepEqual(dropped.batches, [], 'everything dropped: no batch at all');
});

test('a synchronous processor: results keep their order, a throw flags only its message', async (t) => {
  const { rpc } = await processorPlugin(t, 'sync');
  await rpc.init({ config: {} });
  const res = await rpc.processBatch({ batch: ['abc', 'fail', 'de'].map((s) => new Message(s)), perMessageResults: true });
  assert.deepEqual(res.batches[0]!.map((m) => m.structured()), [3]);
  assert.equal(res.batches[1]![0]!.text(), 'fail');
  assert.equal(res.batches[1]![0]!.error, 'sync failure');
  assert.deepEqual(res.batches[2]!.map((m) => m.structured()), [2]);
});

test('a batch processor sees whole batches; a throw fails the batch with the mapped error', async (t) => {
  const { rpc } = await processorPlugin(t, 'batch');
  const init = await rpc.init({ config: {} });
  assert.equal(init.perMessage ?? false, false, 'batch processors do not claim per-message processing');

  const reversed = await rpc.processBatch({ batch: ['1', '2', '3'].map((s) => new Message(s)) });
  assert.deepEqual(res1(reversed.batches), [['3', '2', '1']]);

  const split = await rpc.processBatch({ batch: ['split', 'x', 'y'].map((s) => new Message(s)) });
  assert.deepEqual(res1(split.batches), [['split'], ['x', 'y']], 'batches(...) makes several batches; empty ones are left out');

  const flagged = await rpc.processBatch({ batch: ['ok', 'flag'].map((s) => new Message(s)) });
  assert.deepEqual(flagged.batches[0]!.map((m) => m.error), [undefined, 'flagged by batch']);

  const failed = await rpc.processBatch({ batch: ['explode'].map((s) => new Message(s)) });
  assert.deepEqual(failed.batches, []);
  assert.deepEqual(failed.error, { message: 'batch refused', backoffMs: 1500 });
});

test('a failing init hook fails Init with its message', async (t) => {
  const { rpc } = await processorPlugin(t, 'init-fail');
  const bad = await rpc.init({ config: { other: 1 } });
  assert.equal(bad.error?.message, 'config.token is required');
  const good = await rpc.init({ config: { token: 'x' } });
  assert.equal(good.error, undefined, 'a failed Init can be retried');
});

test('functions/uppercase upper-cases payloads and keeps metadata', async (t) => {
  const started = performance.now();
  const plugin = await startPlugin({ entry: join(repoRoot, 'functions/uppercase/main.ts') });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  const init = await rpc.init({ config: {} });
  t.diagnostic(`compile + spawn + Init answered in ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(init.perMessage, true);
  const m = new Message('hello, wörld');
  m.metadata.set('k', 'v');
  const res = await rpc.processBatch({ batch: [m, new Message('')], perMessageResults: true });
  assert.deepEqual(res.batches.map((b) => texts(b)), [['HELLO, WÖRLD'], ['']]);
  assert.equal(res.batches[0]![0]!.metadata.get('k'), 'v');
});

function res1(batches: Message[][]): string[][] {
  return batches.map(texts);
}
