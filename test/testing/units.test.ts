import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message, ConfigError, ErrorCode } from '../../src/core/index.js';
import { checkMessage, jsonContains } from '../../src/testing/conditions.js';
import { compareOutput } from '../../src/testing/compare.js';
import { loadTestFile } from '../../src/testing/spec.js';

const msg = (text: string, meta: Record<string, string> = {}, error?: string): Message => {
  const m = new Message(text, new Map(Object.entries(meta)));
  m.error = error;
  return m;
};

test('conditions: each passes on a match and reports expected/actual on a mismatch', () => {
  const cases: [Message, object, string[]][] = [
    [msg('HELLO'), { content_equals: 'HELLO' }, []],
    [msg('hello'), { content_equals: 'HELLO' }, ['content_equals']],
    [msg('say hello'), { content_contains: 'hello' }, []],
    [msg('say hi'), { content_contains: 'hello' }, ['content_contains']],
    [msg('abc123'), { content_matches: '^[a-z]+\\d+$' }, []],
    [msg('{"a":1,"b":[1,2]}'), { json_equals: { a: 1, b: [1, 2] } }, []],
    [msg('{"a":1,"b":2}'), { json_contains: { a: 1 } }, []],
    [msg('{"a":2}'), { json_contains: { a: 1 } }, ['json_contains']],
    [msg('not json'), { json_equals: { a: 1 } }, ['json_equals']],
    [msg('x', { k: 'v' }), { metadata_equals: { k: 'v' } }, []],
    [msg('x', { k: 'w' }), { metadata_equals: { k: 'v', z: 'q' } }, ['metadata_equals.k', 'metadata_equals.z']],
    [msg('x', {}, 'boom'), { error: true }, []],
    [msg('x'), { error: true }, ['error']],
    [msg('x', {}, 'boom here'), { error: 'boom' }, []],
    [msg('x', {}, 'bang'), { error: 'boom' }, ['error']],
    [msg('x', {}, 'bang'), { error: false }, ['error']],
    [msg('{"n":3}', { kind: 'a' }), { bloblang: 'this.n > 2 && meta("kind") == "a"' }, []],
    [msg('{"n":1}'), { bloblang: 'this.n > 2' }, ['bloblang']],
    [msg('not json'), { bloblang: 'this.n > 2' }, ['bloblang']],
  ];
  for (const [m, exp, failing] of cases) {
    assert.deepEqual(checkMessage(m, exp).map((x) => x.condition), failing, JSON.stringify(exp));
  }
  const [mm] = checkMessage(msg('hello'), { content_equals: 'HELLO' });
  assert.equal(mm?.expected, '"HELLO"');
  assert.equal(mm?.actual, '"hello"');
  const [bl] = checkMessage(msg('{"n":1}'), { bloblang: 'this.n > 2' });
  assert.equal(bl?.expected, 'this.n > 2 to be true');
  assert.equal(bl?.actual, 'false for "{\\"n\\":1}"');
});

test('jsonContains is a recursive subset check', () => {
  assert.equal(jsonContains({ a: { b: 1, c: 2 }, d: 3 }, { a: { b: 1 } }), true);
  assert.equal(jsonContains({ a: { b: 1 } }, { a: { b: 2 } }), false);
  assert.equal(jsonContains({ a: [1, 2] }, { a: [1] }), false);
});

test('compareOutput reports batch shape, per-message conditions, counts and call errors', () => {
  const tc = { name: 't', line: 1, input_batch: [{ content: 'a' }], output_batches: [[{ content_equals: 'A' }, { content_equals: 'B' }]] };
  assert.deepEqual(compareOutput(tc, [[msg('A'), msg('B')]], undefined), []);
  const fails = compareOutput(tc, [[msg('A'), msg('b')]], undefined);
  assert.equal(fails.length, 1);
  assert.match(fails[0]!, /batch 0, message 1: content_equals\n {4}expected: "B"\n {4}actual: {3}"b"/);
  assert.match(compareOutput(tc, [[msg('A')]], undefined)[0]!, /batch shape/);
  assert.deepEqual(compareOutput({ ...tc, output_batches: undefined, output_count: 2 }, [[msg('a')], [msg('b')]], undefined), []);
  assert.match(compareOutput({ ...tc, output_batches: undefined, output_count: 3 }, [[msg('a')]], undefined)[0]!, /output_count/);
  assert.match(compareOutput(tc, undefined, 'plugin crashed')[0]!, /the call failed: plugin crashed/);
  assert.deepEqual(compareOutput({ ...tc, expect_error: 'bad' }, undefined, 'a bad input'), []);
  assert.match(compareOutput({ ...tc, expect_error: 'bad' }, [[msg('A')]], undefined)[0]!, /but it succeeded/);
});

