/**
 * The host's typed value model: what structured payloads, metadata values and
 * component configs are made of. It mirrors the wire contract's `Value`:
 *
 * | wire kind       | model                                         |
 * |-----------------|-----------------------------------------------|
 * | null_value      | `null`                                        |
 * | string_value    | `string`                                      |
 * | integer_value   | `number` when a safe integer, else `bigint`   |
 * | double_value    | `number` (non-integral, or NaN/Infinity)      |
 * | bool_value      | `boolean`                                     |
 * | timestamp_value | `Date`                                        |
 * | bytes_value     | `Uint8Array`                                  |
 * | struct_value    | plain object                                  |
 * | list_value      | array                                         |
 *
 * Like JSON, an integral double (2.0) is encoded as an integer.
 */
export type Value =
  | null
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | Value[]
  | { [key: string]: Value };

export type StructValue = { [key: string]: Value };

export function isStruct(v: unknown): v is StructValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** The type name used in error messages and by the expression language's `type()`. */
export function typeOf(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'timestamp';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** JSON.stringify that also handles bigint, bytes (as text) and dates (RFC 3339). */
export function toJSON(v: Value): string {
  return JSON.stringify(v, jsonReplacer);
}

function jsonReplacer(this: unknown, _key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return textDecoder.decode(v);
  // Date has toJSON, so JSON.stringify already turned it into an ISO string.
  return v;
}

export const textEncoder = new TextEncoder();
export const textDecoder = new TextDecoder();

/** A deep structural equality over Values, used by tests and the expression language. */
export function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return Number(a) === Number(b);
  }
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  }
  if (Array.isArray(b) || b instanceof Date || b instanceof Uint8Array) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
}
