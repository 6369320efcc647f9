// The host's unary channel (src/wire/channel.ts) against a real grpc-js server on a real Unix socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Message } from '../../src/core/message.js';
import { CallError, ProcessorService, UnaryChannel, type ProcessBatchRequest, type ProcessBatchResponse } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';

type Handler = (call: ServerUnaryCall<ProcessBatchRequest, ProcessBatchResponse>, cb: sendUnaryData<ProcessBatchResponse>) => void;

interface Fixture {
  address: string;
  server: Server;
  /** Calls the server saw cancelled by the client. */
  cancelled: number;
}

async function serve(t: { after(fn: () => unknown): void }, processBatch: Handler): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-channel-test-'));
  const address = `unix:${join(dir, 'plugin.sock')}`;
  const server = new Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const fx: Fixture = { address, server, cancelled: 0 };
  server.addService(ProcessorService, {
    init: (_c: unknown, cb: sendUnaryData<object>) => cb(null, {}),
    close: (_c: unknown, cb: sendUnaryData<object>) => cb(null, {}),
    processBatch: ((call, cb) => {
      call.on('cancelled', () => fx.cancelled++);
      processBatch(call, cb);
    }) as Handler,
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(address, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  t.after(() => {
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  return fx;
}

function channel(t: { after(fn: () => unknown): void }, address: string, maxMessageBytes = 64 << 20): UnaryChannel {
  const ch = new UnaryChannel(address, { maxMessageBytes });
  t.after(() => ch.close());
  return ch;
}

const echo: Handler = (call, cb) => cb(null, { batches: [call.request.batch] });

async function rejectsWith(p: Promise<unknown>, code: status, details?: RegExp): Promise<CallError> {
  const err = await p.then(
    () => assert.fail('the call should have failed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof CallError, `expected a CallError, got ${String(err)}`);
  assert.equal(err.code, code, `expected ${status[code]}, got ${status[err.code]}: ${err.details}`);
  if (details) assert.match(err.details, details);
  return err;
}

test('a call round-trips its messages byte-exact; many calls share one connection, also concurrently', async (t) => {
  const fx = await serve(t, echo);
  const ch = channel(t, fx.address);
  const payloads = [Buffer.alloc(0), Buffer.from([0, 1, 2, 255]), Buffer.alloc(3 << 20, 7)];
  const res = await ch.call(ProcessorService.processBatch, { batch: payloads.map((p) => new Message(p, new Map([['k', 'v']]))) });
  assert.equal(res.batches.length, 1);
  assert.deepEqual(res.batches[0]?.map((m) => Buffer.from(m.bytes())), payloads);
  assert.equal(res.batches[0]?.[0]?.metadata.get('k'), 'v');
  const many = await Promise.all(Array.from({ length: 50 }, (_, i) => ch.call(ProcessorService.processBatch, { batch: [new Message(`m${i}`)] })));
  assert.deepEqual(many.map((r) => r.batches[0]?.[0]?.text()), Array.from({ length: 50 }, (_, i) => `m${i}`));
});

test('a server error arrives with its status and its (percent-encoded, non-ASCII) message', async (t) => {
  const fx = await serve(t, (_call, cb) => cb({ code: status.FAILED_PRECONDITION, details: 'nope: ünïcødé 100% / done' }));
  await rejectsWith(channel(t, fx.address).call(ProcessorService.processBatch, { batch: [] }), status.FAILED_PRECONDITION, /^nope: ünïcødé 100% \/ done$/);
});

test('a method the server does not serve is UNIMPLEMENTED', async (t) => {
  const fx = await serve(t, echo);
  const missing = { ...ProcessorService.processBatch, path: '/redpanda.runtime.v1alpha1.BatchOutputService/Send' };
  await rejectsWith(channel(t, fx.address).call(missing, { batch: [] }), status.UNIMPLEMENTED);
});

test('a deadline fails the call with DEADLINE_EXCEEDED and cancels it on the server', async (t) => {
  const fx = await serve(t, () => {}); // never answers
  const started = performance.now();
  await rejectsWith(channel(t, fx.address).call(ProcessorService.processBatch, { batch: [] }, { timeoutMs: 100 }), status.DEADLINE_EXCEEDED);
  assert.ok(performance.now() - started >= 95);
  await waitFor(() => fx.cancelled === 1, { what: 'the server to see the cancellation' });
});

test('aborting the signal cancels the call; an already aborted signal never sends it', async (t) => {
  const fx = await serve(t, () => {});
  const ch = channel(t, fx.address);
  const ac = new AbortController();
  const p = ch.call(ProcessorService.processBatch, { batch: [] }, { signal: ac.signal });
  setImmediate(() => ac.abort());
  await rejectsWith(p, status.CANCELLED);
  await waitFor(() => fx.cancelled === 1, { what: 'the server to see the cancellation' });
  await rejectsWith(ch.call(ProcessorService.processBatch, { batch: [] }, { signal: AbortSignal.abort() }), status.CANCELLED);
});

test('messages over the limit fail with RESOURCE_EXHAUSTED in either direction, and the channel keeps working', async (t) => {
  const fx = await serve(t, (call, cb) => cb(null, { batches: [[...call.request.batch, new Message(Buffer.alloc(2000))]] }));
  const ch = channel(t, fx.address, 1000);
  await rejectsWith(ch.call(ProcessorService.processBatch, { batch: [new Message(Buffer.alloc(1500))] }), status.RESOURCE_EXHAUSTED, /Sent message larger than max \(\d+ vs\. 1000\)/);
  await rejectsWith(ch.call(ProcessorService.processBatch, { batch: [new Message('small')] }), status.RESOURCE_EXHAUSTED, /Received message larger than max \(\d+ vs\. 1000\)/);
  const ok = channel(t, fx.address);
  const res = await ok.call(ProcessorService.processBatch, { batch: [new Message('x')] });
  assert.equal(res.batches[0]?.length, 2);
});

test('nothing listening is UNAVAILABLE; a server that goes away mid-call is UNAVAILABLE; the channel reconnects', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-channel-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await rejectsWith(channel(t, `unix:${join(dir, 'nobody.sock')}`).call(ProcessorService.processBatch, { batch: [] }), status.UNAVAILABLE, /dropped/);

  let received = 0;
  const fx = await serve(t, () => void received++); // takes the call, never answers
  const ch = channel(t, fx.address);
  const pending = ch.call(ProcessorService.processBatch, { batch: [] });
  await waitFor(() => received === 1, { what: 'the call to reach the server' });
  fx.server.forceShutdown();
  await rejectsWith(pending, status.UNAVAILABLE);

  // A new server on the same address: the same channel connects again.
  const again = new Server();
  again.addService(ProcessorService, { init: () => {}, close: () => {}, processBatch: echo });
  await new Promise<void>((resolve, reject) => again.bindAsync(fx.address, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  t.after(() => again.forceShutdown());
  const res = await ch.call(ProcessorService.processBatch, { batch: [new Message('back')] });
  assert.equal(res.batches[0]?.[0]?.text(), 'back');
});

test('a closed channel fails calls at once with UNAVAILABLE', async (t) => {
  const fx = await serve(t, echo);
  const ch = channel(t, fx.address);
  await ch.call(ProcessorService.processBatch, { batch: [] });
  ch.close();
  ch.close();
  await rejectsWith(ch.call(ProcessorService.processBatch, { batch: [] }), status.UNAVAILABLE, /closed/);
});
