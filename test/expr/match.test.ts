import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Value } from '../../src/core/value.js';
import { ExprRuntimeError, ExprSyntaxError, compileMapping, compileQuery } from '../../src/expr/index.js';
import { batchOf } from './helpers.js';

const doc = { kind: 'b', n: 12, type: 'foo', pet: { type: 'cat', name: 'tom', age: 3 }, items: [1, 2] };
const batch = batchOf({ doc, meta: { k: 'a' } });

/** [query, expected]: the match expression. */
const queries: Array<[string, Value]> = [
  ['match this.kind { "a" => 1, "b" => 2, _ => 0 }', 2],
  ['match this.kind { "x" => 1, _ => 0 }', 0],
  ['match { this.n > 10 => "big", _ => "small" }', 'big'],
  ['match { this.n > 100 => "big", _ => "small" }', 'small'],
  // Inside the braces `this` is the subject, in patterns and in results.
  ['match this.n { this > 5 => this * 2, _ => 0 }', 24],
  ['match this.pet { this.type == "dog" => "woof", this.type == "cat" => this.name, _ => "?" }', 'tom'],
  // A non-bool, non-literal pattern is compared with the subject.
  ['match this.n { 6 + 6 => "twelve", _ => "other" }', 'twelve'],
  ['match this.items { [1, 2] => "pair", _ => "other" }', 'pair'],
  // Without a matching case and without `_` a match yields nothing: a query reads it as null.
  ['match this.kind { "z" => 1 }', null],
  ['match {\n  this.n < 5 => "low"\n  this.n < 50 => "mid"\n}', 'mid'],
  ['match this.kind { "a" => 1, "b" => 2, }', 2],
  ['(match this.kind { "b" => "bee" }).uppercase()', 'BEE'],
  ['match this.pet.type { "cat" => match this.length() { 3 => "short cat" } }', 'short cat'],
];

for (const [src, expected] of queries) {
  test(`match expression ${JSON.stringify(src)}`, () => {
    assert.deepEqual(compileQuery(src).evaluate(batch, 0), expected);
  });
}

/** [mapping, expected payload, expected metadata]: both forms of match in mappings. */
const mappings: Array<[string, Value, Record<string, Value>]> = [
  // The expression form: a case that does not match skips the assignment.
  ['root.a = match this.kind { "b" => "bee" }\nroot.b = match this.kind { "z" => "zed" }', { a: 'bee' }, { k: 'a' }],
  ['root = this\nroot.type = match this.type { "foo" => "document", _ => this }', { ...doc, type: 'document' }, { k: 'a' }],
  // The statement form: each case is a block of statements.
  ['match this.type {\n  "foo" => { root.x = 1 }\n  _ => { root.x = 2 }\n}', { x: 1 }, { k: 'a' }],
  ['match this.type { "bar" => { root.x = 1 }, _ => { root.x = 2 } }', { x: 2 }, { k: 'a' }],
  ['root = this.pet\nmatch this.pet.type {\n  "cat" => {\n    root.purrs = true\n    meta sound = "purr"\n  }\n  "dog" => {\n    root.barks = true\n  }\n}', { ...doc.pet, purrs: true }, { k: 'a', sound: 'purr' }],
  // No case matches and no `_`: nothing runs.
  ['root.before = 1\nmatch this.type { "bar" => { root.x = 1 } }\nroot.after = 2', { before: 1, after: 2 }, { k: 'a' }],
  // `this` is the subject inside the blocks; root and metadata are the message's.
  ['match this.pet {\n  this.age > 2 => { root.name = this.name.uppercase() }\n}', { name: 'TOM' }, { k: 'a' }],
  ['match {\n  this.n > 100 => { root.size = "huge" }\n  this.n > 10 => { root.size = "big" }\n  _ => { root.size = "small" }\n}', { size: 'big' }, { k: 'a' }],
  // A variable set in a block is visible after the match.
  ['match this.type {\n  "foo" => {\n    let label = "F"\n  }\n}\nroot.label = $label', { label: 'F' }, { k: 'a' }],
  ['match this.type {\n  "foo" => {\n    if this == "foo" { root.deep = "yes" }\n    match this.length() { 3 => { root.inner = "three" } }\n  }\n}', { deep: 'yes', inner: 'three' }, { k: 'a' }],
  ['match this.type {\n  "foo" =>\n  {\n    root.x = 1\n  },\n  _ => { root.x = 2 }\n}', { x: 1 }, { k: 'a' }],
  // A lone match expression is still `root = <expression>`.
  ['match this.type { "foo" => {"obj": true} }', { obj: true }, { k: 'a' }],
];

