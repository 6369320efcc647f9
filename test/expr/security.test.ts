import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import { ExprSyntaxError, compileMapping, compileQuery } from '../../src/expr/index.js';
import { batchOf } from './helpers.js';

const batch = batchOf({ doc: { a: { b: 1 }, s: 'str', list: [1] } });

/** Paths that in JavaScript would reach prototypes or host objects read as null here. */
const nullPaths = [
  'this.__proto__',
  'this.constructor',
  'this.a.constructor',
  'this.a.__proto__.polluted',
  'this.constructor.constructor',
  'this.s.length',
  'this.s.constructor',
  'this.list.length',
  'this.list.constructor',
  'this.list.push',
  'this.toString',
  'this.hasOwnProperty',
  '{}.constructor',
  '"x".__proto__',
  '@constructor',
  '@__proto__',
  'meta("constructor")',
  'json("__proto__.constructor")',
];

for (const src of nullPaths) {
  test(`no host access through ${src}`, () => {
    assert.equal(compileQuery(src).evaluate(batch, 0), null);
  });
}

test('methods and functions are looked up only in the language tables', () => {
  for (const src of ['this.constructor()', 'this.a.toString()', 'this.hasOwnProperty("a")', 'this.__proto__()', 'constructor()', 'toString()', '__proto__()', 'eval("1")', 'Function("return 1")', 'require("fs")', 'process()', 'globalThis()']) {
    assert.throws(() => compileQuery(src), ExprSyntaxError, src);
  }
});

test('a __proto__ key is plain data and never changes a prototype', () => {
  const m = compileMapping('root."__proto__" = {"polluted": true}\nroot.obj = {"__proto__": {"polluted": true}}\nroot.x = this.y');
  const out = m.apply(batchOf({ doc: { y: 1 } }), 0);
  const v = out?.structured() as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.keys(v), ['__proto__', 'obj', 'x']);
  assert.equal(Object.getPrototypeOf(v.obj), Object.prototype);
  assert.match(out?.text() ?? '', /"__proto__":\{"polluted":true\}/);
});

test('JSON payloads with __proto__ keys stay data', () => {
  const b = [new Message('{"__proto__": {"x": 1}, "constructor": 5}')];
  assert.deepEqual(compileQuery('this.__proto__').evaluate(b, 0), { x: 1 });
  assert.equal(compileQuery('this.constructor').evaluate(b, 0), 5);
  assert.equal(compileQuery('this.__proto__.x').evaluate(b, 0), 1);
  assert.deepEqual(compileQuery('this.keys()').evaluate(b, 0), ['__proto__', 'constructor']);
});

test('meta = {...} with odd keys stores them as plain metadata', () => {
  const out = compileMapping('meta = {"__proto__": "p", "constructor": "c"}').apply(batch, 0);
  assert.deepEqual([...(out?.metadata ?? [])].sort(), [['__proto__', 'p'], ['constructor', 'c']]);
});
