import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { interopDir, interopHost } from './fidelity-host.js';

type After = { after(fn: () => void | Promise<void>): void };

const RAW = join(interopDir, 'raw_grpcio.py');

/** A functions dir with the contract-only grpcio input and output plugins and the given pipelines. */
export function rawFunctions(t: After, pipelines: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-interop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plugin = (name: string, type: string, fields: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'plugin.yaml'), `name: ${name}\ntype: ${type}\ncommand: ["python3", ${JSON.stringify(RAW)}, "${type}"]\nfields:\n${fields}`);
  };
  plugin('raw_in', 'input', '  - { name: connect_backoff_ms, type: int, default: 0 }\n  - { name: batches, type: int, default: 3 }\n  - { name: size, type: int, default: 1 }\n  - { name: log, type: string, default: "" }\n  - { name: auto_replay, type: bool, default: true }\n');
  plugin('raw_out', 'output', '  - { name: log, type: string, default: "" }\n  - { name: never_close, type: bool, default: false }\n  - { name: max_in_flight, type: int, default: 4 }\n  - { name: batch_count, type: int, default: 0 }\n');
  for (const [name, text] of Object.entries(pipelines)) writeFileSync(join(dir, `${name}.yaml`), text);
  return dir;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

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
