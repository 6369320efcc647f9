import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, type Batch } from '../../src/core/message.js';
import { Coalescer } from '../../src/plugin/coalescer.js';

/** A fake plugin: records each merged call and answers each message with its upper-cased copy. */
function fakePlugin() {
  const calls: string[][] = [];
  const pending: Array<() => void> = [];
  const send = (batch: Batch): Promise<Batch[]> => {
    calls.push(batch.map((m) => m.text()));
    return new Promise((resolve) => pending.push(() => resolve(batch.map((m) => (m.text() === 'drop' ? [] : [m.derive(m.text().toUpperCase())])))));
  };
  return { calls, send, answer: () => pending.shift()?.() };
}

const tick = () => new Promise((r) => setImmediate(r));

test('calls go out at once up to maxInFlight; the rest go out merged when one returns', async () => {
  const fx = fakePlugin();
  const c = new Coalescer(fx.send, 1, 1 << 20);
  const a = c.submit([new Message('a')]);
  const b = c.submit([new Message('b1'), new Message('b2')]);
  const d = c.submit([new Message('drop'), new Message('d')]);
  await tick();
  assert.deepEqual(fx.calls, [['a']], 'only one in flight');
  fx.answer();
  await tick();
  assert.deepEqual(fx.calls, [['a'], ['b1', 'b2', 'drop', 'd']], 'the waiting ones merged into one call');
  fx.answer();
  assert.deepEqual((await a).map((x) => x.map((m) => m.text())), [['A']]);
  assert.deepEqual((await b).map((x) => x.map((m) => m.text())), [['B1', 'B2']]);
  assert.deepEqual((await d).map((x) => x.map((m) => m.text())), [['D']]);
});

test('origins are copied from each input onto its outputs; an all-dropped batch yields no batches', async () => {
  const fx = fakePlugin();
  const c = new Coalescer(fx.send, 2, 1 << 20);
  const o1 = { addResponse() {} };
  const m = new Message('x');
  m.origin = o1;
  const out = c.submit([m]);
  const dropped = c.submit([new Message('drop')]);
  await tick();
  fx.answer();
  fx.answer();
  assert.equal((await out)[0]?.[0]?.origin, o1);
  assert.deepEqual(await dropped, []);
});

test('merging stops at maxBytes', async () => {
  const fx = fakePlugin();
  const c = new Coalescer(fx.send, 1, 300);
  const big = () => new Message('x'.repeat(200));
  const all = [c.submit([big()]), c.submit([big()]), c.submit([big()])];
  await tick();
  fx.answer();
  await tick();
  assert.equal(fx.calls.length, 2);
  assert.equal(fx.calls[1]?.length, 1, 'two waiting batches of 200+ bytes do not fit in one 300-byte call');
  fx.answer();
  await tick();
  fx.answer();
  await Promise.all(all);
  assert.equal(fx.calls.length, 3);
});

test('a wrong number of per-message results rejects every caller of that call', async () => {
  const c = new Coalescer(async () => [[]], 1, 1 << 20);
  await assert.rejects(c.submit([new Message('a'), new Message('b')]), /1 per-message results for 2 messages/);
});
