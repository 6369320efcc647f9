import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintDir } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';
import { bigPipeline } from '../helpers/big-pipeline.js';
import { startLoad } from '../helpers/load.js';
import { waitFor } from '../helpers/poll.js';
import { echoStream, startServing, tempTree } from './helpers.js';

// Issue 12 item 9: a save of a big pipeline file in `hotplug dev` is read,
// parsed and checked off the serving thread. Requests to another route keep
// being answered meanwhile; checking the file on the serving thread stalled
// every route for as long as checking took (about a second per MiB).
// bench:parse has the precise numbers; this bound is loose on purpose.

const BYTES = 1.9 * 1024 * 1024;

test('dev: saving a ~2 MiB pipeline, valid then broken, does not stall another route', async (t) => {
  const dir = tempTree(t, { 'small.yaml': echoStream('/small'), 'big.yaml': bigPipeline(BYTES, '/big', 0) });
  // What checking the file costs on this machine now: the stall a reload on the serving thread would cause.
  const started = performance.now();
  assert.deepEqual(lintDir(dir, createHost({ port: 0 }).loadOptions()), []);
  const checkMs = performance.now() - started;

  const { cli, base } = await startServing(t, 'dev', dir);
  const log = (): string => cli.stdout() + cli.stderr();
  const count = (text: string): number => log().split(text).length - 1;
  const load = startLoad({ urls: [`${base}/small`], concurrency: 2 });
  t.after(() => load.stop().then(() => undefined));
  await waitFor(() => load.firstSeen(`${base}/small`, () => true), { timeoutMs: 30_000, what: '/small answering' });

  const save = async (version: number, broken: boolean, marker: string): Promise<void> => {
    const before = count(marker);
    writeFileSync(join(dir, 'big.yaml'), bigPipeline(BYTES, '/big', version, broken));
    await waitFor(() => count(marker) > before, { timeoutMs: 120_000, what: `${marker} in the dev log` });
  };
  await save(1, false, 'reloaded ');
  await save(2, true, 'the previous version keeps serving');
  const s = await load.stop();

  assert.match(log(), /big\.yaml:\d+:\d+.*unknown output 'sync_respons'/, 'the broken save is reported at file:line:col');
  assert.equal(s.failed, 0, 'no request failed');
  const bound = Math.max(400, checkMs / 2);
  t.diagnostic(`slowest request ${s.maxMs.toFixed(0)} ms (p99 ${s.p99Ms.toFixed(0)} ms, ${s.ok} requests); checking the file in-thread took ${checkMs.toFixed(0)} ms`);
  assert.ok(s.maxMs < bound, `slowest request ${s.maxMs.toFixed(0)} ms during the saves; checking the file takes ${checkMs.toFixed(0)} ms here, the bound is ${bound.toFixed(0)} ms`);
  assert.equal(await (await fetch(`${base}/big`, { method: 'POST', body: '{}' })).text(), 'v1', 'the valid save is what serves /big');
});
