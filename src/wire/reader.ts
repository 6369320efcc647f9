import { HotplugError, ErrorCode } from '../core/errors.js';

/**
 * A minimal protobuf reader over one buffer. `bytes()` returns subarrays of
 * the input (zero-copy): grpc-js hands every message its own freshly
 * allocated buffer, so payloads may keep referencing it.
 */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.byteLength) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  /** A varint as a non-negative number; exact up to 2^53 (lengths, tags, small ints). */
  uvarint(): number {
    const buf = this.buf;
    let b = buf[this.pos++] as number;
    if (b < 0x80) return b;
    let n = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 10; i++) {
      if (this.pos >= this.end) throw truncated();
      b = buf[this.pos++] as number;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** A varint as two's complement halves. */
  varint64(): [lo: number, hi: number] {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    for (; shift < 28; shift += 7) {
      b = buf[this.pos++] as number;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, 0];
    }
    b = buf[this.pos++] as number;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return [lo >>> 0, hi >>> 0];
    for (shift = 3; shift <= 31; shift += 7) {
      b = buf[this.pos++] as number;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** A signed int64: a number when it is a safe integer, a bigint otherwise. */
  int64(): number | bigint {
    const [lo, hi] = this.varint64();
    if (hi < 0x200000) return hi * 0x100000000 + lo; // < 2^53, non-negative
    if (hi >= 0xffe00000) {
      const n = (hi - 0x100000000) * 0x100000000 + lo; // > -2^53
      if (n >= Number.MIN_SAFE_INTEGER) return n;
    }
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** An unsigned uint64 as a bigint (batch ids). */
  uint64(): bigint {
    const [lo, hi] = this.varint64();
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  double(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited field. */
  delimited(): number {
    const len = this.uvarint();
    const end = this.pos + len;
    if (end > this.end) throw truncated();
    return end;
  }

  bytes(): Uint8Array {
    const end = this.delimited();
    const b = this.buf.subarray(this.pos, end);
    this.pos = end;
    return b;
  }

  string(): string {
    const end = this.delimited();
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  /** Skips a field of the given wire type (unknown fields are ignored, as protobuf requires). */
  /**
   * The fields of a google.protobuf.Timestamp or Duration message ending at
   * `end` (both are { int64 seconds = 1; int32 nanos = 2 }).
   */
  secondsNanos(end: number): { seconds: number; nanos: number } {
    let seconds = 0;
    let nanos = 0;
    while (this.pos < end) {
      const tag = this.uvarint();
      if (tag === 0x08) seconds = Number(this.int64());
      else if (tag === 0x10) nanos = Number(this.int64());
      else this.skip(tag & 7);
    }
    return { seconds, nanos };
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        while ((this.buf[this.pos++] as number) & 0x80) if (this.pos > this.end) throw truncated();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimited();
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw truncated();
  }
}

function truncated(): HotplugError {
  return malformed('truncated message');
}

function malformed(what: string): HotplugError {
  return new HotplugError(ErrorCode.PluginCall, `malformed protobuf: ${what}`);
}
