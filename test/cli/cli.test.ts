import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

const tempDir = (t: { after(fn: () => void): void }): string => {
  const d = mkdtempSync(join(tmpdir(), 'hotplug-cli-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

test('hotplug --help lists the commands; an unknown command or option is a usage error', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  for (const c of ['dev', 'run', 'lint', 'new', 'test', 'bundle', 'deploy', 'schema']) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
  const bad = await runCli(['serve']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command 'serve'/);
  const opt = await runCli(['run', '--prot', '80']);
  assert.equal(opt.code, 2);
  assert.match(opt.stderr, /unknown option --prot.*\n.*--port/);
});

test('hotplug lint: the shipped functions/ are clean; errors and warnings name file:line:col and the path', async (t) => {
  const clean = await runCli(['lint', join(repoRoot, 'functions')]);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /functions: ok/);

  const dir = tempDir(t);
  writeFileSync(join(dir, 'broken.yaml'), 'input:\n  http_server:\n    pth: /x\noutput:\n  sync_response: {}\n');
  writeFileSync(join(dir, 'loose.yaml'), 'input:\n  http_server:\n    path: /loose\noutput:\n  http_client:\n    url: http://127.0.0.1:9/x\n    batching:\n      check: this.done == true\n');
  writeFileSync(join(dir, 'noop.yaml'), 'input:\n  http_server:\n    path: /noop\noutput:\n  http_client:\n    url: http://127.0.0.1:9/x\n    batching:\n      count: 1\n');
  writeFileSync(join(dir, 'never.yaml'), 'input:\n  broker:\n    inputs: []\n    batching: {}\noutput:\n  drop: {}\n');
  const r = await runCli(['lint', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /broken\.yaml:3:5: unknown field 'pth' in http_server \(at input\.http_server\.pth\)\n {2}hint: did you mean 'path'\?/);
  assert.match(r.stdout, /loose\.yaml:\d+:\d+: warning: a batch policy with only `check` has no upper bound/);
  assert.match(r.stdout, /noop\.yaml:\d+:\d+: warning: `count: 1` alone/);
  assert.match(r.stdout, /never\.yaml:\d+:\d+: this batch policy has nothing that flushes it/);
  assert.match(r.stdout, /2 error\(s\), 2 warning\(s\)/);
});

test('hotplug run refuses a functions dir with config errors, and exits 0 on SIGTERM', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'broken.yaml'), 'input:\n  http_server:\n    path: /x\npipeline:\n  processors:\n    - no_such_thing: {}\noutput:\n  sync_response: {}\n');
  const refused = await runCli(['run', dir, '--port', '0']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /broken\.yaml:6:7: .*no_such_thing/);
  assert.match(refused.stderr, /not serving/);

  writeFileSync(join(dir, 'broken.yaml'), 'input:\n  http_server:\n    path: /echo\noutput:\n  sync_response: {}\n');
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'hi' })).text(), 'hi');
  assert.equal(await run.stop('SIGTERM'), 0);
  assert.match(run.stderr(), /"msg":"stopped"/);
});
