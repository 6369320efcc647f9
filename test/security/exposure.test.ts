import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { startServing, tempTree } from './helpers.js';

// Issue 12 items 4 and 10 (/ready): what callers of a production server see
// holds no credentials and no internals.

test('a failed http_client delivery answers 502 without the URL userinfo or query values, and the log holds none either', async (t) => {
  const closed = await freePort();
  const url = `http://alice:hunter2pw@127.0.0.1:${closed}/in?api_key=SECRETKEY123&region=eu`;
  const dir = tempTree(t, { 'fwd.yaml': `input:\n  http_server: { path: /fwd }\noutput:\n  http_client:\n    url: "${url}"\n    retries: 0\n` });
  const { cli, base } = await startServing(t, 'run', dir, ['--log-requests']);
  const res = await fetch(`${base}/fwd`, { method: 'POST', body: 'x' });
  const text = await res.text();
  assert.equal(res.status, 502, text);
  assert.match(text, new RegExp(`http://127\\.0\\.0\\.1:${closed}/in\\?api_key=\\.\\.\\.&region=\\.\\.\\.`));
  await waitFor(() => /api_key=\.\.\./.test(cli.stderr()), { what: 'the failure in the log' });
  for (const secret of ['hunter2pw', 'alice', 'SECRETKEY123', 'region=eu']) {
    assert.ok(!text.includes(secret), `HTTP body holds ${secret}: ${text}`);
    assert.ok(!cli.stderr().includes(secret) && !cli.stdout().includes(secret), `log holds ${secret}`);
  }
});

test('/ready in run shows plugin states and reasons without stderr tails, socket paths or pids; --ready-details shows them', async (t) => {
  const files = {
    'crash/plugin.yaml': 'name: crash\ntype: processor\ncommand: ["node", "main.js"]\n',
    'crash/main.js': "process.stderr.write('INTERNAL-DETAIL from ' + process.pid + '\\n'); process.exit(3);\n",
    'uses.yaml': 'input:\n  http_server: { path: /c }\npipeline:\n  processors:\n    - crash: {}\noutput:\n  sync_response: {}\n',
  };
  for (const details of [false, true]) {
    const dir = tempTree(t, files);
    const { base } = await startServing(t, 'run', dir, details ? ['--ready-details'] : []);
    const body = await waitFor(async () => {
      const b = (await (await fetch(`${base}/ready`)).json()) as { plugins?: Array<{ state: string; error?: string }> };
      return b.plugins?.some((p) => p.error !== undefined) ? b : undefined;
    }, { timeoutMs: 30_000, what: 'a plugin error in /ready' });
    const text = JSON.stringify(body);
    assert.match(text, /plugin crash exited with code 3/);
    if (details) assert.match(text, /INTERNAL-DETAIL/);
    else {
      assert.doesNotMatch(text, /INTERNAL-DETAIL|stderr|hotplug-plugin-|pid \d/, text);
    }
  }
});
