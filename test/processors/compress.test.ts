import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HotplugError, Message } from '../../src/core/index.js';
import { compressDef } from '../../src/pipeline/processors/compress.js';
import { build, conf, createTestContext } from './helpers.js';

const data = [Buffer.from('hello '.repeat(100)), Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 7) % 256)), Buffer.alloc(0)];

for (const algorithm of ['gzip', 'zlib', 'flate', 'brotli', 'pgzip']) {
  test(`compress → decompress ${algorithm}: byte-exact, metadata and error flag kept`, async () => {
    const batch = data.map((d) => new Message(d, new Map([['k', 'v']])));
    batch[1]!.error = 'from before';
    const [packed] = await build('compress', { algorithm, level: 6 }).processBatch(batch);
    assert.ok(!Buffer.from(packed![0]!.bytes()).equals(data[0]!), 'payload changed');
    assert.ok(packed![0]!.byteSize() < data[0]!.byteLength, 'repetitive payload got smaller');
    const [back] = await build('decompress', { algorithm }).processBatch(packed!);
    back!.forEach((m, i) => assert.ok(Buffer.from(m.bytes()).equals(data[i]!), `${algorithm} message ${i}`));
    assert.equal(back![0]!.metadata.get('k'), 'v');
    assert.equal(back![1]!.error, 'from before');
    assert.equal(back![0]!.error, undefined);
  });
}

test('decompress: a payload that is not compressed stays as it is, flagged; the others go on', async () => {
  const [good] = await build('compress', { algorithm: 'gzip', level: -1 }).processBatch([new Message('ok')]);
  const plain = new Message('not gzip');
  const [out] = await build('decompress', { algorithm: 'gzip' }).processBatch([plain, good![0]!]);
  assert.equal(out![0]!.text(), 'not gzip');
  assert.match(out![0]!.error!, /^decompress gzip:/);
  assert.equal(out![1]!.text(), 'ok');
  assert.equal(out![1]!.error, undefined);
});

test('compress: algorithm is an enum; level is range-checked, per algorithm at build with its location', () => {
  const field = (name: string) => compressDef.spec.fields!.find((f) => f.name === name)!;
  assert.ok(!field('algorithm').enum!.includes('snappy'));
  assert.match(field('level').check!(-2)!, /-1 \(default\) or 0-11/);
  assert.equal(field('level').check!(11), undefined);
  assert.doesNotThrow(() => build('compress', { algorithm: 'brotli', level: 11 }));
  assert.deepEqual(compressDef.spec.lint!({ algorithm: 'brotli', level: 11 }), []);
  const [problem] = compressDef.spec.lint!({ algorithm: 'zlib', level: 10 });
  assert.equal(problem!.severity, 'error');
  assert.equal(problem!.path, 'level');
  const ctx = createTestContext();
  assert.throws(
    () => compressDef.build(conf('compress', { algorithm: 'gzip', level: 11 }), ctx),
    (err: unknown) => err instanceof HotplugError && /at most 9/.test(err.message) && err.location?.path === 'compress.level',
  );
});
