import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePython } from '../../src/plugin/python.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { devOn, pyPlugin, tsPlugin, twoPluginFiles, writeFiles } from './fixture.js';

const files = twoPluginFiles;

test('dev --inspect NAME:PORT: the node inspector answers /json/list on 127.0.0.1:PORT after start and after each reload (never "address already in use")', { timeout: 120_000 }, async (t) => {
  const port = await freePort();
  const { dir, dev, post } = await devOn(t, files, ['--inspect', `greet_ts:${port}`]);
  const targets = async (): Promise<{ id: string; type: string; devtoolsFrontendUrl: string }[]> => (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Promise<{ id: string; type: string; devtoolsFrontendUrl: string }[]>;
  assert.match(dev.stderr(), new RegExp(`"msg":"inspect greet_ts: node inspector on 127\\.0\\.0\\.1:${port} `));
  await waitFor(async () => (await post('/ts', 'x')) === '200 ts-v1:x', { timeoutMs: 30_000, what: 'ts-v1' });
  const first = await waitFor(async () => (await targets())[0], { what: 'the inspector after start' });
  assert.equal(first.type, 'node');
  assert.match(first.devtoolsFrontendUrl, new RegExp(`ws=127\\.0\\.0\\.1:${port}/`));
  for (const v of ['ts-v2', 'ts-v3']) {
    writeFileSync(join(dir, 'greet_ts', 'main.ts'), tsPlugin(v));
    await waitFor(async () => (await post('/ts', 'x')) === `200 ${v}:x`, { timeoutMs: 30_000, what: v });
    const now = await waitFor(async () => (await targets())[0], { what: `the inspector after the reload to ${v}` });
    assert.notEqual(now.id, first.id, 'a new process behind the same port');
  }
  assert.doesNotMatch(dev.stderr(), /address already in use|EADDRINUSE/);
  assert.equal(await post('/py', 'x'), '200 py-v1:x', 'the other plugins are unaffected');
});

test('dev --inspect: a Python plugin needs debugpy (a clear message if it is missing); unknown names and bad values are usage errors', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-inspect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  const bad = await runCli(['dev', dir, '--port', '0', '--inspect', 'nope']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--inspect nope: there is no plugin named nope\n {2}hint: plugins: greet_py, greet_ts/);
  const form = await runCli(['dev', dir, '--port', '0', '--inspect', 'greet_ts:x']);
  assert.match(form.stderr, /--inspect takes NAME or NAME:PORT, not 'greet_ts:x'/);

  // The interpreter hotplug runs Python plugins on (.ci/setup installs Debian's python3-debugpy for /usr/bin/python3).
  const hasDebugpy = spawnSync(await resolvePython(), ['-c', 'import debugpy']).status === 0;
  if (!hasDebugpy) {
    const py = await runCli(['dev', dir, '--port', '0', '--inspect', 'greet_py']);
    assert.equal(py.code, 2, py.stderr);
    assert.match(py.stderr, /--inspect greet_py: debugpy is not installed for \S+, which runs Python plugins\n {2}hint: install it \(\S+ -m pip install debugpy\)/);
    return;
  }
  // With debugpy installed: it listens on the port, also after a reload.
  const port = await freePort();
  const { dir: d2, post } = await devOn(t, files, ['--inspect', `greet_py:${port}`]);
  const listening = (): Promise<boolean> => new Promise((r) => connect(port, '127.0.0.1').on('connect', function (this: import('node:net').Socket) { this.destroy(); r(true); }).on('error', () => r(false)));
  await waitFor(listening, { timeoutMs: 30_000, what: 'debugpy listening' });
  writeFileSync(join(d2, 'greet_py', 'main.py'), pyPlugin('py-v2'));
  await waitFor(async () => (await post('/py', 'x')) === '200 py-v2:x', { timeoutMs: 30_000, what: 'py-v2' });
  await waitFor(listening, { timeoutMs: 30_000, what: 'debugpy listening after the reload' });
});
