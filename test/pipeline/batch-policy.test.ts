import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Message } from '../../src/core/index.js';
import { BatchDriver } from '../../src/pipeline/batch-driver.js';
import { BatchPolicy, type FlushTrigger } from '../../src/pipeline/batch-policy.js';
import { FakeClock } from '../helpers/fake-clock.js';


const msg = (s: string): Message => new Message(s);

test('count flushes at exactly count messages', () => {
  const p = new BatchPolicy({ count: 3 }, 0);
  assert.equal(p.add(msg('a')), undefined);
  assert.equal(p.add(msg('b')), undefined);
  assert.equal(p.add(msg('c')), 'count');
  assert.deepEqual(p.flush(0).map((m) => m.text()), ['a', 'b', 'c']);
  assert.equal(p.size, 0);
});

test('byte_size counts payload bytes only and triggers at >= (a batch may exceed it by one message)', () => {
  const p = new BatchPolicy({ byteSize: 10 }, 0);
  const heavy = new Message('12345', new Map([['big', 'x'.repeat(100)]]));
  assert.equal(p.add(heavy), undefined, 'metadata is not counted');
  assert.equal(p.add(msg('1234')), undefined);
  assert.equal(p.add(msg('123456')), 'byte_size');
  assert.equal(p.flush(0).length, 3);
  const q = new BatchPolicy({ byteSize: 10 }, 0);
  assert.equal(q.add(msg('1234567890')), 'byte_size', 'equal to the limit flushes');
});

test('check flushes when the query is true for the message just added', () => {
  const check = { evaluate: (batch: Message[], i: number) => batch[i]?.text() === 'end' && batch.length >= 2 };
  const p = new BatchPolicy({ check }, 0);
  assert.equal(p.add(msg('end')), undefined, 'evaluated in the context of the pending batch');
  assert.equal(p.add(msg('x')), undefined);
  assert.equal(p.add(msg('end')), 'check');
});

test('period runs from the last flush, not from the first message', () => {
  const p = new BatchPolicy({ periodMs: 100 }, 0);
  assert.equal(p.untilNext(0), 100);
  assert.equal(p.untilNext(60), 40);
  p.add(msg('a'));
  assert.equal(p.untilNext(60), 40, 'adding a message does not restart the period');
  p.flush(70);
  assert.equal(p.untilNext(70), 100);
  assert.equal(new BatchPolicy({ count: 2 }, 0).untilNext(5), undefined);
});

function driven(opts: ConstructorParameters<typeof BatchPolicy>[0]) {
  const clock = new FakeClock();
  const flushes: Array<{ texts: string[]; owners: string[]; trigger: FlushTrigger; at: number }> = [];
  const d = new BatchDriver<string>(
    new BatchPolicy(opts, clock.now()),
    (b, owners, trigger) => flushes.push({ texts: b.map((m) => m.text()), owners, trigger, at: clock.t }),
    clock,
  );
  return { clock, flushes, d };
}

test('driver: period timer flushes pending messages, restarts on an empty batch', () => {
  const { clock, flushes, d } = driven({ count: 10, periodMs: 100 });
  clock.advance(250);
  assert.equal(flushes.length, 0, 'an empty batch is never flushed');
  d.add([msg('a')], 'r1');
  clock.advance(49);
  assert.equal(flushes.length, 0);
  clock.advance(1);
  assert.deepEqual(flushes[0], { texts: ['a'], owners: ['r1'], trigger: 'period', at: 300 });
  d.add([msg('b'), msg('c')], 'r2');
  clock.advance(99);
  assert.equal(flushes.length, 1);
  clock.advance(1);
  assert.equal(flushes[1]?.at, 400);
  d.close();
  assert.equal(clock.pending, 0, 'close clears the timer');
});

test('driver: a count flush restarts the period', () => {
  const { clock, flushes, d } = driven({ count: 2, periodMs: 100 });
  clock.advance(90);
  d.add([msg('a'), msg('b')], 'r1');
  assert.equal(flushes[0]?.trigger, 'count');
  d.add([msg('c')], 'r2');
  clock.advance(20);
  assert.equal(flushes.length, 1, 'the period now runs from the count flush at 90');
  clock.advance(80);
  assert.deepEqual(flushes[1]?.texts, ['c']);
  assert.equal(flushes[1]?.at, 190);
  d.close();
});

test('driver: owners follow their messages; close flushes what is pending', () => {
  const { flushes, d } = driven({ count: 3 });
  d.add([msg('a')], 'r1');
  d.add([msg('b')], 'r2');
  d.add([msg('c')], 'r1');
  assert.deepEqual(flushes[0]?.owners, ['r1', 'r2', 'r1']);
  d.add([msg('d')], 'r3');
  d.close();
  assert.deepEqual(flushes[1], { texts: ['d'], owners: ['r3'], trigger: 'shutdown', at: 0 });
  d.close();
  assert.equal(flushes.length, 2, 'close is idempotent');
});

test('driver: a policy never splits a batch: one bigger than count passes through whole', () => {
  const { flushes, d } = driven({ count: 2 });
  d.add([msg('a')], 'r1');
  d.add([msg('b'), msg('c'), msg('d')], 'r2');
  assert.equal(flushes.length, 1);
  assert.deepEqual(flushes[0]?.texts, ['a', 'b', 'c', 'd']);
  assert.equal(flushes[0]?.trigger, 'count');
  d.close();
});
