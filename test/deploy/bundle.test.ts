import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundle, extractEntries, openBundle, systemdUnit } from '../../src/bundle/index.js';
import { freePort, functionsCopy, httpGet, killGroup, poll, repoDirs, repoRoot, spawnHidden, standInHost, tempDir, fixtures } from './helpers.js';

const standInFunctions = join(fixtures, 'stand-in', 'functions');

test('bundle ships the host, precompiled TS plugins, Python plugins and the SDK, and leaves litter out', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  const out = join(await tempDir(t), 'b.tar.gz');
  const lines: string[] = [];
  const res = await bundle({ dir: functions, out, repoRoot, hostEntry: standInHost, log: (l) => lines.push(l) });
  const bytes = await readFile(out);
  assert.equal(res.bytes, bytes.byteLength);
  assert.match(lines.join('\n'), /b\.tar\.gz: [\d.]+ (KiB|MiB) \(\d+ files, 2 plugins/);

  const { manifest, entries } = openBundle(bytes);
  const paths = manifest.files.map((f) => f.path);
  for (const p of ['start', 'hotplug.service', 'dist/src/host/hotplug.mjs', 'package.json', 'functions/echo.yaml', 'functions/upper/main.mjs', 'functions/upper/plugin.yaml', 'functions/sentiment/main.py', 'src/sdk/python/hotplug/__init__.py', 'src/sdk/python/hotplug/_wire.py']) {
    assert.ok(paths.includes(p), `${p} is in the bundle`);
  }
  for (const p of paths) assert.doesNotMatch(p, /\.ts$|node_modules|__pycache__|\/\.|^functions\/(venv|env2)|\.env|\.test\.yaml/, `${p} should not be shipped`);
  assert.equal(manifest.files.find((f) => f.path === 'start')?.mode, 0o755);
  assert.equal(manifest.python, true);
  assert.equal(manifest.node, '>=20');
  assert.deepEqual(
    manifest.plugins.map((p) => [p.name, p.language, p.command]),
    [
      ['sentiment', 'python', ['python3', 'main.py']],
      ['upper', 'typescript', ['node', 'main.mjs']],
    ],
  );
  const yaml = Buffer.from(entries.find((e) => e.path === 'functions/upper/plugin.yaml')?.data ?? []).toString();
  assert.match(yaml, /command: \[ "node", "main\.mjs" \]/);
  assert.match(yaml, /summary: A TS plugin/);
  assert.ok(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.size >= 0));
});

test('a bundle written into its own functions dir does not end up in the next one', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  const out = join(functions, 'app.tar.gz');
  const one = await bundle({ dir: functions, out, repoRoot, hostEntry: standInHost });
  const two = await bundle({ dir: functions, out, repoRoot, hostEntry: standInHost });
  assert.ok(!two.manifest.files.some((f) => f.path.endsWith('.tar.gz')));
  assert.equal(two.manifest.digest, one.manifest.digest);
});

test('bundling the same functions twice, from different places, gives identical bytes', async (t) => {
  const a = await functionsCopy(t, standInFunctions);
  const b = await functionsCopy(t, standInFunctions);
  const dir = await tempDir(t);
  const one = await bundle({ dir: a, out: join(dir, 'one.tar.gz'), repoRoot, hostEntry: standInHost });
  const two = await bundle({ dir: b, out: join(dir, 'two.tar.gz'), repoRoot, hostEntry: standInHost });
  assert.equal(one.manifest.digest, two.manifest.digest);
  assert.ok((await readFile(one.file)).equals(await readFile(two.file)), 'the two archives differ');
});

test('progress is drawn on a TTY only', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  const dir = await tempDir(t);
  let tty = '';
  let pipe = '';
  await bundle({ dir: functions, out: join(dir, 'a.tar.gz'), repoRoot, hostEntry: standInHost, progress: { isTTY: true, write: (s) => ((tty += s), true) } });
  await bundle({ dir: functions, out: join(dir, 'b.tar.gz'), repoRoot, hostEntry: standInHost, progress: { isTTY: false, write: (s) => ((pipe += s), true) } });
  assert.match(tty, /\[1\/\d\] bundling the host/);
  assert.match(tty, /compiling upper\/main\.ts/);
  assert.equal(pipe, '');
});

test('bundle runs the given check first and refuses a functions dir with errors', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  const out = join(await tempDir(t), 'x.tar.gz');
  const seen: string[] = [];
  const error = { severity: 'error' as const, code: 'E_UNKNOWN_COMPONENT' as const, message: 'unknown processor nope', location: { file: join(functions, 'echo.yaml'), line: 6, col: 7 } };
  await assert.rejects(
    bundle({ dir: functions, out, repoRoot, hostEntry: standInHost, check: (d) => (seen.push(d), [error]) }),
    (err: Error) => err.name === 'ConfigError' && /echo\.yaml:6:7: unknown processor nope/.test(err.message),
  );
  assert.deepEqual(seen, [functions]);
  assert.equal(existsSync(out), false, 'no bundle is written');
  const warning = { ...error, severity: 'warning' as const };
  await bundle({ dir: functions, out, repoRoot, hostEntry: standInHost, check: () => [warning] });
  assert.equal(existsSync(out), true, 'warnings alone do not stop a bundle');
});

