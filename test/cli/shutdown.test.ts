import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { processesMentioning, socketDirsOf } from '../helpers/processes.js';

/** Whether `pid` is a live process (not gone, not a zombie). */
function isAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

type After = { after(fn: () => void | Promise<void>): void };

const tempDir = (t: After): string => {
  const d = mkdtempSync(join(tmpdir(), 'hotplug-shutdown-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

/** A target on 127.0.0.1 that records each request body and answers it with `answer` (or never, when it returns false). */
async function target(t: After, answer: (res: ServerResponse, body: string) => boolean) {
  const bodies: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      answer(res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in` };
}

test('hotplug run: SIGTERM with a request stuck in a hung http_client answers it 503 after shutdown_timeout and exits 1, leaving nothing behind', async (t) => {
  const hung = await target(t, () => false);
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'forward.yaml'),
    `shutdown_timeout: 1s\ninput:\n  http_server:\n    path: /forward\n    timeout: 60s\noutput:\n  http_client:\n    url: ${hung.url}\n    timeout: 60s\n    retries: 0\n`,
  );
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  const answer = fetch(`http://127.0.0.1:${port}/forward`, { method: 'POST', body: 'stuck' });
  await waitFor(() => hung.bodies.length === 1, { what: 'the target received the request' });
  const startedAt = Date.now();
  const code = await run.stop('SIGTERM', 30_000);
  const tookMs = Date.now() - startedAt;
  const res = await answer;
  assert.equal(res.status, 503);
  assert.match(await res.text(), /shutting down: shutdown_timeout \(1s\) passed before this was delivered; it was nacked/);
  assert.equal(code, 1, `exit code 1 after a timed-out shutdown, as Redpanda Connect\n${run.stderr()}`);
  assert.ok(tookMs < 10_000, `exited ${tookMs} ms after SIGTERM`);
  assert.match(run.stderr(), /"level":40,.*"nacked":1,.*"msg":"shutdown_timeout \(1s\) passed: nacked 1 pending batch\(es\) and force-closed the stream"/);
  assert.doesNotMatch(run.stderr(), /closing output failed|still closing/, 'http_client closed at once (it aborts its request)');
  assert.deepEqual(processesMentioning(dir), [], 'no process left');
  assert.deepEqual(socketDirsOf(run.child.pid!), [], 'no socket dir left');
});

test('hotplug run: a plugin output whose Send never returns cannot hold the exit; no plugin process or socket dir is left', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'blackhole'));
  writeFileSync(join(dir, 'blackhole', 'plugin.yaml'), 'name: blackhole\ntype: output\ncommand: ["node", "main.ts"]\n');
  writeFileSync(
    join(dir, 'blackhole', 'main.ts'),
    "import { output } from 'hotplug/sdk';\noutput(async (batch) => {\n  console.error(`swallowing ${batch[0]?.text()}`);\n  await new Promise(() => {});\n});\n",
  );
  writeFileSync(join(dir, 'sink.yaml'), 'shutdown_timeout: 1s\ninput:\n  http_server:\n    path: /sink\n    timeout: 60s\noutput:\n  blackhole: {}\n');
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`, 90_000);
  const answer = fetch(`http://127.0.0.1:${port}/sink`, { method: 'POST', body: 'gone' });
  await waitFor(() => /swallowing gone/.test(run.stderr()), { timeoutMs: 60_000, what: 'the plugin received the batch' });
  // The host re-logs the plugin's stderr with the plugin's pid.
  const pluginPid = Number(/"pid":(\d+)[^\n]*swallowing gone/.exec(run.stderr())?.[1]);
  assert.ok(pluginPid > 0 && isAlive(pluginPid), `the plugin runs as its own process\n${run.stderr()}`);
  const startedAt = Date.now();
  const code = await run.stop('SIGTERM', 30_000);
  const tookMs = Date.now() - startedAt;
  assert.equal((await answer).status, 503);
  assert.equal(code, 1, run.stderr());
  assert.ok(tookMs < 10_000, `exited ${tookMs} ms after SIGTERM`);
  await waitFor(() => !isAlive(pluginPid), { timeoutMs: 5_000, what: `plugin process ${pluginPid} gone` });
  assert.deepEqual(socketDirsOf(run.child.pid!), [], 'no socket dir left');
});

