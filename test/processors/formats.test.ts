import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar, writeTar } from '../../src/pipeline/processors/formats/tar.js';
import { readZip, writeZip } from '../../src/pipeline/processors/formats/zip.js';
import { COMPRESSION_ALGORITHMS, INLINE_LIMIT, compress, decompress } from '../../src/pipeline/processors/formats/compression.js';

const longDir = 'd'.repeat(120);
const entries = [
  { name: 'a.txt', data: Buffer.from('hello\n') },
  { name: 'empty.bin', data: Buffer.alloc(0) },
  { name: 'block.bin', data: Buffer.alloc(512, 7) },
  { name: 'bytes.bin', data: Buffer.from(Array.from({ length: 1300 }, (_, i) => i % 256)) },
  { name: `${longDir}/split-by-prefix.txt`, data: Buffer.from('ustar prefix') },
  { name: 'x'.repeat(180) + '.txt', data: Buffer.from('pax path') },
  { name: 'ünïcödé/名前.txt', data: Buffer.from('utf-8 name') },
];

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-formats-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function run(cmd: string, args: string[], cwd: string): Buffer {
  const r = spawnSync(cmd, args, { cwd });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('tar: write then read gives back every name and byte', () => {
  const back = readTar(writeTar(entries));
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  back.forEach((e, i) => assert.ok(Buffer.from(e.data).equals(entries[i]!.data), e.name));
});

test('tar: GNU tar reads what we write, names and contents exact', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'out.tar'), writeTar(entries));
  const listed = run('tar', ['-tf', 'out.tar'], dir).toString('utf8').trim().split('\n');
  assert.deepEqual(listed, entries.map((e) => e.name));
  await mkdir(join(dir, 'x'));
  run('tar', ['-xf', '../out.tar'], join(dir, 'x'));
  for (const e of entries) assert.ok((await readFile(join(dir, 'x', e.name))).equals(e.data), e.name);
});

test('tar: we read what GNU tar writes (gnu long names, pax, directories skipped)', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'src', longDir), { recursive: true });
  for (const e of entries) {
    await mkdir(join(dir, 'src', e.name, '..'), { recursive: true });
    await writeFile(join(dir, 'src', e.name), e.data);
  }
  for (const format of ['gnu', 'posix', 'ustar']) {
    const names = format === 'ustar' ? entries.filter((e) => !e.name.startsWith('x') && /^[\x20-\x7e]*$/.test(e.name)) : entries;
    run('tar', [`--format=${format}`, '-cf', `../${format}.tar`, ...names.map((e) => e.name)], join(dir, 'src'));
    const back = readTar(await readFile(join(dir, `${format}.tar`)));
    assert.deepEqual(back.map((e) => e.name), names.map((e) => e.name), format);
    back.forEach((e, i) => assert.ok(Buffer.from(e.data).equals(names[i]!.data), `${format} ${e.name}`));
  }
  run('tar', ['-cf', '../dirs.tar', '.'], join(dir, 'src'));
  const withDirs = readTar(await readFile(join(dir, 'dirs.tar')));
  assert.equal(withDirs.length, entries.length);
});

test('tar: damaged input is an error, not garbage', () => {
  const good = writeTar([{ name: 'a', data: Buffer.from('x') }]);
  const bad = Buffer.from(good);
  bad[0] = 'b'.charCodeAt(0);
  assert.throws(() => readTar(bad), /checksum/);
  assert.throws(() => readTar(Buffer.from('not a tar')), /shorter than one header/);
  assert.throws(() => readTar(good.subarray(0, 512)), /truncated/);
  assert.deepEqual(readTar(new Uint8Array(0)), []);
});

test('zip: write then read gives back every name and byte', async () => {
  const back = await readZip(await writeZip(entries));
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  back.forEach((e, i) => assert.ok(Buffer.from(e.data).equals(entries[i]!.data), e.name));
});