test('bundle refuses a symlink that leaves the functions dir, and a missing dir', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  await symlink('/etc/hostname', join(functions, 'leak.txt'));
  const out = join(await tempDir(t), 'x.tar.gz');
  await assert.rejects(bundle({ dir: functions, out, repoRoot, hostEntry: standInHost }), /leak\.txt is a symlink that points outside/);
  await assert.rejects(bundle({ dir: join(functions, 'nope'), out, repoRoot, hostEntry: standInHost }), /cannot read the functions dir/);
});

test('./start runs the unpacked bundle with the repo hidden, and answers over HTTP', async (t) => {
  const functions = await functionsCopy(t, standInFunctions);
  const dir = await tempDir(t);
  const res = await bundle({ dir: functions, out: join(dir, 'b.tar.gz'), repoRoot, hostEntry: standInHost });
  const release = join(dir, 'release');
  await extractEntries(openBundle(await readFile(res.file)).entries, release);

  const port = await freePort();
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, PORT: '1', LANG: 'C.UTF-8' };
  const child = spawnHidden(await repoDirs(), [join(release, 'start'), '--port', String(port), '--host', '127.0.0.1'], env);
  t.after(() => killGroup(child));
  const ready = await poll('GET /ready', async () => ((await httpGet(`http://127.0.0.1:${port}/ready`)).status === 200 ? true : undefined), 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\n--- output ---\n${child.output()}`);
  });
  assert.equal(ready, true);
  assert.equal((await httpGet(`http://127.0.0.1:${port}/ping`)).body, 'pong');
  const info = await poll('both plugins to report', async () => {
    const i = JSON.parse((await httpGet(`http://127.0.0.1:${port}/info`)).body) as { env: Record<string, string>; plugins: { name: string; output: string }[] };
    return i.plugins.every((p) => p.output !== '') ? i : undefined;
  });
  assert.equal(info.env['NODE_ENV'], 'production');
  assert.equal(info.plugins.find((p) => p.name === 'upper')?.output, 'COMPILED TYPESCRIPT');
  assert.match(info.plugins.find((p) => p.name === 'sentiment')?.output ?? '', new RegExp(`PYTHONPATH=${release}/src/sdk/python`));
});

test('./start refuses an old Node.js with a clear error', async (t) => {
  const dir = await tempDir(t);
  const fakeNode = join(dir, 'node18');
  await writeFile(fakeNode, '#!/bin/sh\nprintf 18.19.0\n');
  await chmod(fakeNode, 0o755);
  const { startScript } = await import('../../src/bundle/index.js');
  await writeFile(join(dir, 'start'), startScript());
  await chmod(join(dir, 'start'), 0o755);
  const r = spawnSync(join(dir, 'start'), [], { env: { PATH: '/usr/bin:/bin', HOTPLUG_NODE: fakeNode }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Node\.js 18\.19\.0 is too old: hotplug needs Node\.js >= 20/);
  const missing = spawnSync(join(dir, 'start'), [], { env: { PATH: '/usr/bin:/bin', HOTPLUG_NODE: join(dir, 'nope') }, encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /Node\.js was not found/);
});

test('systemd-analyze verify accepts the unit file', async (t) => {
  const analyze = '/usr/bin/systemd-analyze';
  if (spawnSync(analyze, ['--version']).status !== 0) {
    t.diagnostic(`${analyze} is not installed here, so the unit file could not be verified`);
    return;
  }
  const dir = await tempDir(t);
  // verify checks that ExecStart is executable, so give it a real release tree.
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'releases', 'r1'), { recursive: true });
  await writeFile(join(dir, 'releases', 'r1', 'start'), '#!/bin/sh\n');
  await chmod(join(dir, 'releases', 'r1', 'start'), 0o755);
  await symlink('releases/r1', join(dir, 'current'));
  const unit = join(dir, 'hotplug.service');
  await writeFile(unit, systemdUnit({ dir }));
  const r = spawnSync(analyze, ['verify', unit], { encoding: 'utf8' });
  assert.equal(r.status, 0, `systemd-analyze verify failed:\n${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim(), '', `systemd-analyze complained:\n${r.stderr}`);
  const text = await readFile(unit, 'utf8');
  for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'Restart=on-failure', `EnvironmentFile=-${dir}/hotplug.env`, `WorkingDirectory=${dir}/current`]) {
    assert.ok(text.includes(line), `unit has ${line}`);
  }
});
