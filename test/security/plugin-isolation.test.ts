import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/cli.js';
import { waitFor } from '../helpers/poll.js';
import { processesMentioning } from '../helpers/processes.js';
import { startServing, tempTree } from './helpers.js';

// Issue 12 item 10: a TS plugin resolves only its own dependencies and the
// SDK, not hotplug's node_modules (which a functions dir inside the hotplug
// checkout would otherwise reach by walking up).

test('a TS plugin inside the hotplug checkout cannot import a package it never installed from hotplug\'s node_modules', async (t) => {
  const dir = mkdtempSync(join(repoRoot, '.hotplug-test-functions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'borrow'));
  writeFileSync(join(dir, 'borrow', 'plugin.yaml'), 'name: borrow\ntype: processor\ncommand: ["main.ts"]\n');
  writeFileSync(join(dir, 'borrow', 'main.ts'), "import { processor } from 'hotplug/sdk';\nimport { Pool } from 'undici';\nimport { createHash } from 'node:crypto';\nprocessor((m) => typeof Pool + typeof createHash + m.text());\n");
  writeFileSync(join(dir, 'p.yaml'), 'input:\n  http_server: { path: /p }\npipeline:\n  processors:\n    - borrow: {}\noutput:\n  sync_response: {}\n');
  const { cli, base } = await startServing(t, 'run', dir);
  const res = await fetch(`${base}/p`, { method: 'POST', body: 'x' });
  assert.notEqual(res.status, 200, 'the plugin did not run with a borrowed package');
  await waitFor(() => /is not a dependency/.test(cli.stderr()), { what: 'the compile error in the log' });
  assert.match(cli.stderr(), /'undici' is not a dependency of this plugin: it only resolves from hotplug's own node_modules; install it for the plugin \(npm install undici/);
});

test('plugins cannot outlive a SIGKILLed host, not even one that ignores stdin (as official-SDK plugins do)', async (t) => {
  const dir = tempTree(t, {});
  mkdirSync(join(dir, 'deaf'));
  writeFileSync(join(dir, 'deaf', 'main.ts'), "import { processor } from 'hotplug/sdk';\nprocessor((m) => 'deaf:' + m.text());\n");
  // stdin from /dev/null: the SDK then does not watch it, like a plugin that never looks at stdin.
  // ($0 is main.ts compiled by the host; $1 only marks the process for the test to find.)
  const marker = join(dir, 'deaf-marker');
  writeFileSync(join(dir, 'deaf', 'plugin.yaml'), `name: deaf\ntype: processor\ncommand: ["sh", "-c", "exec node \\"$0\\" \\"$1\\" </dev/null", "main.ts", "${marker}"]\n`);
  writeFileSync(join(dir, 'p.yaml'), 'input:\n  http_server: { path: /p }\npipeline:\n  processors:\n    - deaf: {}\noutput:\n  sync_response: {}\n');
  const { cli, base } = await startServing(t, 'run', dir);
  assert.equal(await (await fetch(`${base}/p`, { method: 'POST', body: 'x' })).text(), 'deaf:x');
  const plugins = processesMentioning(marker);
  assert.equal(plugins.length, 1, 'the plugin process runs');
  t.after(() => plugins.forEach((p) => { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }));
  await cli.stop('SIGKILL');
  await waitFor(() => processesMentioning(marker).length === 0, { timeoutMs: 10_000, what: 'the plugin to die with its host' });
});
