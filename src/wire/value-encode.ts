import { Double, nanosOf, type Value, type StructValue } from '../core/value.js';
import { type Lengths, type Writer, varintSize, utf8Length, int64Halves, int64HalvesSize } from './writer.js';

/*
 * The host's Value -> redpanda.runtime.v1alpha1.Value (decoding: value-decode.ts; see src/core/value.ts
 * for the mapping table). Each `size*` function returns the byte length of a
 * message body and records nested lengths; the matching `write*` function
 * writes exactly that, consuming the lengths in the same order.
 */

const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63;

export function sizeValue(v: Value | undefined, l: Lengths): number {
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case 'string': {
      const len = utf8Length(v);
      l.list.push(len);
      return 1 + varintSize(len) + len;
    }
    case 'number':
      if (Number.isInteger(v) && v >= INT64_MIN && v < INT64_MAX) {
        if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return 1 + varintSize(v);
        const [lo, hi] = int64Halves(BigInt(v));
        return 1 + int64HalvesSize(lo, hi);
      }
      return 9;
    case 'bigint': {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) return 9; // out of int64 range: sent as a double
      const [lo, hi] = int64Halves(v);
      return 1 + int64HalvesSize(lo, hi);
    }
    case 'boolean':
      return 2;
    default:
      break;
  }
  if (v instanceof Uint8Array) return 1 + varintSize(v.byteLength) + v.byteLength;
  if (v instanceof Date) {
    const len = sizeTimestamp(v);
    return 1 + varintSize(len) + len;
  }
  if (v instanceof Double) return 9;
  const slot = l.reserve();
  const len = Array.isArray(v) ? sizeListBody(v, l) : sizeStructBody(v as StructValue, l);
  l.list[slot] = len;
  return 1 + varintSize(len) + len;
}

export function writeValue(v: Value | undefined, w: Writer, l: Lengths): void {
  if (v === null || v === undefined) {
    w.byte(0x08);
    w.byte(0);
    return;
  }
  switch (typeof v) {
    case 'string':
      w.byte(0x12);
      w.string(v, l.take());
      return;
    case 'number':
      if (Number.isInteger(v) && v >= INT64_MIN && v < INT64_MAX) {
        w.byte(0x18);
        if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) w.uvarint(v);
        else w.varint64(...int64Halves(BigInt(v)));
        return;
      }
      w.byte(0x21);
      w.double(v);
      return;
    case 'bigint':
      if (v < -(2n ** 63n) || v >= 2n ** 63n) {
        w.byte(0x21);
        w.double(Number(v));
        return;
      }
      w.byte(0x18);
      w.varint64(...int64Halves(v));
      return;
    case 'boolean':
      w.byte(0x28);
      w.byte(v ? 1 : 0);
      return;
    default:
      break;
  }
  if (v instanceof Uint8Array) {
    w.byte(0x3a);
    w.bytes(v);
    return;
  }
  if (v instanceof Date) {
    w.byte(0x32);
    writeTimestamp(v, w);
    return;
  }
  if (v instanceof Double) {
    w.byte(0x21);
    w.double(v.value);
    return;
  }
  const len = l.take();
  if (Array.isArray(v)) {
    w.byte(0x4a);
    w.uvarint(len);
    for (const item of v) writeListItem(item, w, l);
  } else {
    w.byte(0x42);
    w.uvarint(len);
    writeStructBody(v as StructValue, w, l);
  }
}

function sizeListBody(list: Value[], l: Lengths): number {
  let n = 0;
  for (const item of list) {
    const len = sizeValue(item, l);
    n += 1 + varintSize(len) + len;
  }
  return n;
}

function writeListItem(item: Value, w: Writer, l: Lengths): void {
  w.byte(0x0a);
  w.uvarint(valueBodySizeAgain(item, l));
  writeValue(item, w, l);
}

/**
 * The body length of a list item or map value. Scalar sizes are cheap to
 * recompute; strings, lists and structs take their recorded length.
 */
function valueBodySizeAgain(v: Value | undefined, l: Lengths): number {
  if (v === null || v === undefined) return 2;
  if (typeof v === 'string') {
    const len = l.list[l.next] as number;
    return 1 + varintSize(len) + len;
  }
  if (typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Double)) {
    const len = l.list[l.next] as number;
    return 1 + varintSize(len) + len;
  }
  return sizeScalar(v);
}

function sizeScalar(v: number | bigint | boolean | Uint8Array | Date | Double): number {
  if (typeof v === 'boolean') return 2;
  if (v instanceof Double) return 9;
  if (v instanceof Uint8Array) return 1 + varintSize(v.byteLength) + v.byteLength;
  if (v instanceof Date) {
    const len = sizeTimestamp(v);
    return 1 + varintSize(len) + len;
  }
  if (typeof v === 'number' && !(Number.isInteger(v) && v >= INT64_MIN && v < INT64_MAX)) return 9;
  if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return 1 + varintSize(v);
  if (typeof v === 'bigint' && (v < -(2n ** 63n) || v >= 2n ** 63n)) return 9;
  const [lo, hi] = int64Halves(typeof v === 'number' ? BigInt(v) : v);
  return 1 + int64HalvesSize(lo, hi);
}

/** StructValue body: `map<string, Value> fields = 1`, one entry message per key. */
export function sizeStructBody(s: StructValue, l: Lengths): number {
  let n = 0;
  for (const key in s) {
    const v = s[key];
    if (v === undefined) continue; // like JSON: an undefined field is absent
    n += sizeEntry(key, v, l);
  }
  return n;
}

/** Size of one map entry field (tag + length + {key, value}), recording entry/key lengths. */
export function sizeEntry(key: string, v: Value, l: Lengths): number {
  const slot = l.reserve();
  const keyLen = utf8Length(key);
  l.list.push(keyLen);
  const valLen = sizeValue(v, l);
  const entryLen = 1 + varintSize(keyLen) + keyLen + 1 + varintSize(valLen) + valLen;
  l.list[slot] = entryLen;
  return 1 + varintSize(entryLen) + entryLen;
}

export function writeStructBody(s: StructValue, w: Writer, l: Lengths): void {
  for (const key in s) {
    const v = s[key];
    if (v === undefined) continue;
    writeEntry(key, v, w, l);
  }
}

export function writeEntry(key: string, v: Value, w: Writer, l: Lengths): void {
  const entryLen = l.take();
  w.byte(0x0a);
  w.uvarint(entryLen);
  w.byte(0x0a);
  w.string(key, l.take());
  w.byte(0x12);
  w.uvarint(valueBodySizeAgain(v, l));
  writeValue(v, w, l);
}

function timestampParts(d: Date): [seconds: number, nanos: number] {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return [0, 0];
  return [Math.floor(ms / 1000), nanosOf(d)];
}

function sizeTimestamp(d: Date): number {
  const [seconds, nanos] = timestampParts(d);
  let n = 0;
  if (seconds !== 0) n += 1 + (seconds < 0 ? 10 : varintSize(seconds));
  if (nanos !== 0) n += 1 + varintSize(nanos);
  return n;
}

function writeTimestamp(d: Date, w: Writer): void {
  const [seconds, nanos] = timestampParts(d);
  w.uvarint(sizeTimestamp(d));
  if (seconds !== 0) {
    w.byte(0x08);
    if (seconds < 0) w.varint64(...int64Halves(seconds));
    else w.uvarint(seconds);
  }
  if (nanos !== 0) {
    w.byte(0x10);
    w.uvarint(nanos);
  }
}
