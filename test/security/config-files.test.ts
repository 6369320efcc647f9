import assert from 'node:assert/strict';
import { openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/poll.js';
import { aliasBomb, echoStream, startServing, tempTree } from './helpers.js';

// Issue 12 items 1 and 9: hostile config files are answered with an error at
// file:line:col, quickly, and never hang lint, run or dev.

test('lint: an alias bomb in a pipeline and in plugin.yaml is an error at the alias, not a hang', async (t) => {
  const dir = tempTree(t, {
    'bomb.yaml': `${echoStream('/bomb')}${aliasBomb('')}`,
    'plug/plugin.yaml': `name: plug\ntype: processor\ncommand: ["node", "main.js"]\n${aliasBomb('x')}`,
    'plug/main.js': '',
  });
  const res = await runCli(['lint', dir], { timeoutMs: 30_000 });
  assert.equal(res.code, 1, `lint answered (not killed by the timeout)\n${res.stderr}`);
  const out = res.stdout + res.stderr;
  assert.match(out, /bomb\.yaml:\d+:\d+: YAML aliases expand to more than 10000 nodes/);
  assert.match(out, /plugin\.yaml:\d+:\d+: YAML aliases expand to more than 10000 nodes/);
});

test('lint: aliases used as intended (a block reused a few times) still work; an alias inside its own anchor is an error', async (t) => {
  const reuse = `input:\n  http_server: { path: /a }\npipeline:\n  processors:\n    - &up { mapping: "root = content().string().uppercase()" }\n    - *up\n    - *up\noutput:\n  sync_response: {}\n`;
  const ok = tempTree(t, { 'reuse.yaml': reuse });
  const good = await runCli(['lint', ok], { timeoutMs: 30_000 });
  assert.equal(good.code, 0, good.stdout + good.stderr);
  const bad = tempTree(t, { 'self.yaml': `${echoStream('/s')}x: &a [1, *a]\n` });
  const res = await runCli(['lint', bad], { timeoutMs: 30_000 });
  assert.equal(res.code, 1);
  assert.match(res.stdout + res.stderr, /self\.yaml:\d+:\d+: the alias \*a refers to a node that contains it/);
});

test('lint: invalid UTF-8 is reported at its line:col instead of becoming U+FFFD', async (t) => {
  const dir = tempTree(t, { 'utf.yaml': Buffer.concat([Buffer.from('input:\n  http_server:\n    path: /utf'), Buffer.from([0xff, 0xfe]), Buffer.from('\noutput:\n  sync_response: {}\n')]) });
  const res = await runCli(['lint', dir], { timeoutMs: 30_000 });
  assert.equal(res.code, 1);
  assert.match(res.stdout + res.stderr, /utf\.yaml:3:15: pipeline is not valid UTF-8: byte 0xff at offset 36/);
});

test('lint: a pipeline over the size cap is refused before it is read (HOTPLUG_CONFIG_MAX_BYTES raises the cap)', async (t) => {
  const dir = tempTree(t, { 'ok.yaml': echoStream('/ok') });
  sparseFile(join(dir, 'huge.yaml'), 50 * 1024 * 1024);
  const res = await runCli(['lint', dir], { timeoutMs: 30_000 });
  assert.equal(res.code, 1);
  assert.match(res.stdout + res.stderr, /huge\.yaml: pipeline is 52428800 bytes, over the 2097152-byte limit for config files/);
  assert.match(res.stdout + res.stderr, /raise HOTPLUG_CONFIG_MAX_BYTES/);
  const small = await runCli(['lint', dir], { timeoutMs: 30_000, env: { HOTPLUG_CONFIG_MAX_BYTES: '100' } });
  assert.match(small.stdout + small.stderr, /ok\.yaml: pipeline is \d+ bytes, over the 100-byte limit/);
});

test('run: a pipeline holding an alias bomb is refused with its position (run serves nothing with config errors), not a hang', async (t) => {
  const dir = tempTree(t, { 'good.yaml': echoStream('/good'), 'bomb.yaml': `${echoStream('/bomb')}${aliasBomb('')}` });
  const res = await runCli(['run', dir, '--port', '0'], { timeoutMs: 30_000 });
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout + res.stderr, /bomb\.yaml:\d+:\d+: YAML aliases expand to more than 10000 nodes/);
  assert.match(res.stdout + res.stderr, /not serving/);
});

test('dev: saving a 50 MB pipeline or one with invalid UTF-8 is reported and the good route keeps serving', async (t) => {
  const dir = tempTree(t, { 'good.yaml': echoStream('/good') });
  const { cli, base } = await startServing(t, 'dev', dir);
  sparseFile(join(dir, 'huge.yaml'), 50 * 1024 * 1024);
  await waitFor(() => /over the 2097152-byte limit/.test(cli.stdout() + cli.stderr()), { timeoutMs: 20_000, what: 'the size error in the dev log' });
  writeFileSync(join(dir, 'utf.yaml'), Buffer.concat([Buffer.from('input:\n  http_server: { path: "/utf'), Buffer.from([0xff, 0xfe]), Buffer.from('" }\noutput:\n  sync_response: {}\n')]));
  await waitFor(() => /utf\.yaml:2:\d+.*not valid UTF-8|not valid UTF-8.*utf\.yaml/.test(cli.stdout() + cli.stderr()), { timeoutMs: 20_000, what: 'the UTF-8 error in the dev log' });
  assert.equal((await fetch(`${base}/utf\uFFFD\uFFFD`)).status, 404, 'no route made of replacement characters');
  assert.equal(await (await fetch(`${base}/good`, { method: 'POST', body: 'still' })).text(), 'STILL');
  assert.equal(await cli.stop('SIGTERM', 20_000), 0);
});

// A file that claims `size` bytes and costs no disk: the cap is checked before reading.
function sparseFile(file: string, size: number): void {
  const fd = openSync(file, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
}
