/* Codecs for every RPC message, shared by the three services: the codec helper, empty requests, error-only responses and Init requests. */
import { Reader } from './reader.js';
import { Lengths, Writer, varintSize } from './writer.js';
import { sizeValue, writeValue } from './value-encode.js';
import { readValue } from './value-decode.js';
import { sizeErrorField, writeErrorField, readError } from './error-codec.js';
import type { EmptyRequest, ErrorResponse, InitRequest } from './types.js';

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

export function codec<T>(size: (v: T, l: Lengths) => number, write: (v: T, w: Writer, l: Lengths) => void, read: (r: Reader) => T): Codec<T> {
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
export function readFields(r: Reader, field: (tag: number) => boolean): void {
  while (r.pos < r.end) {
    const tag = r.uvarint();
    if (!field(tag)) r.skip(tag & 7);
  }
}

// Field 1001 as varint: tag (1001 << 3) | 0 = 8008 = 0xc8 0x3e.
export const EXT_TAG_0 = 0xc8;
export const EXT_TAG_1 = 0x3e;
export const EXT_TAG = 8008;

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

