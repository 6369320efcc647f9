import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { HotplugError, ErrorCode } from '../../src/core/errors.js';
import { alive, fixtureManifest, tempDir, testRuntime, until } from './helpers.js';

function pidOf(rt: ReturnType<typeof testRuntime>['rt']): number {
  const pid = rt.health()[0]?.instances[0]?.pid;
  assert.ok(pid, 'plugin has a pid');
  return pid;
}

test('a plugin that exits at start fails at once with its exit code and stderr tail', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'crash-on-start'), {});
  const started = Date.now();
  await assert.rejects(p.start(), (err: HotplugError) => {
    assert.equal(err.code, ErrorCode.PluginExited);
    assert.match(err.message, /exited with code 3/);
    assert.match(err.message, /fatal: cannot load model weights/);
    return true;
  });
  assert.ok(Date.now() - started < 5000, 'fails fast, not at the start timeout');
  assert.equal(rt.health()[0]?.state, 'failed');
});

test('a plugin that never listens fails with a clear timeout naming the socket and stderr', async (t) => {
  const { rt } = testRuntime(t, { startTimeoutMs: 1500 });
  const p = rt.processor(fixtureManifest('processor', 'never-listen'), {});
  await assert.rejects(p.start(), (err: HotplugError) => {
    assert.equal(err.code, ErrorCode.PluginStartTimeout);
    assert.match(err.message, /did not answer Init within 1500 ms/);
    assert.match(err.message, /never listened on .*plugin\.sock/);
    assert.match(err.message, /starting, but never listening/);
    return true;
  });
});

test('a plugin that listens but never answers Init times out too, and is killed', async (t) => {
  const { rt } = testRuntime(t, { startTimeoutMs: 1000 });
  const p = rt.processor(fixtureManifest('processor', 'hang'), {});
  await assert.rejects(p.start(), (err: HotplugError) => err.code === ErrorCode.PluginStartTimeout && /socket exists but Init got no answer/.test(err.message));
});

test('a missing command fails with a hint about the manifest', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor({ ...fixtureManifest('processor', 'ok'), command: ['/nonexistent/plugin-binary'] }, {});
  await assert.rejects(p.start(), (err: HotplugError) => err.code === ErrorCode.PluginExited && /could not be started/.test(err.message) && /check the command/.test(err.hint ?? ''));
});

test('close leaves no process and no socket dir, even when the plugin ignores Close and SIGTERM', async (t) => {
  const dir = tempDir(t);
  const childPidFile = join(dir, 'child.pid');
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'slow-close', `--spawn-child=${childPidFile}`), {});
  await p.start();
  const pid = pidOf(rt);
  const socketDir = rt.health()[0]?.instances[0]?.socketDir as string;
  assert.ok(existsSync(socketDir));
  assert.equal(statSync(socketDir).mode & 0o777, 0o700, 'socket dir is private');
  const grandchild = Number(readFileSync(childPidFile, 'utf8'));
  assert.ok(alive(grandchild));
  const closing = p.close();
  assert.equal(p.close(), closing, 'close() returns the first call\'s promise');
  await closing;
  assert.ok(!alive(pid), 'plugin gone');
  await until('grandchild killed with the group', () => !alive(grandchild));
  assert.ok(!existsSync(socketDir), 'socket dir removed');
});

test('SIGKILL of a plugin mid-batch: the batch is retried on the restarted process', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'killed-once');
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok', `--marker=${marker}`), {});
  const [out] = await p.processBatch([new Message('precious'), new Message(Uint8Array.from([1, 2, 3]))]);
  const killedPid = Number(readFileSync(marker, 'utf8'));
  assert.deepEqual(out?.map((m) => m.text()), ['precious', '\u0001\u0002\u0003']);
  const servedBy = out?.[0]?.metadata.get('plugin_pid');
  assert.notEqual(servedBy, killedPid, 'served by a new process');
  const h = rt.health()[0]?.instances[0];
  assert.equal(h?.state, 'ready');
  assert.equal(h?.restarts, 1);
  assert.equal(h?.pid, servedBy);
  assert.match(h?.lastError ?? '', /killed by SIGKILL/);
});

