import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { ProcessorService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';
import { FIXTURES, PYTHON, SDK_PATH, connectPlugin, stderrMatches, untilAnswered } from './python-plugin.js';

const SCRIPT = join(FIXTURES, 'processor.py');

async function startSlow(t: { after(fn: () => Promise<void>): void }, delay: number) {
  const { plugin, client } = await connectPlugin(t, ProcessorService, SCRIPT, ['slow']);
  await untilAnswered(plugin, () => client.call('init', { config: { delay } }));
  return { plugin, client };
}

test('the plugin exits by itself when its stdin closes (the host died)', async (t) => {
  const { plugin } = await startSlow(t, 0);
  plugin.child.stdin!.end();
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
});

test('the plugin exits when the host dies even while plugin code blocks its event loop', async (t) => {
  const { plugin, client } = await connectPlugin(t, ProcessorService, SCRIPT, ['hang']);
  await untilAnswered(plugin, () => client.call('init', { config: {} }));
  const never = client.call('processBatch', { batch: [new Message('x')] }, 60_000).then(
    () => 'answered',
    (err: Error) => err,
  );
  await stderrMatches(plugin, /hanging/);
  plugin.child.stdin!.end();
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.match(plugin.stderr(), /host gone/);
  assert.ok((await never) instanceof Error, 'the call in flight fails instead of hanging the host');
});

test('SIGTERM lets the call in flight finish, then the plugin exits cleanly', async (t) => {
  const { plugin, client } = await startSlow(t, 0.5);
  const inFlight = client.call('processBatch', { batch: [new Message('late')] });
  await stderrMatches(plugin, /start late/);
  plugin.child.kill('SIGTERM');
  const res = await inFlight;
  assert.equal(res.error, undefined);
  assert.equal(res.batches[0]![0]!.text(), 'late');
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.match(plugin.stderr(), /processed late/);
});

test('async per-message functions run concurrently within a batch and keep order', async (t) => {
  const { plugin, client } = await startSlow(t, 0.3);
  const batch = Array.from({ length: 20 }, (_, i) => new Message(`m${i}`));
  const res = await client.call('processBatch', { batch, perMessageResults: true });
  assert.deepEqual(
    res.batches.map((b) => b[0]!.text()),
    batch.map((m) => m.text()),
  );
  // Every message started before the first one finished. (stderr can trail the gRPC answer: wait for it.)
  await waitFor(() => plugin.stderr().match(/processed/g)?.length === 20, { what: '20 processed lines' });
  const log = plugin.stderr();
  assert.equal(log.slice(0, log.indexOf('processed')).match(/start m\d+/g)?.length, 20);
});

test('a plugin started without the socket address explains how to run it', async () => {
  const child = spawn(PYTHON, [SCRIPT, 'config'], { env: { PYTHONPATH: SDK_PATH, PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 1);
  assert.match(err, /REDPANDA_CONNECT_PLUGIN_ADDRESS is not set/);
  assert.match(err, /hotplug dev/);
});

test('a plugin that cannot listen on its address exits and says why', async () => {
  const address = 'unix:/nonexistent-hotplug-dir/plugin.sock';
  const child = spawn(PYTHON, [SCRIPT, 'config'], {
    env: { PYTHONPATH: SDK_PATH, PATH: process.env.PATH ?? '', REDPANDA_CONNECT_PLUGIN_ADDRESS: address },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(killer);
  assert.equal(code, 1, 'the plugin must exit by itself, not be killed after 15 s');
  assert.match(err, /cannot listen on unix:\/nonexistent-hotplug-dir\/plugin\.sock/);
  assert.doesNotMatch(err, /Traceback/);
});

test('a plugin whose stdin is /dev/null (how other hosts start plugins) keeps serving', async (t) => {
  const { plugin, client } = await connectPlugin(t, ProcessorService, SCRIPT, ['official'], {}, 'ignore');
  await untilAnswered(plugin, () => client.call('init', { config: {} }));
  // If /dev/null's immediate EOF were taken as "host gone", the plugin would be exiting by now.
  for (let i = 0; i < 5; i++) {
    const res = await client.call('processBatch', { batch: [new Message('x')] });
    assert.equal(res.batches[0]![0]!.text(), 'X');
  }
  assert.equal(plugin.child.exitCode, null);
  await client.call('close', {});
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
});
