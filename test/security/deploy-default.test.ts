import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundle } from '../../src/bundle/index.js';
import { deploy } from '../../src/deploy/index.js';
import { sweep } from '../../src/deploy/remote/procs.js';
import { fixtures, freePort, functionsCopy, httpGet, repoRoot, standInHost, tempDir } from '../deploy/helpers.js';
import { startSshd } from '../deploy/sshd.js';

// Issue 12 item 10: a deploy that does not say where to bind serves the VM
// itself only (127.0.0.1), as README's security section says; --host exposes it.

test('deploy without --host binds 127.0.0.1 (HOST in hotplug.env) and says so', async (t) => {
  const sshd = await startSshd(t);
  const work = await tempDir(t);
  const remoteDir = join(work, 'vm', 'hotplug');
  t.after(() => sweep(remoteDir, 5000));
  const functions = await functionsCopy(t, join(fixtures, 'stand-in', 'functions'));
  const file = (await bundle({ dir: functions, out: join(work, 'b.tar.gz'), repoRoot, hostEntry: standInHost })).file;
  const port = await freePort();
  const res = await deploy({ to: sshd.to, sshPort: sshd.port, identity: sshd.identity, knownHosts: sshd.knownHosts, dir: remoteDir, readyTimeoutMs: 20_000, bundle: file, port });
  assert.match(readFileSync(join(remoteDir, 'hotplug.env'), 'utf8'), /^HOST=127\.0\.0\.1$/m);
  assert.equal(res.url, `http://127.0.0.1:${port}/`);
  assert.equal((await httpGet(`${res.url}ready`)).status, 200);
});
