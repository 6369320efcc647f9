import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import { Double, type Value } from '../../src/core/value.js';
import { compileQuery } from '../../src/expr/index.js';
import { batchOf, sample } from './helpers.js';

const batch = batchOf({ doc: sample, meta: { k: 'a', num: 5, topic: 'orders' } }, { doc: { n: 99, name: 'second' }, meta: { k: 'b' } });

/** [expression, expected value]; evaluated against batch[0]. */
const cases: Array<[string, Value]> = [
  // literals
  ['"hello"', 'hello'],
  ['"tab\\there \\"q\\" \\u00e9"', 'tab\there "q" é'],
  ['"""raw "quotes" \\n here"""', 'raw "quotes" \\n here'],
  ['42', 42],
  ['-3.5', -3.5],
  ['1e3', new Double(1000)],
  ['true', true],
  ['null', null],
  ['[1, "two", [3]]', [1, 'two', [3]]],
  ['{"a": 1, "b": {"c": null}}', { a: 1, b: { c: null } }],
  ['{this.name: 1}', { 'Ada Lovelace': 1 }],
  ['{"a": 1, "b": deleted()}', { a: 1 }],
  ['[\n  1,\n  2\n]', [1, 2]],
  // paths
  ['this.n', 12],
  ['this.user.email', 'ada@example.com'],
  ['this.tags.0', 'math'],
  ['this.tags.2', 'engines'],
  ['this.tags.-1', 'engines'],
  ['this.tags.9', null],
  ['this."a.b"', 'dotted'],
  ['this.missing.deeper', null],
  ['this.user.(id + 1)', 8],
  ['this.user.(u -> u.id + this.n)', 19],
  ['this.(missing | user).id', 7],
  ['n', 12],
  ['user.id', 7],
  // metadata and functions
  ['meta("k")', 'a'],
  ['meta("num")', '5'],
  ['meta("nope")', null],
  ['@k', 'a'],
  ['@num', 5],
  ['@', { k: 'a', num: 5, topic: 'orders' }],
  ['meta()', { k: 'a', num: '5', topic: 'orders' }],
  ['json("user.id")', 7],
  ['json("tags")', ['math', 'code', 'engines']],
  ['batch_index()', 0],
  ['batch_size()', 2],
  ['error()', null],
  ['errored()', false],
  ['env("HOTPLUG_EXPR_TEST_VAR")', 'set-by-test'],
  ['env("HOTPLUG_EXPR_UNSET_VAR")', null],
  ['deleted().type()', 'deleted'],
  // arithmetic
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['7 / 2', 3.5],
  ['6 / 3', 2],
  ['7 % 3', 1],
  ['10 - 2 - 3', 5],
  ['-this.n', -12],
  ['this.n + this.f', 14.5],
  ['"a" + "b"', 'ab'],
  ['this.user.id * 2 + 1 == 15', true],
  // comparison and logic
  ['this.n > 10 && meta("k") == "a"', true],
  ['this.n >= 12 && this.n <= 12', true],
  ['this.n < 12 || this.n != 12', false],
  ['1 == 1.0', true],
  ['"b" > "a"', true],
  ['[1, {"a": 2}] == [1, {"a": 2}]', true],
  ['"1" == 1', false],
  ['!false', true],
  ['!this.user.active', false],
  ['true && false || true', true],
  ['false || true && false', false],
  ['content() == content()', true],
  // coalesce
  ['this.missing | "default"', 'default'],
  ['this.n | "default"', 12],
  ['this.name.number() | 0', 0],
  ['this.a | this.b | "c"', 'c'],
  ['this.n + 1 | 0', 13],
  // if / match
  ['if this.n > 10 { "big" } else { "small" }', 'big'],
  ['if this.n > 100 { "big" } else if this.n > 10 { "mid" } else { "small" }', 'mid'],
  ['if false { 1 }', null],
  ['match this.user.id { 7 => "seven", _ => "other" }', 'seven'],
  ['match this.user { this.id > 5 => this.email, _ => "x" }', 'ada@example.com'],
  ['match { this.n < 5 => "low", this.n < 50 => "mid", _ => "high" }', 'mid'],
  ['match this.n {\n  1 => "one"\n  12 => "twelve"\n}', 'twelve'],
  ['match "x" { "y" => 1 }', null],
  // methods
  ['this.name.uppercase()', 'ADA LOVELACE'],
  ['this.name.lowercase()', 'ada lovelace'],
  ['this.n.string()', '12'],
  ['this.user.string()', '{"id":7,"email":"ada@example.com","active":true}'],
  ['"12.5".number()', 12.5],
  ['"nope".number(7)', 7],
  ['"true".bool()', true],
  ['0.bool()', false],
  ['this.name.length()', 12],
  ['this.tags.length()', 3],
  ['this.user.length()', 3],
  ['this.name.contains("Love")', true],
  ['this.tags.contains("code")', true],
  ['this.name.has_prefix("Ada")', true],
  ['this.name.has_suffix("x")', false],
  ['"  pad  ".trim()', 'pad'],
  ['"xxpadxx".trim("x")', 'pad'],
  ['"a-b-c".replace_all("-", "+")', 'a+b+c'],
  ['"a,b,c".split(",")', ['a', 'b', 'c']],
  ['this.tags.join("/")', 'math/code/engines'],
  ['"hello".slice(1, 3)', 'el'],
  ['"hello".slice(-3)', 'llo'],
  ['this.nums.slice(1, -1)', [2, 3]],
  ['"hello".index_of("l")', 2],
  ['this.tags.index_of("code")', 1],
  ['"{\\"a\\":[1,2]}".parse_json()', { a: [1, 2] }],
  ['{"a": 1}.format_json()', '{\n    "a": 1\n}'],
  ['{"a": 1}.format_json("", true)', '{"a":1}'],
  ['this.user.keys()', ['active', 'email', 'id']],
  ['{"b": 2, "a": 1}.values()', [1, 2]],
  ['this.nums.map_each(x -> x * 10)', [10, 20, 30, 40]],
  ['this.nums.map_each(this + 1)', [2, 3, 4, 5]],
  ['this.nums.map_each(x -> if x % 2 == 0 { deleted() } else { x })', [1, 3]],
  ['{"a": 1, "b": 2}.map_each(kv -> kv.value * 2)', { a: 2, b: 4 }],
  ['this.nums.filter(x -> x > 2)', [3, 4]],
  ['{"a": 1, "b": 2}.filter(kv -> kv.key == "b")', { b: 2 }],
  ['this.nums.sum()', 10],
  ['[1.5, 2].sum()', 3.5],
  ['this.n.not_null()', 12],
  ['this.n.type()', 'number'],
  ['this.tags.type()', 'array'],
  ['this.user.type()', 'object'],
  ['null.type()', 'null'],
  ['content().type()', 'bytes'],
  ['this.name.from(1)', 'second'],
  ['json("n").from(1)', 99],
  ['meta("k").from(1)', 'b'],
  ['this.n.from_all()', [12, 99]],
  ['this.missing.not_null().catch("caught")', 'caught'],
  ['this.name.number().catch(err -> {"failed": err.has_prefix("number()")})', { failed: true }],
  ['this.name.number().catch(this.n)', 12],
  ['this.missing.or("fallback")', 'fallback'],
  ['this.nums.map_each(x -> x.string()).join("")', '1234'],
  ['[3, 1, 2].sort()', [1, 2, 3]],
  ['"ada lovelace".capitalize()', 'Ada Lovelace'],
  ['2.5.round()', 3],
  ['"hi".encode("base64")', 'aGk='],
  ['"aGk=".decode("base64").string()', 'hi'],
  ['range(0, 3)', [0, 1, 2]],
  ['this.user.exists("email")', true],
  ['[1, 2].append(3)', [1, 2, 3]],
  ['{"a": 1}.merge({"b": 2})', { a: 1, b: 2 }],
  ['"%s is %d years, %.2f%% sure, %q".format(this.name, 36.9, 99.5, "x")', 'Ada Lovelace is 36 years, 99.50% sure, "x"'],
  ['{"a": 1, "b": {"c": 2, "d": 3}}.without("a", "b.c")', { b: { d: 3 } }],
  ['{"b": 2, "a": 1}.key_values()', [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
  ['["x", "y"].enumerated()', [{ index: 0, value: 'x' }, { index: 1, value: 'y' }]],
  ['"abc".hash("sha256").encode("hex")', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['"2024-03-05T07:08:09.250Z".ts_format("2006-01-02 15:04:05.000 Mon Jan _2 3PM 002")', '2024-03-05 07:08:09.250 Tue Mar  5 7AM 065'],
  ['"2024-03-05T07:08:09Z".ts_format("January 2, 2006 at 03:04pm MST")', 'March 5, 2024 at 07:08am UTC'],
  ['"2024-03-05T07:08:09.5+01:00".ts_format()', '2024-03-05T06:08:09.5Z'],
  ['1700000000.ts_format("2006/01/02")', '2023/11/14'],
  ['"2024-03-05T00:00:00Z".ts_unix()', 1709596800],
  ['"2024-03-05T00:00:00.123Z".ts_unix_milli()', 1709596800123],
  ['metadata("num")', 5],
  ['metadata()', { k: 'a', num: 5, topic: 'orders' }],
  ['nothing().type()', 'nothing'],
  ['timestamp_unix_milli() > 1700000000000', true],
  ['"hi".bytes().type()', 'bytes'],
  ['this.nums.any(x -> x > 3)', true],
  ['this.nums.all(x -> x > 3)', false],
  ['[[1, 2], 3, [4]].flatten()', [1, 2, 3, 4]],
  ['[1, 2, 1, "a", "a"].unique()', [1, 2, 'a']],
  ['[1, 2, 3].reverse()', [3, 2, 1]],
  ['"abc".reverse()', 'cba'],
  ['this.nums.min()', 1],
  ['this.nums.max()', 4],
  ['this.user.get("email")', 'ada@example.com'],
  ['this.tags.index(-1)', 'engines'],
  ['-2.5.abs()', 2.5],
  ['2.5.floor()', 2],
  ['2.1.ceil()', 3],
  ['-2.5.round()', -3],
  ['this.name.number().or(5)', 5],
  ['this.tags.contains("nope")', false],
  ['"a".type() == "string" && [].type() == "array"', true],
  // named arguments
  ['range(start: 0, stop: 6, step: 2)', [0, 2, 4]],
  ['range(stop: 3, start: 1)', [1, 2]],
  ['"a-b".replace_all(old: "-", new: "+")', 'a+b'],
  ['{"a": 1}.format_json(indent: "", no_indent: true)', '{"a":1}'],
  ['this.nums.map_each(query: x -> x + 1)', [2, 3, 4, 5]],
];

process.env.HOTPLUG_EXPR_TEST_VAR = 'set-by-test';

for (const [src, expected] of cases) {
  test(`query ${JSON.stringify(src)}`, () => {
    assert.deepEqual(compileQuery(src).evaluate(batch, 0), expected);
  });
}

test('content() returns the raw payload bytes', () => {
  const b = [new Message('not json')];
  const v = compileQuery('content()').evaluate(b, 0);
  assert.ok(v instanceof Uint8Array);
  assert.equal(Buffer.from(v).toString(), 'not json');
  assert.equal(compileQuery('content() == "not json"').evaluate(b, 0), true);
  assert.equal(compileQuery('content().string().uppercase()').evaluate(b, 0), 'NOT JSON');
});

test('error() and errored() see the message error flag', () => {
  const b = batchOf({ doc: {}, error: 'boom' });
  assert.equal(compileQuery('error()').evaluate(b, 0), 'boom');
  assert.equal(compileQuery('errored()').evaluate(b, 0), true);
});

test('count() is a process-wide counter per name', () => {
  const q = compileQuery('count("query-test-counter")');
  const other = compileQuery('count("query-test-counter")');
  assert.equal(q.evaluate(batch, 0), 1);
  assert.equal(other.evaluate(batch, 1), 2);
  assert.equal(compileQuery('count("query-test-other")').evaluate(batch, 0), 1);
});

test('time, identity and host functions return well-formed values', () => {
  const now = Math.floor(Date.now() / 1000);
  const ts = compileQuery('timestamp_unix()').evaluate(batch, 0) as number;
  assert.ok(Math.abs(ts - now) <= 2);
  const nano = compileQuery('timestamp_unix_nano()').evaluate(batch, 0);
  assert.ok(typeof nano === 'number' || typeof nano === 'bigint');
  assert.ok(Math.abs(Number(nano) / 1e9 - now) <= 2);
  assert.match(compileQuery('now()').evaluate(batch, 0) as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  const [a, b] = [compileQuery('uuid_v4()').evaluate(batch, 0), compileQuery('uuid_v4()').evaluate(batch, 0)];
  assert.match(a as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(typeof compileQuery('hostname()').evaluate(batch, 0), 'string');
});

test('integers stay integers; big integers stay exact', () => {
  const b = batchOf({ doc: { big: 9007199254740993n } });
  assert.equal(compileQuery('this.big + 1').evaluate(b, 0), 9007199254740994n);
  assert.equal(compileQuery('this.big > 1.5').evaluate(b, 0), true);
  assert.equal(compileQuery('this.big == 9007199254740993').evaluate(b, 0), true);
  assert.equal(compileQuery('this.big.string()').evaluate(b, 0), '9007199254740993');
  assert.equal(compileQuery('"9007199254740993".number()').evaluate(b, 0), 9007199254740993n);
  assert.equal(compileQuery('"12".number() + 1').evaluate(b, 0), 13);
});

test('a query does not parse the payload unless it reads it', () => {
  const b = [new Message('not json', new Map([['k', 'a']]))];
  assert.equal(compileQuery('meta("k") == "a"').evaluate(b, 0), true);
});
