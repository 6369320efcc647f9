import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { ExprRuntimeError, ExprSyntaxError, compileMapping, compileQuery } from '../../src/expr/index.js';
import { cachedRegex } from '../../src/expr/regex.js';
import { batchOf } from './helpers.js';

const doc = {
  word: 'paranormal',
  ab: '-axxb-ab-',
  op: 'foo ADD 70',
  aaa: 'baaac',
  lines: 'option1: value1\noption2: value2',
  greeting: 'Hello World',
  pattern: '[0-9]+',
  bad: '(',
  n: 5,
};
const batch = batchOf({ doc });

/** [query, expected]; the examples of Bloblang's regular-expression methods, then Go/JS differences. */
const cases: Array<[string, Value]> = [
  // re_match: anywhere in the string, as Go's MatchString.
  ['this.word.re_match("nor")', true],
  ['this.word.re_match("^nor")', false],
  ['this.word.re_match(pattern: "a.a")', true],
  ['this.greeting.re_match("(?i)^hello world$")', true],
  ['this.greeting.re_match("^hello world$")', false],
  ['"a\\nb".re_match("a.b")', false],
  ['"a\\nb".re_match("(?s)a.b")', true],
  ['this.lines.re_match("(?m)^option2")', true],
  ['this.lines.re_match("(?i)(?m)^OPTION2: VALUE2$")', true],
  ['this.lines.re_match("(?im)^OPTION2: VALUE2$")', true],
  // re_find_all
  ['this.word.re_find_all("a.")', ['ar', 'an', 'al']],
  ['this.word.re_find_all("z")', []],
  // Empty matches right after a match are skipped, as in Go.
  ['this.aaa.re_find_all("a*")', ['', 'aaa', '']],
  ['"héllo wörld".re_find_all("\\\\pL+")', ['héllo', 'wörld']],
  // re_find_all_submatch: unmatched groups are empty strings.
  ['this.ab.re_find_all_submatch("a(x*)b")', [['axxb', 'xx'], ['ab', '']]],
  ['"ac".re_find_all_submatch("a(b)?c")', [['ac', '']]],
  // re_find_object / re_find_all_object: named groups by name, others by index.
  ['this.ab.re_find_object("a(?P<foo>x*)b")', { 0: 'axxb', foo: 'xx' }],
  ['this.ab.re_find_object("(a)(?P<xs>x+)(b)")', { 0: 'axxb', 1: 'a', xs: 'xx', 3: 'b' }],
  ['this.ab.re_find_object("q")', {}],
  ['this.ab.re_find_all_object("a(?P<foo>x*)b")', [{ 0: 'axxb', foo: 'xx' }, { 0: 'ab', foo: '' }]],
  ['this.lines.re_find_all_object("(?m)(?P<key>\\\\w+):\\\\s+(?P<value>\\\\w+)$")', [
    { 0: 'option1: value1', key: 'option1', value: 'value1' },
    { 0: 'option2: value2', key: 'option2', value: 'value2' },
  ]],
  // re_replace_all: Go's template syntax.
  ['this.op.re_replace_all("ADD ([0-9]+)", "+($1)")', 'foo +(70)'],
  ['this.op.re_replace_all("ADD ([0-9]+)", "+(${1})")', 'foo +(70)'],
  ['this.op.re_replace_all("(?P<verb>ADD) (?P<num>[0-9]+)", "${num} $verb")', 'foo 70 ADD'],
  ['this.op.re_replace_all("ADD", "$$0 is $0")', 'foo $0 is ADD 70'],
  // "$1x" is the group named "1x" (none), as in Go; "${1}x" is group 1 then "x".
  ['this.op.re_replace_all("(ADD)", "$1x|${1}x")', 'foo |ADDx 70'],
  ['this.op.re_replace_all("ADD", "$ ${} $-")', 'foo $ ${} $- 70'],
  ['this.op.re_replace_all("(ADD)", "$2$name")', 'foo  70'],
  ['this.aaa.re_replace_all("a*", "-")', '-b-c-'],
  ['this.op.re_replace("ADD ([0-9]+)", "+($1)")', 'foo +(70)'],
  ['this.op.re_replace_all(pattern: "o+", value: "0")', 'f0 ADD 70'],
  ['content().re_replace_all("paranormal", "normal").type()', 'bytes'],
  // Dynamic patterns.
  ['"a1b22".re_find_all(this.pattern)', ['1', '22']],
  ['"a1b22".re_replace_all(this.pattern, "#")', 'a#b#'],
  // RE2 spellings translated for JavaScript.
  ['"a1_".re_find_all("[[:digit:][:alpha:]]")', ['a', '1']],
  ['"x9".re_match("^[^[:digit:]][[:digit:]]$")', true],
  ['"a.b*c".re_find_all("\\\\Q.b*\\\\E")', ['.b*']],
  ['"#tag: x".re_find_all("\\\\#\\\\w+\\\\:")', ['#tag:']],
  ['"ab\\nab".re_find_all("ab\\\\z")', ['ab']],
  ['"ab\\nab".re_find_all("(?m)\\\\Aab")', ['ab']],
  ['"]x".re_match("^[]x]+$")', true],
  ['"αβγ abc".re_find_all("\\\\p{Greek}+")', ['αβγ']],
  ['"αβγ abc".re_find_all("\\\\P{Greek}+")', [' abc']],
  ['"αβγ abc".re_find_all("\\\\p{^Greek}+")', [' abc']],
  ['"ABc".re_find_all("\\\\p{Lu}")', ['A', 'B']],
  ['"smile ☺".re_find_all("\\\\x{263a}")', ['☺']],
  ['"a-b".re_find_all("[\\\\-a]")', ['a', '-']],
];

