import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, type Batch } from '../../src/core/index.js';
import { whileDef } from '../../src/pipeline/processors/while.js';
import { batchOf, build, conf, createTestContext, query, textsOf } from './helpers.js';

const errored = query((b, i) => b[i]!.error !== undefined);
const textIs = (t: string) => query((b, i) => b[i]!.text() === t);

test('for_each: children see one message at a time; results come back as one batch in order', async () => {
  const seen: string[][] = [];
  const p = build('for_each', [conf('record', seen), conf('upper', {})]);
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'b', 'c'))), [['A', 'B', 'C']]);
  assert.deepEqual(seen, [['a'], ['b'], ['c']]);
  assert.deepEqual(await build('for_each', [conf('drop', {})]).processBatch(batchOf('a')), []);
});

test('for_each: a child that rejects flags only that message', async () => {
  const out = await build('for_each', [conf('reject', {})]).processBatch(batchOf('a', 'b'));
  assert.deepEqual(out[0]!.map((m) => m.error), ['rejected', 'rejected']);
});

test('while: loops while the check holds on the first message, bounded by max_loops', async () => {
  const seen: string[][] = [];
  const short = query((b) => b[0]!.text().length < 4);
  const p = build('while', { check: short, max_loops: 0, at_least_once: false, processors: [conf('record', seen), conf('append', '+')] });
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'bb'))), [['a+++', 'bb+++']]);
  assert.equal(seen.length, 3);
  const capped = build('while', { check: short, max_loops: 2, at_least_once: false, processors: [conf('append', '+')] });
  assert.deepEqual(textsOf(await capped.processBatch(batchOf('a'))), [['a++']]);
});

test('while: at_least_once runs the body before the first check; without it a false check skips it', async () => {
  const never = query(() => false);
  const once = build('while', { check: never, max_loops: 0, at_least_once: true, processors: [conf('append', '!')] });
  assert.deepEqual(textsOf(await once.processBatch(batchOf('a'))), [['a!']]);
  const none = build('while', { check: never, max_loops: 0, at_least_once: false, processors: [conf('append', '!')] });
  assert.deepEqual(textsOf(await none.processBatch(batchOf('a'))), [['a']]);
});

test('while: ends when the body filters the batch, and when the check fails to evaluate', async () => {
  const always = query(() => true);
  assert.deepEqual(await build('while', { check: always, max_loops: 0, at_least_once: false, processors: [conf('drop', {})] }).processBatch(batchOf('a')), []);
  const broken = query(() => 'not a bool');
  const p = build('while', { check: broken, max_loops: 0, at_least_once: true, processors: [conf('append', '!')] });
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a'))), [['a!']]);
});

test('while: no check loops up to max_loops; neither check nor max_loops is a lint warning', async () => {
  const p = build('while', { max_loops: 3, at_least_once: false, processors: [conf('append', '.')] });
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a'))), [['a...']]);
  const lint = whileDef.spec.lint!;
  const [warning, ...more] = lint({ max_loops: 0, at_least_once: false, processors: [] });
  assert.deepEqual(more, []);
  assert.equal(warning!.severity, 'warning');
  assert.match(warning!.hint!, /check: errored\(\)/);
  assert.deepEqual(lint({ max_loops: 5 }), []);
  assert.deepEqual(lint({ check: errored, max_loops: 0 }), []);
});

test('catch: runs only on errored messages, then clears every error; untouched messages keep their place', async () => {
  const seen: string[][] = [];
  const batch = batchOf('ok1', 'bad', 'ok2');
  batch[1]!.error = 'boom';
  const out = await build('catch', [conf('record', seen), conf('upper', {})]).processBatch(batch);
  assert.deepEqual(textsOf(out), [['ok1', 'BAD', 'ok2']]);
  assert.deepEqual(seen, [['bad']]);
  assert.ok(out[0]!.every((m) => m.error === undefined));
  const cleared = await build('catch', []).processBatch(batch);
  assert.ok(cleared[0]!.every((m) => m.error === undefined));
});

test('try: a message that fails skips the rest; one that failed before skips all', async () => {
  const batch = batchOf('a', 'b', 'c');
  batch[2]!.error = 'earlier';
  const out = await build('try', [conf('fail_if', '^b$'), conf('upper', {})]).processBatch(batch);
  assert.deepEqual(textsOf(out), [['A', 'b', 'c']]);
  assert.deepEqual(out[0]!.map((m) => m.error), [undefined, 'failed on b', 'earlier']);
});

