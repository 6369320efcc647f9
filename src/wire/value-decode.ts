import { Double, NanoDate, type Value, type StructValue } from '../core/value.js';
import type { Reader } from './reader.js';

/* redpanda.runtime.v1alpha1.Value -> the host's Value (see src/core/value.ts for the mapping). */

/** Reads a Value message body ending at `end`. An unset oneof decodes as null. */
export function readValue(r: Reader, end: number): Value {
  let v: Value = null;
  while (r.pos < end) {
    const tag = r.uvarint();
    switch (tag) {
      case 0x08:
        r.uvarint();
        v = null;
        break;
      case 0x12:
        v = r.string();
        break;
      case 0x18:
        v = r.int64();
        break;
      case 0x21: {
        const d = r.double();
        v = Number.isInteger(d) ? new Double(d) : d;
        break;
      }
      case 0x28:
        v = r.uvarint() !== 0;
        break;
      case 0x32:
        v = readTimestamp(r, r.delimited());
        break;
      case 0x3a:
        v = r.bytes();
        break;
      case 0x42:
        v = readStructBody(r, r.delimited());
        break;
      case 0x4a:
        v = readListBody(r, r.delimited());
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return v;
}

export function readStructBody(r: Reader, end: number): StructValue {
  const out: StructValue = {};
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    const entryEnd = r.delimited();
    const [key, value] = readEntry(r, entryEnd);
    out[key] = value;
  }
  return out;
}

/** One map entry {string key = 1; Value value = 2}. */
export function readEntry(r: Reader, end: number): [string, Value] {
  let key = '';
  let value: Value = null;
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag === 0x0a) key = r.string();
    else if (tag === 0x12) value = readValue(r, r.delimited());
    else r.skip(tag & 7);
  }
  return [key, value];
}

function readListBody(r: Reader, end: number): Value[] {
  const out: Value[] = [];
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag === 0x0a) out.push(readValue(r, r.delimited()));
    else r.skip(tag & 7);
  }
  return out;
}

function readTimestamp(r: Reader, end: number): Date {
  const { seconds, nanos } = r.secondsNanos(end);
  const ms = seconds * 1000 + Math.floor(nanos / 1_000_000);
  const below = nanos % 1_000_000;
  return below === 0 ? new Date(ms) : new NanoDate(ms, below);
}
