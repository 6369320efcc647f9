import type { Batch, Message } from '../core/message.js';
import { toJSON } from '../core/json.js';
import { type Value, typeOf, textDecoder, Double, NanoDate, rfc3339Nano } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';

/**
 * What `deleted()` and `nothing()` evaluate to. They are not values: an
 * assignment of DELETED removes its target (the whole message for root), an
 * assignment of NOTHING (an `if` without `else` that did not match) is skipped.
 */
export class Sentinel {
  constructor(readonly name: 'deleted' | 'nothing') {
    Object.freeze(this);
  }
}
export const DELETED = new Sentinel('deleted');
export const NOTHING = new Sentinel('nothing');

/** What an expression evaluates to. */
export type Result = Value | Sentinel;

/** A compiled expression: a closure over its sub-expressions. */
export type Eval = (c: Ctx) => Result;

const UNSET: unique symbol = Symbol('unset');

/** A lambda parameter binding: a short linked list, innermost first. */
export interface Scope {
  readonly name: string;
  readonly value: Result;
  readonly parent: Scope | undefined;
}

/** What a mapping is building: the new document and the new metadata. */
export interface Output {
  root: Result;
  meta: Map<string, Value>;
  /** Containers this run created and nobody else has seen, which assignments may change in place. */
  owned: Set<object> | undefined;
}

/**
 * The evaluation context of one message. `this` is loaded lazily: most
 * queries about metadata never parse the payload.
 */
export class Ctx {
  readonly batch: Batch;
  readonly index: number;
  private self: Result | typeof UNSET;
  scope: Scope | undefined;
  vars: Map<string, Result> | undefined;
  out: Output | undefined;

  constructor(batch: Batch, index: number) {
    this.batch = batch;
    this.index = index;
    this.self = UNSET;
    this.scope = undefined;
    this.vars = undefined;
    this.out = undefined;
  }

  get msg(): Message {
    const m = this.batch[this.index];
    if (m === undefined) throw new ExprRuntimeError(`message index ${this.index} is outside the batch (size ${this.batch.length})`);
    return m;
  }

  /** `this`: the current context value, by default the message's structured payload. */
  current(): Result {
    if (this.self === UNSET) this.self = structuredOf(this.msg);
    return this.self;
  }

  /** A context with `this` rebound (match subjects, map_each elements, `.(...)` blocks). */
  withThis(v: Result): Ctx {
    const c = this.derive(this.batch, this.index);
    c.self = v;
    return c;
  }

  withParam(name: string, v: Result): Ctx {
    const c = this.derive(this.batch, this.index);
    c.self = this.self;
    c.scope = { name, value: v, parent: this.scope };
    return c;
  }

  /** The same evaluation seen from another message of the batch (`from`). */
  atIndex(index: number): Ctx {
    return this.derive(this.batch, index);
  }

  private derive(batch: Batch, index: number): Ctx {
    const c = new Ctx(batch, index);
    c.scope = this.scope;
    c.vars = this.vars;
    c.out = this.out;
    return c;
  }
}

export function structuredOf(m: Message): Value {
  try {
    return m.structured();
  } catch (err) {
    throw new ExprRuntimeError((err as Error).message);
  }
}

export function kindOf(v: Result | undefined): string {
  if (v instanceof Sentinel) return v.name;
  return typeOf(v);
}

/** A short rendering of a value for error messages. */
export function show(v: Result): string {
  if (v instanceof Sentinel) return `${v.name}()`;
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : v instanceof Uint8Array ? JSON.stringify(textDecoder.decode(v)) : toJSON(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function typeError(expected: string, v: Result, what?: string): ExprRuntimeError {
  return new ExprRuntimeError(`${what ? `${what}: ` : ''}expected ${expected} value, got ${kindOf(v)}${v === null || v instanceof Sentinel ? '' : ` (${show(v)})`}`);
}

export function isObject(v: Result | undefined): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !(v instanceof Sentinel) && !(v instanceof Double);
}

/** Reads an own field only: paths never reach prototypes (`__proto__`, `constructor`). */
export function getField(v: Result, name: string): Value {
  if (isObject(v)) return Object.hasOwn(v, name) ? (v[name] as Value) : null;
  if (Array.isArray(v)) {
    const i = arrayIndex(name, v.length);
    return i === undefined ? null : (v[i] as Value);
  }
  return null;
}

function arrayIndex(name: string, len: number): number | undefined {
  if (!/^-?\d+$/.test(name)) return undefined;
  let i = Number(name);
  if (i < 0) i += len;
  return i >= 0 && i < len ? i : undefined;
}

/** Sets an own field, so a key named `__proto__` is data, never the prototype. */
export function setField(o: { [key: string]: Value }, key: string, v: Value): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/**
 * A shallow copy with own data properties only. Not `{ ...o }`: V8 gives
 * spread copies maps that make every later added property slow (8x in the
 * mapping benchmark); not Object.assign, which would run a `__proto__` setter.
 */
export function copyObject(o: { [key: string]: Value }): { [key: string]: Value } {
  const c: { [key: string]: Value } = {};
  for (const k of Object.keys(o)) setField(c, k, o[k] as Value);
  return c;
}

/** A value that may be stored (not a sentinel). */
export function asValue(v: Result, what: string): Value {
  if (v instanceof Sentinel) throw new ExprRuntimeError(`${what}: ${v.name}() is not a value here`);
  return v;
}

export function asString(v: Result, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return textDecoder.decode(v);
  throw typeError('string', v, what);
}

export function asNumber(v: Result, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Double) return v.value;
  throw typeError('number', v, what);
}

export function asInt(v: Result, what: string): number {
  const n = asNumber(v, what);
  if (!Number.isInteger(n)) throw typeError('integer', v, what);
  return n;
}

export function asBool(v: Result, what: string): boolean {
  if (typeof v === 'boolean') return v;
  throw typeError('bool', v, what);
}

/** How a value reads as text: strings and bytes raw, everything else as JSON. */
export function toText(v: Result): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return textDecoder.decode(v);
  if (v instanceof Sentinel) return 'null';
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Double) return numberText(v.value);
  if (v instanceof NanoDate) return rfc3339Nano(v);
  if (v instanceof Date) return v.toISOString();
  return toJSON(v);
}

export function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? 'Inf' : n < 0 ? '-Inf' : 'NaN';
}
