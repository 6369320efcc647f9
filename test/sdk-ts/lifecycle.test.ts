import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { ProcessorService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';
import { compilePlugin, fixture, startPlugin } from './harness.js';

test('the plugin exits by itself when its stdin closes (the host died)', async (t) => {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: ['lifecycle'] });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  await rpc.init({ config: {} });
  plugin.child.stdin?.end();
  const exit = await plugin.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.match(plugin.stderr(), /close hook ran/);
});

test('on SIGTERM the plugin finishes the call in flight, runs its close hook, then exits 0', async (t) => {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: ['lifecycle'] });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  await rpc.init({ config: {} });
  const call = rpc.processBatch({ batch: [new Message('400')] });
  await waitFor(() => plugin.stderr().includes('started 400'), { what: 'the call to start' });
  plugin.child.kill('SIGTERM');
  const res = await call;
  assert.deepEqual(res.batches.map((b) => b.map((m) => m.text())), [['slept 400']]);
  const exit = await plugin.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  const log = plugin.stderr();
  assert.ok(log.indexOf('finished 400') < log.indexOf('close hook ran'), `close hook after the call finished:\n${log}`);
});

test('the Close RPC runs the close hook once and answers without error', async (t) => {
  const plugin = await startPlugin({ entry: fixture('processor.ts'), args: ['lifecycle'] });
  t.after(() => plugin.dispose());
  const rpc = plugin.client(ProcessorService);
  await rpc.init({ config: {} });
  assert.deepEqual(await rpc.close({}), {});
  assert.deepEqual(await rpc.close({}), {});
  plugin.child.kill('SIGTERM');
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.equal(plugin.stderr().match(/close hook ran/g)?.length, 1);
});

test('started by hand, without an address, the plugin says what is wrong and exits 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-sdk-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = await compilePlugin(fixture('processor.ts'), dir);
  const env = { ...process.env };
  delete env['REDPANDA_CONNECT_PLUGIN_ADDRESS'];
  const child = spawn(process.execPath, [file, 'lifecycle'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /REDPANDA_CONNECT_PLUGIN_ADDRESS is not set/);
});
