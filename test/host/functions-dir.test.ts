import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createHost } from '../../src/host/index.js';
import { log, until } from '../pipeline/helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** A temp functions dir: the repo's uppercase and sentiment plugins plus this test's pipelines. */
async function functionsDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-host-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(repo, 'functions/uppercase'), join(dir, 'uppercase'), { recursive: true });
  await cp(join(repo, 'functions/sentiment'), join(dir, 'sentiment'), { recursive: true });
  await cp(join(repo, 'test/fixtures/streams/functions'), dir, { recursive: true });
  return dir;
}

test('a functions dir: real plugin processes behind HTTP routes, env interpolation, per-request answers out of a shared batch', async (t) => {
  const dir = await functionsDir(t);
  const host = createHost({ dir, port: 0, log, env: (name) => ({ UP_PATH: '/uppercase' })[name] });
  t.after(() => host.stop());
  await host.start();

  const broken = host.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(broken.length, 1, JSON.stringify(host.diagnostics));
  assert.match(broken[0]?.location?.file ?? '', /broken\.yaml$/);
  assert.equal(broken[0]?.location?.line, 4);

  // Plugins start with the host; under load that can take seconds, longer than a request's timeout.
  await until(() => host.pluginHealth().length === 3 && host.pluginHealth().every((p) => p.state === 'ready'), 'plugins ready', 60_000);
  const up = await fetch(host.url('/uppercase'), { method: 'POST', body: 'hello plugin' });
  assert.equal(up.status, 200);
  assert.equal(await up.text(), 'HELLO PLUGIN');

  const senti = await fetch(host.url('/sentiment'), { method: 'POST', body: 'this is really good' });
  assert.equal(senti.status, 200);
  assert.equal(((await senti.json()) as { label: string }).label, 'positive');

  const words = ['one', 'two', 'three', 'four'];
  const answers = await Promise.all(words.map((w) => fetch(host.url('/batched'), { method: 'POST', body: w }).then((r) => r.text())));
  assert.deepEqual(answers, words.map((w) => w.toUpperCase()));
  const metrics = await (await fetch(host.url('/metrics'))).text();
  assert.match(metrics, /hotplug_output_batches_total\{stream="batched",component="output.broker",trigger="count"\} 1/);
  assert.match(metrics, /hotplug_plugin_restarts_total\{plugin="uppercase"\} 0/);

  const ready = await fetch(host.url('/ready'));
  assert.equal(ready.status, 503, 'the broken stream is reported');
  const body = (await ready.json()) as { notReady: Record<string, { error?: string }>; plugins?: unknown };
  assert.deepEqual(Object.keys(body.notReady), ['broken']);
  assert.equal(body.plugins, undefined, 'every plugin is ready');
});
