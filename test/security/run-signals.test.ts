import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCli } from '../helpers/cli.js';
import { bigPipeline } from '../helpers/big-pipeline.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { processesMentioning, socketDirsOf } from '../helpers/processes.js';
import { slowPluginFiles, tempTree } from './helpers.js';

// `hotplug run` handles SIGTERM/SIGINT from the moment it starts, as dev does
// (issue 12 item 7): before, a SIGTERM while the dir loaded was the default
// exit (143: no drain, nothing cleaned up).

test('run: SIGTERM while the dir loads and a plugin starts stops cleanly: exit 0, no socket dir, no plugin left', async (t) => {
  // Loading a 1 MiB pipeline keeps start busy after "listening"; the plugin takes 3 s to serve.
  const dir = tempTree(t, { ...slowPluginFiles, 'big.yaml': bigPipeline(1024 * 1024, '/big', 0) });
  const port = await freePort();
  const cli = startCli(['run', dir, '--port', String(port)]);
  t.after(() => cli.stop('SIGKILL').then(() => undefined));
  await waitFor(() => cli.stderr().includes('"msg":"listening"'), { timeoutMs: 30_000, intervalMs: 5, what: 'the server listening' });
  assert.doesNotMatch(cli.stderr(), /"msg":"serving"/, 'still starting');
  const signalled = performance.now();
  const code = await cli.stop('SIGTERM', 30_000);
  const ms = performance.now() - signalled;
  assert.equal(code, 0, cli.stderr());
  assert.match(cli.stderr(), /shutting down/);
  assert.ok(ms < 15_000, `stopped ${ms.toFixed(0)} ms after the signal`);
  assert.deepEqual(socketDirsOf(cli.child.pid!), [], 'no socket dir left');
  assert.deepEqual(processesMentioning(dir), [], 'no plugin process left');
});
