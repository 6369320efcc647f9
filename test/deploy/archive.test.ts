import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  checkEntries,
  extractEntries,
  openBundle,
  packBundle,
  readTar,
  UnsafeEntryError,
  writeTar,
  type BundleFile,
  type TarEntry,
} from '../../src/bundle/index.js';

const file = (path: string, text: string, mode = 0o644): TarEntry => ({ path, type: 'file', mode, data: Buffer.from(text) });
const dir = (path: string): TarEntry => ({ path, type: 'dir', mode: 0o755, data: new Uint8Array(0) });
const link = (path: string, target: string): TarEntry => ({ path, type: 'symlink', mode: 0o777, data: new Uint8Array(0), linkTarget: target });

const meta = { format: 1 as const, hotplug: '0.0.0-test', node: '>=20', python: false, plugins: [] };
const files: BundleFile[] = [
  { path: 'start', data: Buffer.from('#!/bin/sh\n'), executable: true },
  { path: 'functions/a/plugin.yaml', data: Buffer.from('name: a\n'), executable: false },
  { path: `functions/${'deep/'.repeat(30)}x.txt`, data: Buffer.alloc(3000, 7), executable: false },
];

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'hotplug-archive-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

test('writeTar and readTar round-trip files, dirs, symlinks and long paths', () => {
  const long = `${'segment/'.repeat(20)}file.txt`;
  const entries = [dir('a'), file('a/b.txt', 'hello'), file(long, 'x'.repeat(1000), 0o755), link('a/l', 'b.txt')];
  const back = readTar(writeTar(entries, 0));
  assert.deepEqual(
    back.map((e) => [e.path, e.type, e.mode, Buffer.from(e.data).toString(), e.linkTarget]),
    entries.map((e) => [e.path, e.type, e.mode, Buffer.from(e.data).toString(), e.linkTarget]),
  );
});

test('the system tar reads what packBundle writes', () => {
  const { archive } = packBundle(files, meta);
  const r = spawnSync('tar', ['-tzvf', '-'], { input: archive, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /-rwxr-xr-x 0\/0 +10 1980-01-01 00:00 start/);
  assert.match(r.stdout, /deep\/x\.txt/);
});

test('packBundle is reproducible: same files in any order give the same bytes', () => {
  const a = packBundle(files, meta).archive;
  const b = packBundle([...files].reverse(), meta).archive;
  assert.ok(a.equals(b));
  const changed = packBundle([...files.slice(1), { path: 'start', data: Buffer.from('#!/bin/sh\n#'), executable: true }], meta).archive;
  assert.ok(!a.equals(changed));
});

test('openBundle verifies checksums against the manifest', () => {
  const { archive, manifest } = packBundle(files, meta);
  assert.equal(openBundle(archive).manifest.digest, manifest.digest);
  // Flip one content byte of plugin.yaml inside the tar and re-gzip: the checksum no longer matches.
  const tar = readTar(gunzipSync(archive));
  const tampered = tar.map((e) => (e.path === 'functions/a/plugin.yaml' ? { ...e, data: Buffer.from('name: b\n') } : e));
  assert.throws(() => openBundle(gzipSync(writeTar(tampered, 0))), /does not match its checksum/);
  const extra = [...tar, file('functions/evil.sh', 'rm -rf /')];
  assert.throws(() => openBundle(gzipSync(writeTar(extra, 0))), /not in the manifest/);
  const missing = tar.filter((e) => e.path !== 'start');
  assert.throws(() => openBundle(gzipSync(writeTar(missing, 0))), /missing from the archive/);
  assert.throws(() => openBundle(Buffer.from('not gzip')), /not a readable \.tar\.gz/);
});

test('checkEntries rejects .., absolute paths, duplicates and escaping symlinks', () => {
  const bad: [TarEntry[], RegExp][] = [
    [[file('../evil', 'x')], /contains "\.\."/],
    [[file('a/../../evil', 'x')], /contains "\.\."/],
    [[file('/etc/passwd', 'x')], /absolute/],
    [[file('a//b', 'x')], /empty or "\." segment/],
    [[file('./a', 'x')], /empty or "\." segment/],
    [[file('a', 'x'), file('a', 'y')], /appears twice/],
    [[link('l', '/etc')], /absolute path/],
    [[link('a/l', '../../etc')], /outside the bundle/],
    [[link('l', 'a'), file('l/x', 'y')], /below the symlink/],
    [[file('l/x', 'y'), link('l', 'a')], /below the symlink/],
  ];
  for (const [entries, why] of bad) {
    assert.throws(() => checkEntries(entries), (err: unknown) => err instanceof UnsafeEntryError && why.test(err.message), JSON.stringify(entries.map((e) => e.path)));
  }
  assert.doesNotThrow(() => checkEntries([dir('a'), file('a/x', 'y'), link('a/l', 'x'), link('up', 'a/x')]));
});

test('openBundle refuses an archive with a .. entry before reading any manifest', () => {
  const evil = gzipSync(writeTar([file('manifest.json', '{}'), file('../../tmp/pwned', 'x')], 0));
  assert.throws(() => openBundle(evil), UnsafeEntryError);
  const abs = gzipSync(writeTar([file('/tmp/pwned', 'x')], 0));
  assert.throws(() => openBundle(abs), /absolute/);
});

test('extractEntries writes modes and links, and refuses a symlink chain that resolves outside', async (t) => {
  const d = await tempDir(t);
  const root = join(d, 'ok');
  await extractEntries([dir('a'), file('a/x', 'hi', 0o755), link('a/l', 'x')], root);
  assert.equal(await readFile(join(root, 'a/x'), 'utf8'), 'hi');
  assert.equal((await stat(join(root, 'a/x'))).mode & 0o777, 0o755);
  assert.equal(await readlink(join(root, 'a/l')), 'x');
  // `s` points at the root itself, so `s/..` is lexically inside but really its parent.
  const escaping = [link('s', '.'), link('t', 's/../outside')];
  await assert.rejects(extractEntries(escaping, join(d, 'bad')), (err: unknown) => err instanceof UnsafeEntryError && /outside|does not exist/.test(err.message));
});
