import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { processesMentioning, socketDirsOf } from '../helpers/processes.js';
import { echoStream, slowPluginFiles, startServing, tempTree } from './helpers.js';

// Issue 12 item 7: dev stays inside its functions dir and handles signals
// from the moment it starts.

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('dev does not follow a symlink to / out of the functions dir: it is ready at once and still reloads what is inside', async (t) => {
  const dir = tempTree(t, { 'good.yaml': echoStream('/good') });
  symlinkSync('/', join(dir, 'root'));
  const { cli, base } = await startServing(t, 'dev', dir);
  assert.ok(cpuSeconds(cli.child.pid!) < 10, `dev used ${cpuSeconds(cli.child.pid!)} s of CPU to start (walking / would take minutes)`);
  writeFileSync(join(dir, 'more.yaml'), echoStream('/more'));
  await waitFor(async () => (await fetch(`${base}/more`, { method: 'POST', body: 'x' })).status === 200, { timeoutMs: 20_000, what: '/more after the edit' });
});

test('dev: SIGTERM while plugins and the watcher are still starting drains, removes the socket dir and exits 0', async (t) => {
  // The plugin starts serving only after 3 s: the host is up and the plugin and watcher still starting.
  const dir = tempTree(t, slowPluginFiles);
  const port = await freePort();
  const cli = startCli(['dev', dir, '--port', String(port)]);
  t.after(() => cli.stop('SIGKILL').then(() => undefined));
  await waitFor(() => /"msg":"listening"|listening/.test(cli.stderr()), { timeoutMs: 30_000, what: 'the server listening' });
  assert.doesNotMatch(cli.stderr(), /watching for changes/, 'still starting');
  const code = await cli.stop('SIGTERM', 30_000);
  assert.equal(code, 0, cli.stderr());
  assert.match(cli.stderr(), /shutting down/);
  assert.deepEqual(socketDirsOf(cli.child.pid!), [], 'no socket dir left');
  assert.deepEqual(processesMentioning(dir), [], 'no plugin process left');
});
