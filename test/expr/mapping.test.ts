import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, type Origin } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { compileMapping } from '../../src/expr/index.js';
import { batchOf } from './helpers.js';

const input = { id: 7, name: 'ada', tags: ['x', 'y'], nested: { keep: true, drop: 1 }, prices: [3, 4] };

/** [mapping, expected payload (structured), expected metadata] against one message with meta {k: "a", t: "orders"}. */
const cases: Array<[string, Value, Record<string, Value>]> = [
  ['root = this', input, { k: 'a', t: 'orders' }],
  ['root = this.name', 'ada', { k: 'a', t: 'orders' }],
  ['root.a.b.c = 1', { a: { b: { c: 1 } } }, { k: 'a', t: 'orders' }],
  ['root = this\nroot.name = this.name.uppercase()', { ...input, name: 'ADA' }, { k: 'a', t: 'orders' }],
  ['root = this\nroot.nested.drop = deleted()', { ...input, nested: { keep: true } }, { k: 'a', t: 'orders' }],
  ['root = this\nroot.tags.0 = "first"', { ...input, tags: ['first', 'y'] }, { k: 'a', t: 'orders' }],
  ['root = this\nroot.tags.-1 = "last"', { ...input, tags: ['x', 'last'] }, { k: 'a', t: 'orders' }],
  ['root.list = [{"a": 1}]\nroot.list.0.b = 2', { list: [{ a: 1, b: 2 }] }, { k: 'a', t: 'orders' }],
  ['root = "text"\nroot.a = 1', { a: 1 }, { k: 'a', t: 'orders' }],
  ['root."a.b" = 1', { 'a.b': 1 }, { k: 'a', t: 'orders' }],
  ['name = this.name\nid = id', { name: 'ada', id: 7 }, { k: 'a', t: 'orders' }],
  ['meta k = "b"', input, { k: 'b', t: 'orders' }],
  ['meta "new key" = this.id', input, { k: 'a', t: 'orders', 'new key': 7 }],
  ['meta k = deleted()', input, { t: 'orders' }],
  ['meta = deleted()', input, {}],
  ['meta = {"only": "this"}', input, { only: 'this' }],
  ['root.k = @k\nroot.all = @\nroot.m = meta("t")', { k: 'a', all: { k: 'a', t: 'orders' }, m: 'orders' }, { k: 'a', t: 'orders' }],
  ['let x = this.id * 2\nroot.double = $x\nroot.plus = $x + 1', { double: 14, plus: 15 }, { k: 'a', t: 'orders' }],
  ['# a comment\nroot = {} # trailing\n\n\nroot.total = this.prices.sum()', { total: 7 }, { k: 'a', t: 'orders' }],
  ['root.a = 1\nroot.b = root.a + 1', { a: 1, b: 2 }, { k: 'a', t: 'orders' }],
  ['root.x = if this.id > 5 { "big" }\nroot.y = if this.id > 50 { "huge" }', { x: 'big' }, { k: 'a', t: 'orders' }],
  ['root = match this.name {\n  "ada" => {"who": "countess"}\n  _ => {"who": "unknown"}\n}', { who: 'countess' }, { k: 'a', t: 'orders' }],
  ['root.items = this.tags.map_each(t -> {"tag": t, "id": this.id})', { items: [{ tag: 'x', id: 7 }, { tag: 'y', id: 7 }] }, { k: 'a', t: 'orders' }],
  ['this.name.uppercase()', 'ADA', { k: 'a', t: 'orders' }],
  ['root.total = this.prices\n  .map_each(p -> p * 2)\n  .sum()\nroot.n = 1', { total: 14, n: 1 }, { k: 'a', t: 'orders' }],
  ['root = this.nested\nroot.keep = false', { keep: false, drop: 1 }, { k: 'a', t: 'orders' }],
  ['root.a = this.nested\nroot.a.keep = "changed"\nroot.b = this.nested', { a: { keep: 'changed', drop: 1 }, b: { keep: true, drop: 1 } }, { k: 'a', t: 'orders' }],
  ['root.a = {"x": 1}\nlet snap = root.a\nroot.a.x = 2\nroot.snap = $snap', { a: { x: 2 }, snap: { x: 1 } }, { k: 'a', t: 'orders' }],
  ['root = this\nif this.id > 5 {\n  root.size = "big"\n  meta size = "big"\n} else {\n  root.size = "small"\n}', { ...input, size: 'big' }, { k: 'a', t: 'orders', size: 'big' }],
  ['if this.id > 50 {\n  root.size = "huge"\n} else if this.id > 5 {\n  root.size = "big"\n} else {\n  root.size = "small"\n}', { size: 'big' }, { k: 'a', t: 'orders' }],
  ['root.a = 1\nif false { root.a = 2 }', { a: 1 }, { k: 'a', t: 'orders' }],
  ['if this.name == "ada" {\n  let who = "countess"\n  if this.id == 7 { root.both = $who }\n}', { both: 'countess' }, { k: 'a', t: 'orders' }],
  ['if this.id > 5 { "big" } else { "small" }', 'big', { k: 'a', t: 'orders' }],
  ['root = if this.id > 5 { "big" } else { "small" }', 'big', { k: 'a', t: 'orders' }],
];

