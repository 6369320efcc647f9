import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/config/index.js';
import { brief, tree } from './helpers.js';

const manifest = (name: string) => `name: ${name}\ntype: processor\ncommand: [node, main.js]\n`;

test('discovery: plugin folders, streams by relative id, and every skip rule', (t) => {
  const root = tree(t, {
    'hello.yaml': 'x',
    'orders/ingest.yml': 'x',
    'orders/deep/er/most.yaml': 'x',
    'orders/ingest.test.yaml': 'x',
    'uppercase/plugin.yaml': manifest('uppercase'),
    'uppercase/config.yaml': 'not a stream: inside a plugin folder',
    'uppercase/sub/also.yaml': 'not descended into',
    'py/sentiment/plugin.yaml': manifest('sentiment'),
    '.hidden/x.yaml': 'x',
    '.github/workflows/ci.yml': 'x',
    'node_modules/pkg/x.yaml': 'x',
    'deep/node_modules/pkg/x.yaml': 'x',
    'venv/lib/x.yaml': 'x',
    'tools/.venv/x.yaml': 'x',
    'myenv/pyvenv.cfg': 'home = /usr/bin',
    'myenv/lib/x.yaml': 'x',
    '.draft.yaml': 'x',
    'README.md': 'x',
    'data.json': '{}',
  });
  // A symlinked folder is not followed (it could loop).
  symlinkSync(root, join(root, 'loop'));
  const d = discover(root);
  assert.equal(d.dir, root);
  assert.deepEqual(d.streams, [
    { id: 'hello', file: join(root, 'hello.yaml') },
    { id: 'orders/deep/er/most', file: join(root, 'orders/deep/er/most.yaml') },
    { id: 'orders/ingest', file: join(root, 'orders/ingest.yml') },
  ]);
  assert.deepEqual(d.tests, [join(root, 'orders/ingest.test.yaml')]);
  assert.deepEqual(
    d.manifests.map((m) => [m.name, m.dir]),
    [
      ['sentiment', join(root, 'py/sentiment')],
      ['uppercase', join(root, 'uppercase')],
    ],
  );
  assert.deepEqual(d.diagnostics, []);
});

test('a dir that is itself a plugin has no streams', (t) => {
  const root = tree(t, { 'plugin.yaml': manifest('solo'), 'pipeline.yaml': 'x' });
  const d = discover(root);
  assert.deepEqual(d.streams, []);
  assert.deepEqual(d.manifests.map((m) => m.name), ['solo']);
});

test('duplicate plugin names name both files; duplicate stream ids name both; bad manifests report and are left out', (t) => {
  const root = tree(t, {
    'a/plugin.yaml': manifest('shout'),
    'b/plugin.yaml': `# the same name again\n${manifest('shout')}`,
    'c/plugin.yaml': 'name: Bad\ntype: processor\ncommand: [x]\n',
    'same.yaml': 'x',
    'same.yml': 'x',
  });
  const d = discover(root);
  assert.deepEqual(d.manifests.map((m) => m.file), [join(root, 'a/plugin.yaml')]);
  assert.deepEqual(d.diagnostics.map(brief), ['E_DUPLICATE_PLUGIN 2:7 name', 'E_INVALID_VALUE 1:7 name', 'E_INVALID_VALUE -:-']);
  assert.equal(d.diagnostics[0]?.message, `plugin name 'shout' is used by both ${join(root, 'a/plugin.yaml')} and ${join(root, 'b/plugin.yaml')}`);
  assert.equal(d.diagnostics[0]?.location?.file, join(root, 'b/plugin.yaml'));
  assert.equal(d.diagnostics[1]?.location?.file, join(root, 'c/plugin.yaml'));
  assert.equal(d.diagnostics[2]?.message, `stream id 'same' is used by both ${join(root, 'same.yaml')} and ${join(root, 'same.yml')}`);
  assert.deepEqual(d.streams.map((s) => s.file), [join(root, 'same.yaml')]);
});

test('a missing functions dir is one E_IO error, not a crash', () => {
  const d = discover('/nonexistent/hotplug/functions');
  assert.deepEqual(d.streams, []);
  assert.deepEqual(d.diagnostics.map((x) => [x.severity, x.code]), [['error', 'E_IO']]);
  assert.match(d.diagnostics[0]?.message ?? '', /cannot read the functions dir \/nonexistent\/hotplug\/functions: ENOENT/);
});
