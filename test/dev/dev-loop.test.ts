import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/poll.js';
import { devOn, echoStream, pyPlugin, tsPlugin, twoPluginFiles } from './fixture.js';

test('dev: a plugin named like a built-in is refused with one clear error, the built-in keeps serving, Ctrl-C is quick', async (t) => {
  const { dir, dev, post } = await devOn(t, {
    'echo.yaml': echoStream,
    // An input plugin that takes http_server's name, present from the start.
    'http_server/plugin.yaml': 'name: http_server\ntype: input\ncommand: ["node", "main.ts"]\n',
    'http_server/main.ts': "import { input, Message } from 'hotplug/sdk';\ninput(async function* () { yield new Message('x'); });\n",
  });
  assert.match(dev.stderr(), /http_server\/plugin\.yaml:1:7: plugin 'http_server' has the name of a built-in input; it is not loaded/);
  assert.equal(await post('/echo', 'hi'), '200 HI');
  // Saved while serving: the same error, no "added", and /echo still runs the built-in mapping.
  mkdirSync(join(dir, 'mapping'));
  writeFileSync(join(dir, 'mapping', 'main.ts'), tsPlugin('plugin'));
  writeFileSync(join(dir, 'mapping', 'plugin.yaml'), 'name: mapping\ntype: processor\ncommand: ["node", "main.ts"]\n');
  await waitFor(() => /mapping\/plugin\.yaml:1:7: plugin 'mapping' has the name of a built-in processor; it is not loaded, pipelines keep using the built-in[^\n]*\n\s*hint: rename the plugin/.test(dev.stderr().replaceAll('\\n', '\n')), { what: () => `the shadowing error\n${dev.stderr()}` });
  assert.equal(await post('/echo', 'hi'), '200 HI');
  assert.doesNotMatch(dev.stderr(), /plugin (mapping|http_server) added/);
  assert.doesNotMatch(dev.stderr(), /"level":40/, 'no warnings');
  // Ctrl-C: a clean exit well before the 10 s after which stop() would SIGKILL it.
  assert.equal(await dev.stop('SIGINT', 10_000), 0, dev.stderr());
});

test('dev: the reload that mends a broken file or plugin says "fixed"', async (t) => {
  const { dir, dev, post } = await devOn(t, { 'echo.yaml': echoStream });
  writeFileSync(join(dir, 'echo.yaml'), echoStream.replace('sync_response: {}', 'sync_respons: {}'));
  await waitFor(() => dev.stderr().includes("unknown output 'sync_respons'"), { what: () => `the error\n${dev.stderr()}` });
  assert.equal(await post('/echo', 'hi'), '200 HI', 'the previous version keeps serving');
  assert.doesNotMatch(dev.stderr(), /fixed:/);
  writeFileSync(join(dir, 'echo.yaml'), echoStream.replace('uppercase()', 'lowercase()'));
  await waitFor(() => /"msg":"fixed: [^"]*echo\.yaml — no errors left there"/.test(dev.stderr()), { what: 'the fixed line' }).catch((err: Error) => assert.fail(`${err.message}\n${dev.stderr()}`));
  await waitFor(async () => (await post('/echo', 'HI')) === '200 hi', { what: 'the new version' });
});

test('dev: an input that finishes leaves /ready at 200 (state finished); editing its code runs it again', async (t) => {
  const gen = (v: string): string => `import { input, Message } from 'hotplug/sdk';\ninput(async function* () {\n  for (let i = 1; i <= 3; i++) yield new Message('${v} ' + i);\n});\n`;
  const { dir, dev, base } = await devOn(t, {
    'counter/plugin.yaml': 'name: counter\ntype: input\ncommand: ["node", "main.ts"]\n',
    'counter/main.ts': gen('v1'),
    'count.yaml': 'input:\n  counter: {}\noutput:\n  stdout: {}\n',
  });
  await waitFor(() => dev.stdout().includes('v1 3'), { timeoutMs: 30_000, what: 'the three messages' });
  const ready = async (): Promise<{ status: number; body: { streams?: Record<string, { state: string }> } }> => {
    const res = await fetch(`${base}/ready`);
    return { status: res.status, body: (await res.json()) as { streams?: Record<string, { state: string }> } };
  };
  const finished = async (): Promise<boolean> => {
    const r = await ready();
    return r.status === 200 && r.body.streams?.['count']?.state === 'finished';
  };
  await waitFor(finished, { timeoutMs: 20_000, what: "/ready 200 with the stream 'finished'" });
  writeFileSync(join(dir, 'counter', 'main.ts'), gen('v2'));
  await waitFor(() => dev.stdout().includes('v2 3'), { timeoutMs: 30_000, what: 'the new code ran' }).catch((err: Error) => assert.fail(`${err.message}\n${dev.stderr()}`));
  assert.match(dev.stderr(), /stream count had finished; running it again with the new counter/);
  await waitFor(finished, { timeoutMs: 20_000, what: "/ready 200 and 'finished' again" });
});