test('switch: first passing case takes the message; cases process their messages as one batch', async () => {
  const seen: string[][] = [];
  const p = build('switch', [
    { check: query((b, i) => b[i]!.text().startsWith('a')), processors: [conf('record', seen), conf('upper', {})], fallthrough: false },
    { check: query((b, i) => b[i]!.text().length > 2), processors: [conf('append', '!')], fallthrough: false },
  ]);
  const out = await p.processBatch(batchOf('ax', 'bbb', 'c', 'ayy'));
  assert.deepEqual(textsOf(out), [['AX', 'bbb!', 'c', 'AYY']], 'one-to-one case outputs keep their input positions');
  assert.deepEqual(seen, [['ax', 'ayy']]);
});

test('switch: fallthrough carries a case output into the next case without its check; empty check always passes', async () => {
  const p = build('switch', [
    { check: textIs('a'), processors: [conf('append', '1')], fallthrough: true },
    { check: textIs('never'), processors: [conf('append', '2')], fallthrough: false },
    { processors: [conf('append', '3')], fallthrough: false },
  ]);
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'b'))), [['a12', 'b3']]);
});

test('switch: a check that fails flags the message, which skips the remaining cases', async () => {
  const p = build('switch', [
    { check: query((b, i) => (b[i]!.text() === 'x' ? 'oops' : false)), processors: [], fallthrough: false },
    { processors: [conf('upper', {})], fallthrough: false },
  ]);
  const out = await p.processBatch(batchOf('x', 'y'));
  assert.deepEqual(textsOf(out), [['x', 'Y']]);
  assert.match(out[0]![0]!.error!, /must return a bool/);
});

test('group_by: messages go to the first matching group; groups processed separately; the rest last', async () => {
  const p = build('group_by', [
    { check: query((b, i) => b[i]!.text().startsWith('f')), processors: [conf('upper', {})] },
    { check: query((b, i) => b[i]!.text().startsWith('b')), processors: [conf('append', '!')] },
  ]);
  const out = await p.processBatch(batchOf('foo', 'bar', 'zip', 'fab', 'baz'));
  assert.deepEqual(textsOf(out), [['FOO', 'FAB'], ['bar!', 'baz!'], ['zip']]);
});

test('resource: delegates to the named processor; a missing one fails at build', async () => {
  const calls: Batch[] = [];
  const ctx = createTestContext({ shared: { processBatch: async (b) => (calls.push(b), [b]), close: async () => assert.fail('not ours to close') } });
  const p = build('resource', 'shared', ctx);
  await p.processBatch(batchOf('a'));
  await p.close();
  assert.equal(calls.length, 1);
  assert.throws(() => build('resource', 'missing', ctx), /no processor resource named missing/);
});

test('composites close their children once, however often they are closed', async () => {
  const ctx = createTestContext();
  const p = build('for_each', [conf('upper', {}), conf('while', { max_loops: 1, at_least_once: false, processors: [conf('drop', {})] })], ctx);
  await Promise.all([p.close(), p.close()]);
  assert.deepEqual(ctx.closed.sort(), ['drop', 'for_each', 'for_each', 'upper', 'while']);
});

test('the batching document retry loop: for_each > while(at_least_once, errored()) > catch + flaky resource', async () => {
  const ctx = createTestContext();
  const flaky = build('flaky', 2, ctx);
  const withResource = createTestContext({ foo: flaky });
  const p = build(
    'for_each',
    [conf('while', { at_least_once: true, max_loops: 0, check: errored, processors: [conf('catch', []), conf('resource', 'foo')] })],
    withResource,
  );
  const out = await p.processBatch(batchOf('m1', 'm2'));
  assert.deepEqual(textsOf(out), [['m1', 'm2']]);
  assert.deepEqual(out[0]!.map((m) => [m.error, m.metadata.get('attempts')]), [
    [undefined, 3],
    [undefined, 3],
  ]);
});

test('a message flagged inside a composite keeps flowing (the stream keeps running)', async () => {
  const m = new Message('x');
  const out = await build('for_each', [conf('fail_if', 'x'), conf('upper', {})]).processBatch([m]);
  assert.equal(out[0]![0]!.text(), 'X');
  assert.equal(out[0]![0]!.error, 'failed on x');
});

test('switch: a case whose processors change the message count keeps its output together at its first position', async () => {
  const p = build('switch', [{ check: query((b, i) => b[i]!.text().startsWith('x')), processors: [conf('archive', { format: 'lines', path: '' })], fallthrough: false }]);
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'x1', 'b', 'x2'))), [['a', 'x1\nx2', 'b']]);
});