test('zip: unzip reads what we write; we read what zip writes (deflate and stored)', async (t) => {
  const dir = await tempDir(t);
  const simple = entries.filter((e) => !e.name.startsWith('d'));
  await writeFile(join(dir, 'ours.zip'), await writeZip(simple));
  run('unzip', ['-tq', 'ours.zip'], dir);
  await mkdir(join(dir, 'x'));
  run('unzip', ['-q', '../ours.zip'], join(dir, 'x'));
  for (const e of simple) assert.ok((await readFile(join(dir, 'x', e.name))).equals(e.data), e.name);

  await mkdir(join(dir, 'src'));
  const text = Buffer.from('compressible '.repeat(200));
  await writeFile(join(dir, 'src', 'big.txt'), text);
  await writeFile(join(dir, 'src', 'tiny.txt'), 'hi');
  run('zip', ['-q', '../theirs.zip', 'big.txt', 'tiny.txt'], join(dir, 'src'));
  run('zip', ['-q', '-0', '../stored.zip', 'big.txt'], join(dir, 'src'));
  const theirs = await readZip(await readFile(join(dir, 'theirs.zip')));
  assert.deepEqual(theirs.map((e) => e.name), ['big.txt', 'tiny.txt']);
  assert.ok(Buffer.from(theirs[0]!.data).equals(text));
  const stored = await readZip(await readFile(join(dir, 'stored.zip')));
  assert.ok(Buffer.from(stored[0]!.data).equals(text));
});

test('zip: a corrupted member fails its CRC check; non-zip input is named', async () => {
  const z = Buffer.from(await writeZip([{ name: 'a.txt', data: Buffer.from('abc') }]));
  const at = z.indexOf('abc');
  z[at] = 'x'.charCodeAt(0);
  await assert.rejects(readZip(z), /CRC-32/);
  await assert.rejects(readZip(Buffer.from('plain text')), /not a zip archive/);
});

test('compression: every algorithm round-trips byte-exact, at several levels', async () => {
  const data = Buffer.concat([Buffer.from('a'.repeat(5000)), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256))]);
  for (const algorithm of COMPRESSION_ALGORITHMS) {
    for (const level of [-1, 0, 1, 9]) {
      const packed = await compress(algorithm, data, level);
      const back = await decompress(algorithm, packed);
      assert.ok(back.equals(data), `${algorithm} level ${level}`);
    }
  }
});

test('compression: gzip output is what the gzip tool reads', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'x.gz'), await compress('gzip', Buffer.from('for gunzip\n')));
  assert.equal(run('gzip', ['-dc', 'x.gz'], dir).toString(), 'for gunzip\n');
});

test('compression: decompressed size is bounded', async () => {
  const bomb = await compress('gzip', Buffer.alloc(1 << 20));
  await assert.rejects(decompress('gzip', bomb, 1024), /buffer|length|larger/i);
});

test('compression: payloads past the inline limit (thread pool path) round-trip too, zip entries included', async () => {
  const big = Buffer.from(Array.from({ length: INLINE_LIMIT * 3 }, (_, i) => (i * 13) % 251));
  for (const algorithm of COMPRESSION_ALGORITHMS) {
    assert.ok((await decompress(algorithm, await compress(algorithm, big))).equals(big), algorithm);
  }
  const [entry] = await readZip(await writeZip([{ name: 'big.bin', data: Buffer.concat([big, Buffer.alloc(INLINE_LIMIT)]) }]));
  assert.ok(Buffer.from(entry!.data).equals(Buffer.concat([big, Buffer.alloc(INLINE_LIMIT)])));
});

test('zip: the members of one archive may not add up past the size budget (zip bombs)', async () => {
  const zeros = Buffer.alloc(4096);
  const z = await writeZip([{ name: 'a', data: zeros }, { name: 'b', data: zeros }, { name: 'c', data: zeros }]);
  assert.ok(z.byteLength < 1024, 'zeros compress well');
  assert.equal((await readZip(z, 3 * 4096)).length, 3);
  await assert.rejects(readZip(z, 2 * 4096 + 100), /add up to more than 8292 bytes/);
});