function run(src: string): Message {
  const msg = Message.structured(structuredClone(input), new Map<string, Value>([['k', 'a'], ['t', 'orders']]));
  const before = msg.text();
  const out = compileMapping(src).apply([msg], 0);
  assert.ok(out !== null);
  assert.equal(msg.text(), before, 'the input payload is untouched');
  assert.deepEqual(Object.fromEntries(msg.metadata), { k: 'a', t: 'orders' }, 'the input metadata is untouched');
  return out;
}

for (const [src, payload, meta] of cases) {
  test(`mapping ${JSON.stringify(src)}`, () => {
    const out = run(src);
    if (typeof payload === 'string') assert.equal(out.text(), payload);
    else assert.deepEqual(out.structured(), payload);
    assert.deepEqual(Object.fromEntries(out.metadata), meta);
  });
}

test('root = deleted() drops the message', () => {
  const b = batchOf({ doc: { drop: true } }, { doc: { drop: false } });
  const m = compileMapping('root = if this.drop { deleted() } else { this }');
  assert.equal(m.apply(b, 0), null);
  assert.deepEqual(m.apply(b, 1)?.structured(), { drop: false });
});

test('a mapping that never assigns root keeps the payload bytes as they were', () => {
  const msg = new Message('raw text, not JSON', new Map([['k', 'v']]));
  const out = compileMapping('meta extra = "yes"').apply([msg], 0);
  assert.equal(out?.text(), 'raw text, not JSON');
  assert.equal(out?.metadata.get('extra'), 'yes');
});

test('the new message keeps origin and error flag; string roots become raw bytes', () => {
  const origin: Origin = { addResponse: () => undefined };
  const msg = Message.structured({ a: 1 });
  msg.origin = origin;
  msg.error = 'earlier failure';
  const out = compileMapping('root = "plain " + this.a.string()').apply([msg], 0);
  assert.equal(out?.origin, origin);
  assert.equal(out?.error, 'earlier failure');
  assert.equal(out?.text(), 'plain 1');
});

test('mappings see the whole batch: batch_index, batch_size and from()', () => {
  const b = batchOf({ doc: { v: 'a' } }, { doc: { v: 'b' } }, { doc: { v: 'c' } });
  const m = compileMapping('root.i = batch_index()\nroot.size = batch_size()\nroot.prev = if batch_index() > 0 { this.v.from(batch_index() - 1) } else { null }');
  assert.deepEqual(b.map((_m, i) => m.apply(b, i)?.structured()), [
    { i: 0, size: 3, prev: null },
    { i: 1, size: 3, prev: 'a' },
    { i: 2, size: 3, prev: 'b' },
  ]);
});

test('variables do not leak between messages', () => {
  const b = batchOf({ doc: { v: 1 } }, { doc: { v: 2 } });
  const m = compileMapping('let x = this.v\nroot.x = $x');
  assert.deepEqual(m.apply(b, 0)?.structured(), { x: 1 });
  assert.deepEqual(m.apply(b, 1)?.structured(), { x: 2 });
});

test('a mapping compiled once applies many times with the same result', () => {
  const m = compileMapping('root = this\nroot.n = this.n + 1');
  const b = batchOf({ doc: { n: 1 } });
  for (let i = 0; i < 3; i++) assert.deepEqual(m.apply(b, 0)?.structured(), { n: 2 });
});

test('an if statement whose condition is not a bool fails with its line', () => {
  const m = compileMapping('root = this\nif this.name { root.x = 1 }');
  assert.throws(() => m.apply(batchOf({ doc: { name: 'x' } }), 0), /^ExprRuntimeError: failed if condition \(line 2\): expected bool value, got string/);
});

test('assigning past the end of an array is a runtime error, not a silent reshape', () => {
  const m = compileMapping('root = this\nroot.tags.5 = "x"');
  assert.throws(() => m.apply(batchOf({ doc: { tags: ['a'] } }), 0), /failed assignment \(line 2\): cannot assign to index "5" of an array of length 1/);
});
