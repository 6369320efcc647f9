import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const pyright = join(repoRoot, 'node_modules', 'pyright', 'index.js');

function sh(cmd: string, args: string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`);
  return r.stdout + r.stderr;
}

test('the packed tarball installs into a fresh project outside the repo: new (TS + Python), tsc, pyright, test, bundle and dev serving both', { timeout: 230_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'hotplug-install-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  // dist/ is built by `npm test`; --ignore-scripts keeps `npm pack` from running `prepare` (a second build).
  const packed = ok(sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], repoRoot), 'npm pack').trim().split('\n').pop()!;
  const tarball = join(work, packed);
  assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);

  const project = join(work, 'my-app');
  ok(sh('mkdir', ['-p', project], work), 'mkdir');
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }, null, 2)}\n`);
  ok(sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], project, 300_000), 'npm install TARBALL');
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  assert.match(pkg.dependencies?.['hotplug'] ?? '', /\.tgz$/, 'hotplug is a dependency of the project');
  const installed = join(project, 'node_modules', 'hotplug');
  for (const f of ['dist/src/cli/main.js', 'dist/console/app.js', 'dist/src/sdk/ts/index.d.ts', 'src/sdk/python/hotplug/__init__.py', 'templates/ts/processor/main.ts', 'src/config/schemas/plugin.schema.json', 'proto/redpanda/runtime/v1alpha1/processor.proto']) {
    assert.ok(existsSync(join(installed, f)), `the package holds ${f}`);
  }
  assert.ok(!existsSync(join(installed, 'test')) && !existsSync(join(installed, 'dist', 'test')), 'tests are not shipped');

  ok(sh('npx', ['hotplug', 'new', 'shout', '--lang', 'ts', '--route', '/shout'], project), 'npx hotplug new (ts)');
  ok(sh('npx', ['hotplug', 'new', 'score', '--lang', 'python', '--route', '/score'], project), 'npx hotplug new (python)');
  writeFileSync(join(project, 'functions/shout/main.ts'), "import { processor } from 'hotplug/sdk';\n\nprocessor((msg) => msg.text().toUpperCase() + '!');\n");
  writeFileSync(
    join(project, 'functions/score/main.py'),
    'import asyncio\n\nfrom hotplug import Message, processor, processor_main\n\n\n@processor\ndef score(msg: Message) -> Message:\n    msg.payload = str(len(msg.as_text())).encode()\n    return msg\n\n\nif __name__ == "__main__":\n    asyncio.run(processor_main(score))\n',
  );

  writeFileSync(join(project, 'functions/shout/shout.test.yaml'), 'tests:\n  - name: shouts\n    input_batch:\n      - content: hello\n    output_batches:\n      - - content_equals: HELLO!\n');
  writeFileSync(join(project, 'functions/score/score.test.yaml'), 'tests:\n  - name: counts\n    input_batch:\n      - content: hello\n    output_batches:\n      - - content_equals: "5"\n');

  // The editor's view: `hotplug/sdk` types resolve through the package's exports, and a type error is caught.
  ok(sh(process.execPath, [tsc, '-p', 'functions/shout'], project), 'tsc -p functions/shout');
  writeFileSync(join(project, 'functions/shout/typo.ts'), "import { processor } from 'hotplug/sdk';\n\nprocessor((msg) => msg.textt());\n");
  const typo = sh(process.execPath, [tsc, '-p', 'functions/shout'], project);
  assert.notEqual(typo.status, 0);
  assert.match(typo.stdout, /typo\.ts.*Property 'textt' does not exist on type 'Message'/);
  rmSync(join(project, 'functions/shout/typo.ts'));

  // pyright resolves `import hotplug` through the generated pyrightconfig.json (extraPaths → the installed SDK).
  assert.deepEqual(JSON.parse(readFileSync(join(project, 'pyrightconfig.json'), 'utf8')), { extraPaths: ['node_modules/hotplug/src/sdk/python'] });
  const checked = ok(sh(process.execPath, [pyright, 'functions/score/main.py'], project), 'pyright');
  assert.match(checked, /0 errors/);
  writeFileSync(join(project, 'functions/score/typo.py'), 'from hotplug import Message\n\nMessage(payload=b"x").as_textt()\n');
  const pyTypo = sh(process.execPath, [pyright, 'functions/score/typo.py'], project);
  assert.notEqual(pyTypo.status, 0);
  assert.match(pyTypo.stdout, /as_textt/);
  rmSync(join(project, 'functions/score/typo.py'));

  // Pipelines written by --route carry a schema line; the dir's schema knows its plugins.
  const pipeline = readFileSync(join(project, 'functions/shout.yaml'), 'utf8');
  assert.match(pipeline, /^# yaml-language-server: \$schema=\.hotplug\/pipeline\.schema\.json\n/);
  const schema = readFileSync(join(project, 'functions/.hotplug/pipeline.schema.json'), 'utf8');
  const processors = Object.keys((JSON.parse(schema) as { definitions: { processor: { properties: object } } }).definitions.processor.properties);
  assert.ok(processors.includes('shout') && processors.includes('score') && processors.includes('mapping'), processors.join(','));
  assert.match(readFileSync(join(project, 'functions/shout/plugin.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/hotplug\/src\/config\/schemas\/plugin\.schema\.json$/m);

  ok(sh('npx', ['hotplug', 'lint'], project), 'npx hotplug lint');
  assert.match(ok(sh('npx', ['hotplug', 'test', 'functions/shout', 'functions/score'], project), 'npx hotplug test'), /2 passed, 0 failed/);
  ok(sh('npx', ['hotplug', 'bundle', '--out', 'app.tar.gz'], project), 'npx hotplug bundle');
  assert.ok(readdirSync(project).includes('app.tar.gz'));

  const port = await freePort();
  const dev = startProcess('npx', ['hotplug', 'dev', '--port', String(port)], { cwd: project, env: { CI: 'true' }, group: true });
  t.after(() => dev.stop('SIGTERM').then(() => undefined));
  const post = async (path: string, body: string): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body });
    return `${res.status} ${await res.text()}`;
  };
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok, { timeoutMs: 60_000, what: () => `dev ready\n${dev.stderr()}` });
  assert.equal(await post('/shout', 'hello'), '200 HELLO!');
  assert.equal(await post('/score', 'hello'), '200 5');
  await dev.stop('SIGTERM');
  assert.match(dev.stderr(), /"msg":"stopped"/, 'hotplug dev drained and stopped on the signal');
});
