import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary, fromBinary } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Message } from '../../src/core/message.js';
import { Double, type Value } from '../../src/core/value.js';
import { BackoffError, NotConnectedError } from '../../src/core/input.js';
import { codecs, errorFromWire, errorToWire, EndOfInputError, ProcessorService, InputService, OutputService } from '../../src/wire/index.js';
import * as pb from '../../src/gen/redpanda/runtime/v1alpha1/message_pb.js';
import * as ppb from '../../src/gen/redpanda/runtime/v1alpha1/processor_pb.js';
import * as ipb from '../../src/gen/redpanda/runtime/v1alpha1/input_pb.js';
import * as opb from '../../src/gen/redpanda/runtime/v1alpha1/output_pb.js';
import { EVERY_KIND, batchToProto, messageFromProto, norm, normMessage, randomBatch, rng, valueToProto } from './proto-model.js';


function roundTrip(batch: Message[]): Message[] {
  return codecs.processBatchRequest.decode(codecs.processBatchRequest.encode({ batch })).batch;
}

test('every Value kind round-trips as metadata and as a structured payload', () => {
  for (const [name, v] of Object.entries(EVERY_KIND)) {
    const m = Message.structured(v, new Map([[name, v]]));
    const [back] = roundTrip([m]);
    assert.ok(back);
    assert.deepEqual(norm(back.structured()), norm(v), `payload ${name}`);
    assert.deepEqual(norm(back.metadata.get(name)), norm(v), `metadata ${name}`);
  }
  const [nan] = roundTrip([Message.structured(NaN)]);
  assert.ok(Number.isNaN(nan?.structured()));
});

test('int64 beyond 2^53 decodes as bigint, safe integers as number', () => {
  const [m] = roundTrip([Message.structured([2n ** 53n + 1n, 2 ** 53 - 1, -(2n ** 63n), 5n])]);
  assert.deepEqual(m?.structured(), [2n ** 53n + 1n, 2 ** 53 - 1, -(2n ** 63n), 5]);
});

