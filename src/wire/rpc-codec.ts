import { parseDuration } from '../core/duration.js';
import type { BatchPolicyConfig } from '../core/output.js';
import { Reader } from './reader.js';
import { Lengths, Writer, varintSize, utf8Length, int64Halves, int64HalvesSize } from './writer.js';
import { sizeValue, writeValue, readValue } from './value-codec.js';
import { sizeBatchField, writeBatchField, readBatch } from './message-codec.js';
import { sizeErrorField, writeErrorField, readError } from './error-codec.js';
import type {
  AckRequest, EmptyRequest, ErrorResponse, InitRequest, InputInitResponse, OutputInitResponse,
  ProcessBatchRequest, ProcessBatchResponse, ProcessorInitResponse, ReadResponse, SendRequest,
} from './types.js';

/** A serialiser/deserialiser pair as grpc-js wants them. */
export interface Codec<T> {
  encode(value: T): Buffer;
  /**
   * Like `encode`, but into one buffer shared by every codec and reused by the
   * next call: the result is valid only until then. For a grpc-js *server's*
   * responseSerialize, whose result grpc-js copies into its framed buffer
   * before returning (ServerInterceptingCall.serializeMessage). It spares
   * the plugin a fresh, page-faulting allocation per large response. Never
   * for client requests: grpc-js frames those after an await.
   */
  encodeTransient(value: T): Buffer;
  decode(bytes: Buffer): T;
}

// Serialisation is synchronous, so one scratch list of lengths serves every call.
const scratch = new Lengths();

// encodeTransient's buffer, grown as needed up to 4 MiB; a bigger message gets a one-off buffer.
const TRANSIENT_KEEP_BYTES = 4 << 20;
let transient = Buffer.allocUnsafe(64 << 10);

function transientBuffer(n: number): Buffer {
  if (n > transient.byteLength) {
    const grown = Buffer.allocUnsafe(Math.max(n, transient.byteLength * 2));
    if (grown.byteLength <= TRANSIENT_KEEP_BYTES) transient = grown;
    else return grown.subarray(0, n);
  }
  return transient.subarray(0, n);
}

function codec<T>(size: (v: T, l: Lengths) => number, write: (v: T, w: Writer, l: Lengths) => void, read: (r: Reader) => T): Codec<T> {
  return {
    encode(value: T): Buffer {
      scratch.reset();
      const n = size(value, scratch);
      const w = new Writer(n);
      write(value, w, scratch);
      if (w.pos !== n) throw new Error(`wire codec bug: sized ${n} bytes, wrote ${w.pos}`);
      return w.buf;
    },
    encodeTransient(value: T): Buffer {
      scratch.reset();
      const n = size(value, scratch);
      const w = new Writer(n, transientBuffer(n));
      write(value, w, scratch);
      if (w.pos !== n) throw new Error(`wire codec bug: sized ${n} bytes, wrote ${w.pos}`);
      return w.buf;
    },
    decode(bytes: Buffer): T {
      return read(new Reader(bytes));
    },
  };
}

/** Reads fields until the end, handing each tag to `field`; unknown tags are skipped. */
function readFields(r: Reader, field: (tag: number) => boolean): void {
  while (r.pos < r.end) {
    const tag = r.uvarint();
    if (!field(tag)) r.skip(tag & 7);
  }
}

// Field 1001 as varint: tag (1001 << 3) | 0 = 8008 = 0xc8 0x3e.
const EXT_TAG_0 = 0xc8;
const EXT_TAG_1 = 0x3e;
const EXT_TAG = 8008;

export const emptyCodec: Codec<EmptyRequest> = {
  encode: () => Buffer.alloc(0),
  encodeTransient: () => Buffer.alloc(0),
  decode: () => ({}),
};

