import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDir } from '../../src/config/index.js';
import { createRegistry } from '../../src/pipeline/index.js';
import { createDevWatcher, snapshotFiles } from '../../src/watch/index.js';
import { captureLogger, until } from '../plugin/helpers.js';

const builtins = createRegistry().allSpecs();

/**
 * The real watcher (chokidar, real files) over a dir with a Python plugin and a pipeline using it;
 * `load` is the real loadDir, counted. The target records what the watcher asked of it.
 */
async function watched(t: { after(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-devwatch-'));
  mkdirSync(join(dir, 'greet'));
  writeFileSync(join(dir, 'greet', 'plugin.yaml'), 'name: greet\ntype: processor\ncommand: [python3, main.py]\n');
  writeFileSync(join(dir, 'greet', 'main.py'), '# v1\n');
  writeFileSync(join(dir, 'api.yaml'), 'input:\n  http_server:\n    path: /api\npipeline:\n  processors:\n    - greet: {}\noutput:\n  sync_response: {}\n');
  writeFileSync(join(dir, '.env'), 'A=1\n');
  const envFile = join(dir, '.env');
  const opts = { builtins, env: () => undefined };
  const initialFiles = snapshotFiles(dir, [envFile]);
  let loads = 0;
  const asked: string[] = [];
  const { log, lines } = captureLogger();
  const watcher = createDevWatcher({
    dir, log, initialFiles, envFiles: [envFile], initial: loadDir(dir, opts),
    load: () => {
      loads++;
      return loadDir(dir, opts);
    },
    target: {
      setManifests: () => undefined,
      swapPlugin: async (m) => void asked.push(`swap ${m.name}`),
      startStream: async (c) => void asked.push(`start ${c.id}`),
      replaceStream: async (_old, c) => void asked.push(`replace ${c.id}`),
      stopStream: async (id) => void asked.push(`stop ${id}`),
    },
  });
  t.after(async () => {
    await watcher.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await watcher.ready;
  /**
   * Writes files, waits until the watcher has asked for `want` and loaded the dir `loadsWanted` times,
   * and is idle; returns how many loads it made.
   */
  const save = async (files: Record<string, string>, want: string[], loadsWanted: number): Promise<number> => {
    const before = loads;
    asked.length = 0;
    for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
    await until(`the watcher to ask for ${want.join(', ') || 'nothing'} after ${loadsWanted} load(s)`, async () => {
      await watcher.idle();
      return loads - before >= loadsWanted && want.every((w) => asked.includes(w));
    });
    return loads - before;
  };
  return { save, dir, lines, idle: () => watcher.idle() };
}

test('dev watcher: a save of plugin code alone swaps the plugin without loading the dir again; YAML, env files and added files load it', async (t) => {
  const { save } = await watched(t);
  assert.equal(await save({ 'greet/main.py': '# v2\n' }, ['swap greet'], 0), 0, 'code only: nothing to load');
  assert.equal(await save({ 'greet/main.py': '# v3\n', 'api.yaml': 'input:\n  http_server:\n    path: /api2\npipeline:\n  processors:\n    - greet: {}\noutput:\n  sync_response: {}\n' }, ['swap greet', 'replace api'], 1), 1, 'code and a pipeline saved together');
  assert.equal(await save({ 'greet/helper.py': 'X = 1\n' }, ['swap greet'], 1), 1, 'a file added: the dir is loaded');
  assert.equal(await save({ 'greet/plugin.yaml': 'name: greet\ntype: processor\ncommand: [python3, main.py]\nfields:\n  - name: n\n    type: int\n    default: 1\n' }, ['replace api'], 1), 1, 'a manifest');
  assert.equal(await save({ '.env': 'A=2\n' }, [], 1), 1, 'an env file');
  assert.equal(await save({ 'greet/main.py': '# v4\n' }, ['swap greet'], 0), 0, 'code only again');
});

test('dev watcher: a file caught between the truncate and the write of a save is not loaded empty; one left empty is an error', async (t) => {
  const { dir, lines, idle } = await watched(t);
  const logged = (re: RegExp): boolean => lines().some((l) => re.test(String(l['msg'])));
  const api = join(dir, 'api.yaml');
  const next = 'input:\n  http_server:\n    path: /api3\npipeline:\n  processors:\n    - greet: {}\noutput:\n  sync_response: {}\n';
  // A writer descheduled for 40 ms between truncating and writing (past the 10 ms debounce).
  writeFileSync(api, '');
  await new Promise((r) => setTimeout(r, 40));
  writeFileSync(api, next);
  await until('the new version loaded', async () => {
    await idle();
    return lines().some((l) => String(l['msg']).includes('stream api')) || logged(/file is empty/);
  });
  assert.ok(!logged(/file is empty/), 'no error for a file that was being written');
  // Emptied on purpose: reported once it stays empty.
  writeFileSync(api, '');
  await until('the empty file reported', () => logged(/api\.yaml:1:1: not a pipeline: the file is empty/));
});
