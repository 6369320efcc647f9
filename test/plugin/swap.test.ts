import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { HotplugError, ErrorCode } from '../../src/core/errors.js';
import { alive, fixtureManifest, tempDir, testRuntime, until } from './helpers.js';

const signal = new AbortController().signal;

test('swap routes new calls to the new generation; the old one finishes its in-flight call and closes', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  const [first] = await p.processBatch([new Message('v1')]);
  const oldPid = first?.[0]?.metadata.get('plugin_pid') as number;
  const slow = p.processBatch([new Message('sleep:400'), new Message('old gen')]);
  await until('slow call in flight', () => rt.health()[0]?.instances[0]?.inFlight === 1);
  await p.swap(fixtureManifest('processor', 'ok', '--per-message'));
  assert.equal(rt.health()[0]?.generation, 2);
  const [fresh] = await p.processBatch([new Message('v2')]);
  const newPid = fresh?.[0]?.metadata.get('plugin_pid') as number;
  assert.notEqual(newPid, oldPid);
  const [old] = await slow;
  assert.equal(old?.[1]?.metadata.get('plugin_pid'), oldPid, 'the in-flight call finished on the old process');
  await until('old process closed', () => !alive(oldPid));
  await until('no generation retiring', () => rt.health()[0]?.retiring === 0);
});

test('swap to a version that fails to start keeps the old one serving and reports the stderr tail', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await p.start();
  const pid = rt.health()[0]?.instances[0]?.pid;
  await assert.rejects(p.swap(fixtureManifest('processor', 'crash-on-start')), (err: HotplugError) => {
    assert.equal(err.code, ErrorCode.PluginExited);
    assert.match(err.message, /cannot load model weights/);
    return true;
  });
  await assert.rejects(p.swap(fixtureManifest('processor', 'ok'), { reject: 'nope' }), (err: HotplugError) => err.code === ErrorCode.PluginInit);
  const [out] = await p.processBatch([new Message('still v1')]);
  assert.equal(out?.[0]?.metadata.get('plugin_pid'), pid);
  assert.equal(rt.health()[0]?.generation, 1);
  assert.equal(rt.health().length, 1);
});

test('input swap: acks for batches read before the swap go to the process that issued them', async (t) => {
  const log = join(tempDir(t), 'acks.log');
  const { rt } = testRuntime(t);
  const input = rt.input(fixtureManifest('input', 'ok', '--batches=5', `--log=${log}`), {});
  await input.connect(signal);
  const before = await input.readBatch(signal);
  const oldPid = before?.batch[0]?.metadata.get('pid');
  await input.swap(fixtureManifest('input', 'ok', '--batches=5', `--log=${log}`));
  const after = await input.readBatch(signal);
  const newPid = after?.batch[0]?.metadata.get('pid');
  assert.notEqual(newPid, oldPid);
  assert.ok(alive(oldPid as number), 'old process waits for its outstanding ack');
  await after?.ack();
  await before?.ack();
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(lines.sort(), [`${newPid} 1 ok`, `${oldPid} 1 ok`].sort());
  await until('old input process closed once its ack was in', () => !alive(oldPid as number));
  assert.ok(existsSync(log));
});

test('output swap: sends after the swap reach the new process, which was connected first', async (t) => {
  const log = join(tempDir(t), 'sent.log');
  const { rt } = testRuntime(t);
  const out = rt.output(fixtureManifest('output', 'ok', `--log=${log}`), {});
  await out.connect(signal);
  await out.writeBatch([new Message('before')]);
  await out.swap(fixtureManifest('output', 'ok', '--max-in-flight=9', `--log=${log}`));
  assert.equal(out.maxInFlight, 9, 'the new Init response is in effect');
  await out.writeBatch([new Message('after')]);
  const [before, after] = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
  assert.equal(before?.[1], 'before');
  assert.equal(after?.[1], 'after');
  assert.notEqual(before?.[0], after?.[0]);
  await until('old output process closed', () => !alive(Number(before?.[0])));
});
