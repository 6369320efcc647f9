import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/cli.js';
import { startServing } from './helpers.js';

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
  assert.match(cli.stderr(), /'undici' is not a dependency of this plugin: it only resolves from hotplug's own node_modules; install it for the plugin \(npm install undici/);
});
