import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundle } from '../../src/bundle/index.js';
import { readStatus } from '../cluster/helpers.js';
import { runCli } from '../helpers/cli.js';
import { startLoad } from '../helpers/load.js';
import { startHaproxy } from './haproxy.js';
import { poll, repoRoot, tempDir } from './helpers.js';
import { createStandInVms } from './netns.js';

const PORT = 8080;

test('many VMs (network namespaces) behind HAProxy: a rolling deploy under load fails no request; status; a failure on the second VM rolls the first back; stop', { timeout: 300_000 }, async (t) => {
  const { vms, dir, identity, knownHosts } = await createStandInVms(t, 2);
  const work = await tempDir(t);
  const functions = join(work, 'functions');
  await cp(join(repoRoot, 'test', 'fixtures', 'cluster', 'functions'), functions, { recursive: true });
  const make = async (version: string): Promise<string> => {
    await writeFile(join(functions, 'VERSION'), `${version}\n`);
    return (await bundle({ dir: functions, out: join(work, `v${version}.tar.gz`), repoRoot })).file;
  };
  const [v1, v2, v3] = [await make('1'), await make('2'), await make('3')];
  const to = vms.flatMap((vm) => ['--to', `root@${vm.address}`]);
  const ssh = ['--identity', identity, '--known-hosts', knownHosts, '--dir', dir];
  const cli = async (args: string[]): Promise<{ code: number | string; out: string }> => {
    const r = await runCli(['deploy', ...args, ...to, ...ssh], { timeoutMs: 240_000 });
    return { code: r.code, out: r.stdout + r.stderr };
  };

  const first = await cli([v1, '--port', String(PORT), '--host', '0.0.0.0', '--workers', '1', '--ready-timeout', '90']);
  assert.equal(first.code, 0, first.out);
  for (const vm of vms) assert.match(first.out, new RegExp(`serving at http://${vm.address.replaceAll('.', '\\.')}:${PORT}/`));
  // Each VM has its own deploy dir at the same path.
  const own = vms.map((vm) => readStatus(join(vm.disk, '.hotplug', 'cluster.json')));
  assert.ok(own.every((s) => s?.phase === 'serving'), JSON.stringify(own));
  assert.notEqual(own[0]?.pid, own[1]?.pid);

  const lb = await startHaproxy(t, vms.map((vm) => vm.address), PORT);
  const workerOf = new Map<number, string>();
  const learnWorkers = (): void => {
    for (const vm of vms) for (const s of readStatus(join(vm.disk, '.hotplug', 'cluster.json'))?.slots ?? []) if (s.pid !== undefined) workerOf.set(s.pid, vm.name);
  };
  learnWorkers();
  await poll(
    'HAProxy to send requests to both VMs',
    async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${lb.url}/who`, { method: 'POST', body: 'x', headers: { connection: 'close' } });
        seen.add(workerOf.get(Number((await res.text()).split(' ')[1])) ?? '?');
      }
      return seen.size === 2 && !seen.has('?') ? true : undefined;
    },
    30_000,
  );

  await t.test('a rolling deploy through HAProxy under load: 0 failed, every later answer from the new release', async () => {
    const load = startLoad({ urls: [`${lb.url}/who`], concurrency: 8 });
    t.after(() => load.stop().then(() => undefined));
    await poll('load to flow', () => (load.events.length > 0 ? true : undefined));
    const r = await cli([v2]);
    assert.equal(r.code, 0, r.out);
    const done = Date.now();
    const mark = load.events.length;
    await poll('answers after the deploy', () => (load.events.length > mark + 10 ? true : undefined));
    const summary = await load.stop();
    assert.equal(summary.failed, 0, JSON.stringify(load.errors.slice(0, 5)));
    const after = load.events.filter((e) => e.t > done);
    assert.ok(after.length > 0 && after.every((e) => e.body?.startsWith('2 ')), JSON.stringify(after.slice(0, 3)));
    t.diagnostic(`rolling deploy of 2 VMs through HAProxy: ${summary.ok} requests, ${summary.failed} failed`);
  });

  await t.test('--status tells what each VM runs', async () => {
    const r = await cli(['--status']);
    assert.equal(r.code, 0, r.out);
    for (const vm of vms) assert.match(r.out, new RegExp(`root@${vm.address.replaceAll('.', '\\.')}: \\S+ in ${dir} — serving, /ready 200`));
    assert.match(r.out, /1 worker\(s\) \[\d+\] of \S+ \(generation 2, serving\)/);
    assert.match(r.out, /last reload: done onto /);
  });

  await t.test('a release that fails on the second VM: that VM keeps the old one, the first is rolled back, 0 failed requests', async () => {
    // Only the second VM's disk has the file that breaks the whoami plugin at import.
    await writeFile(join(vms[1]!.disk, 'BREAK-WHOAMI'), 'yes\n');
    const load = startLoad({ urls: [`${lb.url}/who`], concurrency: 8 });
    t.after(() => load.stop().then(() => undefined));
    await poll('load to flow', () => (load.events.length > 0 ? true : undefined));
    const r = await cli([v3]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /VM 2 of 2 \(root@\S+\) failed: release \S+ did not become ready: a new worker reports plugin whoami (crashed|failed)/);
    assert.match(r.out, new RegExp(`rolled back the VMs already done \\(root@${vms[0]!.address.replaceAll('.', '\\.')}: back to \\S+\\)`));
    // Answers that arrived before the rollback returned may come from the release being rolled back:
    // judge only those after it (as the rolling-deploy case does), once enough of them arrived.
    const back = Date.now();
    await poll('answers after the rollback', () => (load.events.filter((e) => e.t > back).length > 10 ? true : undefined));
    const summary = await load.stop();
    assert.equal(summary.failed, 0, JSON.stringify(load.errors.slice(0, 5)));
    const last = load.events.filter((e) => e.t > back);
    assert.ok(last.every((e) => e.body?.startsWith('2 ')), `both VMs serve release 2 again: ${JSON.stringify(last.slice(0, 10))}`);
    t.diagnostic(`failed rolling deploy: ${summary.ok} requests, ${summary.failed} failed`);
  });

  await t.test('--stop stops every VM; --status says so', async () => {
    const r = await cli(['--stop']);
    assert.equal(r.code, 0, r.out);
    const s = await cli(['--status']);
    assert.equal(s.code, 1, 'not ready anywhere');
    assert.equal((s.out.match(/— stopped \(supervised/g) ?? []).length, 2, s.out);
  });
});
