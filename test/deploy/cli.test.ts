import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweep } from '../../src/deploy/remote/procs.js';
import { runCli } from '../helpers/cli.js';
import { fixtures, freePort, functionsCopy, tempDir } from './helpers.js';
import { startSshd } from './sshd.js';

const realFunctions = join(fixtures, 'real', 'functions');

test('the CLI: hotplug bundle twice gives the same bytes; hotplug deploy serves it; a second deploy and --rollback switch releases', { timeout: 240_000 }, async (t) => {
  const sshd = await startSshd(t);
  const work = await tempDir(t);
  const remoteDir = join(work, 'vm');
  t.after(() => sweep(remoteDir, 5000));
  const functions = await functionsCopy(t, realFunctions);

  const a = await runCli(['bundle', functions, '--out', join(work, 'a.tar.gz')]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /a\.tar\.gz: \d+ KiB \(\d+ files, 2 plugins/);
  const b = await runCli(['bundle', functions, '--out', join(work, 'b.tar.gz')]);
  assert.equal(b.code, 0, b.stderr);
  assert.ok((await readFile(join(work, 'a.tar.gz'))).equals(await readFile(join(work, 'b.tar.gz'))), 'reproducible');

  const port = await freePort();
  const ssh = ['--to', sshd.to, '--ssh-port', String(sshd.port), '--identity', sshd.identity, '--known-hosts', sshd.knownHosts, '--dir', remoteDir];
  const first = await runCli(['deploy', join(work, 'a.tar.gz'), ...ssh, '--port', String(port), '--host', '127.0.0.1']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const url = /serving at (\S+)/.exec(first.stdout)?.[1];
  assert.ok(url, first.stdout);
  const shout = await fetch(`${url}shout`, { method: 'POST', body: 'cli' });
  assert.equal(await shout.text(), 'CLI!');
  const firstRelease = /deployed (\S+)/.exec(first.stdout)![1];

  const second = await runCli(['deploy', join(work, 'b.tar.gz'), ...ssh]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  const back = await runCli(['deploy', '--rollback', ...ssh]);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  assert.match(back.stdout, new RegExp(`rolled back to ${firstRelease}`));
  assert.equal(await (await fetch(`${url}shout`, { method: 'POST', body: 'back' })).text(), 'BACK!');

  const wrongKey = await runCli(['deploy', join(work, 'a.tar.gz'), '--to', sshd.to, '--ssh-port', String(sshd.port), '--identity', sshd.identity, '--known-hosts', sshd.wrongKnownHosts, '--dir', remoteDir]);
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /host key/i);
  assert.equal(await (await fetch(`${url}shout`, { method: 'POST', body: 'still' })).text(), 'STILL!', 'the running release keeps serving');
});
