import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Message, type Batch } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';
import { HotplugError, ErrorCode } from '../../src/core/errors.js';
import { fixtureManifest, fixtures, manifest, testRuntime } from './helpers.js';

const EVERY_KIND: Record<string, Value> = {
  null: null, string: 'héllo 🎉', empty: '', int: -42, big: 2n ** 60n + 7n, double: 2.5, bool: true,
  time: new Date(1_700_000_000_123), bytes: Uint8Array.from([0, 255, 10, 13]),
  struct: { a: { b: [1, 'two', null, false] } }, list: [[], {}, 1.25],
};

/** Plain comparable form of a value (kinds kept apart). */
function norm(v: Value | undefined): unknown {
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof Date) return { date: v.getTime() };
  if (typeof v === 'bigint') return { bigint: String(v) };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

function binary(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919) & 0xff;
  return b;
}

const PYTHON_ECHO = manifest('py-echo', 'processor', ['python3', join(fixtures, 'echo.py')]);

for (const [label, m] of [['node fixture', fixtureManifest('processor', 'ok')], ['python echo', PYTHON_ECHO]] as const) {
  test(`${label}: every Value kind and metadata round-trip through the subprocess`, async (t) => {
    const { rt } = testRuntime(t);
    const p = rt.processor(m, {});
    const input = [Message.structured(EVERY_KIND, new Map(Object.entries(EVERY_KIND)))];
    const [out] = await p.processBatch(input);
    const msg = out?.[0];
    assert.ok(msg);
    assert.deepEqual(norm(msg.structured()), norm(EVERY_KIND));
    for (const [k, v] of Object.entries(EVERY_KIND)) assert.deepEqual(norm(msg.metadata.get(k)), norm(v), `metadata ${k}`);
  });

  test(`${label}: payloads are byte-exact (binary, empty, 10 MiB)`, async (t) => {
    const { rt } = testRuntime(t);
    const p = rt.processor(m, {});
    const payloads = [binary(4096), new Uint8Array(0), binary(10 * 1024 * 1024)];
    const [out] = await p.processBatch(payloads.map((b) => new Message(b)));
    assert.equal(out?.length, 3);
    payloads.forEach((b, i) => assert.ok(Buffer.from(b).equals(out?.[i]?.bytes() as Uint8Array), `payload ${i}`));
  });
}

test('per-message errors come back on the message; a batch error rejects the batch', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  const [out] = await p.processBatch([new Message('fine'), new Message('error:bad input'), new Message('drop')]);
  assert.deepEqual(out?.map((m) => [m.text(), m.error]), [['fine', undefined], ['error:bad input', 'bad input']]);
  await assert.rejects(p.processBatch([new Message('x'), new Message('batch-error')]), /the whole batch failed/);
  // The plugin is still fine afterwards.
  const [again] = await p.processBatch([new Message('still here')]);
  assert.equal(again?.[0]?.text(), 'still here');
});

test('a plugin that rejects its config fails with PluginInit', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), { reject: 'no model named x' });
  await assert.rejects(p.start(), (err: HotplugError) => err.code === ErrorCode.PluginInit && /no model named x/.test(err.message));
  assert.equal(rt.health()[0]?.state, 'failed');
});

function origin(): { addResponse(m: Message): void } {
  return { addResponse: () => {} };
}

test('per-message plugins: concurrent calls are coalesced and each caller gets its own outputs', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok', '--per-message'), {});
  await p.start();
  const callers = Array.from({ length: 40 }, (_, i) => {
    const o = origin();
    const batch: Batch = [new Message(`sleep:5`), new Message(`c${i}-a`), new Message(i % 3 === 0 ? 'drop' : i % 3 === 1 ? 'dup' : `c${i}-b`)];
    for (const m of batch) m.origin = o;
    return { o, batch, i };
  });
  const results = await Promise.all(callers.map((c) => p.processBatch(c.batch)));
  const calls = new Set<Value | undefined>();
  results.forEach((res, i) => {
    const c = callers[i]!;
    assert.equal(res.length, 1);
    const texts = res[0]!.map((m) => m.text());
    const expected = ['sleep:5', `c${i}-a`, ...(i % 3 === 0 ? [] : i % 3 === 1 ? ['dup', 'dup'] : [`c${i}-b`])];
    assert.deepEqual(texts, expected, `caller ${i}`);
    for (const m of res[0]!) {
      assert.equal(m.origin, c.o, 'origin copied from the input message');
      if (m.metadata.has('call')) calls.add(m.metadata.get('call'));
    }
  });
  assert.ok(calls.size < callers.length, `expected fewer ProcessBatch calls than callers, got ${calls.size} for ${callers.length}`);
});

test('plugins without the per-message flag never get batches merged', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await p.start();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => p.processBatch([new Message(`sleep:5`), new Message(`m${i}`)])));
  const calls = results.map((r) => r[0]!.map((m) => m.metadata.get('call')));
  for (const c of calls) assert.equal(new Set(c).size, 1, 'one call per batch');
  assert.equal(new Set(calls.map((c) => c[0])).size, 20, 'twenty distinct calls');
  results.forEach((r, i) => assert.deepEqual(r[0]!.map((m) => m.text()), ['sleep:5', `m${i}`]));
});

test('instances: N spreads calls over N processes', async (t) => {
  const { rt } = testRuntime(t);
  const p = rt.processor({ ...fixtureManifest('processor', 'ok'), instances: 3 }, {});
  await p.start();
  const results = await Promise.all(Array.from({ length: 9 }, () => p.processBatch([new Message('sleep:50')])));
  const pids = new Set(results.map((r) => r[0]![0]!.metadata.get('plugin_pid')));
  assert.equal(pids.size, 3);
  assert.equal(rt.health()[0]?.instances.length, 3);
});

test('an oversized batch fails with MessageTooLarge and the host keeps serving', async (t) => {
  const { rt } = testRuntime(t, { maxMessageBytes: 1024 * 1024 });
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await assert.rejects(p.processBatch([new Message(binary(2 * 1024 * 1024))]), (err: HotplugError) => {
    assert.equal(err.code, ErrorCode.MessageTooLarge);
    assert.match(err.message, /too large/);
    return true;
  });
  const [out] = await p.processBatch([new Message('small')]);
  assert.equal(out?.[0]?.text(), 'small');
  assert.equal(rt.health()[0]?.instances[0]?.restarts, 0);
});

test('the plugin gets a minimal environment plus the manifest env', async (t) => {
  process.env['HOTPLUG_TEST_SECRET'] = 'do-not-leak';
  t.after(() => delete process.env['HOTPLUG_TEST_SECRET']);
  const { rt } = testRuntime(t);
  const p = rt.processor({ ...fixtureManifest('processor', 'ok'), env: { GREETING: 'hi' } }, {});
  const [out] = await p.processBatch(['env:HOTPLUG_TEST_SECRET', 'env:GREETING', 'env:PATH', 'env:REDPANDA_CONNECT_PLUGIN_ADDRESS'].map((s) => new Message(s)));
  const [secret, greeting, path, address] = out!.map((m) => m.text());
  assert.equal(secret, '<unset>');
  assert.equal(greeting, 'hi');
  assert.equal(path, process.env['PATH']);
  assert.match(address!, /^unix:\/.*hotplug-plugin-\d+-.*\/plugin\.sock$/);
});
