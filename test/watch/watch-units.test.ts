import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnoredPath } from '../../src/watch/ignore.js';
import { createCoalescer } from '../../src/watch/coalescer.js';
import { createSerialRunner } from '../../src/watch/serial.js';
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