test('payloads are byte-exact and decode as zero-copy views of the received buffer', () => {
  const big = Buffer.alloc(10 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const batch = [new Message(Uint8Array.from([0, 0xff, 0x80, 0x0a])), new Message(new Uint8Array(0)), new Message(big)];
  const wire = codecs.processBatchRequest.encode({ batch });
  const back = codecs.processBatchRequest.decode(wire).batch;
  assert.equal(back.length, 3);
  assert.deepEqual([...(back[0] as Message).bytes()], [0, 0xff, 0x80, 0x0a]);
  assert.equal((back[1] as Message).bytes().byteLength, 0);
  const b2 = (back[2] as Message).bytes();
  assert.ok(Buffer.from(b2).equals(big));
  assert.equal(b2.buffer, wire.buffer, 'payload should be a view into the wire buffer');
});

test('message errors and metadata survive the codec', () => {
  const m = new Message('x', new Map<string, Value>([['k', 'v'], ['n', 1]]));
  m.error = 'it broke';
  const [back] = roundTrip([m]);
  assert.equal(back?.error, 'it broke');
  assert.deepEqual([...(back?.metadata ?? [])], [['k', 'v'], ['n', 1]]);
});

test('the hand codec agrees byte-for-byte with protobuf-es on random batches', () => {
  const r = rng(12345);
  for (let round = 0; round < 200; round++) {
    const batch = randomBatch(r, Math.floor(r() * 20));
    const perMessageResults = r() < 0.5;
    const hand = codecs.processBatchRequest.encode({ batch, perMessageResults });
    const ref = toBinary(ppb.BatchProcessorProcessBatchRequestSchema, create(ppb.BatchProcessorProcessBatchRequestSchema, { batch: batchToProto(batch), hotplugPerMessageResults: perMessageResults }));
    assert.deepEqual(Buffer.from(hand).toString('hex'), Buffer.from(ref).toString('hex'), `round ${round}`);
    // protobuf-es reads what we wrote, and we read what protobuf-es wrote.
    const parsed = fromBinary(ppb.BatchProcessorProcessBatchRequestSchema, hand);
    assert.deepEqual((parsed.batch?.messages ?? []).map((p) => normMessage(messageFromProto(p))), batch.map(normMessage));
    const ours = codecs.processBatchRequest.decode(Buffer.from(ref));
    assert.deepEqual(ours.batch.map(normMessage), batch.map(normMessage));
    assert.equal(ours.perMessageResults ?? false, perMessageResults);
  }
});

test('response and send codecs agree with protobuf-es', () => {
  const r = rng(777);
  for (let round = 0; round < 50; round++) {
    const batches = Array.from({ length: Math.floor(r() * 4) }, () => randomBatch(r, Math.floor(r() * 5)));
    const error = r() < 0.3 ? { message: 'batch failed' } : undefined;
    const hand = codecs.processBatchResponse.encode({ batches, error });
    const ref = toBinary(ppb.BatchProcessorProcessBatchResponseSchema, create(ppb.BatchProcessorProcessBatchResponseSchema, {
      batches: batches.map(batchToProto),
      ...(error ? { error: create(pb.ErrorSchema, { message: error.message }) } : {}),
    }));
    assert.equal(Buffer.from(hand).toString('hex'), Buffer.from(ref).toString('hex'));
    const back = codecs.processBatchResponse.decode(Buffer.from(ref));
    assert.deepEqual(back.batches.map((b) => b.map(normMessage)), batches.map((b) => b.map(normMessage)));
    assert.deepEqual(back.error, error);

    const batch = randomBatch(r, 5);
    const batchId = BigInt(Math.floor(r() * 1e6)) * 1_000_000_007n;
    const read = codecs.readResponse.encode({ batchId, batch });
    const readRef = toBinary(ipb.BatchInputReadResponseSchema, create(ipb.BatchInputReadResponseSchema, { batchId, batch: batchToProto(batch) }));
    assert.equal(Buffer.from(read).toString('hex'), Buffer.from(readRef).toString('hex'));
    const readBack = codecs.readResponse.decode(read);
    assert.equal(readBack.batchId, batchId);

    const send = codecs.sendRequest.encode({ batch });
    const sendRef = toBinary(opb.BatchOutputSendRequestSchema, create(opb.BatchOutputSendRequestSchema, { batch: batchToProto(batch) }));
    assert.equal(Buffer.from(send).toString('hex'), Buffer.from(sendRef).toString('hex'));
  }
});

test('cold messages agree with protobuf-es, including the 1001 extension fields and error details', () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const config: Value = { name: 'x', count: 3, nested: { list: [1, 'a'] } };
  assert.equal(
    hex(codecs.initRequest.encode({ config })),
    hex(toBinary(ppb.BatchProcessorInitRequestSchema, create(ppb.BatchProcessorInitRequestSchema, { config: valueToProto(config) }))),
  );
  assert.deepEqual(codecs.initRequest.decode(codecs.initRequest.encode({ config })).config, config);
  assert.equal(
    hex(codecs.processorInitResponse.encode({ perMessage: true })),
    hex(toBinary(ppb.BatchProcessorInitResponseSchema, create(ppb.BatchProcessorInitResponseSchema, { hotplugPerMessage: true }))),
  );
  const initRef = toBinary(ppb.BatchProcessorInitResponseSchema, create(ppb.BatchProcessorInitResponseSchema, { hotplugPerMessage: true, error: create(pb.ErrorSchema, { message: 'bad config' }) }));
  assert.deepEqual(codecs.processorInitResponse.decode(Buffer.from(initRef)), { perMessage: true, error: { message: 'bad config' } });
  // A plain Redpanda Connect init response (no extension) decodes with perMessage unset.
  assert.deepEqual(codecs.processorInitResponse.decode(Buffer.alloc(0)), {});

  const details: Array<[codecsErr: { message: string; backoffMs?: number; notConnected?: boolean; endOfInput?: boolean }, pb.Error]> = [
    [{ message: 'slow down', backoffMs: 1500 }, create(pb.ErrorSchema, { message: 'slow down', detail: { case: 'backoff', value: durationFromMs(1500) } })],
    [{ message: 'gone', notConnected: true }, create(pb.ErrorSchema, { message: 'gone', detail: { case: 'notConnected', value: create(pb.Error_NotConnectedSchema) } })],
    [{ message: '', endOfInput: true }, create(pb.ErrorSchema, { detail: { case: 'endOfInput', value: create(pb.Error_EndOfInputSchema) } })],
  ];
  for (const [e, ref] of details) {
    assert.equal(hex(codecs.errorResponse1.encode({ error: e })), hex(toBinary(ipb.BatchInputConnectResponseSchema, create(ipb.BatchInputConnectResponseSchema, { error: ref }))));
    assert.equal(hex(codecs.errorResponse2.encode({ error: e })), hex(toBinary(ipb.BatchInputAckResponseSchema, create(ipb.BatchInputAckResponseSchema, { error: ref }))));
    assert.deepEqual(codecs.errorResponse1.decode(codecs.errorResponse1.encode({ error: e })).error, e);
  }
  assert.equal(
    hex(codecs.ackRequest.encode({ batchId: 2n ** 64n - 1n, error: { message: 'nack' } })),
    hex(toBinary(ipb.BatchInputAckRequestSchema, create(ipb.BatchInputAckRequestSchema, { batchId: 2n ** 64n - 1n, error: create(pb.ErrorSchema, { message: 'nack' }) }))),
  );
  assert.equal(codecs.ackRequest.decode(codecs.ackRequest.encode({ batchId: 2n ** 64n - 1n })).batchId, 2n ** 64n - 1n);
  assert.equal(
    hex(codecs.inputInitResponse.encode({ autoReplayNacks: true })),
    hex(toBinary(ipb.BatchInputInitResponseSchema, create(ipb.BatchInputInitResponseSchema, { autoReplayNacks: true }))),
  );
  const outRef = create(opb.BatchOutputInitResponseSchema, { maxInFlight: 8, batchPolicy: create(pb.BatchPolicySchema, { count: 100n, byteSize: 4096n, check: 'this.x', period: '250ms' }) });
  const outHand = codecs.outputInitResponse.encode({ maxInFlight: 8, batchPolicy: { count: 100, byteSize: 4096, check: 'this.x', periodMs: 250 } });
  assert.equal(hex(outHand), hex(toBinary(opb.BatchOutputInitResponseSchema, outRef)));
  assert.deepEqual(codecs.outputInitResponse.decode(outHand), { maxInFlight: 8, batchPolicy: { count: 100, byteSize: 4096, check: 'this.x', periodMs: 250 } });
  const periodOnly = toBinary(opb.BatchOutputInitResponseSchema, create(opb.BatchOutputInitResponseSchema, { maxInFlight: 1, batchPolicy: create(pb.BatchPolicySchema, { period: '1s' }) }));
  assert.deepEqual(codecs.outputInitResponse.decode(Buffer.from(periodOnly)).batchPolicy, { periodMs: 1000 });
});