test('hotplug run: a clean drain delivers everything and exits 0 well before shutdown_timeout', async (t) => {
  const ok = await target(t, (res) => (res.writeHead(200).end(), true));
  const dir = tempDir(t);
  // A batch that only a shutdown flushes: SIGTERM must deliver it, then the requests are answered 200.
  writeFileSync(
    join(dir, 'batched.yaml'),
    `shutdown_timeout: 30s\ninput:\n  http_server:\n    path: /batched\n    timeout: 60s\noutput:\n  http_client:\n    url: ${ok.url}\n    batching:\n      count: 100\n      period: 1h\n`,
  );
  const port = await freePort();
  const run = startCli(['run', dir, '--port', String(port)]);
  t.after(() => run.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  const answers = ['a', 'b', 'c'].map((body) => fetch(`http://127.0.0.1:${port}/batched`, { method: 'POST', body }));
  await waitFor(async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/hotplug_input_received_total\{[^}]*stream="batched"[^}]*\} 3/), { what: 'three requests read' });
  assert.equal(ok.bodies.length, 0, 'held by the batch policy');
  const startedAt = Date.now();
  assert.equal(await run.stop('SIGTERM', 60_000), 0, run.stderr());
  assert.ok(Date.now() - startedAt < 10_000, 'a clean drain does not wait for the timeout');
  assert.deepEqual((await Promise.all(answers)).map((r) => r.status), [200, 200, 200]);
  assert.deepEqual([...ok.bodies].sort(), ['a', 'b', 'c'], 'the flushed batch, one request per message');
  assert.doesNotMatch(run.stderr(), /shutdown_timeout \(/);
});

test('hotplug dev: a reload replaces a stream stuck on a hung output within --shutdown-timeout (overriding the file), then Ctrl-C exits 0', async (t) => {
  const hung = await target(t, () => false);
  const dir = tempDir(t);
  const file = join(dir, 'edit.yaml');
  writeFileSync(file, `shutdown_timeout: 60s\ninput:\n  http_server:\n    path: /edit\n    timeout: 60s\noutput:\n  http_client:\n    url: ${hung.url}\n    timeout: 60s\n    retries: 0\n`);
  const port = await freePort();
  const dev = startCli(['dev', dir, '--port', String(port), '--shutdown-timeout', '500ms']);
  t.after(() => dev.stop('SIGKILL').then(() => undefined));
  await waitForPing(`http://127.0.0.1:${port}`);
  const stuck = fetch(`http://127.0.0.1:${port}/edit`, { method: 'POST', body: 'stuck' });
  await waitFor(() => hung.bodies.length === 1, { what: 'the target received the request' });
  writeFileSync(file, 'input:\n  http_server:\n    path: /edit\noutput:\n  sync_response: {}\n');
  // The old generation's 60s from the file would hold the reload far past this poll's deadline.
  await waitFor(async () => (await (await fetch(`http://127.0.0.1:${port}/edit`, { method: 'POST', body: 'new' })).text()) === 'new', { timeoutMs: 10_000, what: 'the edited pipeline serving' });
  const res = await stuck;
  assert.equal(res.status, 503);
  assert.match(await res.text(), /shutdown_timeout \(500ms\) passed/);
  assert.equal(await dev.stop('SIGINT', 30_000), 0, dev.stderr());
});

test('hotplug lint reports a bad shutdown_timeout with file:line:col and a hint; run --shutdown-timeout checks its value', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'slow.yaml'), 'input:\n  http_server:\n    path: /slow\noutput:\n  drop: {}\nshutdown_timeout: 20 seconds\n');
  const lint = await runCli(['lint', dir]);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /slow\.yaml:6:19: '20 seconds' is not a duration \(at shutdown_timeout\)\n {2}hint: expected a duration like 5s or 100ms/);
  const flag = await runCli(['run', dir, '--port', '0', '--shutdown-timeout', 'soon']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--shutdown-timeout must be a duration, not 'soon'\n {2}hint: write it like 20s/);
});
