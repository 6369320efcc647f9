import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, type Origin, type Value } from '../../src/core/index.js';
import { archiveDef } from '../../src/pipeline/processors/archive.js';
import { unarchiveDef } from '../../src/pipeline/processors/unarchive.js';
import { batchOf, build, interp, textsOf } from './helpers.js';

const payloads = ['{"n":1}', 'second line', Buffer.from([0, 1, 2, 255, 10, 13]).toString('latin1'), ''];

function sources(): Message[] {
  return payloads.map((p, i) => new Message(Buffer.from(p, 'latin1'), new Map<string, Value>([['i', i], ['name', `f${i}.bin`]])));
}

test('archive lines / concatenate: one message, first message metadata', async () => {
  const lines = await build('archive', { format: 'lines', path: '' }).processBatch(batchOf('a', 'b', 'c'));
  assert.deepEqual(textsOf(lines), [['a\nb\nc']]);
  const batch = sources();
  const [[cat]] = (await build('archive', { format: 'concatenate', path: '' }).processBatch(batch)) as [[Message]];
  assert.ok(Buffer.from(cat.bytes()).equals(Buffer.concat(batch.map((m) => m.bytes()))));
  assert.equal(cat.metadata.get('i'), 0);
});

test('archive json_array: members parsed as JSON; a non-JSON member flags the whole batch', async () => {
  const p = build('archive', { format: 'json_array', path: '' });
  const [[arr]] = (await p.processBatch(batchOf('{"a":1}', '[2]', '"s"'))) as [[Message]];
  assert.deepEqual(arr.structured(), [{ a: 1 }, [2], 's']);
  assert.equal(arr.text(), '[{"a":1},[2],"s"]');
  const out = await p.processBatch(batchOf('{"a":1}', 'not json'));
  assert.deepEqual(textsOf(out), [['{"a":1}', 'not json']]);
  assert.ok(out[0]!.every((m) => m.error?.startsWith('archive json_array:')));
});

for (const format of ['tar', 'zip'] as const) {
  test(`${format}: archive then unarchive round-trips payloads byte-exact with names from path`, async () => {
    const archive = build('archive', { format, path: interp((b, i) => String(b[i]!.metadata.get('name'))) });
    const unarchive = build('unarchive', { format });
    const batch = sources();
    const archived = await archive.processBatch(batch);
    assert.equal(archived.length, 1);
    assert.equal(archived[0]!.length, 1);
    const [back] = await unarchive.processBatch(archived[0]!);
    assert.equal(back!.length, payloads.length);
    back!.forEach((m, i) => {
      assert.ok(Buffer.from(m.bytes()).equals(batch[i]!.bytes()), `member ${i}`);
      assert.equal(m.metadata.get('archive_filename'), `f${i}.bin`);
      assert.equal(m.metadata.get('i'), 0, 'members carry the archive message metadata');
    });
  });

  test(`${format}: an empty path names members part_<index>; an invalid archive stays, flagged`, async () => {
    const [[a]] = (await build('archive', { format, path: '' }).processBatch(batchOf('x', 'y'))) as [[Message]];
    const [back] = await build('unarchive', { format }).processBatch([a, new Message('garbage that is not an archive, long enough to fill a tar header block? no.')]);
    assert.deepEqual(back!.map((m) => m.metadata.get('archive_filename')), ['part_0', 'part_1', undefined]);
    assert.match(back![2]!.error ?? '', new RegExp(`^unarchive ${format}:`));
  });
}

test('unarchive lines and json_array split messages in place, keeping origin and metadata', async () => {
  const origin: Origin = { addResponse() {} };
  const a = new Message('l1\r\nl2\n\nl4\n', new Map([['k', 'v']]));
  a.origin = origin;
  const [lines] = await build('unarchive', { format: 'lines' }).processBatch([a, new Message('z')]);
  assert.deepEqual(lines!.map((m) => m.text()), ['l1', 'l2', '', 'l4', 'z']);
  assert.ok(lines!.slice(0, 4).every((m) => m.origin === origin && m.metadata.get('k') === 'v'));
  const [items] = await build('unarchive', { format: 'json_array' }).processBatch(batchOf('[1,{"a":2},"s"]', '{"not":"array"}'));
  // A structured string's bytes are the string itself (the core message model).
  assert.deepEqual(items!.map((m) => m.text()), ['1', '{"a":2}', 's', '{"not":"array"}']);
  assert.match(items![3]!.error!, /expected a JSON array/);
});

test('archive: a response recorded for the merged message reaches every source origin, once each', async () => {
  const got: Record<string, string[]> = { a: [], b: [] };
  const origin = (name: string): Origin => ({ addResponse: (m) => got[name]!.push(m.text()) });
  const [a, b] = [origin('a'), origin('b')];
  const batch = batchOf('1', '2', '3');
  batch[0]!.origin = a;
  batch[1]!.origin = b;
  batch[2]!.origin = a;
  const [[out]] = (await build('archive', { format: 'lines', path: '' }).processBatch(batch)) as [[Message]];
  out.origin!.addResponse(out);
  assert.deepEqual(got, { a: ['1\n2\n3'], b: ['1\n2\n3'] });
  const single = batchOf('x');
  single[0]!.origin = a;
  const [[one]] = (await build('archive', { format: 'tar', path: '' }).processBatch(single)) as [[Message]];
  assert.equal(one.origin, a, 'a single source keeps its own origin');
  assert.deepEqual(await build('archive', { format: 'lines', path: '' }).processBatch([]), []);
});

test('archive and unarchive formats are enums (unknown formats are lint errors)', () => {
  const formats = (def: typeof archiveDef) => def.spec.fields!.find((f) => f.name === 'format')!.enum;
  assert.deepEqual(formats(archiveDef), ['lines', 'concatenate', 'json_array', 'tar', 'zip']);
  assert.deepEqual(formats(unarchiveDef), ['lines', 'json_array', 'tar', 'zip']);
});
