import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCacheDir } from '../../src/plugin/build-cache.js';
import { waitFor } from '../helpers/poll.js';
import { startServing, tempTree } from './helpers.js';

// Issue 12 item 5: the build cache holds code plugins run; another local user
// must not be able to plant it, and an entry is trusted by its content hash.

const uid = process.getuid?.() ?? 0;
const plugin = {
  'up/plugin.yaml': 'name: up\ntype: processor\ncommand: ["main.ts"]\n',
  'up/main.ts': "import { processor } from 'hotplug/sdk';\nprocessor((msg) => 'ok:' + msg.text());\n",
  'p.yaml': 'input:\n  http_server: { path: /p }\npipeline:\n  processors:\n    - up: {}\noutput:\n  sync_response: {}\n',
};

test('a tampered SDK bundle in the cache (right name, code prepended) is rebuilt, never run', async (t) => {
  const tmp = tempTree(t);
  const dir = tempTree(t, plugin);
  const marker = join(tmp, 'planted-code-ran');
  {
    const { cli, base } = await startServing(t, 'run', dir, [], { TMPDIR: tmp });
    assert.equal(await (await fetch(`${base}/p`, { method: 'POST', body: 'a' })).text(), 'ok:a');
    assert.equal(await cli.stop('SIGTERM', 20_000), 0);
  }
  const sdkDir = join(tmp, `hotplug-build-${uid}`, 'sdk');
  const [bundle] = readdirSync(sdkDir).filter((n) => n.endsWith('.mjs'));
  assert.ok(bundle !== undefined, 'the SDK bundle was cached');
  const file = join(sdkDir, bundle);
  writeFileSync(file, `import { writeFileSync as __w } from 'node:fs'; __w(${JSON.stringify(marker)}, 'x');\n${readFileSync(file, 'utf8')}`);
  const { base } = await startServing(t, 'run', dir, [], { TMPDIR: tmp });
  assert.equal(await (await fetch(`${base}/p`, { method: 'POST', body: 'b' })).text(), 'ok:b');
  assert.equal(existsSync(marker), false, 'the planted code did not run');
});

test('a build cache dir others can write to is refused with a clear error; the plugin never runs code from it', async (t) => {
  const tmp = tempTree(t);
  const root = join(tmp, `hotplug-build-${uid}`);
  mkdirSync(join(root, 'sdk'), { recursive: true });
  chmodSync(root, 0o777);
  const dir = tempTree(t, plugin);
  const { cli, base } = await startServing(t, 'run', dir, [], { TMPDIR: tmp });
  const res = await fetch(`${base}/p`, { method: 'POST', body: 'a' });
  assert.notEqual(res.status, 200);
  await waitFor(() => /refusing to use the build cache [^ ]*hotplug-build-\d+: its mode is 777: others can write to it/.test(cli.stderr()), { what: 'the refusal in the log' });
});

test('buildCacheDir refuses a symlinked or foreign-owned cache, and tightens its own 0755 dir to 0700', (t) => {
  const saved = process.env['TMPDIR'];
  t.after(() => (saved === undefined ? delete process.env['TMPDIR'] : (process.env['TMPDIR'] = saved)));
  const link = tempTree(t, { 'elsewhere/x': '' });
  symlinkSync(join(link, 'elsewhere'), join(link, `hotplug-build-${uid}`));
  process.env['TMPDIR'] = link;
  assert.throws(() => buildCacheDir('sdk'), /it is a symlink/);
  const own = tempTree(t);
  mkdirSync(join(own, `hotplug-build-${uid}`), { mode: 0o755 });
  chmodSync(join(own, `hotplug-build-${uid}`), 0o755);
  process.env['TMPDIR'] = own;
  const made = buildCacheDir('sdk');
  assert.equal(readdirSync(own).length, 1);
  assert.equal(existsSync(made), true);
  for (const d of [join(own, `hotplug-build-${uid}`), made]) assert.equal((lstatMode(d) & 0o777).toString(8), '700');
  if (uid === 0) {
    const foreign = tempTree(t);
    mkdirSync(join(foreign, `hotplug-build-${uid}`), { mode: 0o700 });
    chownSync(join(foreign, `hotplug-build-${uid}`), 65534, 65534);
    process.env['TMPDIR'] = foreign;
    assert.throws(() => buildCacheDir('sdk'), /owned by uid 65534, not 0/);
  }
});

const lstatMode = (p: string): number => lstatSync(p).mode;