/** A response holding only `Error error = fieldNo`. */
function errorResponseCodec(fieldNo: number): Codec<ErrorResponse> {
  const tagByte = (fieldNo << 3) | 2;
  return codec<ErrorResponse>(
    (v, l) => sizeErrorField(v.error, l),
    (v, w, l) => writeErrorField(tagByte, v.error, w, l),
    (r) => {
      const out: ErrorResponse = {};
      readFields(r, (tag) => {
        if (tag !== tagByte) return false;
        out.error = readError(r, r.delimited());
        return true;
      });
      return out;
    },
  );
}

export const errorResponse1 = errorResponseCodec(1);
/** AckResponse numbers its error 2. */
export const errorResponse2 = errorResponseCodec(2);

export const initRequest = codec<InitRequest>(
  (v, l) => {
    const slot = l.reserve();
    const len = sizeValue(v.config, l);
    l.list[slot] = len;
    return 1 + varintSize(len) + len;
  },
  (v, w, l) => {
    w.byte(0x0a);
    w.uvarint(l.take());
    writeValue(v.config, w, l);
  },
  (r) => {
    const out: InitRequest = { config: null };
    readFields(r, (tag) => {
      if (tag !== 0x0a) return false;
      out.config = readValue(r, r.delimited());
      return true;
    });
    return out;
  },
);

export const processorInitResponse = codec<ProcessorInitResponse>(
  (v, l) => sizeErrorField(v.error, l) + (v.perMessage ? 3 : 0),
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.perMessage) {
      w.byte(EXT_TAG_0);
      w.byte(EXT_TAG_1);
      w.byte(1);
    }
  },
  (r) => {
    const out: ProcessorInitResponse = {};
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === EXT_TAG) out.perMessage = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

