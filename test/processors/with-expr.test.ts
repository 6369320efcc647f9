import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../src/core/index.js';
import { compileInterpolation, compileQuery } from '../../src/expr/index.js';
import { build, batchOf, conf, textsOf } from './helpers.js';

/** The processors with real compiled expressions, as the config loader hands them over. */
function withMeta(text: string, meta: Record<string, string>): Message {
  return new Message(text, new Map(Object.entries(meta)));
}

test('group_by_value + archive tar path from ${! meta(...) }', async () => {
  const groups = await build('group_by_value', { value: compileInterpolation('${! meta("p") }') }).processBatch([
    withMeta('a', { p: '1', f: 'a.txt' }),
    withMeta('b', { p: '2', f: 'b.txt' }),
    withMeta('c', { p: '1', f: 'c.txt' }),
  ]);
  assert.deepEqual(textsOf(groups), [['a', 'c'], ['b']]);
  const archive = build('archive', { format: 'tar', path: compileInterpolation('${! meta("p") }/${! meta("f") }') });
  const [[tar]] = (await archive.processBatch(groups[0]!)) as [[Message]];
  const [members] = await build('unarchive', { format: 'tar' }).processBatch([tar]);
  assert.deepEqual(members!.map((m) => [m.metadata.get('archive_filename'), m.text()]), [
    ['1/a.txt', 'a'],
    ['1/c.txt', 'c'],
  ]);
});

test('switch and group_by with Bloblang checks; a runtime error flags the message', async () => {
  const p = build('switch', [
    { check: compileQuery('this.type == "foo"'), processors: [conf('upper', {})], fallthrough: false },
    { check: compileQuery('this.n > 10'), processors: [conf('append', '!')], fallthrough: false },
  ]);
  const [out] = await p.processBatch(batchOf('{"type":"foo"}', '{"type":"bar","n":11}', 'not json', '{"n":"x"}'));
  assert.deepEqual(out!.map((m) => m.text()), ['{"TYPE":"FOO"}', '{"type":"bar","n":11}!', 'not json', '{"n":"x"}']);
  assert.equal(out![0]!.error, undefined);
  assert.ok(out![2]!.error, 'a check that cannot read the payload flags the message');
  const g = build('group_by', [{ check: compileQuery('content().has_prefix("x")'), processors: [] }]);
  assert.deepEqual(textsOf(await g.processBatch(batchOf('xa', 'b', 'xc'))), [['xa', 'xc'], ['b']]);
});

test('while check: errored() with at_least_once retries until the message succeeds', async () => {
  let attempts = 0;
  const ctx = (await import('./helpers.js')).createTestContext({
    foo: {
      async processBatch(batch) {
        attempts++;
        return [batch.map((m) => Object.assign(m.copy(), { error: attempts < 3 ? 'down' : undefined }))];
      },
      async close() {},
    },
  });
  const p = build('while', { check: compileQuery('errored()'), at_least_once: true, max_loops: 0, processors: [conf('catch', []), conf('resource', 'foo')] }, ctx);
  const [out] = await p.processBatch(batchOf('m'));
  assert.equal(attempts, 3);
  assert.equal(out![0]!.error, undefined);
});

test('sleep duration and archive path interpolate per message', async () => {
  const [out] = await build('sleep', { duration: compileInterpolation('${! meta("d") }') }).processBatch([withMeta('a', { d: '1ms' }), withMeta('b', { d: 'never' })]);
  assert.deepEqual(out!.map((m) => m.error === undefined), [true, false]);
});
