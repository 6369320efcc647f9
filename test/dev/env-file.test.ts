import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { devOn, writeFiles } from './fixture.js';

const greetStream = 'input:\n  http_server:\n    path: /greet\npipeline:\n  processors:\n    - mapping: |\n        root = content().string() + " ${GREETING} ${SHADOWED}"\noutput:\n  sync_response: {}\n';
const tagStream = 'input:\n  http_server:\n    path: /tag\npipeline:\n  processors:\n    - tag: {}\noutput:\n  sync_response: {}\n';
const tagPlugin = {
  'tag/plugin.yaml': 'name: tag\ntype: processor\ncommand: ["node", "main.ts"]\n',
  'tag/main.ts': "import { processor } from 'hotplug/sdk';\nprocessor((msg) => `${process.env['TAG']}/${process.env['SHADOWED']}/${msg.text()}`);\n",
};
/** Values that must never appear in a log. */
const secret = (s: string): string => `${s}-s3cr3t`;

test('dev: DIR/.env feeds ${VAR} and plugin processes, the real environment wins; saving it reloads; a bad line is an error at file:line and keeps the values', { timeout: 120_000 }, async (t) => {
  const { dir, dev, post } = await devOn(
    t,
    { '.env': `# settings\nGREETING=${secret('one')}\nTAG=${secret('tag1')}\nexport SHADOWED=${secret('file')}\n`, 'greet.yaml': greetStream, 'tagged.yaml': tagStream, ...tagPlugin },
    [],
    { SHADOWED: 'from-real-env' },
  );
  assert.equal(await post('/greet', 'x'), `200 x ${secret('one')} from-real-env`);
  assert.equal(await post('/tag', 'x'), `200 ${secret('tag1')}/from-real-env/x`);
  assert.match(dev.stderr(), /"msg":"env: 3 variable\(s\) from [^"]*\.env \(the environment's own values win\)"/);

  writeFileSync(join(dir, '.env'), `GREETING=${secret('two')}\nTAG=${secret('tag2')}\nSHADOWED=${secret('file')}\n`);
  await waitFor(async () => (await post('/greet', 'x')) === `200 x ${secret('two')} from-real-env`, { what: 'the pipeline with the new value' });
  await waitFor(async () => (await post('/tag', 'x')) === `200 ${secret('tag2')}/from-real-env/x`, { what: 'the plugin with the new value' });
  assert.match(dev.stderr(), /"msg":"reloaded [^"]*plugin tag env[^"]*"/);
  assert.match(dev.stderr(), /"msg":"reloaded [^"]*stream greet[^"]*"/);
  assert.doesNotMatch(dev.stderr(), /stream tagged/, 'a pipeline without ${VAR} is not rebuilt');

  // A malformed line: one error naming .env:3:1 and how to fix it; the values in use stay.
  writeFileSync(join(dir, '.env'), `GREETING=${secret('three')}\nTAG=${secret('tag3')}\n${secret('pasted')}\n`);
  await waitFor(() => dev.stderr().includes('.env:3:1: not a variable assignment (NAME=value)'), { what: () => `the .env error\n${dev.stderr()}` });
  assert.match(dev.stderr(), /hint: write NAME=value, or start the line with # to make it a comment/);
  assert.equal(await post('/greet', 'x'), `200 x ${secret('two')} from-real-env`, 'the previous values keep serving');
  writeFileSync(join(dir, '.env'), `GREETING=${secret('four')}\nTAG=${secret('tag4')}\n`);
  await waitFor(() => /"msg":"fixed: [^"]*\.env — no errors left there"/.test(dev.stderr()), { what: () => `the fixed line\n${dev.stderr()}` });
  await waitFor(async () => (await post('/greet', 'x')) === `200 x ${secret('four')} from-real-env`, { what: 'the fixed values' });
  assert.doesNotMatch(dev.stderr(), /s3cr3t/, 'no value from the env file is ever logged');
});

test('run --env-file A --env-file B: later files win, the environment wins over both; a bad file or a missing one stops the start', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-envfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fns = join(dir, 'functions');
  writeFiles(fns, { 'greet.yaml': greetStream, 'tagged.yaml': tagStream, ...tagPlugin, '.env': 'GREETING=never-read-by-run\n' });
  writeFileSync(join(dir, 'a.env'), `GREETING=${secret('a')}\nTAG=${secret('tag-a')}\nSHADOWED=${secret('a')}\n`);
  writeFileSync(join(dir, 'b.env'), `GREETING=${secret('b')}\n`);
  const port = await freePort();
  const run = startCli(['run', fns, '--port', String(port), '--env-file', join(dir, 'a.env'), '--env-file', join(dir, 'b.env')], { env: { SHADOWED: 'from-real-env' } });
  t.after(() => run.stop('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  await waitForPing(base);
  const post = async (path: string): Promise<string> => (await fetch(`${base}${path}`, { method: 'POST', body: 'x' })).text();
  await waitFor(async () => (await post('/greet')) === `x ${secret('b')} from-real-env`, { what: () => `/greet from b.env\n${run.stderr()}` });
  assert.equal(await post('/tag'), `${secret('tag-a')}/from-real-env/x`);
  assert.equal(await run.stop('SIGTERM'), 0);
  assert.doesNotMatch(run.stderr(), /s3cr3t|never-read/);

  // lint sees DIR/.env as dev does: GREETING is set there; SHADOWED and TAG are not set anywhere.
  const lint = await runCli(['lint', fns]);
  assert.equal(lint.code, 1, lint.stdout);
  assert.doesNotMatch(lint.stdout, /GREETING is not set/);
  assert.match(lint.stdout, /greet\.yaml:\d+:\d+: environment variable SHADOWED is not set/);
  writeFileSync(join(fns, '.env'), 'GREETING=x\nSHADOWED=y\nnot an assignment\n');
  assert.match((await runCli(['lint', fns])).stdout, /\.env:3:1: not a variable assignment \(NAME=value\)/);

  writeFileSync(join(dir, 'bad.env'), 'OK=1\n2BAD=x\nQ="never closed\n');
  const bad = await runCli(['run', fns, '--port', '0', '--env-file', join(dir, 'bad.env')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /bad\.env:2:1: the name before = is not a variable name\n {2}hint: names are letters, digits and _/);
  assert.match(bad.stderr, /bad\.env:3:3: the value of Q opens a " quote that is never closed/);
  assert.match(bad.stderr, /2 error\(s\) in env files; not serving/);
  // Node itself checks an `--env-file` argument even after the script name (nodejs/node#54232) and exits 9
  // with `node: PATH: not found` before hotplug runs; where it does not, hotplug's own message says the same.
  const missing = await runCli(['run', fns, '--env-file', join(dir, 'nope.env')]);
  assert.notEqual(missing.code, 0, missing.stderr);
  assert.match(missing.stderr, /^(\S*node: \S*nope\.env: not found|hotplug: --env-file \S*nope\.env: no such file)\n/);
});

test('dev --env-file PATH outside the functions dir: used instead of DIR/.env, and saving it reloads', { timeout: 60_000 }, async (t) => {
  const outside = join(mkdtempSync(join(tmpdir(), 'hotplug-envout-')), 'dev.env');
  t.after(() => rmSync(join(outside, '..'), { recursive: true, force: true }));
  writeFileSync(outside, 'GREETING=outside-1\nSHADOWED=o\n');
  const { post } = await devOn(t, { '.env': 'GREETING=ignored\n', 'greet.yaml': greetStream }, ['--env-file', outside]);
  assert.equal(await post('/greet', 'x'), '200 x outside-1 o');
  writeFileSync(outside, 'GREETING=outside-2\nSHADOWED=o\n');
  await waitFor(async () => (await post('/greet', 'x')) === '200 x outside-2 o', { what: 'the saved value from the outside file' });
});
