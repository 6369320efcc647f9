import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServing, tempTree } from './helpers.js';

// Issue 12 item 6: user-written regexes (route parameters, Bloblang re_*) run
// on RE2, so a catastrophic-backtracking pattern costs linear time: with a
// backtracking engine each request below would take ~2^40 steps.
const evil = `${'a'.repeat(40)}c`;

test('a route regex and a Bloblang regex that backtrack catastrophically in JS answer at once (RE2), as on Connect', async (t) => {
  const dir = tempTree(t, {
    'route.yaml': 'input:\n  http_server:\n    path: /r/{id:(a+)+b}\n    allowed_verbs: [GET]\noutput:\n  sync_response: {}\n',
    'blob.yaml': 'input:\n  http_server: { path: /m }\npipeline:\n  processors:\n    - mapping: root = content().string().re_match("^(a+)+b$").string()\noutput:\n  sync_response: {}\n',
  });
  const { base } = await startServing(t, 'run', dir);
  const signal = AbortSignal.timeout(10_000);
  const [miss, hit, blob] = await Promise.all([
    fetch(`${base}/r/${evil}`, { signal }),
    fetch(`${base}/r/aaab`, { signal }),
    fetch(`${base}/m`, { method: 'POST', body: evil, signal }),
  ]);
  assert.equal(miss.status, 404);
  assert.equal(hit.status, 200);
  assert.equal(await blob.text(), 'false');
  assert.equal(await (await fetch(`${base}/ping`, { signal })).text(), 'pong\n');
});
