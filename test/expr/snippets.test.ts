// Mappings in the style of Redpanda Connect's Bloblang documentation, with
// the documents they are shown with: users copy these, so they must work as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { compileInterpolation, compileMapping } from '../../src/expr/index.js';

const snippets: Array<{ name: string; mapping: string; input: Value; output: Value | null }> = [
  {
    name: 'filter with a named lambda',
    mapping: 'root = this\nroot.fans = this.fans.filter(fan -> fan.obsession > 0.5)',
    input: { id: 'foo', fans: [{ name: 'bev', obsession: 0.57 }, { name: 'grace', obsession: 0.21 }, { name: 'ali', obsession: 0.89 }] },
    output: { id: 'foo', fans: [{ name: 'bev', obsession: 0.57 }, { name: 'ali', obsession: 0.89 }] },
  },
  {
    name: 'root and this are optional',
    mapping: 'root.id = this.thing.id\nroot.type = "yo"\n\n# Both `root` and `this` are optional\ncontent = thing.doc.message',
    input: { thing: { id: 'wat1', doc: { title: 'wut', message: 'hello world' } } },
    output: { id: 'wat1', type: 'yo', content: 'hello world' },
  },
  {
    name: 'context blocks with coalescing',
    mapping: 'root.new_doc = this.(thing | other_thing).doc',
    input: { other_thing: { doc: { a: 1 } } },
    output: { new_doc: { a: 1 } },
  },
  {
    name: 'match on a subject with conditions',
    mapping: 'root.new_doc = match this.doc {\n  this.type == "article" => this.article\n  this.type == "comment" => this.comment\n  _ => this\n}',
    input: { doc: { type: 'comment', comment: { text: 'nice' } } },
    output: { new_doc: { text: 'nice' } },
  },
  {
    name: 'if / else if / else expression',
    mapping: 'root.pet.noise = if this.pet.type == "cat" {\n  this.pet.meow\n} else if this.pet.type == "dog" {\n  this.pet.woof.uppercase()\n} else {\n  "silence"\n}',
    input: { pet: { type: 'dog', woof: 'bark' } },
    output: { pet: { noise: 'BARK' } },
  },
  {
    name: 'catch and not_null',
    mapping: 'root.title = this.title.uppercase()\nroot.description = this.description.not_null().catch("no description")\nroot.id = this.id.number().catch(0)',
    input: { title: 'hello', id: 'abc' },
    output: { title: 'HELLO', description: 'no description', id: 0 },
  },
  {
    name: 'map_each, sum and arithmetic',
    mapping: 'root.values = this.things.map_each(thing -> thing.value)\nroot.total = root.values.sum()\nroot.avg = root.total / root.values.length()',
    input: { things: [{ value: 1 }, { value: 2 }, { value: 6 }] },
    output: { values: [1, 2, 6], total: 9, avg: 3 },
  },
  {
    name: 'metadata in and out',
    mapping: 'meta bar = "hello world"\nroot.new_doc.topic = @kafka_topic\nroot.new_doc.key = meta("kafka_key")',
    input: { a: 1 },
    output: { new_doc: { topic: 'orders', key: 'k1' } },
  },
  {
    name: 'deleting a message conditionally',
    mapping: 'root = if this.type == "spam" { deleted() }',
    input: { type: 'spam' },
    output: null,
  },
  {
    name: 'an if without else leaves the document alone',
    mapping: 'root = if this.type == "spam" { deleted() }',
    input: { type: 'ham' },
    output: { type: 'ham' },
  },
  {
    name: 'variables',
    mapping: 'let name = this.user.first + " " + this.user.last\nroot.greeting = "hello " + $name\nroot.shout = $name.uppercase()',
    input: { user: { first: 'ada', last: 'lovelace' } },
    output: { greeting: 'hello ada lovelace', shout: 'ADA LOVELACE' },
  },
  {
    name: 'dynamic object keys and string methods',
    mapping: 'root = {this.key: this.value.trim().lowercase()}\nroot.parts = this.path.split("/").filter(p -> p != "")',
    input: { key: 'colour', value: '  RED ', path: '/a/b/' },
    output: { colour: 'red', parts: ['a', 'b'] },
  },
  {
    name: 'fallback chains',
    mapping: 'root.name = this.nickname | this.name | "anonymous"\nroot.age = this.age.or(-1)',
    input: { name: 'ada' },
    output: { name: 'ada', age: -1 },
  },
  {
    name: 'special characters in paths',
    mapping: 'root."foo.bar".baz = this."buz bev".fub',
    input: { 'buz bev': { fub: 'hello' } },
    output: { 'foo.bar': { baz: 'hello' } },
  },
  {
    name: 'variables with methods',
    mapping: 'let foo = "yep"\nlet bar = $foo.uppercase()\nroot.new_doc = $bar',
    input: {},
    output: { new_doc: 'YEP' },
  },
  {
    name: 'deleting a field of a copy',
    mapping: 'root = this\nroot.bar = deleted()',
    input: { foo: 1, bar: 2 },
    output: { foo: 1 },
  },
  {
    name: 'structured metadata and the metadata object',
    mapping: 'meta = deleted()\nmeta baz = {"something": "structured"}\nroot.meta_obj = @',
    input: {},
    output: { meta_obj: { kafka_topic: 'orders', kafka_key: 'k1' } },
  },
];

for (const s of snippets) {
  test(`snippet: ${s.name}`, () => {
    const msg = Message.structured(s.input, new Map<string, Value>([['kafka_topic', 'orders'], ['kafka_key', 'k1']]));
    const out = compileMapping(s.mapping).apply([msg], 0);
    if (s.output === null) assert.equal(out, null);
    else assert.deepEqual(out?.structured(), s.output);
  });
}

test('interpolations from the batching document', () => {
  const batch = [Message.structured({ document: { id: 'd1' } }, new Map<string, Value>([['kafka_partition', 3]]))];
  assert.equal(compileInterpolation('${! meta("kafka_partition") }').str(batch, 0), '3');
  assert.equal(compileInterpolation('${! json("document.id") }').str(batch, 0), 'd1');
  const path = compileInterpolation('docs/${! meta("kafka_partition") }/${! count("snippet-files") }-${! timestamp_unix_nano() }.tar.gz').str(batch, 0);
  assert.match(path, /^docs\/3\/1-\d{18,}\.tar\.gz$/);
});

test('unstructured payloads: content() and string roots', () => {
  const out = compileMapping('root = content().uppercase()').apply([new Message('hello world')], 0);
  assert.equal(out?.text(), 'HELLO WORLD');
});

test('meta assignments: structured values, deletion of all', () => {
  const msg = new Message('x', new Map<string, Value>([['a', '1']]));
  const out = compileMapping('meta = deleted()\nmeta baz = {"something": "structured"}').apply([msg], 0);
  assert.deepEqual([...(out?.metadata ?? [])], [['baz', { something: 'structured' }]]);
});
