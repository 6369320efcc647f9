/**
 * The host's typed value model: what structured payloads, metadata values and
 * component configs are made of. It mirrors the wire contract's `Value`:
 *
 * | wire kind       | model                                         |
 * |-----------------|-----------------------------------------------|
 * | null_value      | `null`                                        |
 * | string_value    | `string`                                      |
 * | integer_value   | `number` when a safe integer, else `bigint`   |
 * | double_value    | `number` when non-integral (or NaN/Infinity), |
 * |                 | `Double` when whole-valued (2.0)              |
 * | bool_value      | `boolean`                                     |
 * | timestamp_value | `Date`; `NanoDate` when it has sub-ms nanos   |
 * | bytes_value     | `Uint8Array`                                  |
 * | struct_value    | plain object                                  |
 * | list_value      | array                                         |
 *
 * A JS number cannot tell 2 from 2.0, so a whole-valued double is boxed in a
 * `Double` wherever one enters (the wire, JSON text `2.0`, YAML `2.0`, a float
 * field of a plugin, Bloblang `2.0`) and leaves as a double again. A plain
 * integral number is an integer. proto/README.md has the full table.
 */
export type Value =
  | null
  | string
  | number
  | bigint
  | boolean
  | Double
  | Date
  | Uint8Array
  | Value[]
  | { [key: string]: Value };

export type StructValue = { [key: string]: Value };

/**
 * A whole-valued double (2.0, -0.0, 1e3): kept apart from the integer 2 so it
 * travels as `double_value`. Arithmetic and comparisons see its number through
 * `valueOf`; JSON writes it as a number.
 */
export class Double {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
}

/** A double as the model holds it: a `Double` when whole-valued, else the number itself. */
export function double(n: number): number | Double {
  return Number.isInteger(n) ? new Double(n) : n;
}

/** The number of an int or a double (a bigint stays exact). */
export function numeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof Double) return v.value;
  return undefined;
}

/**
 * A timestamp with nanosecond precision: a Date (milliseconds) plus the
 * nanoseconds below the millisecond (0-999999), so a timestamp that crosses
 * the host keeps every digit it came with.
 */
export class NanoDate extends Date {
  constructor(ms: number, readonly subMsNanos: number) {
    super(ms);
  }
  /** RFC 3339 with as many fraction digits as needed (Go's RFC3339Nano). */
  override toJSON(): string {
    return rfc3339Nano(this);
  }
}

/** Nanoseconds within the second of a Date or NanoDate (0-999999999). */
export function nanosOf(d: Date): number {
  const ms = d.getTime();
  const withinSecond = ms - Math.floor(ms / 1000) * 1000;
  return withinSecond * 1_000_000 + (d instanceof NanoDate ? d.subMsNanos : 0);
}

/** Go's RFC3339Nano: trailing zeros of the fraction dropped, no fraction for a whole second. */
export function rfc3339Nano(d: Date): string {
  if (!Number.isFinite(d.getTime())) return 'null';
  const iso = d.toISOString();
  const fraction = String(nanosOf(d)).padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

export function isStruct(v: unknown): v is StructValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Double);
}

/** The type name used in error messages and by the expression language's `type()`. */
export function typeOf(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Double) return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'timestamp';
  if (Array.isArray(v)) return 'array';
  return 'object';
}


export const textEncoder = new TextEncoder();
export const textDecoder = new TextDecoder();

/** A deep structural equality over Values, used by tests and the expression language. */
export function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && (typeof x === typeof y ? x === y : Number(x) === Number(y));
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime() && nanosOf(a) === nanosOf(b);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  }
  if (Array.isArray(b) || b instanceof Date || b instanceof Uint8Array || a instanceof Double || b instanceof Double) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
}