test('an external SIGKILL (like the OOM killer) is seen and the plugin restarts', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await p.start();
  const first = pidOf(rt);
  const firstDir = rt.health()[0]?.instances[0]?.socketDir as string;
  const inFlight = p.processBatch([new Message('sleep:300'), new Message('after kill')]);
  await until('call in flight', () => rt.health()[0]?.instances[0]?.inFlight === 1);
  process.kill(first, 'SIGKILL');
  const [out] = await inFlight;
  assert.deepEqual(out?.map((m) => m.text()), ['sleep:300', 'after kill']);
  assert.notEqual(pidOf(rt), first);
  assert.ok(!existsSync(firstDir), 'the dead process\'s socket dir is removed');
});

test('a message that crashes every fresh process fails by itself; the plugin restarts and keeps serving', async (t) => {
  const { rt } = testRuntime(t, { restart: { baseMs: 5, maxMs: 20 } });
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  const [out] = await p.processBatch([new Message('fine'), new Message('crash'), new Message('also fine')]);
  assert.deepEqual(out?.map((m) => [m.text(), m.error ?? null]), [
    ['fine', null],
    ['crash', 'the plugin crashed while processing this message: fx-processor-ok was killed by SIGKILL (out of memory, or killed by someone)'],
    ['also fine', null],
  ]);
  assert.equal(out?.[1]?.failure?.status, 500);
  assert.equal(out?.[1]?.failure?.code, ErrorCode.PluginPoison);
  const h = rt.health()[0];
  assert.ok((h?.instances[0]?.restarts ?? 0) >= 2, 'the first crash, then the crash alone on a fresh process');
  const [next] = await p.processBatch([new Message('fine')]);
  assert.equal(next?.[0]?.text(), 'fine');
  assert.equal(rt.health()[0]?.state, 'ready', 'never given up on');
  assert.deepEqual(readdirSync(tmpdir()).filter((d) => d.startsWith(`hotplug-plugin-${process.pid}-`)).length, 1, 'one socket dir: the live process');
});

test('a call past its deadline fails with PluginDeadline, the hung process is killed and replaced', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor({ ...fixtureManifest('processor', 'ok'), deadlineMs: 500 }, {});
  await p.start();
  const first = pidOf(rt);
  const started = performance.now();
  const [out] = await p.processBatch([new Message('busy')]);
  assert.equal(out?.[0]?.failure?.status, 504);
  assert.match(out?.[0]?.error ?? '', /did not answer within its deadline \(500 ms\)/);
  assert.ok(performance.now() - started < 5_000, 'failed near its deadline, not never');
  await until('the hung process killed', () => !alive(first));
  await until('replaced', () => rt.health()[0]?.state === 'ready');
  const [next] = await p.processBatch([new Message('fine')]);
  assert.equal(next?.[0]?.text(), 'fine');
  assert.notEqual(pidOf(rt), first, 'served by a new process');
  assert.equal(rt.health()[0]?.instances[0]?.deadlineMisses, 1);
});

test('a plugin that failed to start is started again in the background, with backoff, and recovers', async (t) => {
  const dir = tempDir(t);
  const gate = join(dir, 'ready');
  const { rt } = testRuntime(t, { restart: { baseMs: 50, maxMs: 200 } });
  const p = rt.processor(fixtureManifest('processor', 'ok'), { reject_until: gate });
  await assert.rejects(p.start(), (err: HotplugError) => err.code === ErrorCode.PluginInit && /not yet/.test(err.message));
  assert.equal(rt.health()[0]?.state, 'failed');
  assert.match(rt.health()[0]?.instances[0]?.lastError ?? '', /not yet/);
  await assert.rejects(p.processBatch([new Message('x')]), (err: HotplugError) => err.code === ErrorCode.PluginInit, 'fails fast (503) meanwhile');
  writeFileSync(gate, '');
  await until('restarted by itself', () => rt.health()[0]?.state === 'ready');
  const [out] = await p.processBatch([new Message('fine')]);
  assert.equal(out?.[0]?.text(), 'fine');
});

test('an Init error is retried with backoff (as Connect retries a constructor) before the start fails', async (t) => {
  const dir = tempDir(t);
  const gate = join(dir, 'ready');
  const { rt, lines } = testRuntime(t, { initRetryMs: 30_000 });
  const p = rt.processor(fixtureManifest('processor', 'ok'), { reject_until: gate });
  const starting = p.start();
  await until('an Init error logged and shown in health', () => /not yet/.test(rt.health()[0]?.instances[0]?.lastError ?? ''));
  assert.equal(rt.health()[0]?.state, 'starting');
  writeFileSync(gate, '');
  await starting;
  assert.equal(rt.health()[0]?.state, 'ready');
  assert.ok(lines().some((l) => l['msg'] === 'plugin Init failed; retrying'));
});

