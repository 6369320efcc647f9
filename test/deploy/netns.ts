import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { poll, tempDir, type Cleanup } from './helpers.js';
import { startSshd, type TestSshd } from './sshd.js';

/** A stand-in VM: its own network namespace (a veth pair to this one) and mount namespace (its own deploy dir). */
export interface StandInVm {
  name: string;
  /** Its address, reachable from here (169.254.X.2; this side is .1). */
  address: string;
  sshd: TestSshd;
  /** What the VM sees at the shared deploy dir path (its private disk, seen from here). */
  disk: string;
}

export interface StandInVms {
  vms: StandInVm[];
  /** The deploy dir path on every VM (the same path, a different disk on each). */
  dir: string;
  /** One key logs in to every VM; one known_hosts holds every VM's host key. */
  identity: string;
  knownHosts: string;
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** Pids of every process in a network namespace (sshd, and whatever a deploy started there). */
function pidsIn(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).map(Number) : [];
}

/**
 * Creates `count` stand-in VMs: for each, `ip netns add`, a veth pair with
 * link-local addresses (169.254.X.1 here, .2 there, X picked at random per
 * run), loopback up, and an sshd (port 22) started inside the namespace under
 * `unshare --mount` with a private disk bind-mounted at the shared deploy dir
 * path, so every process a deploy starts there sees only that VM's dir.
 * Everything is removed when the test ends, even when it fails: every process
 * in each namespace is killed, then the namespace (and its veth) deleted.
 */
export async function createStandInVms(t: Cleanup, count: number): Promise<StandInVms> {
  const work = await tempDir(t, 'hotplug-vms-');
  const dir = join(work, 'deploy-dir');
  await mkdir(dir);
  const tag = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  const base = 1 + Math.floor(Math.random() * 200);
  const vms: StandInVm[] = [];
  for (let i = 0; i < count; i++) {
    const name = `hp${tag}v${i}`;
    const address = `169.254.${base + i}.2`;
    const disk = join(work, `vm${i + 1}-disk`);
    await mkdir(disk);
    ip(['netns', 'add', name]);
    t.after(async () => {
      for (const pid of pidsIn(name)) signal(pid, 'SIGTERM');
      await poll(`the processes in ${name} to exit`, () => (pidsIn(name).length === 0 ? true : undefined), 15_000).catch(() => {
        for (const pid of pidsIn(name)) signal(pid, 'SIGKILL');
      });
      spawnSync('ip', ['netns', 'del', name]);
    });
    ip(['link', 'add', `${name}h`, 'type', 'veth', 'peer', 'name', `${name}g`]);
    ip(['link', 'set', `${name}g`, 'netns', name]);
    ip(['addr', 'add', `169.254.${base + i}.1/30`, 'dev', `${name}h`]);
    ip(['link', 'set', `${name}h`, 'up']);
    ip(['-n', name, 'addr', 'add', `${address}/30`, 'dev', `${name}g`]);
    ip(['-n', name, 'link', 'set', `${name}g`, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    const sshd = await startSshd(t, {
      address,
      port: 22,
      wrap: (argv) => ['ip', 'netns', 'exec', name, 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec "$@"', 'sh', disk, dir, ...argv],
    });
    vms.push({ name, address, sshd, disk });
  }
  const first = vms[0] as StandInVm;
  const knownHosts = join(work, 'known_hosts');
  let hosts = '';
  for (const vm of vms) {
    hosts += await readFile(vm.sshd.knownHosts, 'utf8');
    if (vm !== first) await appendFile(join(dirname(vm.sshd.identity), 'authorized_keys'), await readFile(`${first.sshd.identity}.pub`));
  }
  await writeFile(knownHosts, hosts);
  return { vms, dir, identity: first.sshd.identity, knownHosts };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone.
  }
}