for (const [src, payload, meta] of mappings) {
  test(`match in mapping ${JSON.stringify(src)}`, () => {
    const out = compileMapping(src).apply(batch, 0);
    assert.ok(out !== null);
    assert.deepEqual(out.structured(), payload);
    assert.deepEqual(Object.fromEntries(out.metadata), meta);
  });
}

test('a match statement may drop the message with root = deleted()', () => {
  const m = compileMapping('root = this\nmatch this.kind {\n  "b" => { root = deleted() }\n}');
  assert.equal(m.apply(batch, 0), null);
  assert.deepEqual(m.apply(batchOf({ doc: { kind: 'a' } }), 0)?.structured(), { kind: 'a' });
});

test('a match statement with no subject and a non-bool case fails with its line', () => {
  const m = compileMapping('root = this\nmatch {\n  this.n => { root.x = 1 }\n}');
  assert.throws(() => m.apply(batch, 0), (err: unknown) => {
    assert.ok(err instanceof ExprRuntimeError);
    assert.match(err.message, /^failed match \(line 2\): match case: expected bool value, got number/);
    return true;
  });
});

test('an assignment failing inside a match block names its own line', () => {
  const m = compileMapping('match this.type {\n  "foo" => {\n    root.x = this.number()\n  }\n}');
  assert.throws(() => m.apply(batch, 0), /failed assignment \(line 3\): number\(\): expected number value, got string \("foo"\)/);
});

const query = compileQuery as (src: string) => unknown;
const mapping = compileMapping as (src: string) => unknown;

/** [compiler, source, line, col, message pattern]. */
const syntaxCases: Array<[(src: string) => unknown, string, number, number, RegExp]> = [
  [query, 'match this.a { "x" 1 }', 1, 20, /expected '=>' after a match pattern, got number 1$/],
  [query, 'match this.a { "x" = 1 }', 1, 20, /expected '=>' after a match pattern, got '=' \(a case is written pattern => result\)/],
  [query, 'match this.a {\n  "x" => 1,\n  "y" => 2', 3, 11, /expected '}' to close the 'match' cases opened at 1:14, got end of input/],
  [query, 'match this.a { _ => 0, "x" => 1 }', 1, 24, /a case after the catch-all '_' can never match: move it before '_'/],
  [query, 'match this.a { }', 1, 1, /a 'match' needs at least one case/],
  [query, 'match this.a "x" => 1', 1, 14, /expected '\{' to open the 'match' cases/],
  [query, 'match this.a { "x" => 1 "y" => 2 }', 1, 25, /expected ',', a new line or '}' after a match case, got a string/],
  [mapping, 'match this.type {\n  "foo" => { root.x = 1 }\n  _ => { root.x = 2 }\n  "bar" => { root.x = 3 }\n}', 4, 3, /a case after the catch-all '_' can never match/],
  [mapping, 'match this.type {\n  "foo" { root.x = 1 }\n}', 2, 9, /expected '=>' after a match pattern, got '\{'/],
  [mapping, 'root = this\nmatch this.type {\n  "foo" => { root.x = 1 }\n', 4, 1, /expected '}' to close the 'match' cases opened at 2:17, got end of input/],
  [mapping, 'match this.type {\n  "foo" => {\n    root.x = \n  }\n}', 4, 3, /expected an expression, got '}'/],
  [mapping, 'match this.type {\n  "foo" => root.x = 1\n}', 2, 19, /got '=' \(a case that assigns is a block of statements: "a" => \{ root.x = 1 \}\)/],
  [mapping, 'match this.type { "foo" => { root.x = 1 } "bar" => { root.x = 2 } }', 1, 43, /expected ',', a new line or '}' after a match case, got a string/],
];

for (const [compile, src, line, col, pattern] of syntaxCases) {
  test(`match syntax error in ${JSON.stringify(src)} at ${line}:${col}`, () => {
    assert.throws(() => compile(src), (err: unknown) => {
      assert.ok(err instanceof ExprSyntaxError, `expected ExprSyntaxError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.deepEqual([err.line, err.col], [line, col], `position of: ${err.message}`);
      return true;
    });
  });
}
