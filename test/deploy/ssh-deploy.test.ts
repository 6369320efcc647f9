import assert from 'node:assert/strict';
import { existsSync, readlinkSync, readFileSync } from 'node:fs';
import { chmod, writeFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { bundle, writeTar } from '../../src/bundle/index.js';
import { deploy, rollback, type DeployOptions } from '../../src/deploy/index.js';
import { isAlive, processesOf, sweep } from '../../src/deploy/remote/procs.js';
import { fixtures, freePort, functionsCopy, httpGet, poll, repoRoot, standInHost, tempDir } from './helpers.js';
import { startSshd } from './sshd.js';

interface Info {
  pid: number;
  cwd: string;
  plugins: { name: string; pid: number; output: string }[];
}

test('deploy over a real OpenSSH server (stand-in host): replace, automatic rollback, rollback, refused host key', async (t) => {
  const sshd = await startSshd(t);
  const work = await tempDir(t);
  const remoteDir = join(work, 'vm', 'hotplug');
  // Whatever happens, nothing deployed outlives the test.
  t.after(() => sweep(remoteDir, 5000));

  const functions = await functionsCopy(t, join(fixtures, 'stand-in', 'functions'));
  const make = async (name: string): Promise<string> =>
    (await bundle({ dir: functions, out: join(work, `${name}.tar.gz`), repoRoot, hostEntry: standInHost })).file;
  const first = await make('first');
  await writeFile(join(functions, 'VERSION'), '2\n');
  const second = await make('second');
  await writeFile(join(functions, 'BROKEN'), 'this release exits at once\n');
  const broken = await make('broken');

  const port = await freePort();
  const steps: string[] = [];
  const base = {
    to: sshd.to,
    sshPort: sshd.port,
    identity: sshd.identity,
    knownHosts: sshd.knownHosts,
    dir: remoteDir,
    readyTimeoutMs: 20_000,
    log: (l: string) => steps.push(l),
  } satisfies Partial<DeployOptions>;
  const info = async (): Promise<Info> => JSON.parse((await httpGet(`http://127.0.0.1:${port}/info`)).body) as Info;
  const releaseDir = (id: string): string => join(remoteDir, 'releases', id);

  const one = await deploy({ ...base, bundle: first, port, host: '127.0.0.1' }).catch((err: Error) => {
    throw new Error(`${err.message}\n--- steps ---\n${steps.join('\n')}\n--- sshd ---\n${sshd.log()}`);
  });
  assert.equal(one.previous, undefined);
  assert.equal(one.manager, 'supervised');
  assert.equal(one.url, `http://127.0.0.1:${port}/`);
  assert.equal((await httpGet(`${one.url}ready`)).status, 200);
  assert.equal(readlinkSync(join(remoteDir, 'current')), join('releases', one.release));
  const firstInfo = await poll('the first release to start its plugins', async () => {
    const i = await info();
    return i.plugins.every((p) => p.output !== '') ? i : undefined;
  });
  assert.equal(firstInfo.cwd, releaseDir(one.release));
  assert.equal(firstInfo.plugins.find((p) => p.name === 'upper')?.output, 'COMPILED TYPESCRIPT');
  const firstPids = [firstInfo.pid, ...firstInfo.plugins.map((p) => p.pid)];
  assert.ok(processesOf(releaseDir(one.release)).length >= 3, 'host and plugins run from the first release');

  await t.test('a second deploy replaces the first, leaving no process of it', async () => {
    const two = await deploy({ ...base, bundle: second });
    assert.equal(two.previous, one.release);
    assert.notEqual(two.release, one.release);
    assert.equal(two.port, port, 'the port is kept from the first deploy');
    const i = await info();
    assert.equal(i.cwd, releaseDir(two.release));
    assert.deepEqual(processesOf(releaseDir(one.release)), []);
    for (const pid of firstPids) assert.ok(!isAlive(pid), `pid ${pid} of the first release is gone`);
    assert.ok(existsSync(releaseDir(one.release)), 'the first release is kept for rollback');
  });

  await t.test('a release that never becomes ready is rolled back automatically', async () => {
    const current = readlinkSync(join(remoteDir, 'current'));
    await assert.rejects(deploy({ ...base, bundle: broken }), (err: Error) => {
      assert.match(err.message, /did not answer http:\/\/127\.0\.0\.1:\d+\/ready with 200/);
      assert.match(err.message, /rolled back to \S+, which is serving again/);
      assert.match(err.message, /this release is broken on purpose/);
      return true;
    });
    assert.equal(readlinkSync(join(remoteDir, 'current')), current);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/ready`)).status, 200);
    assert.equal((await info()).cwd, join(remoteDir, current));
    const releases = readFileSync(join(remoteDir, 'releases', '..', 'hotplug.env'), 'utf8');
    assert.match(releases, new RegExp(`^PORT=${port}$`, 'm'));
  });

  await t.test('rollback goes back one release on purpose', async () => {
    const before = readlinkSync(join(remoteDir, 'current'));
    const back = await rollback(base);
    assert.equal(back.release, one.release);
    assert.equal(join('releases', back.previous ?? ''), before);
    assert.equal((await info()).cwd, releaseDir(one.release));
    assert.deepEqual(processesOf(join(remoteDir, before)), []);
    await assert.rejects(rollback(base), /no release older than/);
  });

  await t.test('an unknown host key is refused and the running release keeps serving', async () => {
    const pid = (await info()).pid;
    await assert.rejects(deploy({ ...base, knownHosts: sshd.wrongKnownHosts, bundle: second }), (err: Error) => {
      assert.match(err.message, /host key of .* was not accepted/);
      return true;
    });
    const empty = join(work, 'empty_known_hosts');
    await writeFile(empty, '');
    await assert.rejects(rollback({ ...base, knownHosts: empty }), /host key of .* was not accepted/);
    assert.equal((await info()).pid, pid);
  });

  await t.test('clear errors: missing bundle, unreachable host, no Node, old Node, unsafe bundle, no Python', async () => {
    await assert.rejects(deploy({ ...base, bundle: join(work, 'nope.tar.gz') }), /cannot read the bundle .*no such file/);
    await assert.rejects(deploy({ ...base, sshPort: await freePort(), bundle: second }), /cannot reach/);
    await assert.rejects(deploy({ ...base, remoteNode: '/nonexistent/node', bundle: second }), /has no Node\.js/);
    const oldNode = join(work, 'node18');
    await writeFile(oldNode, '#!/bin/sh\nprintf \'{"node":"18.19.0","home":"/root","uid":0}\'\n');
    await chmod(oldNode, 0o755);
    await assert.rejects(deploy({ ...base, remoteNode: oldNode, bundle: second }), /runs Node\.js 18\.19\.0, but hotplug needs Node\.js >= 20/);
    const garbage = join(work, 'garbage.tar.gz');
    await cp(second, garbage);
    const bytes = readFileSync(garbage);
    bytes[bytes.length - 20] ^= 0xff;
    await writeFile(garbage, bytes);
    await assert.rejects(deploy({ ...base, bundle: garbage }), /not a usable bundle/);
    const evil = join(work, 'evil.tar.gz');
    await writeFile(evil, gzipSync(writeTar([{ path: '../../etc/cron.d/x', type: 'file', mode: 0o644, data: Buffer.from('x') }], 0)));
    await assert.rejects(deploy({ ...base, bundle: evil }), /not a usable bundle: unsafe entry "\.\.\/\.\.\/etc\/cron\.d\/x".*contains "\.\."/);
    // Python plugins but no usable Python: refused before the running release is touched.
    const envFile = join(remoteDir, 'hotplug.env');
    const env = readFileSync(envFile, 'utf8');
    const pid = (await info()).pid;
    await writeFile(envFile, `${env}HOTPLUG_PYTHON=/bin/false\n`);
    try {
      await assert.rejects(deploy({ ...base, bundle: second }), /has Python plugins, but the VM has no Python with grpcio and protobuf/);
    } finally {
      await writeFile(envFile, env);
    }
    assert.equal((await info()).pid, pid);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/ready`)).status, 200);
  });

  await t.test('old releases beyond --keep are pruned, never the current one', async () => {
    const { readdirSync } = await import('node:fs');
    const before = readdirSync(join(remoteDir, 'releases')).filter((n) => !n.startsWith('.'));
    assert.ok(before.length >= 2);
    const last = await deploy({ ...base, bundle: first, keep: 0 });
    assert.deepEqual(readdirSync(join(remoteDir, 'releases')), [last.release]);
    assert.deepEqual([...last.pruned].sort(), [...before].sort());
    assert.equal((await info()).cwd, releaseDir(last.release));
    await assert.rejects(rollback(base), /no release older than/);
  });
});
