// functions/events/ingest.yaml sends on to the events/sink stream of the same host: it must reach it on
// whatever port the host runs (${HOTPLUG_URL}), not only on the default 4195.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';

test('hotplug run functions/ on a non-default port: POST /events is delivered to its own events/sink stream', { timeout: 120_000 }, async (t) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['EVENTS_URL'];
  delete env['HOTPLUG_URL'];
  const cli = startCli(['run', join(repoRoot, 'functions'), '--port', String(port)], { env });
  t.after(() => cli.stop());
  await waitForPing(base);
  await waitFor(async () => (await fetch(`${base}/ready`)).ok, { timeoutMs: 60_000, what: 'every stream ready' });
  const res = await fetch(`${base}/events`, { method: 'POST', body: 'great product' });
  assert.equal(res.status, 200, await res.text());
  // 200 means http_client delivered it; events/sink logs each batch it received.
  await waitFor(() => /received a batch of 1 events/.test(cli.stdout() + cli.stderr()), { what: 'the sink to log the batch' });
  assert.equal(await cli.stop(), 0);
});