test('dev: polls of /ping, /ready, /metrics and the console are not logged as requests; function requests are', async (t) => {
  const { dev, post, base } = await devOn(t, { 'echo.yaml': echoStream });
  for (const p of ['/ready', '/metrics', '/_hotplug/', '/ping']) await (await fetch(`${base}${p}`)).arrayBuffer();
  assert.equal(await post('/echo', 'hi'), '200 HI');
  await waitFor(() => dev.stderr().includes('"msg":"POST /echo 200'), { what: () => `the /echo request line\n${dev.stderr()}` });
  assert.doesNotMatch(dev.stderr(), /"msg":"GET \/(ping|ready|metrics|_hotplug)/);
});

test('dev: the last save wins, whatever the gap to the save before it (pipeline and plugin code)', { timeout: 180_000 }, async (t) => {
  const pipeline = (v: string): string => echoStream.replace('content().uppercase()', `"${v}:" + content().string()`);
  const { dir, dev, post, base } = await devOn(t, {
    'echo.yaml': pipeline('p0'),
    'tag/plugin.yaml': 'name: tag\ntype: processor\ncommand: ["node", "main.ts"]\n',
    'tag/main.ts': tsPlugin('t0'),
    'tag.yaml': echoStream.replace('/echo', '/tag').replace('- mapping: root = content().uppercase()', '- tag: {}'),
  }, [], process.env['DBGLOOP'] ? { HOTPLUG_LOG_LEVEL: 'debug' } : {});
  const settle = async (path: string, want: string, what: string): Promise<void> => {
    await waitFor(async () => (await post(path, 'x')) === `200 ${want}:x`, { timeoutMs: 10_000, what }).catch(async (err: Error) => {
      const ready = await (await fetch(`${base}/ready`)).text();
      assert.fail(`${err.message}; serving ${await post(path, 'x')}\n/ready: ${ready}\n${dev.stderr()}`);
    });
  };
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  let n = 0;
  // Save again as soon as the previous save is served: that lands inside chokidar's 50 ms
  // per-file change throttle after the event of the previous save, which drops its event.
  for (let round = 0; round < 6; round++) {
    writeFileSync(join(dir, 'echo.yaml'), pipeline(`p${++n}`));
    await waitFor(async () => (await post('/echo', 'x')) === `200 p${n}:x`, { intervalMs: 1, what: `p${n} served` });
    writeFileSync(join(dir, 'echo.yaml'), pipeline(`p${++n}`));
    await settle('/echo', `p${n}`, `the pipeline's last save, made right after the previous one was served (round ${round})`);
  }
  // Fixed gaps around the watcher's quiet period (25 ms) and chokidar's throttle.
  for (const gap of [5, 20, 30, 40, 45, 55, 70]) {
    writeFileSync(join(dir, 'echo.yaml'), pipeline(`p${++n}`));
    await pause(gap);
    writeFileSync(join(dir, 'echo.yaml'), pipeline(`p${++n}`));
    await settle('/echo', `p${n}`, `the pipeline's last save (gap ${gap} ms)`);
  }
  // A plugin's code: the second save lands while the first one's new process is starting, or just before.
  for (const gap of [20, 45, 150]) {
    writeFileSync(join(dir, 'tag', 'main.ts'), tsPlugin(`t${++n}`));
    await pause(gap);
    writeFileSync(join(dir, 'tag', 'main.ts'), tsPlugin(`t${++n}`));
    await settle('/tag', `t${n}`, `the plugin's last save (gap ${gap} ms)`);
  }
  // At debug level dev says which saves came without a watcher event (how often the recheck was needed).
  t.diagnostic(`saves seen by the recheck alone: ${dev.stderr().split('changed without a file watcher event').length - 1}`);
});

test('dev: one log line per reload (TS and Python), no warning while the old process stops; a Python import error shows the user\'s frames only (the full traceback at debug)', { timeout: 120_000 }, async (t) => {
  const { dir, dev, post } = await devOn(
    t,
    twoPluginFiles,
    ['--verbose'],
  );
  type Line = { level: number; msg: string; component?: string; plugin?: string; generation?: number; from?: string; to?: string; traceback?: string };
  const lines = (): Line[] => dev.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  /** What a user sees at the default level (info and up), request lines aside, from line `from` on. */
  const shown = (from: number): string[] => lines().slice(from).filter((l) => l.level >= 30 && l.component !== 'requests').map((l) => l.msg);
  const stopped = (plugin: string, generation: number) => (): boolean => lines().some((l) => l.plugin === plugin && l.generation === generation && l.to === 'stopped');
  await waitFor(async () => (await post('/py', 'x')) === '200 py-v1:x', { timeoutMs: 30_000, what: 'the python plugin' });

  for (const [name, path, v1, v2, source] of [['greet_ts', '/ts', 'ts-v1', 'ts-v2', tsPlugin], ['greet_py', '/py', 'py-v1', 'py-v2', pyPlugin]] as const) {
    const from = lines().length;
    writeFileSync(join(dir, name, name.endsWith('ts') ? 'main.ts' : 'main.py'), source(v2));
    await waitFor(async () => (await post(path, 'x')) === `200 ${v2}:x`, { timeoutMs: 30_000, what: `${v2} served` });
    await waitFor(stopped(name, 1), { what: `${name}'s old process stopped (${v1})` });
    const seen = shown(from);
    assert.equal(seen.length, 1, `one line for the reload of ${name}:\n${seen.join('\n')}`);
    assert.match(seen[0] ?? '', new RegExp(`^reloaded plugin ${name} code in \\d+ ms$`));
  }

  const from = lines().length;
  writeFileSync(join(dir, 'greet_py', 'main.py'), `import no_such_module_here\n${pyPlugin('py-v3')}`);
  await waitFor(() => shown(from).some((m) => m.startsWith('reload: plugin greet_py code')), { timeoutMs: 30_000, what: 'the failed reload' });
  assert.deepEqual(shown(from), [
    'Traceback (most recent call last):',
    '  File "main.py", line 1, in <module>',
    '    import no_such_module_here',
    "ModuleNotFoundError: No module named 'no_such_module_here'",
    'plugin greet_py: the new version failed; the previous one keeps serving\nplugin greet_py exited with code 1 before it answered Init (its stderr is above)',
    shown(from).at(-1) ?? '',
  ]);
  assert.match(shown(from).at(-1) ?? '', /^reload: plugin greet_py code — plugin greet_py kept the previous version \(\d+ ms\)$/);
  const full = lines().slice(from).find((l) => l.msg === 'full traceback');
  assert.equal(full?.level, 20, 'the full traceback is logged at debug');
  assert.match(full?.traceback ?? '', /python-spare\.py[\s\S]*File "main\.py", line 1[\s\S]*ModuleNotFoundError/);
  assert.equal(await post('/py', 'x'), '200 py-v2:x', 'the previous version keeps serving');
});

test('dev: .hotplug/pipeline.schema.json follows the plugins (a new field, a new plugin) and is not rewritten by a code save', { timeout: 120_000 }, async (t) => {
  const { dir, dev, post } = await devOn(t, twoPluginFiles);
  const schemaFile = join(dir, '.hotplug', 'pipeline.schema.json');
  const schema = (): string => readFileSync(schemaFile, 'utf8');
  assert.match(schema(), /"greet_py"/);
  writeFileSync(join(dir, 'greet_py', 'plugin.yaml'), 'name: greet_py\ntype: processor\ncommand: ["python3", "main.py"]\nfields:\n  - name: shout_level\n    type: int\n    default: 1\n');
  await waitFor(() => schema().includes('"shout_level"'), { what: () => `the new field in the schema\n${dev.stderr()}` });
  mkdirSync(join(dir, 'brand_new'));
  writeFileSync(join(dir, 'brand_new', 'main.ts'), tsPlugin('new'));
  writeFileSync(join(dir, 'brand_new', 'plugin.yaml'), 'name: brand_new\ntype: processor\ncommand: ["node", "main.ts"]\n');
  await waitFor(() => schema().includes('"brand_new"'), { what: () => `the new plugin in the schema\n${dev.stderr()}` });
  const before = statSync(schemaFile, { bigint: true }).mtimeNs;
  writeFileSync(join(dir, 'greet_py', 'main.py'), pyPlugin('py-v2'));
  await waitFor(async () => (await post('/py', 'x')) === '200 py-v2:x', { what: 'the code save served' });
  assert.equal(statSync(schemaFile, { bigint: true }).mtimeNs, before);
});
