import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, type Origin } from '../../src/core/index.js';
import { splitDef } from '../../src/pipeline/processors/split.js';
import { batchOf, build, interp, textsOf } from './helpers.js';

test('split: size cuts a batch into batches of at most N, in order', async () => {
  const p = build('split', { size: 2, byte_size: 0 });
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'b', 'c', 'd', 'e'))), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(await p.processBatch([]), []);
});

test('split: byte_size caps payload bytes; an oversized message travels alone', async () => {
  const p = build('split', { size: 0, byte_size: 10 });
  const out = textsOf(await p.processBatch(batchOf('aaaa', 'bbbb', 'cc', 'dddddddddddddd', 'e')));
  assert.deepEqual(out, [['aaaa', 'bbbb', 'cc'], ['dddddddddddddd'], ['e']]);
});

test('split: size and byte_size together, whichever is hit first', async () => {
  const p = build('split', { size: 3, byte_size: 4 });
  assert.deepEqual(textsOf(await p.processBatch(batchOf('a', 'b', 'c', 'd', 'eee', 'f'))), [['a', 'b', 'c'], ['d', 'eee'], ['f']]);
});

test('split: messages keep their identity (origin, metadata, error)', async () => {
  const origin: Origin = { addResponse() {} };
  const m = new Message('x', new Map([['k', 'v']]));
  m.origin = origin;
  m.error = 'earlier';
  const [[out]] = (await build('split', { size: 1, byte_size: 0 }).processBatch([m])) as [[Message]];
  assert.equal(out.origin, origin);
  assert.equal(out.error, 'earlier');
});

test('split: negative sizes are refused by the spec check', () => {
  const field = (name: string) => splitDef.spec.fields!.find((f) => f.name === name)!;
  assert.match(field('size').check!(-1)!, /0 or more/);
  assert.match(field('byte_size').check!(-5)!, /0 or more/);
  assert.equal(field('size').check!(0), undefined);
});

test('select_parts: picks by index, negative from the end, in listed order, skipping out of range', async () => {
  const p = build('select_parts', { parts: [0, -1, 7, -9, 1, 0] });
  const batch = batchOf('a', 'b', 'c');
  const out = await p.processBatch(batch);
  assert.deepEqual(textsOf(out), [['a', 'c', 'b', 'a']]);
  out[0]![0]!.metadata.set('x', 1);
  assert.equal(out[0]![3]!.metadata.has('x'), false, 'each pick is its own copy');
  assert.equal(batch[0]!.metadata.has('x'), false);
});

test('select_parts: nothing selected filters the batch', async () => {
  assert.deepEqual(await build('select_parts', { parts: [5] }).processBatch(batchOf('a')), []);
  assert.deepEqual(await build('select_parts', { parts: [] }).processBatch(batchOf('a')), []);
});

test('group_by_value: one batch per value, in order of first appearance', async () => {
  const p = build('group_by_value', { value: interp((b, i) => String(b[i]!.metadata.get('p'))) });
  const batch = ['1:a', '2:b', '1:c', '3:d', '2:e'].map((s) => {
    const [p, t] = s.split(':') as [string, string];
    return new Message(t, new Map([['p', p]]));
  });
  assert.deepEqual(textsOf(await p.processBatch(batch)), [['a', 'c'], ['b', 'e'], ['d']]);
});

test('group_by_value: a value that fails to evaluate flags the message, grouped last', async () => {
  const p = build('group_by_value', {
    value: interp((b, i) => {
      if (b[i]!.text() === 'bad') throw new Error('no such field');
      return 'g';
    }),
  });
  const out = await p.processBatch(batchOf('a', 'bad', 'b'));
  assert.deepEqual(textsOf(out), [['a', 'b'], ['bad']]);
  assert.equal(out[1]![0]!.error, 'no such field');
  assert.equal(out[0]![0]!.error, undefined);
});
