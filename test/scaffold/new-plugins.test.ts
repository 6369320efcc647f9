import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

const LANGS = ['ts', 'python'] as const;
const TYPES = ['processor', 'input', 'output'] as const;

test('hotplug new scaffolds every language × type; each lints clean and passes its generated test', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-new-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const lang of LANGS) {
    for (const type of TYPES) {
      const name = `${lang === 'ts' ? 'ts' : 'py'}_${type}`;
      const r = await runCli(['new', name, '--lang', lang, '--type', type, '--dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Created .*${name}/ \\(${lang} ${type}\\)`));
      assert.match(r.stdout, /Next steps:/);
      const files = readdirSync(join(dir, name)).sort();
      assert.ok(files.includes('plugin.yaml') && files.includes(`${name}.test.yaml`), files.join(','));
      assert.ok(files.includes(lang === 'ts' ? 'main.ts' : 'main.py'));
      if (lang === 'python') assert.ok(files.includes('pyproject.toml'));
      const manifest = readFileSync(join(dir, name, 'plugin.yaml'), 'utf8');
      assert.match(manifest, /^# yaml-language-server: \$schema=.*src\/config\/schemas\/plugin\.schema\.json$/m);
      const schemaRel = /\$schema=(.*)$/m.exec(manifest)![1]!;
      assert.ok(existsSync(resolve(dir, name, schemaRel)), `the schema line points at a file: ${schemaRel}`);
    }
  }
  const lint = await runCli(['lint', dir]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  const tested = await runCli(['test', dir], { timeoutMs: 180_000 });
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /^6 passed, 0 failed$/m);
});

test('hotplug new refuses bad input with one clear line and leaves nothing behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-new-bad-'));
  t.after(() => {
    chmodSync(join(dir, 'ro'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  const cases: [string[], RegExp][] = [
    [['new', 'ok_name', '--lang', 'rust', '--dir', dir], /unknown language 'rust'/],
    [['new', 'ok_name', '--lang', 'ts', '--type', 'sink', '--dir', dir], /unknown plugin type 'sink'/],
    [['new', 'My-Plugin', '--lang', 'ts', '--dir', dir], /invalid plugin name 'My-Plugin'.*\n.*try 'my_plugin'/],
    [['new', 'ok_name', '--dir', dir], /missing --lang/],
    [['new', 'mapping', '--lang', 'ts', '--dir', dir], /'mapping' is the name of a built-in processor: a plugin with that name would shadow it.*\n.*try|e\.g\. 'my_mapping'/],
    [['new', 'http_server', '--lang', 'python', '--type', 'input', '--dir', dir], /'http_server' is the name of a built-in input/],
    [['new', 'ok_name', '--lang', 'ts', '--route', 'ok_name', '--dir', dir], /--route must be a path starting with '\/', not 'ok_name'/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { env: { CI: 'true' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, re);
  }
  assert.deepEqual(readdirSync(dir), []);

  assert.equal((await runCli(['new', 'twice', '--lang', 'python', '--dir', dir])).code, 0);
  writeFileSync(join(dir, 'twice', 'mine.txt'), 'keep me');
  const again = await runCli(['new', 'twice', '--lang', 'python', '--dir', dir]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already exists.*\n.*--force/);
  assert.equal(readFileSync(join(dir, 'twice', 'mine.txt'), 'utf8'), 'keep me');
  assert.equal((await runCli(['new', 'twice', '--lang', 'ts', '--dir', dir, '--force'])).code, 0);
  assert.ok(existsSync(join(dir, 'twice', 'main.ts')) && !existsSync(join(dir, 'twice', 'mine.txt')));

  mkdirSync(join(dir, 'ro'));
  chmodSync(join(dir, 'ro'), 0o555);
  if (process.getuid?.() !== 0) {
    const ro = await runCli(['new', 'x', '--lang', 'ts', '--dir', join(dir, 'ro')]);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /cannot write to/);
  }
  assert.deepEqual(readdirSync(join(dir, 'ro')), []);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.') && n !== '.hotplug'), [], 'no staging folders left');
});

test('hotplug new --route writes the pipeline with a schema line; the dir schema knows the plugin; py is python', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-new-route-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(['new', 'echo_back', '--lang', 'py', '--route', '/echo', '--dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Created .*echo_back\/ \(python processor\)/);
  assert.match(r.stdout, /Also wrote:\n.*echo_back\.yaml/);
  assert.match(r.stdout, /Wired up: .*echo_back\.yaml \(POST \/echo\)/);
  assert.equal(
    readFileSync(join(dir, 'echo_back.yaml'), 'utf8'),
    '# yaml-language-server: $schema=.hotplug/pipeline.schema.json\ninput:\n  http_server:\n    path: /echo\npipeline:\n  processors:\n    - echo_back: {}\noutput:\n  sync_response: {}\n',
  );
  const schema = JSON.parse(readFileSync(join(dir, '.hotplug/pipeline.schema.json'), 'utf8')) as { definitions: { processor: { properties: Record<string, unknown> } } };
  assert.ok(schema.definitions.processor.properties['echo_back'], 'the dir schema has the new plugin');
  assert.equal((await runCli(['lint', dir])).code, 0);
  const again = await runCli(['new', 'other', '--lang', 'ts', '--route', '/x', '--dir', dir]);
  assert.equal(again.code, 0, again.stderr);
  const clash = await runCli(['new', 'echo_back', '--lang', 'ts', '--route', '/echo', '--dir', join(dir, 'sub')]);
  assert.equal(clash.code, 0, 'another dir is another project');
  writeFileSync(join(dir, 'taken.yaml'), 'mine');
  const taken = await runCli(['new', 'taken', '--lang', 'ts', '--route', '/taken', '--dir', dir]);
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /taken\.yaml already exists; nothing was created\n.*--force/);
  assert.ok(!existsSync(join(dir, 'taken')), 'no plugin folder either');
  assert.equal(readFileSync(join(dir, 'taken.yaml'), 'utf8'), 'mine');
});

test('a pipeline chains a new TS and a new Python processor through hotplug run, over HTTP', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-chain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal((await runCli(['new', 'shout', '--lang', 'ts', '--dir', dir])).code, 0);
  assert.equal((await runCli(['new', 'exclaim', '--lang', 'python', '--dir', dir])).code, 0);
  writeFileSync(join(dir, 'shout', 'main.ts'), "import { processor } from 'hotplug/sdk';\nprocessor((msg) => msg.text().toUpperCase());\n");
  writeFileSync(
    join(dir, 'exclaim', 'main.py'),
    'import asyncio\nfrom hotplug import Message, processor, processor_main\n\n@processor\ndef exclaim(msg: Message) -> Message:\n    msg.payload = msg.as_text() + "!"\n    return msg\n\nif __name__ == "__main__":\n    asyncio.run(processor_main(exclaim))\n',
  );
  writeFileSync(join(dir, 'chain.yaml'), 'input:\n  http_server:\n    path: /chain\npipeline:\n  processors:\n    - shout: {}\n    - exclaim: {}\noutput:\n  sync_response: {}\n');
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  const res = await fetch(`http://127.0.0.1:${port}/chain`, { method: 'POST', body: 'hello there' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'HELLO THERE!');
  assert.equal(await run.stop('SIGTERM'), 0);
});