export const processBatchRequest = codec<ProcessBatchRequest>(
  (v, l) => sizeBatchField(v.batch, l) + (v.perMessageResults ? 3 : 0),
  (v, w, l) => {
    writeBatchField(0x0a, v.batch, w, l);
    if (v.perMessageResults) {
      w.byte(EXT_TAG_0);
      w.byte(EXT_TAG_1);
      w.byte(1);
    }
  },
  (r) => {
    const out: ProcessBatchRequest = { batch: [] };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.batch = readBatch(r, r.delimited());
      else if (tag === EXT_TAG) out.perMessageResults = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

export const processBatchResponse = codec<ProcessBatchResponse>(
  (v, l) => {
    let n = 0;
    for (const b of v.batches) n += sizeBatchField(b, l);
    return n + sizeErrorField(v.error, l);
  },
  (v, w, l) => {
    for (const b of v.batches) writeBatchField(0x0a, b, w, l);
    writeErrorField(0x12, v.error, w, l);
  },
  (r) => {
    const out: ProcessBatchResponse = { batches: [] };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.batches.push(readBatch(r, r.delimited()));
      else if (tag === 0x12) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

export const inputInitResponse = codec<InputInitResponse>(
  (v, l) => sizeErrorField(v.error, l) + (v.autoReplayNacks ? 2 : 0),
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.autoReplayNacks) {
      w.byte(0x10);
      w.byte(1);
    }
  },
  (r) => {
    const out: InputInitResponse = {};
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === 0x10) out.autoReplayNacks = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

function uint64Size(v: bigint): number {
  if (v === 0n) return 0;
  const [lo, hi] = int64Halves(BigInt.asIntN(64, v));
  return 1 + int64HalvesSize(lo, hi);
}

function writeUint64(tagByte: number, v: bigint, w: Writer): void {
  if (v === 0n) return;
  w.byte(tagByte);
  w.varint64(...int64Halves(BigInt.asIntN(64, v)));
}

export const readResponse = codec<ReadResponse>(
  (v, l) => uint64Size(v.batchId) + sizeBatchField(v.batch, l) + sizeErrorField(v.error, l),
  (v, w, l) => {
    writeUint64(0x08, v.batchId, w);
    writeBatchField(0x12, v.batch, w, l);
    writeErrorField(0x1a, v.error, w, l);
  },
  (r) => {
    const out: ReadResponse = { batchId: 0n, batch: [] };
    readFields(r, (tag) => {
      if (tag === 0x08) out.batchId = r.uint64();
      else if (tag === 0x12) out.batch = readBatch(r, r.delimited());
      else if (tag === 0x1a) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

export const ackRequest = codec<AckRequest>(
  (v, l) => uint64Size(v.batchId) + sizeErrorField(v.error, l),
  (v, w, l) => {
    writeUint64(0x08, v.batchId, w);
    writeErrorField(0x12, v.error, w, l);
  },
  (r) => {
    const out: AckRequest = { batchId: 0n };
    readFields(r, (tag) => {
      if (tag === 0x08) out.batchId = r.uint64();
      else if (tag === 0x12) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

interface PolicyParts {
  byteSize: number;
  count: number;
  check: string;
  checkLen: number;
  period: string;
  periodLen: number;
}

function policyParts(p: BatchPolicyConfig): PolicyParts {
  const check = p.check ?? '';
  const period = p.periodMs ? `${p.periodMs}ms` : '';
  return { byteSize: p.byteSize ?? 0, count: p.count ?? 0, check, checkLen: utf8Length(check), period, periodLen: period.length };
}

function policyBodySize(p: PolicyParts): number {
  let n = 0;
  if (p.byteSize) n += 1 + varintSize(p.byteSize);
  if (p.count) n += 1 + varintSize(p.count);
  if (p.checkLen) n += 1 + varintSize(p.checkLen) + p.checkLen;
  if (p.periodLen) n += 1 + varintSize(p.periodLen) + p.periodLen;
  return n;
}

function readPolicy(r: Reader, end: number): BatchPolicyConfig | undefined {
  const p: BatchPolicyConfig = {};
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag === 0x08) p.byteSize = Number(r.int64());
    else if (tag === 0x10) p.count = Number(r.int64());
    else if (tag === 0x1a) p.check = r.string();
    else if (tag === 0x22) {
      const ms = parseDuration(r.string());
      if (ms) p.periodMs = ms;
    } else r.skip(tag & 7);
  }
  if (!p.byteSize) delete p.byteSize;
  if (!p.count) delete p.count;
  if (!p.check) delete p.check;
  return Object.keys(p).length > 0 ? p : undefined;
}

export const outputInitResponse = codec<OutputInitResponse>(
  (v, l) => {
    let n = sizeErrorField(v.error, l);
    if (v.maxInFlight) n += 1 + (v.maxInFlight < 0 ? 10 : varintSize(v.maxInFlight));
    if (v.batchPolicy) {
      const len = policyBodySize(policyParts(v.batchPolicy));
      n += 1 + varintSize(len) + len;
    }
    return n;
  },
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.maxInFlight) {
      w.byte(0x10);
      if (v.maxInFlight < 0) w.varint64(...int64Halves(v.maxInFlight));
      else w.uvarint(v.maxInFlight);
    }
    if (v.batchPolicy) {
      const p = policyParts(v.batchPolicy);
      w.byte(0x1a);
      w.uvarint(policyBodySize(p));
      if (p.byteSize) {
        w.byte(0x08);
        w.uvarint(p.byteSize);
      }
      if (p.count) {
        w.byte(0x10);
        w.uvarint(p.count);
      }
      if (p.checkLen) {
        w.byte(0x1a);
        w.string(p.check, p.checkLen);
      }
      if (p.periodLen) {
        w.byte(0x22);
        w.string(p.period, p.periodLen);
      }
    }
  },
  (r) => {
    const out: OutputInitResponse = { maxInFlight: 0 };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === 0x10) out.maxInFlight = Number(r.int64()) | 0;
      else if (tag === 0x1a) out.batchPolicy = readPolicy(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

export const sendRequest = codec<SendRequest>(
  (v, l) => sizeBatchField(v.batch, l),
  (v, w, l) => writeBatchField(0x0a, v.batch, w, l),
  (r) => {
    const out: SendRequest = { batch: [] };
    readFields(r, (tag) => {
      if (tag !== 0x0a) return false;
      out.batch = readBatch(r, r.delimited());
      return true;
    });
    return out;
  },
);
