// Test-only reference conversion between the host model and protobuf-es's generated
// messages, written the slow obvious way so the hand codec can be checked against it.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { Message, type Batch } from '../../src/core/message.js';
import { Double, NanoDate, nanosOf, type Value } from '../../src/core/value.js';
import * as pb from '../../src/gen/redpanda/runtime/v1alpha1/message_pb.js';

export function valueToProto(v: Value): pb.Value {
  if (v === null) return create(pb.ValueSchema, { kind: { case: 'nullValue', value: pb.NullValue.NULL_VALUE } });
  if (typeof v === 'string') return create(pb.ValueSchema, { kind: { case: 'stringValue', value: v } });
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return create(pb.ValueSchema, { kind: { case: 'integerValue', value: BigInt(v) } });
    return create(pb.ValueSchema, { kind: { case: 'doubleValue', value: v } });
  }
  if (typeof v === 'bigint') return create(pb.ValueSchema, { kind: { case: 'integerValue', value: v } });
  if (v instanceof Double) return create(pb.ValueSchema, { kind: { case: 'doubleValue', value: v.value } });
  if (typeof v === 'boolean') return create(pb.ValueSchema, { kind: { case: 'boolValue', value: v } });
  if (v instanceof Uint8Array) return create(pb.ValueSchema, { kind: { case: 'bytesValue', value: v } });
  if (v instanceof Date) {
    const ts = timestampFromMs(v.getTime());
    ts.nanos = nanosOf(v);
    return create(pb.ValueSchema, { kind: { case: 'timestampValue', value: ts } });
  }
  if (Array.isArray(v)) {
    return create(pb.ValueSchema, { kind: { case: 'listValue', value: create(pb.ListValueSchema, { values: v.map(valueToProto) }) } });
  }
  return create(pb.ValueSchema, { kind: { case: 'structValue', value: structToProto(Object.entries(v)) } });
}

export function structToProto(entries: Iterable<[string, Value]>): pb.StructValue {
  const fields: Record<string, pb.Value> = {};
  for (const [k, v] of entries) fields[k] = valueToProto(v);
  return create(pb.StructValueSchema, { fields });
}

export function valueFromProto(p: pb.Value | undefined): Value {
  const k = p?.kind;
  if (!k) return null;
  switch (k.case) {
    case undefined:
    case 'nullValue':
      return null;
    case 'integerValue':
      return Number.isSafeInteger(Number(k.value)) ? Number(k.value) : k.value;
    case 'timestampValue': {
      const below = k.value.nanos % 1_000_000;
      return below === 0 ? new Date(timestampMs(k.value)) : new NanoDate(timestampMs(k.value), below);
    }
    case 'doubleValue':
      return Number.isInteger(k.value) ? new Double(k.value) : k.value;
    case 'structValue':
      return Object.fromEntries(Object.entries(k.value.fields).map(([key, x]) => [key, valueFromProto(x)]));
    case 'listValue':
      return k.value.values.map(valueFromProto);
    default:
      return k.value;
  }
}

export function messageToProto(m: Message): pb.Message {
  const out = create(pb.MessageSchema, {
    payload: m.isStructured() ? { case: 'structured', value: valueToProto(m.structured()) } : { case: 'bytes', value: m.bytes() },
  });
  if (m.metadata.size > 0) out.metadata = structToProto(m.metadata);
  if (m.error) out.error = create(pb.ErrorSchema, { message: m.error });
  return out;
}

export function batchToProto(b: Batch): pb.MessageBatch {
  return create(pb.MessageBatchSchema, { messages: b.map(messageToProto) });
}

export function messageFromProto(p: pb.Message): Message {
  const md = new Map(Object.entries(p.metadata?.fields ?? {}).map(([k, v]) => [k, valueFromProto(v)] as [string, Value]));
  const m = p.payload.case === 'structured' ? Message.structured(valueFromProto(p.payload.value), md) : new Message(p.payload.value ?? null, md);
  if (p.error?.message) m.error = p.error.message;
  return m;
}

