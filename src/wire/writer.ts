/**
 * A two-pass protobuf writer. The sizing pass walks the data once and records
 * the byte length of every length-delimited field in pre-order; the write
 * pass walks it again in the same order, reads those lengths back and fills
 * one exactly-sized buffer. No chunk lists, no fork/join copies: each payload
 * byte is copied once.
 */

/** Lengths recorded by the sizing pass, consumed in the same order by the write pass. */
export class Lengths {
  list: number[] = [];
  next = 0;

  /** Reserves a slot for a length that is known only after its children were sized. */
  reserve(): number {
    this.list.push(0);
    return this.list.length - 1;
  }

  reset(): void {
    this.list.length = 0;
    this.next = 0;
  }

  take(): number {
    return this.list[this.next++] as number;
  }
}

export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 2 ** 35) return 5;
  if (n < 2 ** 42) return 6;
  if (n < 2 ** 49) return 7;
  return 8; // up to 2^56, enough for any length or non-negative safe integer
}

/** Size of a field whose length prefix is `len` and body is `len` bytes (tag excluded). */
export function delimitedSize(len: number): number {
  return varintSize(len) + len;
}

/** UTF-8 length of a JS string, counting lone surrogates as U+FFFD (3 bytes) like Buffer does. */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 48) return Buffer.byteLength(s, 'utf8');
  let len = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) len += 1;
    else if (c < 0x800) len += 2;
    else if ((c & 0xfc00) === 0xd800 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      len += 4;
    } else len += 3;
  }
  return len;
}

const f64 = new Float64Array(1);
const f64bytes = new Uint8Array(f64.buffer);

export class Writer {
  readonly buf: Buffer;
  pos = 0;

  /** Writes into `into` when given (it must hold `size` bytes), else into a fresh buffer of `size`. */
  constructor(size: number, into?: Buffer) {
    this.buf = into ?? Buffer.allocUnsafe(size);
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** A non-negative integer below 2^53. */
  uvarint(n: number): void {
    const buf = this.buf;
    while (n > 0x7f) {
      buf[this.pos++] = (n & 0x7f) | 0x80;
      n = n > 0xffffffff ? Math.floor(n / 128) : n >>> 7;
    }
    buf[this.pos++] = n;
  }

  /** A 64-bit two's complement value given as its low and high 32-bit halves. */
  varint64(lo: number, hi: number): void {
    const buf = this.buf;
    lo >>>= 0;
    hi >>>= 0;
    while (hi > 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  double(v: number): void {
    f64[0] = v;
    this.buf.set(f64bytes, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.uvarint(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** A string whose UTF-8 length the sizing pass already computed. */
  string(s: string, len: number): void {
    this.uvarint(len);
    if (len === s.length) {
      // ASCII: a plain loop beats the native call for short strings.
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < len; i++) buf[p++] = s.charCodeAt(i);
    } else {
      this.buf.write(s, this.pos, len, 'utf8');
    }
    this.pos += len;
  }
}

/** Size of a signed int64 varint for a safe integer. */
export function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

/** Splits a signed 64-bit integer (number or bigint) into two's complement halves. */
export function int64Halves(v: number | bigint): [lo: number, hi: number] {
  if (typeof v === 'number') {
    if (v >= 0) return [v >>> 0, Math.floor(v / 0x100000000) >>> 0];
    v = BigInt(v);
  }
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}

export function int64HalvesSize(lo: number, hi: number): number {
  let n = 1;
  lo >>>= 0;
  hi >>>= 0;
  while (hi > 0 || lo > 0x7f) {
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
    n++;
  }
  return n;
}
