import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForPing } from '../helpers/cli.js';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { processesMentioning, socketDirsOf } from '../helpers/processes.js';
import { httpStream, manifest, pyPlugin, tsPlugin, writeDevFixture } from './fixture.js';

/** Writes like editors that save via a temp file and rename (vim, JetBrains). */
function saveAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp-save`, text);
  renameSync(`${file}.tmp-save`, file);
}

async function startSink(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}/sink`, bodies };
}

test('hotplug dev reloads plugins and pipelines under load without failing a request or losing a message', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-dev-'));
  const sink = await startSink();
  writeDevFixture(dir, sink.url);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startCli(['dev', dir, '--port', String(port)]);
  t.after(async () => {
    await dev.stop('SIGKILL');
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitForPing(base);
  const url = (p: string): string => `${base}${p}`;
  const load = startLoad({ urls: [url('/ts'), url('/py'), url('/batched')], concurrency: 6, track: [url('/batched')] });
  t.after(() => load.stop().then(() => undefined, () => undefined));
  const seen = (p: string, marker: string, since = 0, what = marker): Promise<number> =>
    waitFor(() => load.firstSeen(url(p), (b) => b.includes(marker), since), { timeoutMs: 60_000, what: `${what} from ${p}` });

  await seen('/ts', 'ts-v1:');
  await seen('/py', 'py-v1:');
  await waitFor(() => load.acked.length > 0 && sink.bodies.some((b) => b.startsWith('ts-v1:')), { timeoutMs: 60_000, what: '/batched delivering to the sink' });

  // Plugin code, TS and Python: the new generation answers.
  saveAtomically(join(dir, 'greet_ts', 'main.ts'), tsPlugin('ts-v2'));
  await seen('/ts', 'ts-v2:');
  await waitFor(() => sink.bodies.some((b) => b.startsWith('ts-v2:')), { timeoutMs: 60_000, what: 'the batched stream using the new plugin generation' });
  writeFileSync(join(dir, 'greet_py', 'main.py'), pyPlugin('py-v2'));
  await seen('/py', 'py-v2:');

  // A broken plugin.yaml: the error is shown, the old generation keeps serving,
  // and a code change made meanwhile is applied once the manifest is fixed.
  const before = dev.stderr().length;
  writeFileSync(join(dir, 'greet_ts', 'plugin.yaml'), 'name: greet_ts\ntype: processor\ncommand: node main.ts\n');
  await waitFor(() => /plugin\.yaml:3:\d+/.test(dev.stderr().slice(before)), { timeoutMs: 30_000, what: 'the manifest error with its line in the dev log' });
  saveAtomically(join(dir, 'greet_ts', 'main.ts'), tsPlugin('ts-v3'));
  const brokenAt = performance.timeOrigin + performance.now();
  await waitFor(() => load.events.some((e) => e.url === url('/ts') && e.t > brokenAt + 300), { what: 'responses while the manifest is broken' });
  assert.equal(load.firstSeen(url('/ts'), (b) => b.includes('ts-v3:')), undefined, 'a broken manifest must keep the old version serving');
  writeFileSync(join(dir, 'greet_ts', 'plugin.yaml'), manifest('greet_ts', ['node', 'main.ts']));
  await seen('/ts', 'ts-v3:');

  // Pipeline edit.
  saveAtomically(join(dir, 'ts.yaml'), httpStream('/ts', '    - greet_ts: {}\n    - mapping: root = content().string() + "|edited"'));
  await seen('/ts', '|edited');

  // A broken pipeline edit keeps the old stream.
  const before2 = dev.stderr().length;
  writeFileSync(join(dir, 'py.yaml'), httpStream('/py', '    - greet_py: {}\n    - mapping: root = this.(('));
  await waitFor(() => /py\.yaml:\d+:\d+/.test(dev.stderr().slice(before2)), { timeoutMs: 30_000, what: 'the pipeline error with its position' });
  const pyOk = load.events.filter((e) => e.url === url('/py')).length;
  await waitFor(() => load.events.filter((e) => e.url === url('/py')).length >= pyOk, { what: '/py still answering' });

  // Add a pipeline, then delete it: its route appears, then answers 404.
  writeFileSync(join(dir, 'extra.yaml'), httpStream('/extra', '    - mapping: root = "extra:" + content().string()'));
  await waitFor(async () => (await (await fetch(url('/extra'), { method: 'POST', body: 'x' })).text()) === 'extra:x', { timeoutMs: 30_000, what: '/extra answering' });
  unlinkSync(join(dir, 'extra.yaml'));
  await waitFor(async () => (await fetch(url('/extra'), { method: 'POST', body: 'x' })).status === 404, { timeoutMs: 30_000, what: '/extra gone (404)' });

  // Rename a pipeline under load: its route moves to the new stream without a gap.
  writeFileSync(join(dir, 'py.yaml'), httpStream('/py', '    - greet_py: {}'));
  await seen('/py', 'py-v2:', performance.timeOrigin + performance.now());
  renameSync(join(dir, 'py.yaml'), join(dir, 'py-renamed.yaml'));
  const renamedAt = performance.timeOrigin + performance.now();
  await waitFor(() => /py-renamed/.test(dev.stderr()), { timeoutMs: 30_000, what: 'the rename reloaded' });
  await waitFor(() => load.events.some((e) => e.url === url('/py') && e.t > renamedAt + 300) || load.errors.length > 0, { what: 'responses after the rename' });
  // ...and the renamed file is the stream from now on.
  saveAtomically(join(dir, 'py-renamed.yaml'), httpStream('/py', '    - greet_py: {}\n    - mapping: root = content().string() + "|renamed"'));
  await seen('/py', '|renamed');

  const summary = await load.stop();
  assert.deepEqual(load.errors, [], 'no request may fail during reloads');
  assert.ok(summary.ok > 100, `expected steady traffic, got ${summary.ok} ok requests`);

  // Every acknowledged message of the batched stream reached the sink.
  const delivered = new Set(sink.bodies.map((b) => b.slice(b.indexOf(':') + 1)));
  const missing = load.acked.filter((b) => !delivered.has(b));
  assert.ok(load.acked.length > 0, 'the batched route acknowledged messages');
  assert.deepEqual(missing, [], 'acknowledged messages missing from the sink');

  // Ctrl-C: a clean exit, no plugin processes and no socket dirs left behind.
  const pid = dev.child.pid!;
  assert.equal(await dev.stop('SIGINT'), 0);
  await waitFor(() => processesMentioning(dir).length === 0, { what: 'plugin processes gone' });
  assert.deepEqual(socketDirsOf(pid), []);
});
