import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { fixtureManifest, tempDir, testRuntime, until } from './helpers.js';

const signal = new AbortController().signal;

function readLog(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

test('input: Init, Connect, ReadBatch until end of input; acks and nacks reach the plugin with their batch ids', async (t) => {
  const log = join(tempDir(t), 'acks.log');
  const { rt } = testRuntime(t);
  const input = rt.input(fixtureManifest('input', 'ok', '--batches=3', `--log=${log}`), {});
  await input.connect(signal);
  assert.equal(input.autoReplayNacks, false);
  const r1 = await input.readBatch(signal);
  const r2 = await input.readBatch(signal);
  const r3 = await input.readBatch(signal);
  assert.deepEqual([r1, r2, r3].map((r) => r?.batch[0]?.text()), ['msg-1', 'msg-2', 'msg-3']);
  assert.equal(await input.readBatch(signal), null, 'end_of_input ends the input');
  await r2?.ack(new Error('downstream failed'));
  await r1?.ack();
  await r3?.ack();
  const pid = r1?.batch[0]?.metadata.get('pid');
  assert.deepEqual(readLog(log), [`${pid} 2 downstream failed`, `${pid} 1 ok`, `${pid} 3 ok`]);
  await input.close();
});

test('input with auto_replay_nacks: the host re-delivers a nacked batch, the plugin sees only the final ack', async (t) => {
  const log = join(tempDir(t), 'acks.log');
  const { rt } = testRuntime(t);
  const input = rt.input(fixtureManifest('input', 'ok', '--batches=1', '--auto-replay', `--log=${log}`), {});
  await input.connect(signal);
  assert.equal(input.autoReplayNacks, true);
  const first = await input.readBatch(signal);
  await first?.ack(new Error('try again'));
  const again = await input.readBatch(signal);
  assert.equal(again?.batch[0]?.text(), 'msg-1', 'the nacked batch comes back');
  assert.deepEqual(readLog(log), []);
  await again?.ack();
  assert.equal(readLog(log).length, 1);
  assert.match(readLog(log)[0] as string, / 1 ok$/);
  assert.equal(await input.readBatch(signal), null);
});

test('output: Init exposes max_in_flight and the batch policy; Send delivers; a Send error rejects', async (t) => {
  const log = join(tempDir(t), 'sent.log');
  const { rt } = testRuntime(t);
  const out = rt.output(fixtureManifest('output', 'ok', '--max-in-flight=7', `--log=${log}`), {});
  assert.equal(out.maxInFlight, 1, 'before connect');
  await out.connect(signal);
  assert.equal(out.maxInFlight, 7);
  assert.deepEqual(out.batchPolicy, { count: 10, periodMs: 100 });
  await out.writeBatch([new Message('a'), new Message('b')]);
  await assert.rejects(out.writeBatch([new Message('send-error')]), /downstream refused/);
  assert.deepEqual(readLog(log).map((l) => l.split(' ')[1]), ['a', 'b']);
});

test('output: a Send interrupted by SIGKILL is sent again on the restarted process', async (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'sent.log');
  const marker = join(dir, 'killed');
  const { rt } = testRuntime(t);
  const out = rt.output(fixtureManifest('output', 'ok', `--log=${log}`, `--marker=${marker}`), {});
  await out.connect(signal);
  await out.writeBatch([new Message('must arrive')]);
  const killed = readFileSync(marker, 'utf8');
  const lines = readLog(log);
  assert.equal(lines.length, 1);
  assert.notEqual(lines[0]?.split(' ')[0], killed);
  assert.equal(lines[0]?.slice(lines[0].indexOf(' ') + 1), 'must arrive');
  await until('output ready again', () => rt.health()[0]?.state === 'ready');
});
