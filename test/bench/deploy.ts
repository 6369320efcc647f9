/**
 * bench:deploy — how long `hotplug bundle` and `hotplug deploy` take and how big a bundle is.
 * Bundles test/fixtures/deploy/real/functions (a TS and a Python plugin) with the real host,
 * then deploys it to an OpenSSH server on 127.0.0.1 (started here, as the deploy tests do):
 * a first deploy, a replacing deploy and a rollback. Prints a table.
 */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { bundle, formatBytes, openBundle } from '../../src/bundle/index.js';
import { deploy, rollback } from '../../src/deploy/index.js';
import { sweep } from '../../src/deploy/remote/procs.js';
import { fixtures, freePort, repoRoot, tempDir } from '../deploy/helpers.js';
import { startSshd } from '../deploy/sshd.js';

const cleanups: (() => Promise<void> | void)[] = [];
const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };
const rows: [string, string][] = [];
const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const v = await fn();
  rows.push([label, `${((performance.now() - start) / 1000).toFixed(2)} s`]);
  return v;
};

try {
  const work = await tempDir(t);
  const functions = join(fixtures, 'real', 'functions');
  const first = await time('bundle (cold: host + 1 TS plugin)', () => bundle({ dir: functions, out: join(work, 'a.tar.gz'), repoRoot }));
  await time('bundle (again)', () => bundle({ dir: functions, out: join(work, 'b.tar.gz'), repoRoot }));
  const { manifest, entries } = openBundle(await readFile(first.file));
  const host = entries.find((e) => e.path.endsWith('hotplug.mjs'));
  rows.push(['bundle size (.tar.gz)', formatBytes(first.bytes)]);
  rows.push(['unpacked size', formatBytes(manifest.files.reduce((n, f) => n + f.size, 0))]);
  rows.push(['bundled host (one .mjs)', formatBytes(host?.data.byteLength ?? 0)]);
  rows.push(['files', String(manifest.files.length)]);
  rows.push(['identical bytes twice', String((await readFile(first.file)).equals(await readFile(join(work, 'b.tar.gz'))))]);

  const sshd = await startSshd(t);
  const dir = join(work, 'vm');
  cleanups.push(() => sweep(dir, 5000));
  const base = { to: sshd.to, sshPort: sshd.port, identity: sshd.identity, knownHosts: sshd.knownHosts, dir };
  const port = await freePort();
  await time('deploy (first, until /ready)', () => deploy({ ...base, bundle: first.file, port, host: '127.0.0.1' }));
  await time('deploy (replace, until /ready)', () => deploy({ ...base, bundle: first.file }));
  await time('rollback (until /ready)', () => rollback(base));
} finally {
  for (const fn of cleanups.reverse()) await fn();
}

const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`hotplug bundle/deploy — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, sshd on 127.0.0.1\n\n`);
process.stdout.write(`| ${'measure'.padEnd(width)} | value |\n|${'-'.repeat(width + 2)}|-------|\n`);
for (const [k, v] of rows) process.stdout.write(`| ${k.padEnd(width)} | ${v} |\n`);
