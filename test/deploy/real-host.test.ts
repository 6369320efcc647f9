import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundle, extractEntries, openBundle } from '../../src/bundle/index.js';
import { deploy } from '../../src/deploy/index.js';
import { processesOf, sweep } from '../../src/deploy/remote/procs.js';
import { fixtures, freePort, functionsCopy, httpGet, killGroup, poll, repoDirs, repoRoot, spawnHidden, tempDir } from './helpers.js';
import { startSshd } from './sshd.js';

// The real host (src/cli/main.ts, `hotplug run`) with a TS and a Python plugin behind
// http_server -> sync_response, bundled, unpacked and run without the repo.
const realFunctions = join(fixtures, 'real', 'functions');

async function post(url: string, body: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

async function waitReady(port: number, output: () => string): Promise<void> {
  await poll('GET /ready to answer 200', async () => ((await httpGet(`http://127.0.0.1:${port}/ready`)).status === 200 ? true : undefined), 60_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n--- output ---\n${output()}`);
    },
  );
}

test('a bundle of the real host serves TS and Python plugins from ./start with the repo hidden', async (t) => {
  const functions = await functionsCopy(t, realFunctions);
  const dir = await tempDir(t);
  const lines: string[] = [];
  const res = await bundle({ dir: functions, out: join(dir, 'app.tar.gz'), repoRoot, log: (l) => lines.push(l) });
  t.diagnostic(lines.join('\n'));
  const release = join(dir, 'release');
  await extractEntries(openBundle(await readFile(res.file)).entries, release);

  const port = await freePort();
  // No repo, no node_modules, no NODE_PATH: only what a VM has (node, bash, python3 with grpcio).
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', PORT: String(port), HOST: '127.0.0.1' };
  const child = spawnHidden(await repoDirs(), [join(release, 'start')], env);
  t.after(() => killGroup(child));
  await waitReady(port, child.output);

  assert.deepEqual(await post(`http://127.0.0.1:${port}/shout`, 'hello'), { status: 200, body: 'HELLO!' });
  assert.deepEqual(await post(`http://127.0.0.1:${port}/reverse`, 'hello'), { status: 200, body: 'olleh' });
  assert.match(child.output(), /"level":30/, 'production mode logs JSON lines');

  // A clean stop leaves nothing of the release behind (plugins included).
  await poll('the host and both plugins to run from the release', () => (processesOf(release).length >= 3 ? true : undefined), 15_000);
  await killGroup(child);
  await poll('every process of the release to exit', () => (processesOf(release).length === 0 ? true : undefined), 15_000);
});

test('deploy the real host over ssh: it serves, a second deploy reloads its workers and leaves no worker or plugin of the first, a release with a config error is abandoned at once', async (t) => {
  const sshd = await startSshd(t);
  const work = await tempDir(t);
  const remoteDir = join(work, 'vm');
  t.after(() => sweep(remoteDir, 5000));
  const functions = await functionsCopy(t, realFunctions);
  const good = await bundle({ dir: functions, out: join(work, 'good.tar.gz'), repoRoot });
  await writeFile(join(functions, 'broken.yaml'), 'input:\n  http_server:\n    path: /broken\npipeline:\n  processors:\n    - no_such_plugin: {}\noutput:\n  sync_response: {}\n');
  const broken = await bundle({ dir: functions, out: join(work, 'broken.tar.gz'), repoRoot });

  const port = await freePort();
  const base = { to: sshd.to, sshPort: sshd.port, identity: sshd.identity, knownHosts: sshd.knownHosts, dir: remoteDir, readyTimeoutMs: 60_000 };
  const steps: string[] = [];
  const first = await deploy({ ...base, bundle: good.file, port, host: '127.0.0.1', log: (l) => steps.push(l) }).catch((err: Error) => {
    throw new Error(`${err.message}\n--- steps ---\n${steps.join('\n')}`);
  });
  assert.equal((await post(`${first.url}shout`, 'deployed')).body, 'DEPLOYED!');
  assert.equal((await post(`${first.url}reverse`, 'deployed')).body, 'deyolped');
  const firstRelease = join(remoteDir, 'releases', first.release);
  await poll('the host and both plugins to run from the first release', () => (processesOf(firstRelease).length >= 3 ? true : undefined), 15_000);

  // Replacing it leaves no worker of the first release and none of its TS or Python plugins. The cluster
  // primary (started from the first release, holding the socket) is what stays: it started the new workers.
  const primary = JSON.parse(readFileSync(join(remoteDir, '.hotplug', 'cluster.json'), 'utf8')) as { pid: number };
  const second = await deploy({ ...base, bundle: good.file });
  assert.equal(second.previous, first.release);
  await poll('the first release\'s workers and plugins to be gone', () => (processesOf(firstRelease).every((pid) => pid === primary.pid) ? true : undefined), 15_000);
  const cluster = JSON.parse(readFileSync(join(remoteDir, '.hotplug', 'cluster.json'), 'utf8')) as { pid: number; release: string; generation: number };
  assert.equal(cluster.pid, primary.pid, 'the same primary: the socket never closed');
  assert.equal(cluster.release, join(remoteDir, 'releases', second.release));
  assert.equal(cluster.generation, 2);
  assert.equal((await post(`${second.url}shout`, 'again')).body, 'AGAIN!');

  const failedAt = Date.now();
  await assert.rejects(deploy({ ...base, bundle: broken.file }), (err: Error) => {
    assert.match(err.message, /did not become ready: a new worker \(pid \d+\) exited before it was ready \(code 1\)/);
    assert.match(err.message, /rolled back to \S+, which is serving again/);
    assert.match(err.message, /no_such_plugin/, 'the config error from the failed release is shown');
    return true;
  });
  assert.ok(Date.now() - failedAt < 30_000, 'it fails as soon as the new workers exit, not after the 60 s ready timeout');
  assert.equal((await post(`${first.url}reverse`, 'still here')).body, 'ereh llits');
});
