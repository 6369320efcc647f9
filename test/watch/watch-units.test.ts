import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIgnoredPath } from '../../src/watch/ignore.js';
import { createCoalescer } from '../../src/watch/coalescer.js';
import { createSerialRunner } from '../../src/watch/serial.js';
import { changedFiles, dirPrint, snapshotFiles } from '../../src/watch/fingerprint.js';
import { waitFor } from '../helpers/poll.js';

test('isIgnoredPath: dotfiles, dependency folders and editor temp files are ignored', () => {
  const ignored = [
    '.env', 'up/.git/HEAD', 'p/node_modules/x/index.js', 'p/__pycache__/m.cpython-311.pyc', 'p/.venv/bin/python',
    'p/venv/lib/x.py', 'p/main.ts~', 'p/.main.ts.swp', 'p/main.py.swx', 'p/4913', 'p/#main.py#', 'p/.#main.py',
    'p/main.ts___jb_tmp___', 'p/x.tmp', 'p/sedAb12Cd',
  ];
  const watched = ['p/main.ts', 'p/plugin.yaml', 'api.yaml', 'nested/dir/stream.yml', 'p/lib/util.py', 'venv.yaml', 'env/x.yaml'.replace('env/', 'envs/')];
  for (const p of ignored) assert.equal(isIgnoredPath(p), true, p);
  for (const p of watched) assert.equal(isIgnoredPath(p), false, p);
});

test('coalescer hands on a burst of events once, after it goes quiet', async () => {
  const flushes: string[][] = [];
  const c = createCoalescer<string>({ quietMs: 30, maxWaitMs: 1000, onFlush: (k) => flushes.push([...k].sort()) });
  c.add('a');
  c.add('b');
  c.add('a');
  await waitFor(() => flushes.length === 1, { what: 'one flush' });
  assert.deepEqual(flushes[0], ['a', 'b']);
  c.add('c');
  await waitFor(() => flushes.length === 2, { what: 'second flush' });
  assert.deepEqual(flushes[1], ['c']);
  c.close();
});

test('coalescer flushes by maxWaitMs under a steady stream of events', async () => {
  const flushes: number[] = [];
  const c = createCoalescer<number>({ quietMs: 50, maxWaitMs: 120, onFlush: (k) => flushes.push(k.size) });
  const started = Date.now();
  let i = 0;
  const t = setInterval(() => c.add(i++), 10);
  try {
    await waitFor(() => flushes.length >= 1, { what: 'a flush despite steady events' });
    assert.ok(Date.now() - started < 1000);
  } finally {
    clearInterval(t);
    c.close();
  }
});

test('serial runner never runs two tasks of one key at once and coalesces reruns', async () => {
  const runner = createSerialRunner<string>(() => {});
  let active = 0;
  let maxActive = 0;
  const runs: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const task = (label: string, wait?: Promise<void>) => async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    runs.push(label);
    if (wait) await wait;
    active--;
  };
  const first = runner.run('k', task('first', gate));
  void runner.run('k', task('second'));
  void runner.run('k', task('third'));
  const other = runner.run('other', task('other'));
  await other;
  assert.deepEqual(runs, ['first', 'other']);
  release();
  await first;
  await runner.idle();
  assert.deepEqual(runs, ['first', 'other', 'third']);
  assert.equal(maxActive, 2); // one per key
});

test('serial runner reports task errors and keeps going', async () => {
  const errors: unknown[] = [];
  const runner = createSerialRunner<string>((_k, e) => errors.push(e));
  await runner.run('k', async () => {
    throw new Error('boom');
  });
  let ran = false;
  await runner.run('k', async () => {
    ran = true;
  });
  assert.equal(errors.length, 1);
  assert.equal(ran, true);
});

test('file snapshots: a same-size rewrite with the same mtime, a new and a removed file differ; ignored files do not count', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-snap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'p', 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'p', 'main.ts'), 'v1');
  writeFileSync(join(dir, 'p', 'old.ts'), 'x');
  writeFileSync(join(dir, 'a.yaml'), 'a');
  const before = snapshotFiles(dir);
  assert.deepEqual([...before.keys()], [join(dir, 'a.yaml'), join(dir, 'p', 'main.ts'), join(dir, 'p', 'old.ts')]);
  writeFileSync(join(dir, 'p', 'main.ts'), 'v2');
  utimesSync(join(dir, 'p', 'main.ts'), new Date(0), new Date(0));
  writeFileSync(join(dir, 'p', 'node_modules', 'dep.js'), 'ignored');
  writeFileSync(join(dir, '.main.ts.swp'), 'ignored');
  unlinkSync(join(dir, 'p', 'old.ts'));
  writeFileSync(join(dir, 'b.yaml'), 'b');
  const after = snapshotFiles(dir);
  assert.deepEqual(changedFiles(before, after).sort(), [join(dir, 'b.yaml'), join(dir, 'p', 'main.ts'), join(dir, 'p', 'old.ts')]);
  assert.notEqual(dirPrint(before, join(dir, 'p')), dirPrint(after, join(dir, 'p')));
  assert.equal(dirPrint(after, join(dir, 'p')), dirPrint(snapshotFiles(dir), join(dir, 'p')), 'same files, same print');
  assert.deepEqual(changedFiles(after, snapshotFiles(dir)), []);
});
