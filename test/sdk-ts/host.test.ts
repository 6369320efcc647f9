import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSilentLogger } from '../../src/core/log.js';
import { Message } from '../../src/core/message.js';
import type { PluginManifest } from '../../src/core/spec.js';
import { createPluginRuntime } from '../../src/plugin/index.js';
import { repoRoot } from './harness.js';

const dir = join(repoRoot, 'functions/uppercase');
const uppercase: PluginManifest = {
  name: 'uppercase',
  type: 'processor',
  command: ['node', 'main.ts'],
  cwd: dir,
  fields: [],
  file: join(dir, 'plugin.yaml'),
  dir,
};

test('functions/uppercase under the real host runtime: concurrent batches, each answered with its own messages', async (t) => {
  const rt = createPluginRuntime({ log: createSilentLogger(), repoRoot, startTimeoutMs: 20_000 });
  t.after(() => rt.close());
  const p = rt.processor(uppercase, {});
  const batches = Array.from({ length: 20 }, (_, i) => [new Message(`batch ${i} a`), new Message(`batch ${i} b`)]);
  batches[3]![0]!.metadata.set('keep', 'me');
  const results = await Promise.all(batches.map((b) => p.processBatch(b)));
  results.forEach((out, i) => {
    assert.deepEqual(out.map((b) => b.map((m) => m.text())), [[`BATCH ${i} A`, `BATCH ${i} B`]]);
  });
  assert.equal(results[3]![0]![0]!.metadata.get('keep'), 'me');
  const [health] = rt.health();
  assert.equal(health?.state, 'ready');
  assert.deepEqual(health?.instances.map((i) => i.restarts), [0], 'the plugin never crashed');
  const pid = health?.instances[0]?.pid as number;
  await rt.close();
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the plugin process is gone after close');
});