for (const [src, expected] of cases) {
  test(`regex ${src}`, () => {
    const out = compileQuery(src).evaluate(batch, 0);
    assert.deepEqual(out, expected);
  });
}

test('re_replace_all on bytes returns bytes; on a mapping it rewrites the payload', () => {
  const msg = new Message('user=ada; user=bob', new Map());
  const out = compileMapping('root = content().re_replace_all("user=(?P<name>\\\\w+)", "<${name}>")').apply([msg], 0);
  assert.equal(out?.text(), '<ada>; <bob>');
});

test('a dynamic pattern is compiled once per distinct pattern (small LRU cache)', () => {
  const a = cachedRegex('lru-[a-z]+', 'test');
  assert.equal(cachedRegex('lru-[a-z]+', 'test'), a, 'the same pattern reuses its compiled form');
  for (let i = 0; i < 100; i++) cachedRegex(`lru-${i}`, 'test');
  assert.notEqual(cachedRegex('lru-[a-z]+', 'test'), a, 'an old entry is evicted once 64 newer ones were used');
  // Recently used entries survive.
  const b = cachedRegex('lru-keep', 'test');
  for (let i = 0; i < 40; i++) {
    cachedRegex(`lru-more-${i}`, 'test');
    cachedRegex('lru-keep', 'test');
  }
  for (let i = 40; i < 80; i++) cachedRegex(`lru-more-${i}`, 'test');
  assert.equal(cachedRegex('lru-keep', 'test'), b);
});

/** [query, message pattern]: failures that depend on the message. */
const runtimeCases: Array<[string, RegExp]> = [
  ['this.n.re_match("a")', /re_match\(\): expected string value, got number \(5\)/],
  ['this.missing.re_find_all("a")', /re_find_all\(\): expected string value, got null/],
  ['"x".re_match(this.bad)', /re_match\(\): invalid regular expression "\(": Unterminated group/],
  ['"x".re_match(this.n)', /re_match\(\): expected string value, got number/],
  ['"x".re_replace_all("x", this.n)', /re_replace_all\(\): expected string value, got number/],
];

for (const [src, pattern] of runtimeCases) {
  test(`regex runtime error from ${JSON.stringify(src)}`, () => {
    const q = compileQuery(src);
    assert.throws(() => q.evaluate(batch, 0), (err: unknown) => {
      assert.ok(err instanceof ExprRuntimeError, `expected ExprRuntimeError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    });
  });
}

/** [source, line, col, message pattern]: a literal pattern is compiled with the expression, so a bad one fails at load. */
const syntaxCases: Array<[string, number, number, RegExp]> = [
  ['this.a.re_match("(")', 1, 17, /re_match\(\): invalid regular expression "\(": Unterminated group/],
  ['root = this\nroot.b = this.a.re_find_all("[a-")', 2, 29, /re_find_all\(\): invalid regular expression "\[a-"/],
  ['this.a.re_match("a(?i)b")', 1, 17, /flag groups such as \(\?i\) are only supported at the start of the pattern/],
  ['this.a.re_match("(?i:ab)")', 1, 17, /flag groups such as \(\?i\) are only supported at the start/],
  ['this.a.re_match("(?U)a+")', 1, 17, /the \(\?U\) flag \(ungreedy\) is not supported/],
  ['this.a.re_match("(?x)a")', 1, 17, /unknown flag 'x' in \(\?x\): expected i, m or s/],
  ['this.a.re_match("[[:letters:]]")', 1, 17, /unknown POSIX class '\[:letters:\]'/],
  ['this.a.re_match(5)', 1, 17, /re_match\(\): the pattern must be a string/],
  ['this.a.re_replace_all("(")', 1, 8, /method 're_replace_all' takes 2 arguments, got 1/],
  ['this.a.re_mtch("a")', 1, 8, /unknown method 're_mtch' \(did you mean 're_match'\?\)/],
  ['this.a.re_match(patern: "a")', 1, 17, /has no parameter 'patern'.*did you mean 'pattern'/],
];

for (const [src, line, col, pattern] of syntaxCases) {
  test(`regex syntax error in ${JSON.stringify(src)} at ${line}:${col}`, () => {
    assert.throws(() => compileMapping(src), (err: unknown) => {
      assert.ok(err instanceof ExprSyntaxError, `expected ExprSyntaxError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.deepEqual([err.line, err.col], [line, col], `position of: ${err.message}`);
      return true;
    });
  });
}