/** A comparable plain form of a Value: keeps kinds apart (bigint vs number, bytes vs string). */
export function norm(v: Value | undefined): unknown {
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof Date) return { date: v.getTime(), nanos: nanosOf(v) };
  if (v instanceof Double) return { double: v.value };
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (typeof v === 'number' && Number.isNaN(v)) return { nan: true };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

export function normMessage(m: Message): unknown {
  return {
    payload: m.isStructured() ? { structured: norm(m.structured()) } : { bytes: Buffer.from(m.bytes()).toString('hex') },
    metadata: [...m.metadata].map(([k, v]) => [k, norm(v)]),
    error: m.error,
  };
}

/** A small deterministic PRNG so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'key', 'héllo', 'k_🎉', 'x-y', 'long_key_name_for_metadata', ''];

export function randomValue(r: () => number, depth = 0): Value {
  const pick = Math.floor(r() * (depth > 2 ? 7 : 9));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return ['', 'plain', 'ünïcödé', '🎉 emoji', 'x'.repeat(Math.floor(r() * 300))][Math.floor(r() * 5)] as string;
    case 2: {
      const choices: Value[] = [0, 1, -1, 127, 128, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, Math.floor(r() * 1e9)];
      return choices[Math.floor(r() * choices.length)] as Value;
    }
    case 3:
      return [1.5, -0.25, Math.PI, new Double(1e300), new Double(2), new Double(-0), Infinity, -Infinity, r()][Math.floor(r() * 9)] as Value;
    case 4:
      return r() < 0.5;
    case 5:
      return r() < 0.3 ? new NanoDate(1_700_000_000_123, 456_789) : new Date([0, 1_700_000_000_123, -86_400_001, 1][Math.floor(r() * 4)] as number);
    case 6:
      return Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    case 7:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, Value> = {};
      const n = Math.floor(r() * 4);
      for (let i = 0; i < n; i++) o[KEYS[Math.floor(r() * KEYS.length)] as string] = randomValue(r, depth + 1);
      return o;
    }
  }
}

export function randomBatch(r: () => number, size: number): Batch {
  const out: Batch = [];
  for (let i = 0; i < size; i++) {
    const md = new Map<string, Value>();
    const n = Math.floor(r() * 4);
    for (let j = 0; j < n; j++) md.set(KEYS[Math.floor(r() * KEYS.length)] as string, randomValue(r, 1));
    const m =
      r() < 0.3
        ? Message.structured(randomValue(r), md)
        : new Message(Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)), md);
    if (r() < 0.2) m.error = r() < 0.5 ? 'boom' : 'fehlgeschlagen ✗';
    out.push(m);
  }
  return out;
}

/** One value of every kind the wire carries, edge cases included (int64 bounds, NaN-free doubles, empty containers, nesting). */
export const EVERY_KIND: Record<string, Value> = {
  null: null,
  emptyString: '',
  string: 'héllo wörld 🎉',
  zero: 0,
  int: 42,
  negative: -7,
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  bigPositive: 2n ** 53n + 1n,
  int64Max: 2n ** 63n - 1n,
  int64Min: -(2n ** 63n),
  double: 3.25,
  negativeDouble: -1e-300,
  infinity: Infinity,
  wholeDouble: new Double(2),
  negativeZeroDouble: new Double(-0),
  hugeDouble: new Double(1e300),
  true: true,
  false: false,
  timestamp: new Date(1_700_000_000_123),
  beforeEpoch: new Date(-1_500),
  nanoTimestamp: new NanoDate(1_700_000_000_123, 456_789),
  nanoBeforeEpoch: new NanoDate(-1_500, 1),
  bytes: Uint8Array.from([0, 1, 2, 255, 254]),
  emptyBytes: new Uint8Array(0),
  struct: { a: 1, b: 'two', c: { d: [true, null] } },
  emptyStruct: {},
  list: [1, 'x', 2.5, false, null, new Uint8Array([9])],
  emptyList: [],
  nested: { l: [[{ deep: [new Date(0), 2n ** 60n] }]] },
};
