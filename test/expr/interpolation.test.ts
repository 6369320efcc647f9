import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import { ExprRuntimeError, compileInterpolation } from '../../src/expr/index.js';
import { batchOf } from './helpers.js';

const batch = batchOf(
  { doc: { id: 7, name: 'ada', obj: { a: 1 }, list: [1, 2], f: 1.5 }, meta: { topic: 'orders', part: 3 } },
  { doc: { id: 8, name: 'bob' }, meta: { topic: 'refunds' } },
);

/** [template, expected text for batch[0]] */
const cases: Array<[string, string]> = [
  ['plain text', 'plain text'],
  ['', ''],
  ['${! this.id }', '7'],
  ['/archive/${! meta("topic") }/${! this.name }.tar', '/archive/orders/ada.tar'],
  ['${!this.id}${!this.name}', '7ada'],
  ['obj=${! this.obj } list=${! this.list } f=${! this.f }', 'obj={"a":1} list=[1,2] f=1.5'],
  ['missing=${! this.nope }', 'missing=null'],
  ['part ${! @part + 1 }', 'part 4'],
  ['literal ${{! not an expression }', 'literal ${! not an expression }'],
  ['dollar $ and ${ brace', 'dollar $ and ${ brace'],
  ['${! "}" + "{" }', '}{'],
  ['${! {"k": "v"}.k }', 'v'],
  ['${! if this.id > 5 { "hi" } else { "lo" } }', 'hi'],
  ['${! match this.name { "ada" => "A", _ => "?" } }', 'A'],
  ['${! batch_index() }/${! batch_size() }', '0/2'],
  ['${! json("name").from(1) }', 'bob'],
  ['${!\n  this.name\n}', 'ada'],
];

for (const [src, expected] of cases) {
  test(`interpolation ${JSON.stringify(src)}`, () => {
    const i = compileInterpolation(src);
    assert.equal(i.str(batch, 0), expected);
    assert.equal(Buffer.from(i.bytes(batch, 0)).toString(), expected);
  });
}

test('static strings are flagged and evaluate without a batch', () => {
  const i = compileInterpolation('http://127.0.0.1/x');
  assert.equal(i.isStatic, true);
  assert.equal(i.str([], 0), 'http://127.0.0.1/x');
  assert.equal(compileInterpolation('${{! escaped }').isStatic, true);
  assert.equal(compileInterpolation('${! 1 }').isStatic, false);
});

test('evaluates per message', () => {
  const i = compileInterpolation('${! meta("topic") }-${! this.id }');
  assert.deepEqual([i.str(batch, 0), i.str(batch, 1)], ['orders-7', 'refunds-8']);
});

test('bytes() passes a single bytes-valued expression through unchanged', () => {
  const payload = new Uint8Array([0xff, 0x00, 0x41]);
  const b = [new Message(payload)];
  assert.deepEqual(compileInterpolation('${! content() }').bytes(b, 0), payload);
});

test('a failing expression throws ExprRuntimeError', () => {
  const i = compileInterpolation('x ${! this.name.number() } y');
  assert.throws(() => i.str(batch, 0), ExprRuntimeError);
});
