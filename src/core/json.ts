import { parse as parseLossless } from 'lossless-json';
import { Double, double, rfc3339Nano, type Value } from './value.js';

/*
 * JSON text <-> Value, the way Redpanda Connect reads and writes it: a number
 * written with a fraction or exponent (`2.0`, `1e3`) is a double, one without
 * is an integer kept exact (a bigint beyond 2^53); bytes are written as base64,
 * timestamps as RFC 3339 with nanoseconds, big integers digit for digit.
 */

// Text that cannot hold a whole-valued double or an integer beyond 2^53 parses
// with the native parser; anything else goes through the lossless one.
const NEEDS_LOSSLESS = /\d[.eE]|\d{16}/;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function parseNumber(text: string): number | bigint | Double {
  if (/[.eE]/.test(text)) return double(Number(text));
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(text);
  // Beyond int64/uint64 Connect reads the number as a double.
  return big >= INT64_MIN && big <= UINT64_MAX ? big : double(n);
}

/** Parses JSON text into a Value; throws a SyntaxError-like Error on bad JSON. */
export function parseJSON(text: string): Value {
  if (!NEEDS_LOSSLESS.test(text)) return JSON.parse(text) as Value;
  return parseLossless(text, null, parseNumber) as Value;
}

/** Serialises a Value as JSON (Connect's form); `indent` pretty-prints like JSON.stringify. */
export function toJSON(v: Value | undefined, indent = ''): string {
  return write(v, indent, '\n');
}

function write(v: Value | undefined, indent: string, nl: string): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v instanceof Double) return JSON.stringify(v.value);
  if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? `"${rfc3339Nano(v)}"` : 'null';
  const inner = indent ? nl + indent : '';
  const sep = indent ? ': ' : ':';
  const parts: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) parts.push(write(item, indent, inner));
    return parts.length === 0 ? '[]' : `[${inner}${parts.join(`,${inner}`)}${indent ? nl : ''}]`;
  }
  for (const key of Object.keys(v)) {
    const item = v[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}${sep}${write(item, indent, inner)}`);
  }
  return parts.length === 0 ? '{}' : `{${inner}${parts.join(`,${inner}`)}${indent ? nl : ''}}`;
}