test('compareOutput names the error a processor flagged an output message with, and where it was thrown', () => {
  const tc = { name: 't', line: 1, input_batch: [{ content: 'a' }], output_batches: [[{ content_equals: 'A' }]] };
  const failed = msg('a', {}, 'SyntaxError: Unexpected token');
  failed.failure = { text: 'SyntaxError: Unexpected token', status: 500, code: ErrorCode.Processing, stack: `SyntaxError: Unexpected token\n    at handle (${process.cwd()}/functions/p/main.ts:7:9)` };
  const fails = compareOutput(tc, [[failed]], undefined);
  assert.equal(fails.length, 2);
  assert.equal(fails[1], 'note: batch 0, message 0 carries an error: SyntaxError: Unexpected token (thrown at functions/p/main.ts:7)');
  const expected = { ...tc, output_batches: [[{ content_equals: 'A', error: 'Unexpected' }]] };
  assert.ok(!compareOutput(expected, [[failed]], undefined).some((f) => f.startsWith('note:')), 'no note when the error was expected');
});

test('loadTestFile parses cases and points at mistakes with line numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-testspec-'));
  try {
    const good = join(dir, 'good.test.yaml');
    writeFileSync(good, 'config:\n  threshold: 0.5\ntests:\n  - name: upper\n    input_batch:\n      - content: hi\n        metadata: { k: v }\n    output_batches:\n      - - content_equals: HI\n');
    const tf = await loadTestFile(good);
    assert.deepEqual(tf.config, { threshold: 0.5 });
    assert.equal(tf.tests[0]?.name, 'upper');
    assert.equal(tf.tests[0]?.line, 4);
    assert.deepEqual(tf.tests[0]?.output_batches, [[{ content_equals: 'HI' }]]);

    const bad = join(dir, 'bad.test.yaml');
    writeFileSync(bad, 'tests:\n  - name: x\n    input_batch: []\n    output_batches:\n      - - content_equal: HI\n');
    await assert.rejects(loadTestFile(bad), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const text = err.message;
      assert.match(text, /bad\.test\.yaml:2:5: `input_batch` must be a non-empty list/);
      assert.match(text, /unknown condition 'content_equal' \(at tests\[0\]\.output_batches\[0\]\[0\]\.content_equal\)/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadTestFile reads a pipeline\'s own tests: section and checks target_processors and bloblang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-testspec-'));
  try {
    const pipeline = join(dir, 'p.yaml');
    writeFileSync(
      pipeline,
      'input:\n  http_server: { path: /p }\npipeline:\n  processors: []\noutput:\n  drop: {}\ntests:\n  - name: one\n    target_processors: /pipeline/processors/0\n' +
        '    input_batch: [{ content: a }]\n    output_batches: [[{ bloblang: \'content() == "a"\' }]]\n',
    );
    const tf = await loadTestFile(pipeline, 'inline');
    assert.equal(tf.tests[0]?.line, 8);
    assert.equal(tf.tests[0]?.target_processors, '/pipeline/processors/0');
    // The same file read as a plugin test: its pipeline keys and target_processors are not test fields.
    await assert.rejects(loadTestFile(pipeline, 'plugin'), /unknown field 'input' in a test file[\s\S]*unknown field 'target_processors' in a test case/);

    const bad = join(dir, 'bad.test.yaml');
    writeFileSync(
      bad,
      'tests:\n  - name: x\n    target_processors: 3\n    input_batch: [{ content: a }]\n    output_batches: [[{ bloblang: "this.n >" }]]\n' +
        '  - name: y\n    input_batch: [{ content: a }]\n    input_batches: [[{ content: b }]]\n  - name: z\n    input_batches: [[{ content: b }], []]\n',
    );
    await assert.rejects(loadTestFile(bad, 'pipeline'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /bad\.test\.yaml:3:\d+: target_processors must be/);
      assert.match(err.message, /invalid bloblang condition/);
      assert.match(err.message, /bad\.test\.yaml:6:5: a test case has `input_batch` or `input_batches`, not both/);
      assert.match(err.message, /bad\.test\.yaml:9:5: `input_batches\[1\]` must be a non-empty list of messages/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
