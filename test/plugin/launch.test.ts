import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Message } from '../../src/core/message.js';
import { HotplugError, ErrorCode } from '../../src/core/errors.js';
import { compileTsPlugin, resolvePython } from '../../src/plugin/index.js';
import { sdkBundle } from '../../src/plugin/sdk-bundle.js';
import { fixtures, manifest, repoRoot, tempDir, testRuntime } from './helpers.js';

const tsDir = join(fixtures, 'ts-plugin');

test('a .ts command argument is compiled with esbuild and run on the host\'s node', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(manifest('ts-shout', 'processor', ['main.ts'], { cwd: tsDir, dir: tsDir }), {});
  const [out] = await p.processBatch([new Message('hello')]);
  assert.equal(out?.[0]?.text(), 'HELLO!');
});

test('compileTsPlugin keeps hotplug/sdk external, pointing at the built SDK bundled with grpc-js, by absolute URL', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'uses-sdk.ts'), "import * as sdk from 'hotplug/sdk';\nexport const keep = sdk;\n");
  const out = await compileTsPlugin(join(dir, 'uses-sdk.ts'), join(dir, 'out'), repoRoot);
  const code = readFileSync(out, 'utf8');
  const sdk = await sdkBundle(repoRoot);
  assert.match(sdk, /hotplug-sdk-[0-9a-f]{16}-[0-9a-f]{32}\.mjs$/, 'the bundle was built, named by its inputs and its content hash');
  assert.ok(code.includes(`from "${pathToFileURL(sdk).href}"`), 'imports the SDK bundle by URL');
  assert.match(readFileSync(sdk, 'utf8'), /class Server\b/, 'grpc-js is inside the bundle');
  assert.ok(out.endsWith('.mjs'));
});

test('a compile error is a PluginCompile error naming file:line:col', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'broken.ts'), 'export const x = ;\n');
  await assert.rejects(compileTsPlugin(join(dir, 'broken.ts'), join(dir, 'out'), repoRoot), (err: HotplugError) => {
    assert.equal(err.code, ErrorCode.PluginCompile);
    assert.match(err.message, /broken\.ts:1:\d+: /);
    return true;
  });
});

test('python3 resolves to an interpreter with grpc; HOTPLUG_PYTHON overrides; a bad one is a clear NoPython error', async (t) => {
  const saved = process.env['HOTPLUG_PYTHON'];
  t.after(() => {
    if (saved === undefined) delete process.env['HOTPLUG_PYTHON'];
    else process.env['HOTPLUG_PYTHON'] = saved;
  });
  process.env['HOTPLUG_PYTHON'] = '/nonexistent/python3';
  await assert.rejects(resolvePython(), (err: HotplugError) => err.code === ErrorCode.NoPython && /nonexistent/.test(err.message) && /HOTPLUG_PYTHON/.test(err.hint ?? ''));
  delete process.env['HOTPLUG_PYTHON'];
  const py = await resolvePython();
  assert.ok(py === 'python3' || py === '/usr/bin/python3');
  assert.equal(await resolvePython(), py, 'cached');
  process.env['HOTPLUG_PYTHON'] = '/usr/bin/python3';
  assert.equal(await resolvePython(), '/usr/bin/python3');
});

test('a python plugin finds the in-repo SDK on PYTHONPATH', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(manifest('py-path', 'processor', ['python3', join(fixtures, 'echo.py'), '--check-sdk-path']), {});
  const [out] = await p.processBatch([new Message('ok')]);
  assert.equal(out?.[0]?.text(), 'ok');
});

test('the compile cache keeps only the newest outputs', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'out');
  for (let i = 0; i < 8; i++) {
    writeFileSync(join(dir, 'p.ts'), `export const v = ${i};\n`);
    await compileTsPlugin(join(dir, 'p.ts'), out, repoRoot);
  }
  const { readdirSync } = await import('node:fs');
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.mjs')).length, 5);
});
