import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import { ExprRuntimeError, ExprSyntaxError, compileInterpolation, compileMapping, compileQuery } from '../../src/expr/index.js';
import { batchOf } from './helpers.js';

type Compile = (src: string) => unknown;
const query: Compile = compileQuery;
const mapping: Compile = compileMapping;
const interp: Compile = compileInterpolation;

/** [compiler, source, line, col, message pattern] */
const syntaxCases: Array<[Compile, string, number, number, RegExp]> = [
  [query, 'this.n >', 1, 9, /expected an expression, got end of input/],
  [query, 'this.n > > 2', 1, 10, /expected an expression, got '>'/],
  [query, '(1 + 2', 1, 7, /expected '\)' to close the parenthesis, got end of input/],
  [query, '[1, 2', 1, 6, /expected ',' or '\]' in the array/],
  [query, '{"a" 1}', 1, 6, /expected ':' between an object key and its value/],
  [query, '"abc', 1, 1, /unterminated string/],
  [query, '"bad \\q escape"', 1, 6, /invalid escape '\\q'/],
  [query, 'this.n ^ 2', 1, 8, /unexpected character '\^': this operator is not supported/],
  [query, "this.a == 'x'", 1, 11, /unexpected character ''': strings are written in double quotes/],
  [query, 'this.items[0]', 1, 11, /expected end of expression, got '\[' \(index with a path segment such as this.items.0/],
  [query, 'this.a and this.b', 1, 8, /got 'and' \(use '&&'\)/],
  [query, 'this.a = 1', 1, 8, /got '=' \(compare with '=='\)/],
  [mapping, 'root.a = this.b or 1', 1, 17, /got 'or' \(use '\|\|', or the .or\(\) method\)/],
  [query, 'this.', 1, 6, /expected a field name, a method or '\(' after '\.'/],
  [query, 'this.n 5', 1, 8, /expected end of expression, got number 5/],
  [query, 'this.name.uppercse()', 1, 11, /unknown method 'uppercse' \(did you mean 'uppercase'\?\)/],
  [query, 'metaa("k")', 1, 1, /unknown function 'metaa' \(did you mean 'meta'\?\)/],
  [query, 'frobnicate()', 1, 1, /^unknown function 'frobnicate'$/],
  [query, 'this.a.split()', 1, 8, /method 'split' takes 1 argument, got 0/],
  [query, 'uuid_v4(1)', 1, 1, /function 'uuid_v4' takes 0 arguments, got 1/],
  [query, 'this.a.replace_all(from: "a", to: "b")', 1, 20, /method 'replace_all' has no parameter 'from': expected one of old, new/],
  [query, 'range(start: 0, stpo: 3)', 1, 17, /has no parameter 'stpo'.*\(did you mean 'stop'\?\)/],
  [query, 'range(0, stop: 3)', 1, 7, /do not mix named and positional arguments/],
  [query, 'this.a.uppercase(x: 1)', 1, 18, /method 'uppercase' takes no named arguments/],
  [query, 'this.a.slice(high: 2)', 1, 8, /parameter 'low' is required when later ones are given/],
  [query, 'this.a.split(delimiter: ",", delimiter: ";")', 1, 30, /parameter 'delimiter' is given twice/],
  [query, 'if this.a { 1 ', 1, 15, /expected '}' to close the 'if' condition block|expected '}'/],
  [query, 'if this.a 1', 1, 11, /expected '\{' after the 'if' condition/],
  [query, 'match this.a { "x" 1 }', 1, 20, /expected '=>' after a match pattern/],
  [query, 'root.a', 1, 1, /'root' is only available in a mapping/],
  [query, '$x', 1, 1, /variables \(\$x\) are only available in a mapping/],
  [query, 'x -> x', 1, 1, /a lambda \(x -> \.\.\.\) is only allowed as a method argument/],
  [query, '', 1, 1, /expected an expression, got end of input/],
  [mapping, 'root = this\nroot.a = this.b +\n', 3, 1, /expected an expression, got end of input/],
  [mapping, 'root = this\n  root.x = nowz()', 2, 12, /unknown function 'nowz' \(did you mean 'now'\?\)/],
  [mapping, 'root = 1 root.b = 2', 1, 10, /expected a new line after the statement/],
  [mapping, 'this.a = 1', 1, 1, /cannot assign to 'this'/],
  [mapping, 'root.a = $undeclared', 1, 10, /variable \$undeclared is not declared/],
  [mapping, 'let count = 1\nroot = $cuont', 2, 8, /did you mean 'count'/],
  [mapping, 'meta 5 = 1', 1, 6, /expected a metadata key or '=' after 'meta'/],
  [mapping, 'root = this\nthis.a', 2, 7, /expected '=' \(an assignment such as root = <expression>\)/],
  [mapping, '"lit" = 1', 1, 1, /expected an assignment target/],
  [mapping, 'if this.a {\n  root.b = \n}', 3, 1, /expected an expression, got '}'/],
  [mapping, 'if this.a {\n  root.b = 1 root.c = 2\n}', 2, 14, /expected a new line after the statement, got 'root'/],
  [mapping, 'if this.a { root.b = 1 } else root.c = 2', 1, 31, /expected '\{' after 'else'/],
  [mapping, 'root = 1\n}', 2, 1, /unexpected '}': expected a statement/],
  [interp, 'a ${! this.n b', 1, 14, /expected '}' to close the interpolation, got 'b'/],
  [interp, 'a ${! this.n ', 1, 14, /expected '}' to close the interpolation, got end of input/],
  [interp, 'x ${! nope() } y', 1, 7, /unknown function 'nope'/],
  [interp, 'line1\n${! this.a.uppercas() }', 2, 12, /did you mean 'uppercase'/],
];

for (const [compile, src, line, col, pattern] of syntaxCases) {
  test(`syntax error in ${JSON.stringify(src)} at ${line}:${col}`, () => {
    assert.throws(() => compile(src), (err: unknown) => {
      assert.ok(err instanceof ExprSyntaxError, `expected ExprSyntaxError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.deepEqual([err.line, err.col], [line, col], `position of: ${err.message}`);
      return true;
    });
  });
}

const batch = batchOf({ doc: { n: 5, s: 'text', arr: [1, 'x'], obj: { a: 1 } } });

/** [source, message pattern]: each compiles and fails at runtime with a clear message. */
const runtimeCases: Array<[string, RegExp]> = [
  ['this.s + 1', /cannot add string and number: expected string value, got number \(1\)/],
  ['this.n + "x"', /cannot add number and string: expected number value, got string \("x"\)/],
  ['this.n - null', /expected number value, got null/],
  ['this.n / 0', /cannot divide by zero/],
  ['this.n > "a"', /cannot compare number > string: expected number value, got string/],
  ['this.n && true', /left side of '&&': expected bool value, got number \(5\)/],
  ['true && this.s', /right side of '&&': expected bool value, got string/],
  ['!this.n', /operator '!': expected bool value, got number/],
  ['-this.s', /unary '-': expected number value, got string/],
  ['this.n.uppercase()', /uppercase\(\): expected string value, got number \(5\)/],
  ['this.missing.uppercase()', /uppercase\(\): expected string value, got null/],
  ['this.s.number()', /number\(\): expected number value, got string \("text"\)/],
  ['this.s.parse_json()', /parse_json\(\): failed to parse value as JSON/],
  ['this.arr.sum()', /sum\(\): element 1: expected number value, got string/],
  ['this.missing.not_null()', /not_null\(\): value is null/],
  ['this.n.not_null("n must be set").from(0) + this.missing.not_null("missing must be set")', /missing must be set/],
  ['if this.s { 1 }', /if condition: expected bool value, got string/],
  ['match { this.n => 1 }', /match case: expected bool value, got number/],
  ['{this.n: 1}', /object key: expected string value, got number/],
  ['throw("custom failure")', /^custom failure$/],
  ['"yesterday".ts_format("2006")', /ts_format\(\): expected timestamp \(an RFC 3339 string or Unix seconds\) value, got string/],
  ['"2024-13-45T00:00:00Z".ts_unix()', /ts_unix\(\): "2024-13-45T00:00:00Z" is not a valid timestamp/],
  ['this.n.from(3)', /from\(\): index 3 is outside the batch \(size 1\)/],
  ['this.obj.keys().join(1)', /join\(\): expected string value, got number/],
];

for (const [src, pattern] of runtimeCases) {
  test(`runtime error from ${JSON.stringify(src)}`, () => {
    const q = compileQuery(src);
    assert.throws(() => q.evaluate(batch, 0), (err: unknown) => {
      assert.ok(err instanceof ExprRuntimeError, `expected ExprRuntimeError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    });
  });
}

test('a payload that is not JSON is a runtime error, not a crash', () => {
  const b = [new Message('{not json')];
  for (const src of ['this.a', 'json("a")', 'this']) {
    assert.throws(() => compileQuery(src).evaluate(b, 0), (err: unknown) => err instanceof ExprRuntimeError && /not valid JSON/.test(err.message));
  }
  assert.equal(compileQuery('this.a | "fallback"').evaluate(b, 0), 'fallback');
});

test('mapping runtime errors name the failing statement line', () => {
  const m = compileMapping('root = this\nroot.x = this.s.number()');
  assert.throws(() => m.apply(batch, 0), (err: unknown) => err instanceof ExprRuntimeError && /^failed assignment \(line 2\): number\(\)/.test(err.message));
  assert.equal(batch[0]?.error, undefined, 'the input message is not marked by the mapping itself');
});

test('deep recursion in data does not crash the host', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 5000; i++) deep = [deep];
  const b = batchOf({ doc: { deep } as never });
  // Either a value or a runtime error, but no other kind of exception.
  try {
    compileQuery('this.deep.string().length() > 0').evaluate(b, 0);
  } catch (err) {
    assert.ok(err instanceof ExprRuntimeError);
  }
});

test('absurdly nested or long sources are syntax errors, not host crashes', () => {
  const sources = ['('.repeat(5000) + '1' + ')'.repeat(5000), '!'.repeat(5000) + 'true', '-'.repeat(5000) + '1', '1' + ' + 1'.repeat(50000), 'this' + '.a()'.repeat(50000), '['.repeat(5000)];
  for (const src of sources) {
    for (const compile of [compileQuery, compileMapping]) {
      try {
        compile(src);
      } catch (err) {
        assert.ok(err instanceof ExprSyntaxError, `${src.slice(0, 20)}...: ${String(err)}`);
      }
    }
  }
  assert.throws(() => compileQuery('('.repeat(300) + '1' + ')'.repeat(300)), /nested too deeply/);
});
