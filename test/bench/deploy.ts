/**
 * bench:deploy — deploys with zero failed requests. Two stand-in VMs (network namespaces with their
 * own sshd and deploy dir, as in test/deploy/vms.test.ts) run the real host with a TS and a Python
 * plugin, 2 workers each. A load generator (a separate process) POSTs to both plugins' routes:
 *   1. through HAProxy (the config `hotplug deploy --print-haproxy` prints) during a rolling deploy of
 *      a new release to both VMs;
 *   2. straight to one VM (no load balancer) during a deploy of a new release to it;
 *   3. straight to that VM during a deploy of a release whose TS plugin throws at import: rejected.
 * Each row: requests sent, failed, p50/p99/max latency during the deploy, how long the deploy took, and
 * whether every /who answer after it came from the expected release. Also bundle size and time.
 * Needs root (ip netns, unshare), sshd and haproxy (.ci/setup installs them).
 */
import { cp, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { bundle, formatBytes } from '../../src/bundle/index.js';
import { deployRolling } from '../../src/deploy/index.js';
import { startLoad, type LoadSummary } from '../helpers/load.js';
import { startHaproxy } from '../deploy/haproxy.js';
import { fixtures, poll, repoRoot, tempDir } from '../deploy/helpers.js';
import { createStandInVms } from '../deploy/netns.js';

const cleanups: (() => Promise<void> | void)[] = [];
const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };
const PORT = 8080;
const rows: string[][] = [['scenario', 'requests', 'failed', 'p50 ms', 'p99 ms', 'max ms', 'deploy s', 'outcome', 'answers after it']];
const facts: [string, string][] = [];

try {
  const work = await tempDir(t);
  const functions = join(work, 'functions');
  await cp(join(repoRoot, 'test', 'fixtures', 'cluster', 'functions'), functions, { recursive: true });
  await cp(join(fixtures, 'real', 'functions'), functions, { recursive: true });
  const make = async (version: string, broken = false): Promise<string> => {
    await writeFile(join(functions, 'VERSION'), `${version}\n`);
    if (broken) await writeFile(join(functions, 'BROKEN'), 'yes\n');
    const started = performance.now();
    const b = await bundle({ dir: functions, out: join(work, `v${version}.tar.gz`), repoRoot });
    if (version === '1') facts.push(['bundle (host + 2 TS + 1 Python plugin)', `${formatBytes(b.bytes)}, ${((performance.now() - started) / 1000).toFixed(1)} s`]);
    return b.file;
  };
  const v1 = await make('1');
  const v2 = await make('2');
  const v3 = await make('3');
  const broken = await make('4', true);

  const { vms, dir, identity, knownHosts } = await createStandInVms(t, 2);
  const base = { identity, knownHosts, dir, readyTimeoutMs: 120_000, workers: '2', log: (l: string) => process.stderr.write(`  ${l}\n`) };
  const addr = vms.map((vm) => vm.address);
  const first = performance.now();
  await deployRolling({ ...base, to: addr.map((a) => `root@${a}`), bundle: v1, port: PORT, host: '0.0.0.0' });
  facts.push(['first deploy to 2 VMs (cold start, until /ready)', `${((performance.now() - first) / 1000).toFixed(1)} s`]);
  const lb = await startHaproxy(t, addr, PORT);

  /** Runs a deploy under load against `urls`, adds a row. */
  const scenario = async (name: string, base_: string, deployIt: () => Promise<unknown>, expect: string): Promise<void> => {
    const who = `${base_}/who`;
    const load = startLoad({ urls: [who, `${base_}/reverse`], concurrency: 8 });
    cleanups.push(() => load.stop().then(() => undefined));
    await poll('load to flow', () => (load.events.length > 0 ? true : undefined));
    const started = performance.now();
    let outcome = 'deployed';
    await deployIt().catch((err: Error) => (outcome = `rejected (${/did not become ready: ([^;]*)/.exec(err.message)?.[1] ?? err.message.split('\n')[0]})`));
    const took = (performance.now() - started) / 1000;
    const done = performance.timeOrigin + performance.now();
    // Samples of what /who answers (one per 50 ms at most): a second's worth after the deploy.
    const whoEvents = (): number => load.events.filter((e) => e.url === who).length;
    const mark = whoEvents();
    await poll('answers after the deploy', () => (whoEvents() > mark + 20 ? true : undefined));
    const s: LoadSummary = await load.stop();
    const after = load.events.filter((e) => e.url === who && e.t > done);
    const fromExpected = after.filter((e) => e.body?.startsWith(`${expect} `)).length;
    rows.push([
      name,
      String(s.ok + s.failed),
      String(s.failed),
      s.p50Ms.toFixed(1),
      s.p99Ms.toFixed(1),
      s.maxMs.toFixed(0),
      took.toFixed(1),
      outcome,
      `${fromExpected}/${after.length} from release ${expect}`,
    ]);
    for (const e of load.errors.slice(0, 3)) process.stderr.write(`  failed: ${JSON.stringify(e)}\n`);
  };

  await scenario('HAProxy → 2 VMs, rolling deploy of v2', lb.url, () => deployRolling({ ...base, to: addr.map((a) => `root@${a}`), bundle: v2 }), '2');
  const one = `http://${addr[0]}:${PORT}`;
  await scenario('1 VM, no load balancer, deploy of v3', one, () => deployRolling({ ...base, to: [`root@${addr[0]}`], bundle: v3 }), '3');
  await scenario('1 VM, no load balancer, v4 never ready', one, () => deployRolling({ ...base, to: [`root@${addr[0]}`], bundle: broken }), '3');
} finally {
  for (const fn of cleanups.reverse()) await fn();
}

const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
process.stdout.write(
  `\nbench:deploy — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load avg ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; 2 stand-in VMs (netns), 2 workers each, load: 8 clients POSTing to /who (TS) and /reverse (Python)\n\n`,
);
for (const [i, r] of rows.entries()) {
  process.stdout.write(`| ${r.map((c, j) => c.padEnd(widths[j] as number)).join(' | ')} |\n`);
  if (i === 0) process.stdout.write(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
}
process.stdout.write('\n');
for (const [k, v] of facts) process.stdout.write(`${k}: ${v}\n`);