test('stdout/stderr are drained and re-logged: JSON stays structured, a 10 MiB line is cut, nothing blocks', async (t) => {
  const { rt, lines } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'noisy'), {});
  const [out] = await p.processBatch([new Message('still serving')]);
  assert.equal(out?.[0]?.text(), 'still serving');
  const logged = await until('plugin lines re-logged', () => {
    const ls = lines().filter((l) => l['plugin'] === 'fx-processor-noisy');
    return ls.some((l) => l['msg'] === 'after the long line') ? ls : undefined;
  });
  assert.ok(logged);
  const structured = logged.find((l) => l['msg'] === 'structured hello');
  assert.equal(structured?.['answer'], 42);
  assert.equal(structured?.['level'], 40, 'the plugin\'s level is kept');
  const long = logged.find((l) => typeof l['truncatedBytes'] === 'number');
  assert.ok(long, 'the long line is logged, cut');
  assert.equal((long['msg'] as string).length + (long['truncatedBytes'] as number), 10 * 1024 * 1024);
});

test('closing while Init errors are being retried ends the start at once (a shutdown is not held up by it)', async (t) => {
  const dir = tempDir(t);
  const { rt } = testRuntime(t, { initRetryMs: 60_000 });
  const p = rt.processor(fixtureManifest('processor', 'ok'), { reject_until: join(dir, 'never') });
  const starting = p.start().then(() => 'started', () => 'failed');
  await until('an Init error is being retried', () => /not yet/.test(rt.health()[0]?.instances[0]?.lastError ?? ''));
  const t0 = performance.now();
  await p.close();
  // Not a speed target: it tells "cut short" from "waited out the 60 s of retries".
  assert.ok(performance.now() - t0 < 10_000, 'close did not wait for the Init retries');
  assert.equal(await starting, 'failed');
});

test('a processor that fails to start is not respawned for every batch', async (t) => {
  // The next start waits its backoff (60 s here): the calls meanwhile fail fast with the start error.
  const { rt, lines } = testRuntime(t, { restart: { baseMs: 60_000, maxMs: 60_000 } });
  const p = rt.processor(fixtureManifest('processor', 'crash-on-start'), {});
  for (let i = 0; i < 3; i++) {
    await assert.rejects(p.processBatch([new Message('x')]), (err: HotplugError) => err.code === ErrorCode.PluginExited);
  }
  const spawns = lines().filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('fatal: cannot load model')).length;
  assert.equal(spawns, 1);
});

test('a manifest whose type does not match the plugin says so', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor({ ...fixtureManifest('output', 'ok'), type: 'processor' }, {});
  await assert.rejects(p.start(), (err: HotplugError) => err.code === ErrorCode.PluginInit && /does not implement redpanda\.runtime\.v1alpha1\.BatchProcessorService/.test(err.message));
});

test('forceClose (a shutdown past its deadline) skips the drain and the Close RPC: the hung call fails at once, nothing is left', async (t) => {
  const { rt } = testRuntime(t, { drainTimeoutMs: 60_000, closeTimeoutMs: 60_000 });
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await p.start();
  const pid = pidOf(rt);
  const socketDir = rt.health()[0]?.instances[0]?.socketDir as string;
  const hung = p.processBatch([new Message('sleep:120000')]);
  const failed = hung.then(() => 'answered', (err: HotplugError) => err.code);
  await until('the call is in flight', () => rt.health()[0]?.instances[0]?.inFlight === 1);
  // close() would wait up to the 60 s drain here; forceClose must not.
  const started = performance.now();
  const closing = p.forceClose();
  assert.equal(p.close(), closing, 'close() after forceClose() returns the same promise');
  await closing;
  // Not a speed target: the bound only tells "skipped the 60 s drain and Close deadline" from "waited for them".
  assert.ok(performance.now() - started < 20_000, 'forceClose did not wait for the drain or the Close RPC');
  assert.equal(await failed, ErrorCode.ShuttingDown, 'the call in flight failed (its batch is nacked), it was not retried');
  assert.ok(!alive(pid), 'plugin gone');
  assert.ok(!existsSync(socketDir), 'socket dir removed');
});