test('unknown fields are skipped', () => {
  // field 15 varint, field 16 length-delimited, then a real batch
  const extra = Buffer.from([0x78, 0x05, 0x82, 0x01, 0x02, 0xaa, 0xbb]);
  const body = codecs.processBatchRequest.encode({ batch: [new Message('hi')] });
  const back = codecs.processBatchRequest.decode(Buffer.concat([extra, body]));
  assert.equal(back.batch[0]?.text(), 'hi');
});

test('errors map to and from the contract', () => {
  const nc = errorFromWire({ message: 'down', notConnected: true });
  assert.ok(nc instanceof NotConnectedError);
  const bo = errorFromWire({ message: 'wait', backoffMs: 250 });
  assert.ok(bo instanceof BackoffError && bo.backoffMs === 250);
  assert.ok(errorFromWire({ message: '', endOfInput: true }) instanceof EndOfInputError);
  assert.equal(errorFromWire({ message: 'plain' }).message, 'plain');
  assert.deepEqual(errorToWire(new NotConnectedError('x')), { message: 'x', notConnected: true });
  assert.deepEqual(errorToWire(new BackoffError('y', 10)), { message: 'y', backoffMs: 10 });
  assert.deepEqual(errorToWire(new EndOfInputError()), { message: 'end of input', endOfInput: true });
  assert.deepEqual(errorToWire('text'), { message: 'text' });
});

