import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { interopHost, lines, rawFunctions } from './helpers.js';

test("an input's BackoffError from Connect is honoured at stream start, not only after a restart", async (t) => {
  const dir = rawFunctions(t, {});
  const inLog = join(dir, 'in.log');
  const outLog = join(dir, 'out.log');
  writeFileSync(join(dir, 'feed.yaml'), `input:\n  raw_in: { connect_backoff_ms: 800, batches: 2, log: ${JSON.stringify(inLog)} }\noutput:\n  raw_out: { log: ${JSON.stringify(outLog)} }\n`);
  await interopHost(t, dir);
  await waitFor(() => lines(outLog).filter((l) => l.startsWith('send')).length === 2, { timeoutMs: 30_000, what: 'both batches delivered' });
  const connects = lines(inLog).filter((l) => l.startsWith('connect')).map((l) => Number(l.split(' ')[1]));
  assert.equal(connects.length, 2, lines(inLog).join('\n'));
  const gapMs = ((connects[1] as number) - (connects[0] as number)) * 1000;
  assert.ok(gapMs >= 750, `the second Connect came ${gapMs.toFixed(0)} ms after the first; the plugin asked for 800 ms`);
  await waitFor(() => lines(inLog).filter((l) => l.startsWith('ack')).length === 2, { what: 'both acks' });
});

test('hotplug run: an idle output that never answers Close (the official SDK bug) stops without the 5 s stall; shutdown_timeout 2s exits 0', async (t) => {
  const dir = rawFunctions(t, {});
  const outLog = join(dir, 'out.log');
  writeFileSync(join(dir, 'sink.yaml'), `shutdown_timeout: 2s\ninput:\n  http_server:\n    path: /sink\noutput:\n  raw_out: { never_close: true, log: ${JSON.stringify(outLog)} }\n`);
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, { timeoutMs: 60_000, what: 'ready' });
  const res = await fetch(`http://127.0.0.1:${port}/sink`, { method: 'POST', body: 'one' });
  assert.equal(res.status, 200);
  assert.deepEqual(lines(outLog).filter((l) => l.startsWith('send')), ['send one']);
  const code = await run.stop('SIGTERM');
  assert.equal(code, 0, run.stderr().slice(-3000));
  assert.doesNotMatch(run.stderr() + run.stdout(), /shutdown_timeout|forc/i);
});