test('service definitions carry the contract method paths', () => {
  assert.equal(ProcessorService.processBatch.path, '/redpanda.runtime.v1alpha1.BatchProcessorService/ProcessBatch');
  assert.equal(ProcessorService.init.path, '/redpanda.runtime.v1alpha1.BatchProcessorService/Init');
  assert.equal(InputService.readBatch.path, '/redpanda.runtime.v1alpha1.BatchInputService/ReadBatch');
  assert.equal(InputService.ack.path, '/redpanda.runtime.v1alpha1.BatchInputService/Ack');
  assert.equal(OutputService.send.path, '/redpanda.runtime.v1alpha1.BatchOutputService/Send');
  assert.equal(OutputService.close.path, '/redpanda.runtime.v1alpha1.BatchOutputService/Close');
});

test('metadata a plugin sends back stays encoded until read, is sent on as the same bytes, and decodes on first read', () => {
  const meta = new Map<string, Value>([['content-type', 'text/plain'], ['n', 42], ['deep', { a: [1, 'x', null] }]]);
  const bytes = codecs.processBatchRequest.encode({ batch: [new Message('p', meta), new Message('q')] });
  const [m, bare] = codecs.processBatchRequest.decode(bytes).batch;
  assert.ok(m && bare);
  assert.ok(m.wireMetadata() !== undefined, 'kept encoded');
  assert.equal(m.hasMetadata(), true);
  assert.equal(bare.hasMetadata(), false);
  assert.deepEqual(codecs.processBatchRequest.encode({ batch: [m, bare] }), bytes, 'passed on unchanged, byte for byte');
  assert.deepEqual(norm(Object.fromEntries(m.metadata)), norm(Object.fromEntries(meta)), 'decoded on first read');
  assert.equal(m.wireMetadata(), undefined, 'read once: the map is the truth from now on');
  m.metadata.set('added', true);
  const [again] = codecs.processBatchRequest.decode(codecs.processBatchRequest.encode({ batch: [m] })).batch;
  assert.equal(again?.metadata.get('added'), true, 'a change after reading is encoded');
  assert.equal(again?.copy().metadata.get('n'), 42, 'copy() of undecoded metadata decodes it');
});

test('a metadata field with broken framing fails the decode, not a later read; a repeated field merges', () => {
  const good = pb.MessageSchema;
  const bytes = Buffer.from(toBinary(good, create(good, { metadata: { fields: { k: { kind: { case: 'stringValue', value: 'v' } } } } })));
  // A ProcessBatchRequest holding a MessageBatch holding one Message (all short enough for 1-byte lengths).
  const field1 = (body: Uint8Array): Buffer => Buffer.concat([Buffer.from([0x0a, body.length]), body]);
  const batch = (msg: Uint8Array): Buffer => field1(field1(msg));
  // bytes = [0x1a, fieldLen, 0x0a, entryLen, ...entry]: an entry that claims one byte more than its field holds.
  assert.deepEqual([bytes[0], bytes[2]], [0x1a, 0x0a]);
  const broken = Buffer.from(bytes);
  broken[3] = (broken[3] as number) + 1;
  assert.throws(() => codecs.processBatchRequest.decode(batch(Buffer.concat([broken, Buffer.from([0x22, 0x00])]))), /overruns/);
  const twice = Buffer.concat([bytes, Buffer.from(toBinary(good, create(good, { metadata: { fields: { j: { kind: { case: 'doubleValue', value: 1 } } } } })))]);
  const [merged] = codecs.processBatchRequest.decode(batch(twice)).batch;
  assert.deepEqual(Object.fromEntries(merged!.metadata), { k: 'v', j: new Double(1) });
});
